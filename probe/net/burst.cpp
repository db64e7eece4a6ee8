#include "probe/net/burst.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <optional>
#include <cerrno>
#include <cstdio>
#include <tuple>

namespace dnspath::net {
namespace {

// A UDP socket connected to `server`, from `source_port` when not 0: shared with other sockets
// (SO_REUSEADDR, the load kind's fixed ports) or, for a flow of a FlowSet, this socket's alone.
Result<Fd> open_udp(const Endpoint& server, std::uint16_t source_port, bool shared_port = true) {
    Fd socket(::socket(server.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!socket.valid()) return fail_os("socket", "socket", errno);
    if (source_port != 0) {
        int on = 1;
        if (shared_port) ::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        Endpoint local;
        local.storage.ss_family = static_cast<sa_family_t>(server.family());
        if (server.is_ipv6()) {
            auto* v6 = reinterpret_cast<sockaddr_in6*>(&local.storage);
            v6->sin6_port = htons(source_port);
            local.length = sizeof(sockaddr_in6);
        } else {
            auto* v4 = reinterpret_cast<sockaddr_in*>(&local.storage);
            v4->sin_port = htons(source_port);
            local.length = sizeof(sockaddr_in);
        }
        if (::bind(socket.get(), local.sockaddr_ptr(), local.length) != 0)
            return fail_os("bind to port " + std::to_string(source_port), "bind", errno);
    }
    if (::connect(socket.get(), server.sockaddr_ptr(), server.length) != 0)
        return fail_os("connect " + server.to_string(), "connect", errno);
    return socket;
}

// Whether the socket call that just failed met the open-file limit (read at once, before errno changes).
bool out_of_files() { return errno == EMFILE || errno == ENFILE; }
constexpr const char* kOutOfFiles = "the open-file limit (ulimit -n) is reached";

std::uint16_t local_port_of(const Fd& socket) {
    Endpoint local;
    local.length = sizeof local.storage;
    if (::getsockname(socket.get(), local.sockaddr_ptr(), &local.length) != 0) return 0;
    return local.port();
}

std::uint16_t dns_id(wire::ByteView message) {
    return message.size() >= 2 ? static_cast<std::uint16_t>(message[0] << 8 | message[1]) : 0;
}

}  // namespace

// The kernel's ephemeral port range (net.ipv4.ip_local_port_range), which it hands to other
// sockets: a flow's port is chosen outside it first, so a port let go between rounds stays free.
std::pair<std::uint16_t, std::uint16_t> ephemeral_range() {
    unsigned low = 32768, high = 60999;
    if (FILE* file = std::fopen("/proc/sys/net/ipv4/ip_local_port_range", "r")) {
        if (std::fscanf(file, "%u %u", &low, &high) != 2) low = 32768, high = 60999;
        std::fclose(file);
    }
    return {static_cast<std::uint16_t>(std::clamp(low, 1024u, 65535u)), static_cast<std::uint16_t>(std::clamp(high, 1024u, 65535u))};
}

void raise_open_file_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    rlimit raised{std::max<rlim_t>(limit.rlim_max, 1 << 18), std::max<rlim_t>(limit.rlim_max, 1 << 18)};
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) return;
    limit.rlim_cur = limit.rlim_max;  // without CAP_SYS_RESOURCE: as far as the hard limit
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

std::size_t open_file_headroom() {
    constexpr std::size_t kReserve = 256;
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 1 << 20;
    std::error_code error;
    std::size_t open = 0;
    for (auto it = std::filesystem::directory_iterator("/proc/self/fd", error); !error && it != std::filesystem::directory_iterator();
         it.increment(error))
        ++open;
    const std::size_t used = open + kReserve;
    return limit.rlim_cur > used ? static_cast<std::size_t>(limit.rlim_cur) - used : 0;
}

Result<FlowSet> FlowSet::open(const Endpoint& server, std::size_t flows, PortAllocator* ports) {
    FlowSet set(ports);
    set.server_ = server;
    set.epoll_ = Fd(::epoll_create1(EPOLL_CLOEXEC));
    if (!set.epoll_.valid()) return fail_os("epoll", "epoll_create1", errno);
    DNSPATH_TRY_VOID(set.grow(server, flows));
    return set;
}

PortAllocator::PortAllocator(std::uint64_t seed) {
    std::tie(low_, high_) = ephemeral_range();
    start_ = static_cast<std::uint32_t>(seed % (low_ - 1024u + 65535u - high_));
}

std::optional<std::uint16_t> PortAllocator::next() {
    const std::uint32_t below = low_ - 1024u, above = 65535u - high_, inside = high_ - low_ + 1u;
    if (handed_out_ >= below + above + inside) return std::nullopt;
    // From a point of the run's own outside the ephemeral range, round it, then inside it: a NAT
    // keeps an earlier run's entries for minutes, and a port reused would join the old entry (not
    // a new one, nor the NAT rules made since), so small ramps in a row seldom meet.
    const std::uint32_t count = handed_out_++;
    const std::uint32_t index = count < below + above ? (start_ + count) % (below + above) : count;
    if (index < below) return static_cast<std::uint16_t>(1024u + index);
    if (index < below + above) return static_cast<std::uint16_t>(high_ + 1u + (index - below));
    if (index < below + above + inside) return static_cast<std::uint16_t>(low_ + (index - below - above));
    return std::nullopt;
}

Result<void> FlowSet::grow(const Endpoint& server, std::size_t flows) {
    server_ = server;
    if (ports_in_use_ == nullptr) {
        // Kernel-chosen ports, each socket held as long as the set: no port of an earlier run.
        for (std::size_t i = 0; i < flows; ++i) {
            DNSPATH_TRY(Fd socket, open_udp(server, 0));
            epoll_event event{EPOLLIN, {.u64 = sockets_.size()}};
            if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, socket.get(), &event) != 0) return fail_os("epoll_ctl", "epoll_ctl", errno);
            ports_.push_back(local_port_of(socket));
            sockets_.push_back(std::move(socket));
        }
        return Ok{};
    }
    // Each flow gets a port of its own, checked free now; its socket is opened only while a query
    // on it waits for its answer, so a table of more flows than this process may hold files for
    // can be filled round by round (the NAT keeps the entry, not the socket).
    for (std::size_t i = 0; i < flows; ++i) {
        for (;;) {
            const auto port = ports_in_use_->next();
            if (!port) return fail("no free UDP port left for flow " + std::to_string(ports_.size() + 1));
            auto probe = open_udp(server, *port, false);
            if (probe) {
                ports_.push_back(*port);
                sockets_.emplace_back();
                break;
            }
            if (out_of_files()) return fail("cannot open flow " + std::to_string(ports_.size() + 1) + ": " + kOutOfFiles);
        }
    }
    return Ok{};
}

