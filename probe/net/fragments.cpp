#include "probe/net/fragments.h"

#include <arpa/inet.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tins/ip.h>
#include <tins/ipv6.h>
#include <tins/rawpdu.h>
#include <tins/udp.h>

namespace dnspath::net {
namespace {

// libtins serializes each header, its lengths and the IPv4 header checksum; dnspath chooses the
// cut. The UDP checksum covers the whole datagram, so the datagram is serialized whole first and
// then cut into fragments (libtins has no fragmenter of its own).
template <typename IpHeader>
wire::Bytes udp_datagram(IpHeader ip, const Endpoint& source, const Endpoint& destination, wire::ByteView payload,
                         std::size_t header_size) {
    ip /= Tins::UDP(destination.port(), source.port()) / Tins::RawPDU(payload.data(), static_cast<std::uint32_t>(payload.size()));
    auto packet = ip.serialize();
    return wire::Bytes(packet.begin() + static_cast<std::ptrdiff_t>(header_size), packet.end());
}

constexpr std::uint8_t kUdp = 17;
constexpr std::size_t kIpv4Header = 20;
constexpr std::size_t kIpv6Header = 40;
constexpr std::size_t kFragmentHeader = 8;

wire::Bytes ipv4_fragment(const Endpoint& source, const Endpoint& destination, wire::ByteView piece,
                          std::size_t offset, bool more, std::uint32_t identification) {
    Tins::IP ip(destination.address(), source.address());
    ip.id(static_cast<std::uint16_t>(identification));
    ip.ttl(64);
    ip.protocol(kUdp);
    ip.flags(more ? Tins::IP::MORE_FRAGMENTS : Tins::IP::Flags(0));
    ip.fragment_offset(static_cast<std::uint16_t>(offset / 8));
    ip /= Tins::RawPDU(piece.data(), static_cast<std::uint32_t>(piece.size()));
    auto packet = ip.serialize();
    return wire::Bytes(packet.begin(), packet.end());
}

wire::Bytes ipv6_fragment(const Endpoint& source, const Endpoint& destination, wire::ByteView piece,
                          std::size_t offset, bool more, std::uint32_t identification) {
    Tins::IPv6 ip(destination.address(), source.address());
    ip.hop_limit(64);
    // libtins writes each extension header's type into the field before it: the fixed header's
    // next-header is the Fragment header's option, and next_header() names what follows it.
    ip.next_header(kUdp);
    wire::ByteWriter fragment;  // RFC 8200 4.5 after its first two octets: offset|M, identification
    fragment.u16(static_cast<std::uint16_t>(offset | (more ? 1 : 0)));
    fragment.u32(identification);
    ip.add_header(Tins::IPv6::ext_header(Tins::IPv6::FRAGMENT, static_cast<std::uint8_t>(fragment.data().size()),
                                         fragment.data().data()));
    ip /= Tins::RawPDU(piece.data(), static_cast<std::uint32_t>(piece.size()));
    auto packet = ip.serialize();
    return wire::Bytes(packet.begin(), packet.end());
}

}  // namespace

std::vector<wire::Bytes> fragment_udp(const Endpoint& source, const Endpoint& destination, wire::ByteView payload,
                                      std::size_t fragment_size, std::uint32_t identification) {
    const bool ipv6 = source.is_ipv6();
    const wire::Bytes datagram =
        ipv6 ? udp_datagram(Tins::IPv6(destination.address(), source.address()), source, destination, payload, kIpv6Header)
             : udp_datagram(Tins::IP(destination.address(), source.address()), source, destination, payload, kIpv4Header);
    const std::size_t overhead = ipv6 ? kIpv6Header + kFragmentHeader : kIpv4Header;
    // Every fragment but the last carries a multiple of 8 octets (the offset field counts 8s).
    const std::size_t piece = std::max<std::size_t>(8, (fragment_size - overhead) / 8 * 8);
    std::vector<wire::Bytes> packets;
    for (std::size_t offset = 0; offset < datagram.size(); offset += piece) {
        const std::size_t length = std::min(piece, datagram.size() - offset);
        const bool more = offset + length < datagram.size();
        auto part = wire::ByteView(datagram).subspan(offset, length);
        packets.push_back(ipv6 ? ipv6_fragment(source, destination, part, offset, more, identification)
                               : ipv4_fragment(source, destination, part, offset, more, identification));
    }
    return packets;
}

Result<void> send_fragments(const Endpoint& source, const Endpoint& destination, wire::ByteView payload,
                            std::size_t fragment_size, std::uint32_t identification) {
    Fd raw(::socket(destination.family(), SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW));
    if (!raw.valid()) {
        if (errno == EPERM || errno == EACCES)
            return fail_capability("crafting fragments needs a raw socket, which needs CAP_NET_RAW (run as root)", "CAP_NET_RAW");
        return fail_os("raw socket", "socket", errno);
    }
    Endpoint to = destination;
    // Raw IPv6 sockets take the port field as the protocol; it must be zero here.
    if (to.is_ipv6()) reinterpret_cast<sockaddr_in6*>(&to.storage)->sin6_port = 0;
    else reinterpret_cast<sockaddr_in*>(&to.storage)->sin_port = 0;
    for (const auto& packet : fragment_udp(source, destination, payload, fragment_size, identification)) {
        if (::sendto(raw.get(), packet.data(), packet.size(), 0, to.sockaddr_ptr(), to.length) < 0)
            return fail_os("sending a fragment of " + std::to_string(packet.size()) + " octets", "sendto", errno);
    }
    return Ok{};
}

Result<Exchange, ExchangeError> fragmented_udp_exchange(const Endpoint& server, wire::ByteView payload,
                                                        std::size_t fragment_size, std::chrono::milliseconds timeout,
                                                        std::uint32_t identification) {
    auto error = [](ExchangeFailure kind, std::string message) {
        return unexpected(ExchangeError{kind, Error{std::move(message)}, std::nullopt, {}, {}});
    };
    // The answer socket: connected, so the kernel picks the source address and filters replies.
    Fd receiver(::socket(server.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!receiver.valid()) return unexpected(os_failure(ExchangeFailure::error, "socket", "socket", errno));
    if (::connect(receiver.get(), server.sockaddr_ptr(), server.length) != 0)
        return unexpected(os_failure(ExchangeFailure::error, "connect " + server.to_string(), "connect", errno));
    Endpoint local;
    local.length = sizeof local.storage;
    ::getsockname(receiver.get(), local.sockaddr_ptr(), &local.length);

    const auto start = Clock::now();
    if (auto sent = send_fragments(local, server, payload, fragment_size, identification); !sent)
        return unexpected(failure_from(ExchangeFailure::error, sent.error()));
    const auto deadline = start + timeout;
    const std::uint16_t id = payload.size() >= 2 ? wire::load_u16(payload.data()) : 0;
    wire::Bytes buffer(65536);
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return error(ExchangeFailure::timeout, "no answer within " + std::to_string(timeout.count()) + " ms");
        pollfd entry{receiver.get(), POLLIN, 0};
        if (::poll(&entry, 1, static_cast<int>(left)) <= 0) continue;
        ssize_t received = ::recv(receiver.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (received < 2 || wire::load_u16(buffer.data()) != id) continue;
        buffer.resize(static_cast<std::size_t>(received));
        return Exchange{std::move(buffer), std::chrono::duration<double, std::milli>(Clock::now() - start).count(),
                        local};
    }
}

}  // namespace dnspath::net
