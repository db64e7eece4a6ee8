#include "probe/net/trace.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include "probe/wire/wire.h"

namespace dnspath::net {
namespace {


}  // namespace

std::optional<Hop> parse_icmp_error(wire::ByteView icmp, bool ipv6, const std::string& offender, const Endpoint& local,
                                    const Endpoint& server) {
    auto error = wire::read_icmp_error(icmp, ipv6);
    if (!error || error->kind == wire::IcmpError::Kind::too_big) return std::nullopt;
    const wire::Packet& packet = error->quoted;
    // Only our own query counts: a quote of someone else's packet says nothing about ours.
    if (packet.transport != wire::Transport::udp || packet.source_port != local.port() ||
        packet.destination_port != server.port() || packet.destination.to_string() != server.address())
        return std::nullopt;
    Hop hop;
    hop.from = offender;
    hop.reached_server = error->kind == wire::IcmpError::Kind::unreachable && offender == server.address();
    hop.quoted_ip_length = packet.ip_total_length;
    hop.quoted_octets = error->quote.size();
    if (auto dns = wire::decode(packet.payload)) {
        hop.opt_present = dns->edns.has_value();
        if (dns->edns) {
            hop.dnssec_ok = dns->edns->dnssec_ok;
            hop.udp_size = dns->edns->udp_size;
        }
    }
    return hop;
}

Result<std::vector<Hop>> trace_query(const Endpoint& server, wire::ByteView query, int max_ttl,
                                     std::chrono::milliseconds per_hop_timeout) {
    const bool ipv6 = server.is_ipv6();
    Fd icmp(::socket(server.family(), SOCK_RAW | SOCK_CLOEXEC, ipv6 ? int{IPPROTO_ICMPV6} : int{IPPROTO_ICMP}));
    if (!icmp.valid()) {
        if (errno == EPERM || errno == EACCES)
            return fail_capability("reading ICMP needs a raw socket, which needs CAP_NET_RAW (run as root)", "CAP_NET_RAW");
        return fail_os("raw ICMP socket", "socket", errno);
    }
    std::vector<Hop> hops;
    wire::Bytes buffer(65536);
    for (int ttl = 1; ttl <= max_ttl; ++ttl) {
        Fd udp(::socket(server.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0));
        if (!udp.valid()) return fail_os("socket", "socket", errno);
        if (ipv6)
            ::setsockopt(udp.get(), IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof ttl);
        else
            ::setsockopt(udp.get(), IPPROTO_IP, IP_TTL, &ttl, sizeof ttl);
        if (::connect(udp.get(), server.sockaddr_ptr(), server.length) != 0) return fail_os("connect", "connect", errno);
        Endpoint local;
        local.length = sizeof local.storage;
        ::getsockname(udp.get(), local.sockaddr_ptr(), &local.length);
        if (::send(udp.get(), query.data(), query.size(), 0) < 0) return fail_os("send", "send", errno);

        Hop hop;
        hop.ttl = ttl;
        bool done = false;
        const auto deadline = Clock::now() + per_hop_timeout;
        while (!done) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
            if (left <= 0) break;  // nothing came back: the hop is unknown, not guilty (rate limits)
            pollfd entries[2] = {{udp.get(), POLLIN, 0}, {icmp.get(), POLLIN, 0}};
            if (::poll(entries, 2, static_cast<int>(left)) <= 0) continue;
            if (entries[0].revents) {
                ssize_t n = ::recv(udp.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
                if (n > 0 || (n < 0 && errno == ECONNREFUSED)) {
                    hop.from = server.address();
                    hop.reached_server = true;
                    done = true;
                }
            }
            if (entries[1].revents && !done) {
                Endpoint from;
                from.length = sizeof from.storage;
                ssize_t n = ::recvfrom(icmp.get(), buffer.data(), buffer.size(), MSG_DONTWAIT, from.sockaddr_ptr(),
                                       &from.length);
                if (n <= 0) continue;
                wire::ByteView message(buffer.data(), static_cast<std::size_t>(n));
                if (!ipv6) {
                    // IPv4 raw sockets deliver the IP header too.
                    if (message.empty()) continue;
                    std::size_t header = static_cast<std::size_t>(message[0] & 0x0f) * 4;
                    if (header > message.size()) continue;
                    message = message.subspan(header);
                }
                if (auto parsed = parse_icmp_error(message, ipv6, from.address(), local, server)) {
                    parsed->ttl = ttl;
                    hop = *parsed;
                    done = true;
                }
            }
        }
        hops.push_back(hop);
        if (hop.reached_server) break;
        // Three silent hops in a row past the last answer: the rest will be silent too.
        if (hops.size() >= 3 && hops.back().from.empty() && hops[hops.size() - 2].from.empty() &&
            hops[hops.size() - 3].from.empty())
            break;
    }
    return hops;
}

}  // namespace dnspath::net
