#include "probe/wire/packet.h"

#include <arpa/inet.h>

#include <algorithm>

namespace dnspath::wire {
namespace {


constexpr std::uint16_t kEtherIpv4 = 0x0800, kEtherIpv6 = 0x86dd, kEtherVlan = 0x8100, kEtherQinQ = 0x88a8;

IpAddress address_at(const std::uint8_t* bytes, std::uint8_t length) {
    IpAddress address;
    address.length = length;
    std::copy(bytes, bytes + length, address.bytes.begin());
    return address;
}

void transport_layer(Packet& packet, std::uint8_t protocol, wire::ByteView rest) {
    packet.ip_payload = rest;
    packet.ip_protocol = protocol;
    if (packet.is_fragment && packet.fragment_offset != 0) {
        // A non-first fragment has no transport header; what it carries belongs to the datagram.
        packet.transport = protocol == 17 ? Transport::udp : protocol == 6 ? Transport::tcp : Transport::other;
        packet.payload = rest;
        return;
    }
    ByteReader reader(rest);
    switch (protocol) {
        case 17: {
            packet.transport = Transport::udp;
            if (!reader.can_read(8)) {
                packet.anomaly = "truncated-udp-header";
                return;
            }
            packet.source_port = reader.u16().value();
            packet.destination_port = reader.u16().value();
            packet.payload = rest.subspan(8);
            return;
        }
        case 6: {
            packet.transport = Transport::tcp;
            if (!reader.can_read(20)) {
                packet.anomaly = "truncated-tcp-header";
                return;
            }
            packet.source_port = reader.u16().value();
            packet.destination_port = reader.u16().value();
            packet.tcp_seq = reader.u32().value();
            packet.tcp_ack = reader.u32().value();
            packet.tcp_flags = rest[13];
            std::size_t header = static_cast<std::size_t>(rest[12] >> 4) * 4;
            if (header < 20 || header > rest.size()) {
                packet.anomaly = "bad-tcp-header-length";
                return;
            }
            packet.payload = rest.subspan(header);
            return;
        }
        case 1: packet.transport = Transport::icmp; packet.payload = rest; return;
        case 58: packet.transport = Transport::icmpv6; packet.payload = rest; return;
        default: packet.transport = Transport::other; packet.payload = rest; return;
    }
}

void ipv4(Packet& packet, wire::ByteView data) {
    packet.ip_version = 4;
    if (data.size() < 20) {
        packet.anomaly = "truncated-ipv4-header";
        return;
    }
    std::size_t header = static_cast<std::size_t>(data[0] & 0x0f) * 4;
    std::uint16_t total = wire::load_u16(&data[2]);
    if (header < 20 || header > data.size()) {
        packet.anomaly = "bad-ipv4-header-length";
        return;
    }
    packet.ip_total_length = total;
    // Trust the smaller of the IP length and what was captured (Ethernet pads short frames).
    std::size_t end = std::min<std::size_t>(data.size(), total >= header ? total : data.size());
    std::uint16_t flags = wire::load_u16(&data[6]);
    packet.fragment_id = wire::load_u16(&data[4]);
    packet.dont_fragment = flags & 0x4000;
    packet.more_fragments = flags & 0x2000;
    packet.fragment_offset = static_cast<std::uint32_t>(flags & 0x1fff) * 8;
    packet.is_fragment = packet.more_fragments || packet.fragment_offset != 0;
    packet.ttl = data[8];
    packet.source = address_at(&data[12], 4);
    packet.destination = address_at(&data[16], 4);
    transport_layer(packet, data[9], data.subspan(header, end - header));
}

void ipv6(Packet& packet, wire::ByteView data) {
    packet.ip_version = 6;
    if (data.size() < 40) {
        packet.anomaly = "truncated-ipv6-header";
        return;
    }
    std::size_t end = std::min<std::size_t>(data.size(), 40u + wire::load_u16(&data[4]));
    packet.ip_total_length = static_cast<std::uint16_t>(end);
    packet.ttl = data[7];
    packet.source = address_at(&data[8], 16);
    packet.destination = address_at(&data[24], 16);
    std::uint8_t next = data[6];
    std::size_t offset = 40;
    // Walk extension headers (bounded: a hostile chain cannot loop, each step moves forward).
    for (int hops = 0; hops < 16; ++hops) {
        if (next == 0 || next == 43 || next == 60) {  // hop-by-hop, routing, destination options
            if (offset + 8 > end) break;
            std::size_t length = (static_cast<std::size_t>(data[offset + 1]) + 1) * 8;
            next = data[offset];
            offset += length;
            continue;
        }
        if (next == 44) {  // fragment header
            if (offset + 8 > end) break;
            std::uint16_t field = wire::load_u16(&data[offset + 2]);
            packet.is_fragment = true;
            packet.fragment_offset = static_cast<std::uint32_t>(field & 0xfff8);
            packet.more_fragments = field & 1;
            packet.fragment_id = static_cast<std::uint32_t>(data[offset + 4]) << 24 | data[offset + 5] << 16 |
                                 data[offset + 6] << 8 | data[offset + 7];
            next = data[offset];
            offset += 8;
            continue;
        }
        if (offset > end) break;
        transport_layer(packet, next, data.subspan(offset, end - offset));
        return;
    }
    packet.anomaly = "bad-ipv6-extension-headers";
}

void network_layer(Packet& packet, wire::ByteView data, std::uint16_t ethertype) {
    if (ethertype == kEtherIpv4) return ipv4(packet, data);
    if (ethertype == kEtherIpv6) return ipv6(packet, data);
    packet.anomaly = "not-ip";
}

void by_version(Packet& packet, wire::ByteView data) {
    if (data.empty()) {
        packet.anomaly = "empty";
        return;
    }
    int version = data[0] >> 4;
    if (version == 4) return ipv4(packet, data);
    if (version == 6) return ipv6(packet, data);
    packet.anomaly = "not-ip";
}

}  // namespace

std::string IpAddress::to_string() const {
    if (length != 4 && length != 16) return "?";
    char buffer[INET6_ADDRSTRLEN] = {};
    inet_ntop(length == 4 ? AF_INET : AF_INET6, bytes.data(), buffer, sizeof buffer);
    return buffer;
}

std::string Address::to_string() const { return ip.to_string() + ":" + std::to_string(port); }

Packet dissect_ip(wire::ByteView data) {
    Packet packet;
    by_version(packet, data);
    return packet;
}

Packet dissect(wire::ByteView frame, int link) {
    Packet packet;
    switch (link) {
        case link_type::ethernet: {
            if (frame.size() < 14) {
                packet.anomaly = "truncated-ethernet-header";
                return packet;
            }
            std::size_t offset = 12;
            std::uint16_t type = wire::load_u16(&frame[offset]);
            while ((type == kEtherVlan || type == kEtherQinQ) && offset + 6 <= frame.size()) {
                offset += 4;
                type = wire::load_u16(&frame[offset]);
            }
            network_layer(packet, frame.subspan(offset + 2), type);
            return packet;
        }
        case link_type::linux_sll:
            if (frame.size() < 16) {
                packet.anomaly = "truncated-sll-header";
                return packet;
            }
            network_layer(packet, frame.subspan(16), wire::load_u16(&frame[14]));
            return packet;
        case link_type::linux_sll2:
            if (frame.size() < 20) {
                packet.anomaly = "truncated-sll2-header";
                return packet;
            }
            network_layer(packet, frame.subspan(20), wire::load_u16(&frame[0]));
            return packet;
        case link_type::null:
            if (frame.size() < 4) {
                packet.anomaly = "truncated-null-header";
                return packet;
            }
            by_version(packet, frame.subspan(4));
            return packet;
        case link_type::raw:
        case link_type::ipv4:
        case link_type::ipv6:
            by_version(packet, frame);
            return packet;
        default:
            packet.anomaly = "unsupported-link-type";
            return packet;
    }
}

}  // namespace dnspath::wire

namespace dnspath::wire {

std::optional<IcmpError> read_icmp_error(ByteView icmp, bool ipv6) {
    if (icmp.size() < 8) return std::nullopt;
    const int type = icmp[0], code = icmp[1];
    IcmpError error;
    error.code = code;
    if (!ipv6) {
        if (type == 3 && code == 4) {
            error.kind = IcmpError::Kind::too_big;
            error.mtu = icmp[6] << 8 | icmp[7];
        } else if (type == 3) {
            error.kind = IcmpError::Kind::unreachable;
        } else if (type == 11) {
            error.kind = IcmpError::Kind::time_exceeded;
        } else {
            return std::nullopt;
        }
    } else {
        if (type == 2) {
            error.kind = IcmpError::Kind::too_big;
            error.mtu = (icmp[4] & 0x7f) << 24 | icmp[5] << 16 | icmp[6] << 8 | icmp[7];
        } else if (type == 1) {
            error.kind = IcmpError::Kind::unreachable;
        } else if (type == 3) {
            error.kind = IcmpError::Kind::time_exceeded;
        } else {
            return std::nullopt;
        }
    }
    error.quote = icmp.subspan(8);
    error.quoted = dissect_ip(error.quote);
    return error;
}

}  // namespace dnspath::wire
