#include "probe/responder/server.h"

#include <algorithm>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <span>
#include <system_error>
#include <thread>
#include <unordered_map>

#include "probe/net/net.h"
#include "probe/responder/answer_trace.h"
#include "probe/responder/open_check.h"

namespace dnspath::responder {
namespace {

using net::Clock;

constexpr std::size_t kMaxTcpClients = 256;
constexpr auto kTcpIdle = std::chrono::seconds(10);
constexpr std::size_t kMaxTrackedSources = 65536;
constexpr std::size_t kBatch = 32;          // datagrams per recvmmsg / sendmmsg
constexpr int kBatchesPerTurn = 4;          // then the TCP clients get their turn
constexpr std::size_t kLimiterShards = 64;  // workers rarely wait for each other's lock
constexpr unsigned kMaxWorkers = 64;
constexpr std::size_t kMaxHeldAnswers = 65536;  // per worker: a mapping-timeout run holds a few hundred

// Token bucket per source address: enough for any probe run, too little to be worth reflecting.
class RateLimiter {
public:
    explicit RateLimiter(int per_second) : rate_(per_second) {}
    bool allow(const std::string& source) {
        auto now = Clock::now();
        // Bounded memory under spoofed floods.
        if (buckets_.size() > kMaxTrackedSources / kLimiterShards) buckets_.clear();
        auto& bucket = buckets_[source];
        if (bucket.last == Clock::time_point{}) bucket = {static_cast<double>(rate_), now};
        double refill = std::chrono::duration<double>(now - bucket.last).count() * rate_;
        bucket.tokens = std::min(static_cast<double>(rate_), bucket.tokens + refill);
        bucket.last = now;
        if (bucket.tokens < 1) return false;
        bucket.tokens -= 1;
        return true;
    }

private:
    struct Bucket {
        double tokens = 0;
        Clock::time_point last{};
    };
    int rate_;
    std::unordered_map<std::string, Bucket> buckets_;
};

// The per-source limit, shared by the workers: SO_REUSEPORT spreads one source's flows over
// several workers' sockets, and the limit is on the source, not on a flow.
class SharedRateLimiter {
public:
    explicit SharedRateLimiter(int per_second) {
        for (auto& shard : shards_) shard = std::make_unique<Shard>(per_second);
    }
    bool allow(const std::string& source) {
        Shard& shard = *shards_[std::hash<std::string>{}(source) % kLimiterShards];
        std::lock_guard lock(shard.mutex);
        return shard.limiter.allow(source);
    }

private:
    struct Shard {
        explicit Shard(int per_second) : limiter(per_second) {}
        std::mutex mutex;
        RateLimiter limiter;
    };
    std::array<std::unique_ptr<Shard>, kLimiterShards> shards_;
};

// What every worker reads and counts into.
// Questions asked of a DNS proxy from outside (open_check.h), each on a thread of its own: they
// wait up to 1.5 s, which a worker must not. Few at once (keyed probes ask one each); a thread
// that cannot start leaves the query unanswered, as a lost one. Joined when the server stops.
class OpenChecks {
public:
    bool start(std::function<void()> work) {
        std::lock_guard lock(mutex_);
        std::erase_if(running_, [](const Running& check) { return check.done->load(); });
        if (running_.size() >= kMaxOpenChecks) return false;
        auto done = std::make_shared<std::atomic<bool>>(false);
        try {
            running_.push_back({done, std::jthread([work = std::move(work), done] { work(); done->store(true); })});
        } catch (const std::system_error&) {
            return false;
        }
        return true;
    }

private:
    static constexpr std::size_t kMaxOpenChecks = 16;
    struct Running {
        std::shared_ptr<std::atomic<bool>> done;
        std::jthread thread;
    };
    std::mutex mutex_;
    std::vector<Running> running_;
};

struct Shared {
    const AnswerConfig& answers;
    bool force_dont_fragment;
    SharedRateLimiter limiter;
    std::atomic<std::size_t>& answered;
    std::atomic<bool> failed{false};
    std::mutex error_mutex;
    std::string error;
    OpenChecks open_checks;  // last: joined first, while what its threads use still stands

