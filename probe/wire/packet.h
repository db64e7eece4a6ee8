// The packet codec: dissection of one frame down to its DNS payload: link layer, IPv4/IPv6 (with fragment
// facts), UDP or TCP. Bounds-checked; a malformed frame becomes a named anomaly, never a crash.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "probe/wire/bytes.h"

namespace dnspath::wire {

// libpcap link types dnspath reads (DLT_* values as they appear in files).
namespace link_type {
inline constexpr int null = 0, ethernet = 1, raw = 101, linux_sll = 113, ipv4 = 228, ipv6 = 229, linux_sll2 = 276;
}

enum class Transport { none, udp, tcp, icmp, icmpv6, other };

// An IPv4 or IPv6 address as it was on the wire; turned into text only when a person reads it
// (formatting every packet's addresses was most of the cost of reading a capture).
struct IpAddress {
    std::array<std::uint8_t, 16> bytes{};
    std::uint8_t length = 0;  // 4 or 16; 0 when absent
    std::string to_string() const;
    bool operator==(const IpAddress&) const = default;
};

// An address and port: where a DNS message came from or went to at one tap.
struct Address {
    IpAddress ip;
    std::uint16_t port = 0;
    std::string to_string() const;  // "198.18.0.1:40000", "fd00::1:40000" (as probe records spell it)
    bool operator==(const Address&) const = default;
};

struct Packet {
    int ip_version = 0;
    IpAddress source;
    IpAddress destination;
    std::uint8_t ttl = 0;  // or hop limit
    Transport transport = Transport::none;
    std::uint16_t source_port = 0;
    std::uint16_t destination_port = 0;
    // Fragment facts: offset in octets, more-fragments flag, identification.
    bool is_fragment = false;
    std::uint32_t fragment_id = 0;
    std::uint32_t fragment_offset = 0;
    bool more_fragments = false;
    bool dont_fragment = false;
    std::uint8_t ip_protocol = 0;  // next header after extension headers
    std::uint8_t tcp_flags = 0;    // FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10
    std::uint32_t tcp_seq = 0, tcp_ack = 0;
    std::uint16_t ip_total_length = 0;
    ByteView ip_payload;  // everything after the IP header(s), as fragments are reassembled from
    ByteView payload;     // the transport payload (a view into the frame)
    std::string_view anomaly;  // empty when the frame dissected cleanly; a fixed name otherwise
};

// Dissects `frame` of link type `link`; the returned views point into `frame`.
Packet dissect(ByteView frame, int link);
// Dissects a bare IPv4 or IPv6 packet (an ICMP error's quote, for one).
Packet dissect_ip(ByteView packet);

// An ICMP or ICMPv6 error (the message after the IP header): what it says and the packet it quotes.
// The one reader of ICMP errors: TTL-limited traces and capture both use it.
struct IcmpError {
    enum class Kind { too_big, time_exceeded, unreachable };
    Kind kind = Kind::unreachable;
    int code = 0;
    int mtu = 0;        // too_big: the MTU the router named
    ByteView quote;     // the quoted packet's bytes
    Packet quoted;      // the quoted packet, dissected (views into `quote`)
};
std::optional<IcmpError> read_icmp_error(ByteView icmp, bool ipv6);

}  // namespace dnspath::wire