// Opens the sockets of the flows `queries` are sent on; a flow whose port another socket took
// meanwhile stays closed (its query is then lost, as its entry would be).
Result<void> FlowSet::open_sockets(const std::vector<Send>& queries) {
    for (const auto& one : queries) {
        if (one.flow >= ports_.size()) return fail("flow " + std::to_string(one.flow) + " is not open");
        if (sockets_[one.flow].valid()) continue;
        auto socket = open_udp(server_, ports_[one.flow], false);
        if (!socket) {
            if (out_of_files()) return fail("cannot open flow " + std::to_string(one.flow + 1) + ": " + kOutOfFiles);
            continue;
        }
        epoll_event event{EPOLLIN, {.u64 = one.flow}};
        if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, socket->get(), &event) != 0) return fail_os("epoll_ctl", "epoll_ctl", errno);
        sockets_[one.flow] = std::move(socket).value();
    }
    return Ok{};
}

void FlowSet::close_sockets() {
    if (ports_in_use_ == nullptr) return;  // held for the set's life
    for (auto& socket : sockets_) socket = Fd();  // closing a socket takes it out of the epoll set
}

Result<std::vector<BurstReply>> FlowSet::exchange(const std::vector<Send>& queries, std::chrono::microseconds gap,
                                                  std::chrono::milliseconds wait,
                                                  const std::function<bool(const std::vector<BurstReply>&)>& enough) {
    DNSPATH_TRY_VOID(open_sockets(queries));
    // Whatever happens, the sockets close with the exchange: only the ports stay the flows'.
    struct Closer {
        FlowSet& set;
        ~Closer() { set.close_sockets(); }
    } closer{*this};
    std::vector<BurstReply> replies(queries.size());
    std::vector<std::vector<std::size_t>> sent_on(sockets_.size());  // each flow's queries sent so far
    std::size_t sent = 0, pending = 0;
    auto next_send = Clock::now();
    auto deadline = next_send + wait;
    std::vector<std::uint8_t> buffer(65536);
    std::array<epoll_event, 256> events{};
    while (sent < queries.size() || pending > 0) {
        // Every query due by now leaves (a gap under the loop's own time keeps its average pace).
        for (auto now = Clock::now(); sent < queries.size() && now >= next_send; now = Clock::now()) {
            const auto& one = queries[sent];
            if (one.flow >= sockets_.size()) return fail("flow " + std::to_string(one.flow) + " is not open");
            replies[sent].local_port = ports_[one.flow];
            // A send that fails (a full neighbour queue, a flow whose port was taken) leaves the
            // query unanswered, which is what it is.
            if (sockets_[one.flow].valid()) (void)::send(sockets_[one.flow].get(), one.query.data(), one.query.size(), 0);
            sent_on[one.flow].push_back(sent);
            ++sent;
            ++pending;
            next_send += gap;
            deadline = now + wait;
        }
        auto until = sent < queries.size() ? std::min(next_send, deadline) : deadline;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
        if (sent == queries.size() && (left <= 0 || (enough && enough(replies)))) break;
        if (enough) left = std::min<long>(left, 100);
        int ready = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()),
                                 static_cast<int>(std::max<long>(left, 0)));
        if (ready < 0 && errno != EINTR) return fail_os("epoll_wait", "epoll_wait", errno);
        for (int e = 0; e < ready; ++e) {
            const std::size_t flow = events[static_cast<std::size_t>(e)].data.u64;
            for (;;) {  // every datagram waiting on this flow
                ssize_t got = ::recv(sockets_[flow].get(), buffer.data(), buffer.size(), 0);
                if (got < 0 && errno == EAGAIN) break;
                if (got <= 0) continue;  // an ICMP error (refused) is not an answer
                wire::ByteView reply(buffer.data(), static_cast<std::size_t>(got));
                for (std::size_t i : sent_on[flow])
                    if (!replies[i].answered && dns_id(reply) == dns_id(queries[i].query)) {
                        replies[i].answered = true;
                        replies[i].answer.assign(reply.begin(), reply.end());
                        --pending;
                        break;
                    }
            }
        }
    }
    return replies;
}