    void fail(std::string message) {
        std::lock_guard lock(error_mutex);
        if (error.empty()) error = std::move(message);
        failed = true;
    }
};

struct TcpClient {
    net::Fd fd;
    net::Endpoint peer;
    wire::Bytes buffer;
    Clock::time_point last_activity;
};

// DF on: sent as given (the PMTU cache is ignored, so a too-big answer is lost on the path, which
// is what the probe measures); off: like BIND and Knot, DF clear so routers may fragment.
void set_dont_fragment(int fd, bool ipv6, bool on) {
    if (ipv6) {
        int dontfrag = on ? 1 : 0;
        int mode = on ? IPV6_PMTUDISC_PROBE : IPV6_PMTUDISC_WANT;
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &mode, sizeof mode);
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &dontfrag, sizeof dontfrag);
    } else {
        int mode = on ? IP_PMTUDISC_PROBE : IP_PMTUDISC_DONT;
        ::setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &mode, sizeof mode);
    }
}

std::string bind_hint(int error) {
    return error == EACCES          ? " (ports below 1024 need CAP_NET_BIND_SERVICE: run as root)"
           : error == EADDRNOTAVAIL ? " (no interface here has that address)"
           : error == EADDRINUSE    ? " (another server already listens there)"
                                    : "";
}

