// The correlator on hand-built packet sequences: a NAT that rewrites addresses and ports, a proxy
// that rewrites DNS ids and the buffer size, a drop inside a device, IPv4 fragments, and a tap
// that lost packets (which must blame nobody).
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>

#include "capture/capture.h"
#include "probe/net/fragments.h"
#include "probe/wire/wire.h"

namespace dnspath::capture {
namespace {

using namespace dnspath::wire;

const Name kZone = Name::parse("probe.dnspath.test").value();

net::Endpoint at(const std::string& address, std::uint16_t port) { return net::Endpoint::parse(address, port).value(); }

Bytes dns(const std::string& probe_id, bool answer, std::uint16_t id, std::uint16_t udp_size, std::size_t size = 0) {
    Edns edns;
    edns.udp_size = udp_size;
    Message message = make_query(id, kZone.prepend(probe_id), rr_type::txt, edns);
    message.header.qr = answer;
    if (size > 0) return encode_exact_size(message, size, kZone.prepend(probe_id)).value();
    return encode(message).value();
}

// One UDP datagram as raw-IP frames (fragmented when larger than `mtu`).
void add(TapCapture& tap, const net::Endpoint& from, const net::Endpoint& to, const Bytes& payload,
         std::size_t mtu = 1500) {
    for (auto& packet : net::fragment_udp(from, to, payload, mtu, 0x1234)) {
        CapturedFrame frame;
        frame.number = tap.frames.size() + 1;
        frame.data = std::move(packet);
        tap.frames.push_back(std::move(frame));
    }
}

TapCapture tap(const std::string& name) {
    TapCapture capture;
    capture.name = name;
    capture.link_type = link_type::raw;
    return capture;
}

reports::ProbeRecord record(const std::string& id, const std::string& outcome) {
    reports::ProbeRecord probe;
    probe.id = id;
    probe.outcome = outcome;
    return probe;
}

TEST(Correlate, NatRewritesPortsAndTheRouterDropsTheAnswer) {
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53);
    auto nat_outside = at("198.18.1.1", 61000);
    // nat.in sees the probe's own address; nat.out and router.in the translated one.
    TapCapture nat_in = tap("nat.in"), nat_out = tap("nat.out"), router_in = tap("router.in"),
               router_out = tap("router.out");
    add(nat_in, probe, server, dns("p1", false, 7, 4096));
    for (auto* t : {&nat_out, &router_in, &router_out}) add(*t, nat_outside, server, dns("p1", false, 7, 4096));
    // The answer is seen leaving the server side of the router, never on its probe side.
    add(router_out, server, nat_outside, dns("p1", true, 7, 4096, 1400));

    std::vector<TapSightings> taps;
    for (auto* t : {&nat_in, &nat_out, &router_in, &router_out}) taps.push_back(observe(*t, kZone));
    std::vector<DeviceTaps> path{{"nat", 0, 1}, {"router", 2, 3}};
    auto found = attribute(path, taps, {record("p1", "timeout")});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].device, "router");
    EXPECT_EQ(found[0].finding, "dropped the answer");
    EXPECT_EQ(found[0].translated_by, "nat");
    ASSERT_EQ(found[0].evidence.size(), 4u);
    EXPECT_NE(found[0].evidence[3].find("answer frame 2 (1400 octets"), std::string::npos) << found[0].evidence[3];
}

TEST(Correlate, ProxyRewritesIdAndBufferSize) {
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53), proxy = at("198.18.1.1", 53001);
    TapCapture lan = tap("cpe.in"), wan = tap("cpe.out");
    add(lan, probe, server, dns("p2", false, 100, 4096));
    // The proxy re-originates the query: new id, new source, EDNS capped at 1232.
    add(wan, proxy, server, dns("p2", false, 9999, 1232));
    add(wan, server, proxy, dns("p2", true, 9999, 1232, 900));
    add(lan, server, probe, dns("p2", true, 100, 4096, 900));
    std::vector<TapSightings> taps{observe(lan, kZone), observe(wan, kZone)};
    auto found = attribute({{"cpe", 0, 1}}, taps, {record("p2", "answer")});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].device, "cpe");
    EXPECT_EQ(found[0].finding, "rewrote the query's EDNS buffer size 4096 → 1232");
    ASSERT_FALSE(found[0].notes.empty());
    EXPECT_EQ(found[0].notes[0], "cpe re-originated the query as a DNS proxy (DNS id 100 → 9999)");
}