double LoadFigures::percentile_ms(double fraction) const {
    if (latencies_ms.empty()) return 0;
    auto index = static_cast<std::size_t>(fraction * static_cast<double>(latencies_ms.size() - 1));
    return latencies_ms[index];
}

namespace {

constexpr std::size_t kLoadBatch = 32;  // datagrams per sendmmsg / recvmmsg

// The closed loop's bookkeeping: which DNS ids are in flight and since when, oldest first.
class InFlight {
public:
    InFlight() : sent_at_(65536), flying_(65536, false) {}
    // The next free id (ids cycle through 65536, far more than are ever in flight).
    std::uint16_t take() {
        while (flying_[next_]) ++next_;
        return next_++;
    }
    void sent(std::uint16_t id, Clock::time_point at) {
        flying_[id] = true;
        sent_at_[id] = at;
        order_.push_back(id);
        ++count_;
    }
    // The latency of an answer to an id in flight, or nothing (a late or foreign answer).
    std::optional<double> answered(std::uint16_t id, Clock::time_point at) {
        if (!flying_[id]) return std::nullopt;
        flying_[id] = false;
        --count_;
        return std::chrono::duration<double, std::milli>(at - sent_at_[id]).count();
    }
    // Drops the queries older than `timeout`, so a lossy device cannot stall the loop; how many.
    std::uint64_t expire(Clock::time_point now, std::chrono::milliseconds timeout) {
        std::uint64_t lost = 0;
        while (oldest_ < order_.size()) {
            auto id = order_[oldest_];
            if (flying_[id] && now - sent_at_[id] < timeout) break;
            if (flying_[id]) {
                flying_[id] = false;
                --count_;
                ++lost;
            }
            ++oldest_;
        }
        return lost;
    }
    int count() const { return count_; }

private:
    std::vector<Clock::time_point> sent_at_;
    std::vector<bool> flying_;
    std::vector<std::uint16_t> order_;
    std::size_t oldest_ = 0;
    std::uint16_t next_ = 1;
    int count_ = 0;
};

// Up to kLoadBatch copies of the query, each with its own id, sent on one socket in one call.
class LoadSender {
public:
    explicit LoadSender(wire::ByteView query) {
        for (auto& copy : copies_) copy.assign(query.begin(), query.end());
    }
    std::size_t send(int fd, std::size_t count, InFlight& flight) {
        count = std::min(count, kLoadBatch);
        std::array<mmsghdr, kLoadBatch> messages{};
        std::array<iovec, kLoadBatch> vectors{};
        std::array<std::uint16_t, kLoadBatch> ids{};
        for (std::size_t i = 0; i < count; ++i) {
            ids[i] = flight.take();
            copies_[i][0] = static_cast<std::uint8_t>(ids[i] >> 8);
            copies_[i][1] = static_cast<std::uint8_t>(ids[i]);
            vectors[i] = {copies_[i].data(), copies_[i].size()};
            messages[i].msg_hdr.msg_iov = &vectors[i];
            messages[i].msg_hdr.msg_iovlen = 1;
        }
        int sent = ::sendmmsg(fd, messages.data(), static_cast<unsigned>(count), 0);
        const auto now = Clock::now();
        for (int i = 0; i < sent; ++i) flight.sent(ids[static_cast<std::size_t>(i)], now);
        return sent > 0 ? static_cast<std::size_t>(sent) : 0;
    }

private:
    std::array<wire::Bytes, kLoadBatch> copies_;
};

// Reads what one socket holds, in batches; the latencies of the answers that were in flight.
class LoadReceiver {
public:
    LoadReceiver() : buffers_(kLoadBatch * kSize) {
        for (std::size_t i = 0; i < kLoadBatch; ++i) {
            vectors_[i] = {buffers_.data() + i * kSize, kSize};
            messages_[i].msg_hdr.msg_iov = &vectors_[i];
            messages_[i].msg_hdr.msg_iovlen = 1;
        }
    }
    LoadReceiver(const LoadReceiver&) = delete;  // the headers point into this object
    LoadReceiver& operator=(const LoadReceiver&) = delete;