Result<net::Fd> bind_socket(const net::Endpoint& endpoint, bool tcp, bool dont_fragment) {
    net::Fd fd(::socket(endpoint.family(), (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd.valid()) return fail("socket: " + net::errno_text(errno));
    int on = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (endpoint.is_ipv6()) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    if (!tcp) {
        // One socket per worker on the same address; the kernel spreads flows by their 4-tuple,
        // so one flow always meets the same worker and its answers keep their order.
        ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
        set_dont_fragment(fd.get(), endpoint.is_ipv6(), dont_fragment);
        // A burst of new flows (the sessions kind: 512 at once, about 768 octets of kernel memory
        // each) overflows the default 208 KiB receive buffer whenever the responder is a moment
        // late, and the drops would read as the path's. 4 MiB, forced when CAP_NET_ADMIN allows
        // (net.core.rmem_max caps the unforced request).
        int bytes = 4 << 20;
        if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0)
            ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
    }
    if (::bind(fd.get(), endpoint.sockaddr_ptr(), endpoint.length) != 0) {
        int error = errno;
        return fail(std::string(tcp ? "TCP" : "UDP") + " bind " + endpoint.to_string() + ": " +
                    net::errno_text(error) + bind_hint(error));
    }
    if (tcp && ::listen(fd.get(), 64) != 0) return fail("listen " + endpoint.to_string() + ": " + net::errno_text(errno));
    return fd;
}

void send_tcp(int fd, const wire::Bytes& answer) {
    wire::Bytes framed{static_cast<std::uint8_t>(answer.size() >> 8), static_cast<std::uint8_t>(answer.size())};
    framed.insert(framed.end(), answer.begin(), answer.end());
    std::size_t sent = 0;
    // Answers are at most 64 KiB; a client that will not take them within a second loses them.
    auto deadline = Clock::now() + std::chrono::seconds(1);
    while (sent < framed.size() && Clock::now() < deadline) {
        ssize_t n = ::send(fd, framed.data() + sent, framed.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            pollfd entry{fd, POLLOUT, 0};
            ::poll(&entry, 1, 100);
        } else {
            return;
        }
    }
}

// One worker's datagrams in and the plain answers queued to leave together.
class UdpBatch {
public:
    UdpBatch() : in_(kBatch, wire::Bytes(65536)) {}

    // Reads up to kBatch datagrams without waiting; how many arrived.
    int receive(int fd) {
        for (std::size_t i = 0; i < kBatch; ++i) {
            in_iov_[i] = {in_[i].data(), in_[i].size()};
            peers_[i].length = sizeof peers_[i].storage;
            in_msgs_[i] = {};
            in_msgs_[i].msg_hdr.msg_name = peers_[i].sockaddr_ptr();
            in_msgs_[i].msg_hdr.msg_namelen = peers_[i].length;
            in_msgs_[i].msg_hdr.msg_iov = &in_iov_[i];
            in_msgs_[i].msg_hdr.msg_iovlen = 1;
        }
        int n = ::recvmmsg(fd, in_msgs_.data(), kBatch, MSG_DONTWAIT, nullptr);
        for (int i = 0; i < n; ++i) peers_[static_cast<std::size_t>(i)].length = in_msgs_[static_cast<std::size_t>(i)].msg_hdr.msg_namelen;
        return n;
    }
    wire::ByteView datagram(std::size_t i) const { return {in_[i].data(), in_msgs_[i].msg_len}; }
    const net::Endpoint& peer(std::size_t i) const { return peers_[i]; }

    void queue(wire::Bytes answer, const net::Endpoint& peer) {
        out_[queued_] = std::move(answer);
        out_peers_[queued_] = peer;
        ++queued_;
    }
    // Sends what is queued, in order; a datagram the kernel will not take is lost, as on a wire.
    void flush(int fd) {
        for (std::size_t i = 0; i < queued_; ++i) {
            out_iov_[i] = {out_[i].data(), out_[i].size()};
            out_msgs_[i] = {};
            out_msgs_[i].msg_hdr.msg_name = out_peers_[i].sockaddr_ptr();
            out_msgs_[i].msg_hdr.msg_namelen = out_peers_[i].length;
            out_msgs_[i].msg_hdr.msg_iov = &out_iov_[i];
            out_msgs_[i].msg_hdr.msg_iovlen = 1;
        }
        std::size_t sent = 0;
        while (sent < queued_) {
            int n = ::sendmmsg(fd, out_msgs_.data() + sent, static_cast<unsigned>(queued_ - sent), 0);
            if (n <= 0) ++sent;  // skip the one that failed (an unreachable peer), keep the rest
            else sent += static_cast<std::size_t>(n);
        }
        queued_ = 0;
    }

private:
    std::vector<wire::Bytes> in_;
    std::array<iovec, kBatch> in_iov_{};
    std::array<mmsghdr, kBatch> in_msgs_{};
    std::array<net::Endpoint, kBatch> peers_{};
    std::array<wire::Bytes, kBatch> out_;
    std::array<iovec, kBatch> out_iov_{};
    std::array<mmsghdr, kBatch> out_msgs_{};
    std::array<net::Endpoint, kBatch> out_peers_{};
    std::size_t queued_ = 0;
};

// An answer the probe asked to leave with DF or in crafted fragments: sent at once, alone, because
// it changes the socket's DF setting or leaves by a raw socket.
void send_special(int fd, const net::Endpoint& local, const net::Endpoint& peer, const Answer& answer,
                  Shared& shared, std::size_t serial) {
    if (answer.dont_fragment) set_dont_fragment(fd, peer.is_ipv6(), true);
    // 1280-octet fragments whatever the path MTU cache holds: tells a path that loses big packets
    // (an MTU) from one that loses big answers (a UDP size filter). The kernel fragments only above
    // the route's MTU, so these are crafted (raw socket); without CAP_NET_RAW the answer goes out
    // whole. "f<n>" asks for fragments of n octets in either family: a filter on the UDP length
    // still sees the whole length in the first one, a limit on the IP packet does not.
    const std::size_t headers = peer.is_ipv6() ? 48 : 28;
    const std::size_t cut = answer.fragment_size ? *answer.fragment_size : answer.minimum_mtu && peer.is_ipv6() ? 1280 : 0;
    const bool crafted = cut > 0 && answer.bytes.size() + headers > cut &&
                         net::send_fragments(local, peer, answer.bytes, cut,
                                             static_cast<std::uint32_t>(serial * 2654435761u + 1));
    if (!crafted) ::sendto(fd, answer.bytes.data(), answer.bytes.size(), 0, peer.sockaddr_ptr(), peer.length);
    // The socket serves every client of this worker, so DF is switched back at once.
    if (answer.dont_fragment) set_dont_fragment(fd, peer.is_ipv6(), shared.force_dont_fragment);
}

// Answers a probe asked to get late ("w<ms>"), due times first; each leaves by the socket its query
// came in on. Held in memory: beyond kMaxHeldAnswers a held answer is dropped, as a full queue would.
class HeldAnswers {
public:
    void hold(Clock::time_point due, wire::Bytes answer, const net::Endpoint& peer, std::size_t socket) {
        if (queue_.size() < kMaxHeldAnswers) queue_.push(Held{due, std::move(answer), peer, socket});
    }
    // Milliseconds until the next one is due, at most `ceiling`.
    int wait_ms(Clock::time_point now, int ceiling) const {
        if (queue_.empty()) return ceiling;
        auto left = std::chrono::ceil<std::chrono::milliseconds>(queue_.top().due - now).count();
        return static_cast<int>(std::clamp<long>(left, 0, ceiling));
    }
    void send_due(std::span<const Server::Listener> udp, Clock::time_point now) {
        while (!queue_.empty() && queue_.top().due <= now) {
            const Held& held = queue_.top();
            ::sendto(udp[held.socket].fd.get(), held.answer.data(), held.answer.size(), 0, held.peer.sockaddr_ptr(),
                     held.peer.length);
            queue_.pop();
        }
    }

private:
    struct Held {
        Clock::time_point due;
        wire::Bytes answer;
        net::Endpoint peer;
        std::size_t socket = 0;
        bool operator>(const Held& other) const { return due > other.due; }
    };
    std::priority_queue<Held, std::vector<Held>, std::greater<>> queue_;
};

// The "o" label: the proxy asked from outside on a thread of its own, then the query answered
// again with what came of it in the echo, from the socket it came in on.
void ask_then_answer(int fd, const net::Endpoint& peer, wire::ByteView datagram, QueryContext context, std::string address,
                     Shared& shared) {
    shared.open_checks.start([fd, peer, query = wire::Bytes(datagram.begin(), datagram.end()), context = std::move(context),
                              address = std::move(address), &shared]() mutable {
        context.open_check_result = ask_from_outside(address, shared.answers.zone);
        if (auto answer = answer_query(query, context, shared.answers)) {
            ::sendto(fd, answer->bytes.data(), answer->bytes.size(), 0, peer.sockaddr_ptr(), peer.length);
            shared.answered.fetch_add(1, std::memory_order_relaxed);
        }
    });
}

// The "a<n>" label: the answer's copies sent with TTL 1 … n from the socket the query came in on,
// on a thread of its own (it listens up to 1.5 s), then the query answered again, small, with what
// the routers on the way back quoted in the echo. No raw socket: the echo says so (`atr=error`).
void trace_then_answer(int fd, const net::Endpoint& local, const net::Endpoint& peer, wire::ByteView datagram,
                       QueryContext context, Answer answer, Shared& shared) {
    shared.open_checks.start([fd, local, peer, query = wire::Bytes(datagram.begin(), datagram.end()), context = std::move(context),
                              answer = std::move(answer), &shared]() mutable {
        const auto copies = answer_copies(answer.bytes, *answer.answer_trace);
        auto heard = net::trace_copies(fd, local, peer, copies, std::chrono::milliseconds(400), std::chrono::milliseconds(1500));
        context.answer_trace_result = heard ? answer_trace_entries(*heard) : std::vector<std::string>{"error"};
        if (auto reply = answer_query(query, context, shared.answers)) {
            ::sendto(fd, reply->bytes.data(), reply->bytes.size(), 0, peer.sockaddr_ptr(), peer.length);
            shared.answered.fetch_add(1, std::memory_order_relaxed);
        }
    });
}

// Drains a UDP socket in batches (bounded, so TCP clients get their turn) and answers each datagram.
void serve_udp(std::span<const Server::Listener> udp, std::size_t socket, UdpBatch& batch, HeldAnswers& held,
               Shared& shared) {
    const int fd = udp[socket].fd.get();
    const net::Endpoint& local = udp[socket].local;
    for (int turn = 0; turn < kBatchesPerTurn; ++turn) {
        int received = batch.receive(fd);
        if (received <= 0) return;
        for (std::size_t i = 0; i < static_cast<std::size_t>(received); ++i) {
            const net::Endpoint& peer = batch.peer(i);
            std::string source = peer.address();
            if (!shared.limiter.allow(source)) continue;
            QueryContext context{std::move(source), peer.port(), false};
            auto answer = answer_query(batch.datagram(i), context, shared.answers);
            if (!answer) continue;
            if (answer->open_check) {
                ask_then_answer(fd, peer, batch.datagram(i), std::move(context), *answer->open_check, shared);
                continue;
            }
            if (answer->answer_trace) {
                batch.flush(fd);
                trace_then_answer(fd, local, peer, batch.datagram(i), std::move(context), std::move(*answer), shared);
                continue;
            }
            std::size_t serial = shared.answered.fetch_add(1, std::memory_order_relaxed);
            if (answer->delay_ms) {
                held.hold(Clock::now() + std::chrono::milliseconds(*answer->delay_ms), std::move(answer->bytes), peer, socket);
            } else if (answer->dont_fragment || answer->minimum_mtu || answer->fragment_size) {
                batch.flush(fd);  // what came before leaves first
                send_special(fd, local, peer, *answer, shared, serial);
            } else {
                batch.queue(std::move(answer->bytes), peer);
            }
        }
        batch.flush(fd);
        if (static_cast<std::size_t>(received) < kBatch) return;
    }
}

// The TCP clients of the worker that owns the TCP listeners.
class TcpClients {
public:
    void accept(int listener, Clock::time_point now) {
        net::Endpoint peer;
        peer.length = sizeof peer.storage;
        net::Fd accepted(::accept4(listener, peer.sockaddr_ptr(), &peer.length, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!accepted.valid()) return;
        // Full: the client quiet the longest makes room, so connections opened and left idle (or
        // half-sent) cannot lock real clients out until they time out. It is closed here and
        // removed in expire(), keeping the clients in step with the poll set.
        if (std::count_if(clients_.begin(), clients_.end(), [](const TcpClient& c) { return c.fd.valid(); }) >=
            static_cast<std::ptrdiff_t>(kMaxTcpClients))
            std::min_element(clients_.begin(), clients_.end(), [](const TcpClient& a, const TcpClient& b) {
                return a.fd.valid() && (!b.fd.valid() || a.last_activity < b.last_activity);
            })->fd = net::Fd();
        clients_.push_back(TcpClient{std::move(accepted), peer, {}, now});
    }
    void add_to(std::vector<pollfd>& poll_set) const {
        for (const auto& client : clients_) poll_set.push_back({client.fd.get(), POLLIN, 0});
    }
    std::size_t size() const { return clients_.size(); }
    // `events` are the poll results of the first `events.size()` clients (those polled).
    void serve(std::span<const pollfd> events, Shared& shared, Clock::time_point now) {
        for (std::size_t i = 0; i < events.size(); ++i)
            if (clients_[i].fd.valid() && (events[i].revents & (POLLIN | POLLHUP | POLLERR)))
                read_from(clients_[i], shared, now);
    }
    void expire(Clock::time_point now) {
        std::erase_if(clients_, [now](const TcpClient& client) {
            return !client.fd.valid() || now - client.last_activity > kTcpIdle;
        });
    }

private:
    static void read_from(TcpClient& client, Shared& shared, Clock::time_point now) {
        std::uint8_t chunk[4096];
        ssize_t n = ::recv(client.fd.get(), chunk, sizeof chunk, 0);
        if (n <= 0) {
            if (!(n < 0 && (errno == EAGAIN || errno == EINTR))) client.fd = net::Fd();
            return;
        }
        client.last_activity = now;
        client.buffer.insert(client.buffer.end(), chunk, chunk + n);
        // Answer every complete length-prefixed message (RFC 7766 pipelining).
        while (client.buffer.size() >= 2) {
            std::size_t length = wire::load_u16(client.buffer.data());
            if (client.buffer.size() < 2 + length) break;
            wire::ByteView message(client.buffer.data() + 2, length);
            std::string source = client.peer.address();
            if (shared.limiter.allow(source)) {
                QueryContext context{source, client.peer.port(), true};
                if (auto answer = answer_query(message, context, shared.answers)) {
                    send_tcp(client.fd.get(), answer->bytes);
                    shared.answered.fetch_add(1, std::memory_order_relaxed);
                }
            }
            client.buffer.erase(client.buffer.begin(), client.buffer.begin() + 2 + static_cast<std::ptrdiff_t>(length));
        }
    }
    std::vector<TcpClient> clients_;
};

}  // namespace

Result<Server> Server::open(const ServerConfig& config) {
    if (config.listen.empty()) return fail("respond: give at least one --listen address");
    Server server(config);
    unsigned workers = config.workers ? config.workers : std::max(1u, std::thread::hardware_concurrency());
    server.udp_by_worker_.resize(std::min(workers, kMaxWorkers));
    std::vector<DotServer::Listener> dot_listeners;
    for (const auto& address : config.listen) {
        DNSPATH_TRY(net::Endpoint endpoint, net::Endpoint::parse(address, config.port));
        DNSPATH_TRY(net::Fd tcp, bind_socket(endpoint, true, config.force_dont_fragment));
        server.tcp_listeners_.push_back(Listener{std::move(tcp), true, endpoint});
        for (auto& sockets : server.udp_by_worker_) {
            DNSPATH_TRY(net::Fd udp, bind_socket(endpoint, false, config.force_dont_fragment));
            sockets.push_back(Listener{std::move(udp), false, endpoint});
        }
        // One socket is enough for the few probes asked there.
        if (config.alt_port != 0) {
            DNSPATH_TRY(net::Endpoint alternate, net::Endpoint::parse(address, config.alt_port));
            DNSPATH_TRY(net::Fd udp, bind_socket(alternate, false, config.force_dont_fragment));
            server.udp_by_worker_.front().push_back(Listener{std::move(udp), false, alternate});
        }
        if (config.tls_port != 0) {
            DNSPATH_TRY(net::Endpoint dot, net::Endpoint::parse(address, config.tls_port));
            DNSPATH_TRY(net::Fd dot_socket, bind_socket(dot, true, config.force_dont_fragment));
            dot_listeners.push_back({std::move(dot_socket), dot});
        }
    }
    if (!dot_listeners.empty()) {
        DNSPATH_TRY(server.dot_, DotServer::create(std::move(dot_listeners)));
    }
    return server;
}

namespace {

// One worker's poll loop over its UDP sockets and, for the first worker, the TCP listeners and clients.
void run_worker(std::span<const Server::Listener> udp, std::span<const Server::Listener> tcp, Shared& shared,
                const std::atomic<bool>& stop) {
    UdpBatch batch;
    HeldAnswers held;
    TcpClients clients;
    std::vector<pollfd> poll_set;
    while (!stop.load() && !shared.failed.load()) {
        poll_set.clear();
        for (const auto& listener : udp) poll_set.push_back({listener.fd.get(), POLLIN, 0});
        for (const auto& listener : tcp) poll_set.push_back({listener.fd.get(), POLLIN, 0});
        clients.add_to(poll_set);
        const std::size_t polled = clients.size();
        int ready = ::poll(poll_set.data(), poll_set.size(), held.wait_ms(Clock::now(), 200));
        if (ready < 0 && errno != EINTR) return shared.fail("poll: " + net::errno_text(errno));
        const auto now = Clock::now();
        held.send_due(udp, now);
        for (std::size_t i = 0; i < udp.size(); ++i)
            if (poll_set[i].revents & POLLIN) serve_udp(udp, i, batch, held, shared);
        for (std::size_t i = 0; i < tcp.size(); ++i)
            if (poll_set[udp.size() + i].revents & POLLIN) clients.accept(tcp[i].fd.get(), now);
        // Only the clients poll_set covers: one accepted just now is polled next time round.
        clients.serve(std::span(poll_set).subspan(udp.size() + tcp.size(), polled), shared, now);
        clients.expire(now);
    }
}

}  // namespace

Result<void> Server::serve(const std::atomic<bool>& stop) {
    Shared shared{config_.answers, config_.force_dont_fragment, SharedRateLimiter(config_.queries_per_second_per_source),
                  *answered_};
    std::vector<std::jthread> threads;
    for (std::size_t i = 1; i < udp_by_worker_.size(); ++i) {
        try {
            threads.emplace_back([&, i] { run_worker(udp_by_worker_[i], {}, shared, stop); });
        } catch (const std::system_error& error) {
            // No thread to be had: the sockets of the workers that did not start would hold their
            // share of the flows unanswered, so the run stops with the reason.
            shared.fail(std::string("cannot start a responder thread: ") + error.what());
            break;
        }
    }
    if (dot_) {
        try {
            threads.emplace_back([&] { dot_->serve(config_.answers, stop); });
        } catch (const std::system_error& error) {
            shared.fail(std::string("cannot start the DoT thread: ") + error.what());
        }
    }
    run_worker(udp_by_worker_[0], tcp_listeners_, shared, stop);
    for (auto& thread : threads) thread.join();
    if (shared.failed) return fail(shared.error);
    return Ok{};
}

}  // namespace dnspath::responder
