#include "probe/net/trace.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <algorithm>

#include "probe/wire/wire.h"

namespace dnspath::net {
namespace {

// A raw ICMP socket of `family`, or why not (CAP_NET_RAW).
Result<Fd> open_icmp(int family) {
    const bool ipv6 = family == AF_INET6;
    Fd icmp(::socket(family, SOCK_RAW | SOCK_CLOEXEC, ipv6 ? int{IPPROTO_ICMPV6} : int{IPPROTO_ICMP}));
    if (icmp.valid()) return icmp;
    if (errno == EPERM || errno == EACCES)
        return fail_capability("reading ICMP needs a raw socket, which needs CAP_NET_RAW (run as root)", "CAP_NET_RAW");
    return fail_os("raw ICMP socket", "socket", errno);
}

// One ICMP message from a raw socket, past the IPv4 header raw IPv4 sockets deliver; empty when
// nothing (more) is there.
std::optional<std::pair<wire::ByteView, std::string>> read_icmp(int fd, bool ipv6, wire::Bytes& buffer) {
    Endpoint from;
    from.length = sizeof from.storage;
    ssize_t n = ::recvfrom(fd, buffer.data(), buffer.size(), MSG_DONTWAIT, from.sockaddr_ptr(), &from.length);
    if (n <= 0) return std::nullopt;
    wire::ByteView message(buffer.data(), static_cast<std::size_t>(n));
    if (!ipv6) {
        std::size_t header = message.empty() ? 1 : static_cast<std::size_t>(message[0] & 0x0f) * 4;
        message = header > message.size() ? wire::ByteView() : message.subspan(header);
    }
    return std::pair{message, from.address()};
}

// Sends `payload` to `peer` from `fd` with this TTL / hop limit, for this datagram only.
bool send_with_ttl(int fd, const Endpoint& peer, wire::ByteView payload, int ttl) {
    iovec data{const_cast<std::uint8_t*>(payload.data()), payload.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr message{};
    message.msg_name = const_cast<sockaddr*>(peer.sockaddr_ptr());
    message.msg_namelen = peer.length;
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = peer.is_ipv6() ? IPPROTO_IPV6 : IPPROTO_IP;
    header->cmsg_type = peer.is_ipv6() ? IPV6_HOPLIMIT : IP_TTL;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(header), &ttl, sizeof ttl);
    return ::sendmsg(fd, &message, 0) >= 0;
}

}  // namespace

std::optional<HeardCopy> match_copy(wire::ByteView icmp, bool ipv6, const std::string& offender, const Endpoint& local,
                                    const Endpoint& peer, const std::vector<TtlCopy>& copies) {
    auto error = wire::read_icmp_error(icmp, ipv6);
    if (!error) return std::nullopt;
    const wire::Packet& packet = error->quoted;
    if (packet.transport != wire::Transport::udp || packet.source_port != local.port() ||
        packet.destination_port != peer.port() || packet.destination.to_string() != peer.address() ||
        packet.fragment_offset != 0 || packet.ip_payload.size() < 8)
        return std::nullopt;
    const std::size_t udp_length = wire::load_u16(packet.ip_payload.data() + 4);
    for (const auto& copy : copies) {
        if (copy.payload.size() + 8 != udp_length) continue;
        // The length the packet had at that hop: IPv6's from its header, as an ICMPv6 quote is cut at
        // 1280 octets (dissect_ip stops at what was quoted).
        const std::size_t length =
            ipv6 && error->quote.size() >= 6 ? 40u + wire::load_u16(error->quote.data() + 4) : packet.ip_total_length;
        HeardCopy heard{copy.ttl, copy.large, offender, error->kind, error->code, error->mtu, length, packet.more_fragments};
        return heard;
    }
    return std::nullopt;
}

Result<std::vector<HeardCopy>> trace_copies(int fd, const Endpoint& local, const Endpoint& peer, const std::vector<TtlCopy>& copies,
                                            std::chrono::milliseconds quiet, std::chrono::milliseconds longest) {
    const bool ipv6 = peer.is_ipv6();
    DNSPATH_TRY(Fd icmp, open_icmp(peer.family()));
    for (const auto& copy : copies)
        if (!send_with_ttl(fd, peer, copy.payload, copy.ttl)) return fail_os("send a TTL-limited copy", "sendmsg", errno);
    std::vector<HeardCopy> heard;
    wire::Bytes buffer(65536);
    const auto start = Clock::now();
    auto last = start;
    for (;;) {
        const auto now = Clock::now();
        const auto until = std::min(start + longest, last + quiet);
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
        if (left <= 0) break;
        pollfd entry{icmp.get(), POLLIN, 0};
        if (::poll(&entry, 1, static_cast<int>(left)) <= 0) continue;
        while (auto message = read_icmp(icmp.get(), ipv6, buffer))
            if (auto copy = match_copy(message->first, ipv6, message->second, local, peer, copies)) {
                // A router may answer twice (a retransmitted ICMP): the first word counts.
                if (std::none_of(heard.begin(), heard.end(), [&](const HeardCopy& h) { return h.ttl == copy->ttl && h.large == copy->large; }))
                    heard.push_back(*copy);
                last = Clock::now();
            }
    }
    return heard;
}

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
    DNSPATH_TRY(Fd icmp, open_icmp(server.family()));
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
                auto message = read_icmp(icmp.get(), ipv6, buffer);
                if (!message) continue;
                if (auto parsed = parse_icmp_error(message->first, ipv6, message->second, local, server)) {
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