    void receive(int fd, InFlight& flight, LoadFigures& figures) {
        while (true) {
            int got = ::recvmmsg(fd, messages_.data(), kLoadBatch, MSG_DONTWAIT, nullptr);
            if (got <= 0) return;
            const auto now = Clock::now();
            for (std::size_t i = 0; i < static_cast<std::size_t>(got); ++i) {
                if (messages_[i].msg_len < 12) continue;
                auto id = dns_id(wire::ByteView(buffers_.data() + i * kSize, messages_[i].msg_len));
                if (auto latency = flight.answered(id, now)) {
                    ++figures.answered;
                    figures.latencies_ms.push_back(*latency);
                }
            }
            if (static_cast<std::size_t>(got) < kLoadBatch) return;
        }
    }

private:
    static constexpr std::size_t kSize = 4096;
    std::vector<std::uint8_t> buffers_;
    std::array<mmsghdr, kLoadBatch> messages_{};
    std::array<iovec, kLoadBatch> vectors_{};
};

}  // namespace

Result<LoadFigures> udp_load(const Endpoint& server, wire::ByteView query, const LoadOptions& options) {
    if (query.size() < 12) return fail("load: the query is shorter than a DNS header");
    std::vector<Fd> sockets;
    std::vector<pollfd> polls;
    for (int i = 0; i < options.sockets; ++i) {
        auto port = options.first_source_port ? static_cast<std::uint16_t>(options.first_source_port + i) : std::uint16_t{0};
        DNSPATH_TRY(Fd socket, open_udp(server, port));
        polls.push_back({socket.get(), POLLIN, 0});
        sockets.push_back(std::move(socket));
    }
    InFlight flight;
    LoadSender sender(query);
    LoadReceiver receiver;
    LoadFigures figures;
    std::size_t next_socket = 0;
    const auto start = Clock::now();
    const auto end = start + options.duration;
    // Fills the window, a batch per flow in turn, so the load stays spread over the flows.
    auto refill = [&] {
        for (int tries = 0; flight.count() < options.outstanding && tries < options.sockets; ++tries) {
            const std::size_t want = static_cast<std::size_t>(options.outstanding - flight.count());
            const std::size_t share = (want + static_cast<std::size_t>(options.sockets) - 1) / static_cast<std::size_t>(options.sockets);
            figures.sent += sender.send(sockets[next_socket++ % sockets.size()].get(), std::max<std::size_t>(share, 1), flight);
        }
    };
    while (true) {
        auto now = Clock::now();
        const bool sending = now < end;
        if (!sending && (flight.count() == 0 || now > end + options.timeout)) break;
        if (sending) refill();
        figures.lost += flight.expire(now, options.timeout);
        int ready = ::poll(polls.data(), polls.size(), 10);
        if (ready < 0 && errno != EINTR) return fail_os("poll", "poll", errno);
        for (auto& entry : polls)
            if (entry.revents & POLLIN) receiver.receive(entry.fd, flight, figures);
    }
    // Queries still in flight at the end were neither answered nor waited out: lost.
    figures.lost += static_cast<std::uint64_t>(flight.count());
    figures.seconds = std::chrono::duration<double>(std::min(Clock::now(), end) - start).count();
    std::sort(figures.latencies_ms.begin(), figures.latencies_ms.end());
    return figures;
}

}  // namespace dnspath::net