// An ICMP error from `from` to `to` (type, code, the MTU for frag-needed) quoting `quoted`.
Bytes icmp4(const net::Endpoint& from, const net::Endpoint& to, std::uint8_t type, std::uint8_t code,
            std::uint16_t mtu, const Bytes& quoted) {
    Bytes packet(20, 0);
    packet[0] = 0x45;
    packet[8] = 64;
    packet[9] = 1;
    auto put_address = [&](const net::Endpoint& endpoint, std::size_t at) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&endpoint.storage);
        std::memcpy(&packet[at], &v4->sin_addr, 4);
    };
    put_address(from, 12);
    put_address(to, 16);
    Bytes icmp{type, code, 0, 0, 0, 0, static_cast<std::uint8_t>(mtu >> 8), static_cast<std::uint8_t>(mtu)};
    packet.insert(packet.end(), icmp.begin(), icmp.end());
    packet.insert(packet.end(), quoted.begin(), quoted.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(quoted.size(), 548)));
    packet[2] = static_cast<std::uint8_t>(packet.size() >> 8);
    packet[3] = static_cast<std::uint8_t>(packet.size());
    return packet;
}

TEST(Correlate, AnIcmpTooBigIsPmtudWorkingNotADrop) {
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53), router = at("198.18.0.2", 0);
    TapCapture in = tap("r.in"), out = tap("r.out");
    Bytes query = net::fragment_udp(probe, server, dns("p6", false, 1, 4096, 1400), 1500, 0x77).front();
    in.frames.push_back({1, 0, query});
    in.frames.push_back({2, 0, icmp4(router, probe, 3, 4, 1280, query)});
    std::vector<TapSightings> taps{observe(in, kZone), observe(out, kZone)};
    ASSERT_EQ(taps[0].icmp_by_probe.count("p6"), 1u);
    auto found = attribute({{"r", 0, 1}}, taps, {record("p6", "timeout")});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].device, "r");
    EXPECT_TRUE(found[0].signalled);
    EXPECT_NE(found[0].finding.find("too big for MTU 1280"), std::string::npos) << found[0].finding;

    // In a verdict it is evidence, not blame.
    reports::RunResult result;
    result.verdicts.push_back({"pmtu", reports::Family::ipv4, reports::Status::fail, std::nullopt, "black hole",
                               {"probe p6 (DF query): timeout"}});
    apply_attributions(result, found);
    EXPECT_FALSE(result.verdicts[0].device);
    EXPECT_NE(result.verdicts[0].evidence.back().find("too big"), std::string::npos);

    // An ICMP unreachable, though, is a refusal: blamed.
    TapCapture in2 = tap("r.in");
    in2.frames.push_back({1, 0, query});
    in2.frames.push_back({2, 0, icmp4(router, probe, 3, 13, 0, query)});
    std::vector<TapSightings> taps2{observe(in2, kZone), observe(out, kZone)};
    auto refused = attribute({{"r", 0, 1}}, taps2, {record("p6", "timeout")});
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_FALSE(refused[0].signalled);
    EXPECT_NE(refused[0].finding.find("rejected the query with ICMP unreachable code 13"), std::string::npos);
}

TEST(Correlate, ABoxThatDropsTheIcmpIsThePmtudBlackHole) {
    // The answer is too big for bras, which says so toward the server; the tunnel in between drops
    // that ICMP, so the server never learns: the tunnel is to blame, not the bras.
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53), bras = at("198.18.1.2", 0);
    TapCapture bras_in = tap("bras.in"), bras_out = tap("bras.out"), tunnel_in = tap("tunnel.in"),
               tunnel_out = tap("tunnel.out");
    for (auto* t : {&bras_in, &bras_out, &tunnel_in, &tunnel_out}) add(*t, probe, server, dns("p9", false, 3, 4096));
    Bytes answer = net::fragment_udp(server, probe, dns("p9", true, 3, 4096, 1460), 1500, 0x99).front();
    for (auto* t : {&bras_out, &tunnel_in, &tunnel_out}) t->frames.push_back({t->frames.size() + 1, 0, answer});
    for (auto* t : {&bras_out, &tunnel_in})
        t->frames.push_back({t->frames.size() + 1, 0, icmp4(bras, server, 3, 4, 1454, answer)});
    std::vector<TapSightings> taps;
    for (auto* t : {&bras_in, &bras_out, &tunnel_in, &tunnel_out}) taps.push_back(observe(*t, kZone));
    auto found = attribute({{"bras", 0, 1}, {"tunnel", 2, 3}}, taps, {record("p9", "timeout")});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].device, "tunnel");
    EXPECT_FALSE(found[0].signalled);
    EXPECT_NE(found[0].finding.find("dropped the ICMP too big bras sent about the answer"), std::string::npos)
        << found[0].finding;
}

