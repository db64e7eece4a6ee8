// The crafted fragments (libtins-serialized) read back with dnspath's own dissector: offsets,
// flags, ids, lengths, the IPv4 header checksum, and the UDP checksum of the reassembled datagram.
#include <gtest/gtest.h>

#include "probe/net/net.h"
#include "probe/wire/wire.h"

using namespace dnspath;

namespace {

std::uint32_t sum16(wire::ByteView data, std::uint32_t sum = 0) {
    for (std::size_t i = 0; i < data.size(); i += 2)
        sum += static_cast<std::uint32_t>(data[i] << 8 | (i + 1 < data.size() ? data[i + 1] : 0));
    return sum;
}

std::uint16_t folded(std::uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

// Fragments → the UDP datagram, checking each fragment's fields on the way.
wire::Bytes reassemble(const std::vector<wire::Bytes>& packets, std::size_t limit, int version, std::uint32_t id) {
    wire::Bytes datagram;
    for (std::size_t i = 0; i < packets.size(); ++i) {
        EXPECT_LE(packets[i].size(), limit);
        auto packet = wire::dissect_ip(packets[i]);
        EXPECT_TRUE(packet.anomaly.empty()) << packet.anomaly;
        EXPECT_EQ(packet.ip_version, version);
        // A whole IPv4 datagram (offset 0, no MF) is not a fragment; IPv6 always carries the header.
        EXPECT_EQ(packet.is_fragment, version == 6 || packets.size() > 1);
        if (packet.is_fragment) {
            EXPECT_EQ(packet.fragment_id, version == 4 ? (id & 0xffff) : id);
        }
        EXPECT_EQ(packet.more_fragments, i + 1 < packets.size());
        EXPECT_EQ(packet.fragment_offset, datagram.size());
        EXPECT_EQ(packet.ip_protocol, 17);
        EXPECT_EQ(packet.ttl, 64);
        if (version == 4) {
            EXPECT_EQ(folded(sum16(wire::ByteView(packets[i]).first(20))), 0xffff);
        }
        datagram.insert(datagram.end(), packet.ip_payload.begin(), packet.ip_payload.end());
    }
    return datagram;
}

// The ones'-complement sum over the pseudo-header and the datagram: 0xffff when the checksum holds.
// One layout serves both families: the sum of {length32, 0, 17} equals IPv4's {0, 17, length16}.
std::uint16_t udp_sum(wire::ByteView first_fragment, wire::ByteView datagram) {
    auto packet = wire::dissect_ip(first_fragment);
    wire::ByteWriter pseudo;
    pseudo.bytes(wire::ByteView(packet.source.bytes.data(), packet.source.length));
    pseudo.bytes(wire::ByteView(packet.destination.bytes.data(), packet.destination.length));
    pseudo.u32(static_cast<std::uint32_t>(datagram.size()));
    pseudo.u16(0);
    pseudo.u16(17);
    return folded(sum16(datagram, sum16(pseudo.data())));
}

}  // namespace

TEST(Fragments, Ipv4DatagramCutAtEightOctetBoundaries) {
    auto from = *net::Endpoint::parse("198.18.0.1", 40000);
    auto to = *net::Endpoint::parse("198.18.0.2", 53);
    wire::Bytes payload(3000);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
    auto packets = net::fragment_udp(from, to, payload, 1500, 0x12345);
    ASSERT_EQ(packets.size(), 3u);
    auto datagram = reassemble(packets, 1500, 4, 0x12345);
    ASSERT_EQ(datagram.size(), payload.size() + 8);
    EXPECT_EQ(wire::load_u16(datagram.data()), 40000);
    EXPECT_EQ(wire::load_u16(datagram.data() + 2), 53);
    EXPECT_EQ(wire::load_u16(datagram.data() + 4), payload.size() + 8);
    EXPECT_TRUE(std::equal(payload.begin(), payload.end(), datagram.begin() + 8));
    EXPECT_EQ(udp_sum(packets.front(), datagram), 0xffff);
}

TEST(Fragments, Ipv6FragmentHeaderCarriesOffsetMoreFlagAndId) {
    auto from = *net::Endpoint::parse("fd00::1", 40000);
    auto to = *net::Endpoint::parse("fd00::2", 53);
    wire::Bytes payload(2500, 0xab);
    auto packets = net::fragment_udp(from, to, payload, 1280, 0x77);
    ASSERT_EQ(packets.size(), 3u);
    auto datagram = reassemble(packets, 1280, 6, 0x77);
    ASSERT_EQ(datagram.size(), payload.size() + 8);
    EXPECT_EQ(udp_sum(packets.front(), datagram), 0xffff);
}

TEST(Fragments, SmallDatagramIsOneFragmentWithoutTheMoreFlag) {
    auto from = *net::Endpoint::parse("198.18.0.1", 1234);
    auto to = *net::Endpoint::parse("198.18.0.2", 53);
    auto packets = net::fragment_udp(from, to, wire::Bytes(100, 1), 1500, 9);
    ASSERT_EQ(packets.size(), 1u);
    EXPECT_EQ(reassemble(packets, 1500, 4, 9).size(), 108u);
}
