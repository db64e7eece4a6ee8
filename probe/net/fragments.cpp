#include "probe/net/fragments.h"

#include <arpa/inet.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace dnspath::net {
namespace {

constexpr std::uint8_t kUdp = 17;
constexpr std::uint8_t kIpv6Fragment = 44;
constexpr std::size_t kIpv4Header = 20;
constexpr std::size_t kIpv6Header = 40;
constexpr std::size_t kFragmentHeader = 8;

const std::uint8_t* address_bytes(const Endpoint& endpoint) {
    if (endpoint.is_ipv6())
        return reinterpret_cast<const std::uint8_t*>(&reinterpret_cast<const sockaddr_in6*>(&endpoint.storage)->sin6_addr);
    return reinterpret_cast<const std::uint8_t*>(&reinterpret_cast<const sockaddr_in*>(&endpoint.storage)->sin_addr);
}

std::uint32_t sum_words(wire::ByteView data, std::uint32_t sum = 0) {
    for (std::size_t i = 0; i + 1 < data.size(); i += 2) sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
    if (data.size() % 2 == 1) sum += static_cast<std::uint32_t>(data.back() << 8);
    return sum;
}

std::uint16_t fold(std::uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum & 0xffff);
}

}  // namespace

std::uint16_t udp_checksum(const Endpoint& source, const Endpoint& destination, wire::ByteView udp) {
    const std::size_t address_size = source.is_ipv6() ? 16 : 4;
    wire::ByteWriter pseudo;
    pseudo.bytes(wire::ByteView(address_bytes(source), address_size));
    pseudo.bytes(wire::ByteView(address_bytes(destination), address_size));
    if (source.is_ipv6()) {
        pseudo.u32(static_cast<std::uint32_t>(udp.size()));
        pseudo.u32(kUdp);
    } else {
        pseudo.u8(0);
        pseudo.u8(kUdp);
        pseudo.u16(static_cast<std::uint16_t>(udp.size()));
    }
    std::uint16_t checksum = fold(sum_words(udp, sum_words(pseudo.data())));
    return checksum == 0 ? 0xffff : checksum;  // zero means "no checksum" in UDP
}

std::vector<wire::Bytes> fragment_udp(const Endpoint& source, const Endpoint& destination, wire::ByteView payload,
                                      std::size_t fragment_size, std::uint32_t identification) {
    wire::ByteWriter udp;
    udp.u16(source.port());
    udp.u16(destination.port());
    udp.u16(static_cast<std::uint16_t>(payload.size() + 8));
    udp.u16(0);
    udp.bytes(payload);
    wire::Bytes datagram = udp.take();
    const std::uint16_t checksum = udp_checksum(source, destination, datagram);
    datagram[6] = static_cast<std::uint8_t>(checksum >> 8);
    datagram[7] = static_cast<std::uint8_t>(checksum);

    const bool ipv6 = source.is_ipv6();
    const std::size_t overhead = ipv6 ? kIpv6Header + kFragmentHeader : kIpv4Header;
    // Every fragment but the last carries a multiple of 8 octets (the offset field counts 8s).
    const std::size_t piece = std::max<std::size_t>(8, (fragment_size - overhead) / 8 * 8);
    std::vector<wire::Bytes> packets;
    for (std::size_t offset = 0; offset < datagram.size(); offset += piece) {
        const std::size_t length = std::min(piece, datagram.size() - offset);
        const bool more = offset + length < datagram.size();
        wire::ByteWriter packet;
        if (ipv6) {
            packet.u32(0x60000000);
            packet.u16(static_cast<std::uint16_t>(kFragmentHeader + length));
            packet.u8(kIpv6Fragment);
            packet.u8(64);
            packet.bytes(wire::ByteView(address_bytes(source), 16));
            packet.bytes(wire::ByteView(address_bytes(destination), 16));
            packet.u8(kUdp);
            packet.u8(0);
            packet.u16(static_cast<std::uint16_t>(offset | (more ? 1 : 0)));
            packet.u32(identification);
        } else {
            packet.u8(0x45);
            packet.u8(0);
            packet.u16(static_cast<std::uint16_t>(kIpv4Header + length));
            packet.u16(static_cast<std::uint16_t>(identification));
            packet.u16(static_cast<std::uint16_t>((more ? 0x2000 : 0) | (offset / 8)));
            packet.u8(64);
            packet.u8(kUdp);
            packet.u16(0);
            packet.bytes(wire::ByteView(address_bytes(source), 4));
            packet.bytes(wire::ByteView(address_bytes(destination), 4));
            packet.patch_u16(10, fold(sum_words(packet.data())));
        }
        packet.bytes(wire::ByteView(datagram).subspan(offset, length));
        packets.push_back(packet.take());
    }
    return packets;
}

Result<void> send_fragments(const Endpoint& source, const Endpoint& destination, wire::ByteView payload,
                            std::size_t fragment_size, std::uint32_t identification) {
    Fd raw(::socket(destination.family(), SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW));
    if (!raw.valid()) {
        if (errno == EPERM || errno == EACCES)
            return fail("crafting fragments needs a raw socket, which needs CAP_NET_RAW (run as root)");
        return fail("raw socket: " + errno_text(errno));
    }
    Endpoint to = destination;
    // Raw IPv6 sockets take the port field as the protocol; it must be zero here.
    if (to.is_ipv6()) reinterpret_cast<sockaddr_in6*>(&to.storage)->sin6_port = 0;
    else reinterpret_cast<sockaddr_in*>(&to.storage)->sin_port = 0;
    for (const auto& packet : fragment_udp(source, destination, payload, fragment_size, identification)) {
        if (::sendto(raw.get(), packet.data(), packet.size(), 0, to.sockaddr_ptr(), to.length) < 0)
            return fail("sending a fragment of " + std::to_string(packet.size()) + " octets: " + errno_text(errno));
    }
    return Ok{};
}

Result<Exchange, ExchangeError> fragmented_udp_exchange(const Endpoint& server, wire::ByteView payload,
                                                        std::size_t fragment_size, std::chrono::milliseconds timeout,
                                                        std::uint32_t identification) {
    auto error = [](ExchangeFailure kind, std::string message) {
        return unexpected(ExchangeError{kind, std::move(message), std::nullopt, {}, {}});
    };
    // The answer socket: connected, so the kernel picks the source address and filters replies.
    Fd receiver(::socket(server.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!receiver.valid()) return error(ExchangeFailure::error, "socket: " + errno_text(errno));
    if (::connect(receiver.get(), server.sockaddr_ptr(), server.length) != 0)
        return error(ExchangeFailure::error, "connect " + server.to_string() + ": " + errno_text(errno));
    Endpoint local;
    local.length = sizeof local.storage;
    ::getsockname(receiver.get(), local.sockaddr_ptr(), &local.length);

    const auto start = Clock::now();
    if (auto sent = send_fragments(local, server, payload, fragment_size, identification); !sent)
        return error(ExchangeFailure::error, sent.error().message);
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