TEST(Correlate, OptionsStrippedInPlaceAreBlamedButAProxyMayChangeThem) {
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53);
    auto with_cookie = [&](std::uint16_t id) {
        Edns edns;
        edns.udp_size = 4096;
        edns.options.push_back(EdnsOption{10, Bytes(8, 0xab)});
        return encode(make_query(id, kZone.prepend("p10"), rr_type::txt, edns)).value();
    };
    TapCapture in = tap("fw.in"), out = tap("fw.out");
    add(in, probe, server, with_cookie(5));
    add(out, probe, server, dns("p10", false, 5, 4096));  // same id, the Cookie gone
    std::vector<TapSightings> taps{observe(in, kZone), observe(out, kZone)};
    auto found = attribute({{"fw", 0, 1}}, taps, {record("p10", "answer")});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].device, "fw");
    EXPECT_EQ(found[0].finding, "stripped EDNS options from the query: Cookie");
    // Re-originated by a proxy (a new DNS id): a note, not a blame.
    TapCapture out2 = tap("fw.out");
    add(out2, probe, server, dns("p10", false, 77, 4096));
    std::vector<TapSightings> taps2{observe(in, kZone), observe(out2, kZone)};
    auto proxied = attribute({{"fw", 0, 1}}, taps2, {record("p10", "answer")});
    ASSERT_EQ(proxied.size(), 1u);
    EXPECT_TRUE(proxied[0].finding.empty());
    EXPECT_FALSE(proxied[0].notes.empty());
}

TEST(Correlate, AnAnswerWithoutAQuestionIsMatchedToItsQuery) {
    // A FORMERR to QDCOUNT 2 carries no question; the proxy in front drops it.
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53);
    Message query = make_query(42, kZone.prepend("p7"), rr_type::txt, Edns{});
    query.questions.push_back(query.questions.front());
    Bytes asked = encode(query).value();
    Message formerr;
    formerr.header.id = 42;
    formerr.header.qr = true;
    formerr.header.rcode = rcode::formerr;
    TapCapture in = tap("cpe.in"), out = tap("cpe.out");
    for (auto* t : {&in, &out}) add(*t, probe, server, asked);
    add(out, server, probe, encode(formerr).value());
    std::vector<TapSightings> taps{observe(in, kZone), observe(out, kZone)};
    auto found = attribute({{"cpe", 0, 1}}, taps, {record("p7", "timeout")});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].device, "cpe");
    EXPECT_EQ(found[0].finding, "dropped the answer");
}

TEST(Correlate, AnAnswerFromTheDeviceItselfIsInterception) {
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53);
    TapCapture in = tap("cpe.in"), out = tap("cpe.out");
    add(in, probe, server, dns("p8", false, 5, 4096));
    add(in, server, probe, dns("p8", true, 5, 4096, 600));
    std::vector<TapSightings> taps{observe(in, kZone), observe(out, kZone)};
    auto found = attribute({{"cpe", 0, 1}}, taps, {record("p8", "answer")});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].device, "cpe");
    EXPECT_NE(found[0].finding.find("answered the query itself"), std::string::npos);
}

TEST(Correlate, FragmentsAreReassembledPerTap) {
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53);
    TapCapture in = tap("fw.in"), out = tap("fw.out");
    for (auto* t : {&in, &out}) add(*t, probe, server, dns("p3", false, 1, 4096));
    // 3000 octets in 1500-octet fragments: whole on the server side, only the first on the probe side.
    add(out, server, probe, dns("p3", true, 1, 4096, 3000));
    auto pieces = net::fragment_udp(server, probe, dns("p3", true, 1, 4096, 3000), 1500, 0x1234);
    ASSERT_EQ(pieces.size(), 3u);
    in.frames.push_back({in.frames.size() + 1, 0, pieces[0]});
    std::vector<TapSightings> taps{observe(in, kZone), observe(out, kZone)};
    int fragments = 0;
    for (std::uint32_t index : taps[1].by_probe.at("p3"))
        if (taps[1].messages[index].answer) fragments = taps[1].messages[index].fragments;
    EXPECT_EQ(fragments, 3);
    auto found = attribute({{"fw", 0, 1}}, taps, {record("p3", "timeout")});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].device, "fw");
    // Which fragments of how many made it: the first of three.
    EXPECT_EQ(found[0].finding, "let 1 of 3 fragments of the answer through and dropped the rest");
    EXPECT_NE(found[0].evidence[0].find("answer incomplete: 1 fragment(s)"), std::string::npos) << found[0].evidence[0];
}

