// Correlation and attribution: find each probe's query and answer at every tap (by the probe id in
// the query name, so NAT and proxies that rewrite addresses, ports and DNS ids do not hide it;
// IP fragments reassembled per tap, TCP per flow), then blame the first segment of the path where
// a message went missing or changed on the device between those two taps.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "capture/tap.h"
#include "probe/wire/wire.h"
#include "probe/model/model.h"

namespace dnspath::capture {

// The packet codec lives in probe/wire (the one place bytes are parsed); capture reads with it.
using wire::Address;
using wire::IpAddress;
using wire::Packet;
using wire::Transport;
using wire::dissect;
using wire::dissect_ip;
namespace link_type = wire::link_type;

// One DNS message of a probe as one tap saw it (kept small: a long capture holds millions).
struct Sighting {
    std::uint64_t frame = 0;  // the frame that completed it (the last fragment or segment)
    std::uint32_t dns_size = 0;
    std::uint16_t udp_size = 0;
    std::uint16_t rrsigs = 0;
    std::uint16_t fragments = 1;
    std::uint16_t dns_id = 0;  // a proxy that re-originates the query picks a new one
    std::uint32_t fragment_id = 0;  // the IP fragment id, when it came in fragments
    std::uint16_t options = 0;  // EDNS options present (capture/dns_scan.h option_bit)
    // capture/dns_scan.h name_hash of the question name, without and with its letter case (a
    // retry asks another name under the same DNS id: r<n>)
    std::uint16_t name = 0, name_case = 0;
    std::uint8_t header_bits = 0;  // AD, CD, Z (capture/dns_scan.h header_bit_*)
    std::uint8_t rcode = 0;        // the header's RCODE
    std::uint8_t ttl = 0;      // IP TTL or hop limit as seen here (of the last fragment or segment)
    bool answer = false;
    bool tcp = false;
    bool tc = false;
    bool opt = false;
    bool dnssec_ok = false;
    bool partial = false;      // a fragmented datagram whose later fragments never came here
    Address source;            // as seen at this tap (a NAT changes it)
    Address destination;       // (a load balancer's DNAT or an interception changes it)
};

// An ICMP error a tap saw about a probe's packet (read from the packet it quotes): a router saying
// the packet was too big, its TTL ran out, or it was refused.
struct IcmpSighting {
    enum class Kind { too_big, time_exceeded, unreachable };
    std::string probe_id;
    Kind kind = Kind::unreachable;
    bool about_answer = false;  // the quoted packet is an answer (toward the probe)
    int mtu = 0;                // too_big: the MTU the router named
    int code = 0;
    std::uint64_t frame = 0;
    IpAddress from;             // the router that sent it
};

// A TCP connection's handshake as one tap saw it, keyed by the client's initial sequence number,
// which NAT keeps (ports and addresses it does not).
struct TcpHandshake {
    std::uint64_t syn_frame = 0, syn_ack_frame = 0, reset_frame = 0;
};

// How capture finds a probe's messages: its probe id when the name carries one, else "#<DNS id>".
std::string capture_key(const model::ProbeRecord& probe);

// Lets a probe-id map be searched with a string_view, so reading a capture builds no key strings.
struct ProbeIdHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view id) const { return std::hash<std::string_view>{}(id); }
};

struct TapSightings {
    std::string tap;
    bool lost_packets = false;
    std::uint64_t kernel_drops = 0, interface_drops = 0;  // a saved pcapng's counts (its statistics block)
    std::size_t frames = 0;
    std::size_t undecodable = 0;  // DNS-port payloads that did not decode (counted, never fatal)
    std::size_t malformed = 0;    // frames whose link, IP or transport headers did not parse
    // Reassembly that ran out of room: the fragment table emptied while full, a TCP stream's
    // buffer dropped. What the tap missed then blames nobody (finding tap-overflow).
    std::size_t fragment_overflows = 0, stream_overflows = 0;
    std::unordered_set<std::string> overflowed_probes;   // probe keys whose fragments were thrown away
    std::unordered_set<std::string> overflowed_clients;  // "address:port" of TCP clients whose stream was
    // Every probe message in the order seen (a deque: it grows without moving what it holds), and
    // each probe id's messages as indices into it.
    std::deque<Sighting> messages;
    std::unordered_map<std::string, std::vector<std::uint32_t>, ProbeIdHash, std::equal_to<>> by_probe;
    std::unordered_multimap<std::string, IcmpSighting> icmp_by_probe;
    std::unordered_map<std::uint32_t, TcpHandshake> handshakes;  // by the client's ISN
    std::map<std::string, std::uint32_t> isn_by_client;          // "address:port" of a SYN's sender → ISN
    // Fragment ids of datagrams whose later fragments came here without the first: a filter on
    // the UDP header (which only the first fragment carries) let the rest through.
    std::unordered_set<std::uint32_t> orphan_fragment_ids;
};

// Reads one tap's frames as they come (a file streamed, or a live capture afterwards) and keeps
// only what correlation needs, so a capture is never held in memory twice.
class TapObserver {
public:
    // Messages about names below `zone` are kept under their probe id; messages about one of
    // `names` (a real server's, in target mode) under "#<DNS id>".
    TapObserver(std::string tap, const wire::Name& zone, int link_type, const std::vector<wire::Name>& names = {});
    TapObserver(TapObserver&&) noexcept;
    TapObserver& operator=(TapObserver&&) noexcept;
    ~TapObserver();
    // Reads one frame; returns the probe it belongs to (its id, or "#<DNS id>"), "" for none —
    // valid until the next call. A fragment is known by its datagram's first fragment.
    std::string_view add(std::uint64_t frame_number, wire::ByteView frame);
    TapSightings finish(bool lost_packets);

private:
    struct State;
    std::unique_ptr<State> state_;
};

// Every probe message a tap saw. Only names below `zone`, and `names`, count.
TapSightings observe(const TapCapture& capture, const wire::Name& zone, const std::vector<wire::Name>& names = {});
// The same straight from a pcap or pcapng file, streamed (offline analysis).
Result<TapSightings> observe_file(const std::string& tap, const std::string& path, const wire::Name& zone,
                                  const std::vector<wire::Name>& names = {});
// The names a run asked about that carry no probe id (target mode, the zone apex), read from its
// probe records: capture follows those by DNS id.
std::vector<wire::Name> names_without_probe_id(const std::vector<model::ProbeRecord>& probes);

// A device on the path and its two taps (probe side, server side); either may be missing.
struct DeviceTaps {
    std::string device;
    std::optional<std::size_t> in;   // index into the sightings list
    std::optional<std::size_t> out;
};

// What the taps show about each probe of `probes` (a run's records), as typed findings in path
// order: the rules of docs/architecture.md "Attribution rules", one function each. `taps` holds
// the sightings of every tap named in `path`. Verdicts are not touched: probe/judge reads these.
std::vector<model::CaptureFinding> attribute(const std::vector<DeviceTaps>& path, const std::vector<TapSightings>& taps,
                                             const std::vector<model::ProbeRecord>& probes);

}  // namespace dnspath::capture
