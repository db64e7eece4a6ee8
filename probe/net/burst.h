// Many UDP flows at once: a burst of queries from fresh sockets (how many new flows a stateful box
// lets through) and a closed-loop load (queries per second and latency through a device).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "probe/net/socket.h"
#include "probe/wire/wire.h"

namespace dnspath::net {

// One flow of a burst: the source port it left from and whether an answer came back.
struct BurstReply {
    std::uint16_t local_port = 0;
    bool answered = false;
    wire::Bytes answer;
};

// Hands out the source ports of one run's flows, each once: from 1024 up to the kernel's
// ephemeral range (net.ipv4.ip_local_port_range, which it hands to other sockets), past it to
// 65535, then the range itself. A flow's socket is closed between rounds, so only this keeps two
// sets of flows (the sessions ramp, its paced flows, the mapping timeout) off each other's ports,
// and so off each other's NAT entries.
class PortAllocator {
public:
    explicit PortAllocator(std::uint64_t seed);
    std::optional<std::uint16_t> next();  // nullopt once every port was handed out

private:
    std::uint32_t handed_out_ = 0, start_ = 0;
    std::uint16_t low_ = 32768, high_ = 60999;
};

// UDP flows kept between rounds: each flow is a source port of its own, so a query sent on it later
// reuses whatever mapping a NAT or balancer made for it. A flow's socket is open only while an
// exchange on it waits, so the flows are not limited by the open-file limit, only each round is.
class FlowSet {
public:
    // With `ports`: each flow's port from it, checked free (about 36,000 outside the ephemeral
    // range), its socket open only during exchanges: as many flows as ports, for a state-table
    // ramp. Without: kernel-chosen ports, every socket held while the set lives (few flows).
    static Result<FlowSet> open(const Endpoint& server, std::size_t flows, PortAllocator* ports = nullptr);
    // Adds `flows` more to the set (a state-table ramp grows one set round by round).
    Result<void> grow(const Endpoint& server, std::size_t flows);
    std::size_t size() const { return sockets_.size(); }
    std::uint16_t local_port(std::size_t flow) const { return ports_[flow]; }

    // One query to send on one flow.
    struct Send {
        std::size_t flow = 0;
        wire::Bytes query;
    };
    // Sends the queries in order, `gap` apart (zero: at once), and collects the answers matching
    // each query's DNS id on its flow until `wait` after the last send, or until none is pending.
    // One reply per query, in order.
    // `enough`, when given, is asked at least every 100 ms once all are sent: true ends the wait
    // (a mapping-timeout run stops once its answer is clear, not at the longest delay).
    Result<std::vector<BurstReply>> exchange(const std::vector<Send>& queries, std::chrono::microseconds gap,
                                             std::chrono::milliseconds wait,
                                             const std::function<bool(const std::vector<BurstReply>&)>& enough = {});

private:
    explicit FlowSet(PortAllocator* ports) : ports_in_use_(ports) {}
    Result<void> open_sockets(const std::vector<Send>& queries);
    void close_sockets();

    Endpoint server_;
    Fd epoll_;  // the open flows' sockets, each flow's index as the event's data
    std::vector<Fd> sockets_;  // per flow: open only during an exchange that sends on it
    std::vector<std::uint16_t> ports_;
    PortAllocator* ports_in_use_;  // the run's (the session owns it), or null: kernel-chosen ports
};

// Raises this process's open-file limit as far as it may (a state-table ramp holds one socket per
// flow); called while the capability to raise the hard limit is still held.
void raise_open_file_limit();
// How many more sockets this process may open, keeping some for taps, files and other probes.
std::size_t open_file_headroom();

struct LoadOptions {
    int sockets = 8;              // flows the load is spread over (an L4 balancer spreads flows, not queries)
    int outstanding = 64;         // queries in flight at any time
    std::chrono::milliseconds duration{2000};
    std::chrono::milliseconds timeout{500};  // a query unanswered this long counts as lost
    std::uint16_t first_source_port = 0;     // bind sockets to first..first+sockets-1 (0: any)
};

struct LoadFigures {
    std::uint64_t sent = 0, answered = 0, lost = 0;
    double seconds = 0;
    std::vector<double> latencies_ms;  // of the answered queries, sorted
    double queries_per_second() const { return seconds > 0 ? static_cast<double>(answered) / seconds : 0; }
    double percentile_ms(double fraction) const;
};

// Closed-loop load: keeps `outstanding` copies of `query` (DNS id rewritten per copy) in flight.
Result<LoadFigures> udp_load(const Endpoint& server, wire::ByteView query, const LoadOptions& options);

}  // namespace dnspath::net
