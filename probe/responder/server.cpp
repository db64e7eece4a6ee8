#include "probe/responder/server.h"

#include <algorithm>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <unordered_map>

#include "probe/net/net.h"

namespace dnspath::responder {
namespace {

using net::Clock;

constexpr std::size_t kMaxTcpClients = 256;
constexpr auto kTcpIdle = std::chrono::seconds(10);
constexpr std::size_t kMaxTrackedSources = 65536;

// Token bucket per source address: enough for any probe run, too little to be worth reflecting.
class RateLimiter {
public:
    explicit RateLimiter(int per_second) : rate_(per_second) {}
    bool allow(const std::string& source) {
        auto now = Clock::now();
        if (buckets_.size() > kMaxTrackedSources) buckets_.clear();  // bounded memory under spoofed floods
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

Result<net::Fd> bind_socket(const net::Endpoint& endpoint, bool tcp, bool dont_fragment) {
    net::Fd fd(::socket(endpoint.family(), (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd.valid()) return fail("socket: " + net::errno_text(errno));
    int on = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (endpoint.is_ipv6()) ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    if (!tcp) {
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
        std::string hint = error == EACCES ? " (ports below 1024 need CAP_NET_BIND_SERVICE: run as root)"
                           : error == EADDRNOTAVAIL ? " (no interface here has that address)"
                           : error == EADDRINUSE    ? " (another server already listens there)"
                                                    : "";
        return fail(std::string(tcp ? "TCP" : "UDP") + " bind " + endpoint.to_string() + ": " +
                    net::errno_text(error) + hint);
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

}  // namespace

Result<Server> Server::open(const ServerConfig& config) {
    if (config.listen.empty()) return fail("respond: give at least one --listen address");
    Server server(config);
    for (const auto& address : config.listen) {
        DNSPATH_TRY(net::Endpoint endpoint, net::Endpoint::parse(address, config.port));
        for (bool tcp : {false, true}) {
            DNSPATH_TRY(net::Fd fd, bind_socket(endpoint, tcp, config.force_dont_fragment));
            server.listeners_.push_back(Listener{std::move(fd), tcp, endpoint});
        }
    }
    return server;
}

Result<void> Server::serve(const std::atomic<bool>& stop) {
    RateLimiter limiter(config_.queries_per_second_per_source);
    std::vector<TcpClient> clients;
    wire::Bytes datagram(65536);
    std::vector<pollfd> poll_set;
    while (!stop.load()) {
        poll_set.clear();
        for (const auto& listener : listeners_) poll_set.push_back({listener.fd.get(), POLLIN, 0});
        for (const auto& client : clients) poll_set.push_back({client.fd.get(), POLLIN, 0});
        const std::size_t polled = clients.size();
        int ready = ::poll(poll_set.data(), poll_set.size(), 200);
        if (ready < 0 && errno != EINTR) return fail("poll: " + net::errno_text(errno));
        const auto now = Clock::now();
        for (std::size_t i = 0; i < listeners_.size(); ++i) {
            if (!(poll_set[i].revents & POLLIN)) continue;
            const Listener& listener = listeners_[i];
            if (listener.tcp) {
                net::Endpoint peer;
                peer.length = sizeof peer.storage;
                net::Fd accepted(::accept4(listener.fd.get(), peer.sockaddr_ptr(), &peer.length,
                                           SOCK_NONBLOCK | SOCK_CLOEXEC));
                if (!accepted.valid()) continue;
                // Full: the client quiet the longest makes room, so connections opened and left
                // idle (or half-sent) cannot lock real clients out until they time out. It is
                // closed here and removed below, keeping the clients in step with poll_set.
                if (std::count_if(clients.begin(), clients.end(), [](const TcpClient& c) { return c.fd.valid(); }) >=
                    static_cast<std::ptrdiff_t>(kMaxTcpClients))
                    std::min_element(clients.begin(), clients.end(), [](const TcpClient& a, const TcpClient& b) {
                        return a.fd.valid() && (!b.fd.valid() || a.last_activity < b.last_activity);
                    })->fd = net::Fd();
                clients.push_back(TcpClient{std::move(accepted), peer, {}, now});
                continue;
            }
            // Drain what is queued, but not forever: TCP clients need their turn too.
            for (int burst = 0; burst < 64; ++burst) {
                net::Endpoint peer;
                peer.length = sizeof peer.storage;
                ssize_t n = ::recvfrom(listener.fd.get(), datagram.data(), datagram.size(), 0, peer.sockaddr_ptr(),
                                       &peer.length);
                if (n < 0) break;
                std::string source = peer.address();
                if (!limiter.allow(source)) continue;
                QueryContext context{source, peer.port(), false};
                auto answer = answer_query(wire::ByteView(datagram.data(), static_cast<std::size_t>(n)), context,
                                           config_.answers);
                if (!answer) continue;
                if (answer->dont_fragment) set_dont_fragment(listener.fd.get(), peer.is_ipv6(), true);
                // 1280-octet fragments whatever the path MTU cache holds: tells a path that loses big
                // packets (an MTU) from one that loses big answers (a UDP size filter).
                // The kernel fragments only above the route's MTU, so these are crafted (raw socket);
                // without CAP_NET_RAW the answer goes out whole.
                // "f<n>" asks for fragments of n octets in either family: a filter on the UDP length
                // still sees the whole length in the first one, a limit on the IP packet does not.
                const std::size_t headers = peer.is_ipv6() ? 48 : 28;
                const std::size_t cut = answer->fragment_size ? *answer->fragment_size : answer->minimum_mtu && peer.is_ipv6() ? 1280 : 0;
                const bool crafted = cut > 0 && answer->bytes.size() + headers > cut &&
                                     net::send_fragments(listener.local, peer, answer->bytes, cut,
                                                         static_cast<std::uint32_t>(answered_ * 2654435761u + 1));
                if (!crafted)
                    ::sendto(listener.fd.get(), answer->bytes.data(), answer->bytes.size(), 0, peer.sockaddr_ptr(),
                             peer.length);
                // One socket serves every client, so DF is switched back at once for the next answer.
                if (answer->dont_fragment) set_dont_fragment(listener.fd.get(), peer.is_ipv6(), config_.force_dont_fragment);
                ++answered_;
            }
        }
        // Only the clients poll_set covers: one accepted just now is polled next time round.
        for (std::size_t i = 0; i < polled; ++i) {
            TcpClient& client = clients[i];
            if (!client.fd.valid() || !(poll_set[listeners_.size() + i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            std::uint8_t chunk[4096];
            ssize_t n = ::recv(client.fd.get(), chunk, sizeof chunk, 0);
            if (n <= 0) {
                if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
                client.fd = net::Fd();
                continue;
            }
            client.last_activity = now;
            client.buffer.insert(client.buffer.end(), chunk, chunk + n);
            // Answer every complete length-prefixed message (RFC 7766 pipelining).
            while (client.buffer.size() >= 2) {
                std::size_t length = wire::load_u16(client.buffer.data());
                if (client.buffer.size() < 2 + length) break;
                wire::ByteView message(client.buffer.data() + 2, length);
                std::string source = client.peer.address();
                if (limiter.allow(source)) {
                    QueryContext context{source, client.peer.port(), true};
                    if (auto answer = answer_query(message, context, config_.answers)) {
                        send_tcp(client.fd.get(), answer->bytes);
                        ++answered_;
                    }
                }
                client.buffer.erase(client.buffer.begin(), client.buffer.begin() + 2 + static_cast<std::ptrdiff_t>(length));
            }
        }
        std::erase_if(clients, [now](const TcpClient& client) {
            return !client.fd.valid() || now - client.last_activity > kTcpIdle;
        });
    }
    return Ok{};
}

}  // namespace dnspath::responder