TEST(Correlate, ATapThatLostPacketsBlamesNobody) {
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53);
    TapCapture in = tap("r.in"), out = tap("r.out");
    add(in, probe, server, dns("p4", false, 1, 4096));
    out.kernel_drops = 12;
    std::vector<TapSightings> taps{observe(in, kZone), observe(out, kZone)};
    auto found = attribute({{"r", 0, 1}}, taps, {record("p4", "timeout")});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_FALSE(found[0].device);
    EXPECT_NE(found[0].finding.find("tap lost packets"), std::string::npos);
}

TEST(Correlate, CleanPathBlamesNobody) {
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53);
    TapCapture in = tap("r.in"), out = tap("r.out");
    for (auto* t : {&in, &out}) {
        add(*t, probe, server, dns("p5", false, 1, 4096));
        add(*t, server, probe, dns("p5", true, 1, 4096, 1400));
    }
    std::vector<TapSightings> taps{observe(in, kZone), observe(out, kZone)};
    EXPECT_TRUE(attribute({{"r", 0, 1}}, taps, {record("p5", "answer")}).empty());
}

TEST(Correlate, VerdictsGetTheDeviceTheirProbesPointAt) {
    reports::RunResult result;
    result.verdicts.push_back({"udp-large", reports::Family::ipv4, reports::Status::fail, std::nullopt, "lost",
                               {"probe p1 (size 1400): timeout", "probe p2 (size 1500): timeout"}});
    result.verdicts.push_back({"tcp-direct", reports::Family::ipv4, reports::Status::fail, std::nullopt, "lost",
                               {"probe p3 (4000 over TCP): timeout", "probe p4 (4000 over TCP): timeout"}});
    result.verdicts.push_back({"nat", reports::Family::ipv4, reports::Status::warn, std::nullopt, "nat",
                               {"probe p5: sent from …"}});
    auto made = [](std::string id, std::optional<std::string> device, std::string finding,
                   std::optional<std::string> translated_by) {
        Attribution attribution;
        attribution.probe_id = std::move(id);
        attribution.device = std::move(device);
        attribution.finding = std::move(finding);
        attribution.translated_by = std::move(translated_by);
        return attribution;
    };
    std::vector<Attribution> attributions{
        made("p1", "router", "dropped the answer", std::nullopt), made("p2", "router", "dropped the answer", std::nullopt),
        made("p3", "router", "dropped the query", std::nullopt), made("p4", "fw", "dropped the query", std::nullopt),
        made("p5", std::nullopt, "", "cpe")};
    apply_attributions(result, attributions);
    EXPECT_EQ(result.verdicts[0].device, "router");
    EXPECT_FALSE(result.verdicts[1].device);  // two devices: both listed, neither alone
    EXPECT_EQ(result.verdicts[1].devices, (std::vector<std::string>{"fw", "router"}));
    EXPECT_NE(result.verdicts[1].evidence.back().find("several devices"), std::string::npos);
    EXPECT_EQ(result.verdicts[2].device, "cpe");
}

TEST(Correlate, HostileFramesAreCountedNotFatal) {
    TapCapture garbage = tap("x.in");
    for (int i = 0; i < 200; ++i) {
        Bytes frame(static_cast<std::size_t>(i), static_cast<std::uint8_t>(i * 7));
        if (!frame.empty()) frame[0] = 0x45;
        garbage.frames.push_back({static_cast<std::uint64_t>(i + 1), 0, frame});
    }
    auto sightings = observe(garbage, kZone);
    EXPECT_TRUE(sightings.by_probe.empty());
}

TEST(DeviceSpec, Parses) {
    auto spec = DeviceSpec::parse("mbox=netns:lp-mbox/m0,netns:lp-mbox/m1");
    ASSERT_TRUE(spec);
    EXPECT_EQ(spec->name, "mbox");
    EXPECT_EQ(spec->tap_in, "netns:lp-mbox/m0");
    EXPECT_EQ(spec->tap_out, "netns:lp-mbox/m1");
    EXPECT_TRUE(DeviceSpec::parse("edge=,eth1"));
    EXPECT_FALSE(DeviceSpec::parse("noequals"));
    EXPECT_FALSE(DeviceSpec::parse("x=eth0"));
    EXPECT_FALSE(DeviceSpec::parse("x=,"));
}

}  // namespace
}  // namespace dnspath::capture
