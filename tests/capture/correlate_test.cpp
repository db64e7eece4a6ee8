// The correlator on hand-built packet sequences: a NAT that rewrites addresses and ports, a proxy
// that rewrites DNS ids and the buffer size, a drop inside a device, IPv4 fragments, TCP handshakes,
// and a tap that lost packets (which must blame nobody). Each test checks one attribution rule.
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <cstring>

#include "capture/capture.h"
#include "probe/judge/judge.h"
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

model::ProbeRecord record(const std::string& id, model::Outcome outcome, std::string transport = "udp",
                          std::string source = "") {
    model::ProbeRecord probe;
    probe.id = id;
    probe.outcome = outcome;
    probe.transport = std::move(transport);
    probe.source = std::move(source);
    return probe;
}

using model::CaptureFinding;
using model::FindingRule;
using model::Outcome;

// The finding with `rule`, or null.
const CaptureFinding* with_rule(const std::vector<CaptureFinding>& found, FindingRule rule) {
    for (const auto& finding : found)
        if (finding.rule == rule) return &finding;
    return nullptr;
}

// The one finding that blames (or signals); notes are left out.
std::vector<const CaptureFinding*> decisive(const std::vector<CaptureFinding>& found) {
    std::vector<const CaptureFinding*> out;
    for (const auto& finding : found)
        if (model::blames(finding.rule) || finding.rule == FindingRule::icmp_too_big ||
            finding.rule == FindingRule::tap_lost_packets || finding.rule == FindingRule::lost_between_taps)
            out.push_back(&finding);
    return out;
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
    auto found = attribute(path, taps, {record("p1", Outcome::timeout)});
    auto drop = decisive(found);
    ASSERT_EQ(drop.size(), 1u);
    EXPECT_EQ(drop[0]->device, "router");
    EXPECT_EQ(drop[0]->rule, FindingRule::answer_dropped);
    EXPECT_EQ(drop[0]->params["size"], 1400);
    const auto* nat = with_rule(found, FindingRule::source_translated);
    ASSERT_NE(nat, nullptr);
    EXPECT_EQ(nat->device, "nat");
    EXPECT_EQ(nat->params["to"], "198.18.1.1");
    // Frames per tap, in path order: the answer only at router.out (frame 2).
    ASSERT_EQ(drop[0]->taps.size(), 4u);
    EXPECT_EQ(drop[0]->taps[3].tap, "router.out");
    EXPECT_EQ(drop[0]->taps[3].answer_frame, 2u);
    EXPECT_FALSE(drop[0]->taps[2].answer_frame);
}

TEST(Correlate, TheNonDnsDatagramIsFollowedByItsProbeIdAndItsDropperNamed) {
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53);
    // A DNS-aware firewall: the datagram that is not DNS crosses the first device, never the second.
    TapCapture a_in = tap("a.in"), a_out = tap("a.out"), b_in = tap("b.in"), b_out = tap("b.out");
    for (auto* t : {&a_in, &a_out, &b_in}) add(*t, probe, server, make_raw_probe(9, "p2"));
    // Its DNS passes (a tap that saw nothing at all would say nothing about the device).
    for (auto* t : {&a_in, &a_out, &b_in, &b_out}) add(*t, probe, server, dns("p3", false, 8, 1232));
    std::vector<TapSightings> taps;
    for (auto* t : {&a_in, &a_out, &b_in, &b_out}) taps.push_back(observe(*t, kZone));
    EXPECT_EQ(taps[0].undecodable, 0u);
    ASSERT_EQ(taps[0].by_probe.count("p2"), 1u);
    auto lost = record("p2", Outcome::timeout);
    lost.non_dns = true;
    const auto found = attribute({{"a", 0, 1}, {"b", 2, 3}}, taps, {lost});
    auto drop = decisive(found);
    ASSERT_EQ(drop.size(), 1u);
    EXPECT_EQ(drop[0]->device, "b");
    EXPECT_EQ(drop[0]->rule, FindingRule::query_dropped);
}

TEST(Correlate, TwoNatsAreBothNamedInPathOrder) {
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53);
    auto first = at("198.18.1.1", 61000), second = at("198.18.3.1", 62000);
    TapCapture cpe_in = tap("cpe.in"), cpe_out = tap("cpe.out"), cgn_in = tap("cgn.in"), cgn_out = tap("cgn.out");
    add(cpe_in, probe, server, dns("p11", false, 7, 4096));
    for (auto* t : {&cpe_out, &cgn_in}) add(*t, first, server, dns("p11", false, 7, 4096));
    add(cgn_out, second, server, dns("p11", false, 7, 4096));
    add(cgn_out, server, second, dns("p11", true, 7, 4096, 600));
    for (auto* t : {&cgn_in, &cpe_out}) add(*t, server, first, dns("p11", true, 7, 4096, 600));
    add(cpe_in, server, probe, dns("p11", true, 7, 4096, 600));
    std::vector<TapSightings> taps;
    for (auto* t : {&cpe_in, &cpe_out, &cgn_in, &cgn_out}) taps.push_back(observe(*t, kZone));
    auto found = attribute({{"cpe", 0, 1}, {"cgn", 2, 3}}, taps, {record("p11", Outcome::answer)});
    std::vector<std::string> translating;
    for (const auto& finding : found)
        if (finding.rule == FindingRule::source_translated) translating.push_back(*finding.device);
    EXPECT_EQ(translating, (std::vector<std::string>{"cpe", "cgn"}));
    EXPECT_TRUE(decisive(found).empty());  // translation breaks nothing by itself
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
    auto found = attribute({{"cpe", 0, 1}}, taps, {record("p2", Outcome::answer)});
    const auto* rewrite = with_rule(found, FindingRule::bufsize_rewritten);
    ASSERT_NE(rewrite, nullptr);
    EXPECT_EQ(rewrite->device, "cpe");
    EXPECT_EQ(rewrite->params["from"], 4096);
    EXPECT_EQ(rewrite->params["to"], 1232);
    const auto* proxied = with_rule(found, FindingRule::reoriginated);
    ASSERT_NE(proxied, nullptr);
    EXPECT_EQ(proxied->params["from_id"], 100);
    EXPECT_EQ(proxied->params["to_id"], 9999);
}

TEST(Correlate, AForwardersSecondTryLostInsideTheNextDeviceIsNoReorigination) {
    // The forwarder upstream asks twice (ids 7000, then 7001 after a loss). The router after it saw
    // both on its probe side and passed only the second: the same message under the same id, not a
    // query the router re-originated.
    auto forwarder = at("198.18.1.1", 53001), server = at("198.18.2.2", 53);
    TapCapture in = tap("core.in"), out = tap("core.out");
    add(in, forwarder, server, dns("p9", false, 7000, 1232));
    add(in, forwarder, server, dns("p9", false, 7001, 1232));
    add(out, forwarder, server, dns("p9", false, 7001, 1232));
    add(out, server, forwarder, dns("p9", true, 7001, 1232, 300));
    add(in, server, forwarder, dns("p9", true, 7001, 1232, 300));
    std::vector<TapSightings> taps{observe(in, kZone), observe(out, kZone)};
    auto found = attribute({{"core", 0, 1}}, taps, {record("p9", Outcome::answer)});
    EXPECT_EQ(with_rule(found, FindingRule::reoriginated), nullptr);
    EXPECT_TRUE(decisive(found).empty());
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
    auto found = attribute({{"r", 0, 1}}, taps, {record("p6", Outcome::timeout)});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].device, "r");
    EXPECT_EQ(found[0].rule, FindingRule::icmp_too_big);
    EXPECT_FALSE(model::blames(found[0].rule));
    EXPECT_EQ(found[0].params["mtu"], 1280);

    // An ICMP unreachable, though, is a refusal: blamed.
    TapCapture in2 = tap("r.in");
    in2.frames.push_back({1, 0, query});
    in2.frames.push_back({2, 0, icmp4(router, probe, 3, 13, 0, query)});
    std::vector<TapSightings> taps2{observe(in2, kZone), observe(out, kZone)};
    auto refused = attribute({{"r", 0, 1}}, taps2, {record("p6", Outcome::timeout)});
    ASSERT_EQ(refused.size(), 1u);
    EXPECT_EQ(refused[0].rule, FindingRule::icmp_unreachable);
    EXPECT_EQ(refused[0].params["code"], 13);
    EXPECT_TRUE(model::blames(refused[0].rule));
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
    auto found = attribute({{"bras", 0, 1}, {"tunnel", 2, 3}}, taps, {record("p9", Outcome::timeout)});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].device, "tunnel");
    EXPECT_EQ(found[0].rule, FindingRule::icmp_dropped);
    EXPECT_EQ(found[0].params["sender"], "bras");
    EXPECT_EQ(found[0].params["mtu"], 1454);
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
    auto found = attribute({{"fw", 0, 1}}, taps, {record("p10", Outcome::answer)});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].device, "fw");
    EXPECT_EQ(found[0].rule, FindingRule::options_stripped);
    EXPECT_EQ(found[0].params["options"], "Cookie");
    // Re-originated by a proxy (a new DNS id): a note, not a blame.
    TapCapture out2 = tap("fw.out");
    add(out2, probe, server, dns("p10", false, 77, 4096));
    std::vector<TapSightings> taps2{observe(in, kZone), observe(out2, kZone)};
    auto proxied = attribute({{"fw", 0, 1}}, taps2, {record("p10", Outcome::answer)});
    EXPECT_TRUE(decisive(proxied).empty());
    EXPECT_NE(with_rule(proxied, FindingRule::reoriginated), nullptr);
}

TEST(Correlate, HeaderBitsAndTheNamesCaseChangedInPlaceAreBlamedButARetryIsNot) {
    auto probe = at("198.18.0.1", 40001), server = at("198.18.2.2", 53);
    auto query = [&](const std::string& labels, bool ad, std::uint16_t id = 9) {
        Edns edns;
        edns.udp_size = 1232;
        Message message = make_query(id, Name::parse(labels + ".probe.dnspath.test").value(), rr_type::txt, edns);
        message.header.ad = ad;
        message.header.cd = true;
        return encode(message).value();
    };
    // AD cleared on the way by the device: blamed, with the bit named.
    TapCapture in = tap("alg.in"), out = tap("alg.out");
    add(in, probe, server, query("p11.EcHo", true));
    add(out, probe, server, query("p11.EcHo", false));
    std::vector<TapSightings> taps{observe(in, kZone), observe(out, kZone)};
    auto found = attribute({{"alg", 0, 1}}, taps, {record("p11", Outcome::answer)});
    const auto* bits = with_rule(found, FindingRule::header_bits_changed);
    ASSERT_NE(bits, nullptr);
    EXPECT_EQ(bits->device, "alg");
    EXPECT_EQ(bits->params["bits"], std::vector<std::string>{"AD"});
    EXPECT_EQ(bits->params["direction"], "query");
    // The name lowercased: blamed.
    TapCapture out2 = tap("alg.out");
    add(out2, probe, server, query("p11.echo", true));
    std::vector<TapSightings> taps2{observe(in, kZone), observe(out2, kZone)};
    auto lowered = attribute({{"alg", 0, 1}}, taps2, {record("p11", Outcome::answer)});
    ASSERT_NE(with_rule(lowered, FindingRule::name_case_changed), nullptr);
    // Another name under the same id (a retry's r2 label, the first try lost upstream of the tap
    // pair): neither a case change nor a bit change.
    TapCapture in3 = tap("alg.in"), out3 = tap("alg.out");
    add(in3, probe, server, query("p12.r2", true, 10));
    add(out3, probe, server, query("p12", true, 10));
    std::vector<TapSightings> taps3{observe(in3, kZone), observe(out3, kZone)};
    auto retried = attribute({{"alg", 0, 1}}, taps3, {record("p12", Outcome::answer)});
    EXPECT_EQ(with_rule(retried, FindingRule::name_case_changed), nullptr);
    EXPECT_EQ(with_rule(retried, FindingRule::header_bits_changed), nullptr);
}

// The fault matrix's case-lower-answers on core at 10 % loss on edge, as its taps saw it: the
// probe's tries share one DNS id; the first try's answer is lost inside edge; core lowercases
// every answer's name. The last answer at core's probe side is the retry's, and it must be
// compared with the retry's answer at core's server side, not the first one with that id.
TEST(Correlate, ANameLowercasedIsFoundOnTheRetryThatGotThrough) {
    auto probe = at("198.18.0.1", 40001), retry = at("198.18.0.1", 40002), server = at("198.18.2.2", 53);
    auto message = [](const std::string& labels, bool answer) {
        Message built = make_query(7, Name::parse(labels + ".probe.dnspath.test").value(), rr_type::txt, Edns{});
        built.header.qr = answer;
        return encode(built).value();
    };
    TapCapture edge_in = tap("edge.in"), edge_out = tap("edge.out"), core_in = tap("core.in"), core_out = tap("core.out");
    for (auto* side : {&edge_in, &edge_out, &core_in, &core_out}) add(*side, probe, server, message("p13.EcHo.T1", false));
    add(core_out, server, probe, message("p13.EcHo.T1", true));
    add(core_in, server, probe, message("p13.ecHo.T1", true));
    add(edge_out, server, probe, message("p13.ecHo.T1", true));  // and no further: lost inside edge
    for (auto* side : {&edge_in, &edge_out, &core_in, &core_out}) add(*side, retry, server, message("p13.EcHo.R2.T2", false));
    add(core_out, server, retry, message("p13.EcHo.R2.T2", true));
    for (auto* side : {&core_in, &edge_out, &edge_in}) add(*side, server, retry, message("p13.ecHo.R2.T2", true));
    std::vector<TapSightings> taps{observe(edge_in, kZone), observe(edge_out, kZone), observe(core_in, kZone), observe(core_out, kZone)};
    auto found = attribute({{"edge", 0, 1}, {"core", 2, 3}}, taps, {record("p13", Outcome::answer)});
    const auto* lowered = with_rule(found, FindingRule::name_case_changed);
    ASSERT_NE(lowered, nullptr);
    EXPECT_EQ(lowered->device, "core");
    EXPECT_EQ(lowered->params["direction"], "answer");
}

TEST(Correlate, AnRcodeChangedInPlaceOrAcrossAProxyAskedOnPurposeIsBlamed) {
    auto probe = at("198.18.0.1", 40002), server = at("198.18.2.2", 53), proxy = at("198.18.1.1", 53002);
    auto nxdomain = [](std::uint16_t id, bool rewritten) {
        Bytes bytes = dns("p13", true, id, 1232);
        bytes[3] = static_cast<std::uint8_t>((bytes[3] & 0xf0) | (rewritten ? rcode::noerror : rcode::nxdomain));
        return bytes;
    };
    // An ALG turning NXDOMAIN into NOERROR in place (same DNS id): blamed, from and to named.
    TapCapture in = tap("alg.in"), out = tap("alg.out");
    add(in, probe, server, dns("p13", false, 21, 1232));
    add(out, probe, server, dns("p13", false, 21, 1232));
    add(out, server, probe, nxdomain(21, false));
    add(in, server, probe, nxdomain(21, true));
    std::vector<TapSightings> taps{observe(in, kZone), observe(out, kZone)};
    auto found = attribute({{"alg", 0, 1}}, taps, {record("p13", Outcome::answer)});
    const auto* changed = with_rule(found, FindingRule::rcode_changed);
    ASSERT_NE(changed, nullptr);
    EXPECT_EQ(changed->device, "alg");
    EXPECT_EQ(changed->params["from"], "NXDOMAIN");
    EXPECT_EQ(changed->params["to"], "NOERROR");
    // A proxy asked on purpose re-originates (new id) and hands back another RCODE: blamed too.
    TapCapture lan = tap("cpe.in"), wan = tap("cpe.out");
    add(lan, probe, proxy, dns("p13", false, 22, 1232));
    add(wan, proxy, server, dns("p13", false, 7777, 1232));
    add(wan, server, proxy, nxdomain(7777, false));
    add(lan, proxy, probe, nxdomain(22, true));
    auto asked = record("p13", Outcome::answer);
    asked.via_proxy = true;
    std::vector<TapSightings> proxied_taps{observe(lan, kZone), observe(wan, kZone)};
    auto proxied = attribute({{"cpe", 0, 1}}, proxied_taps, {asked});
    const auto* rewritten = with_rule(proxied, FindingRule::rcode_changed);
    ASSERT_NE(rewritten, nullptr);
    EXPECT_EQ(rewritten->device, "cpe");
    // The same answer, unchanged: nothing.
    TapCapture in2 = tap("alg.in"), out2 = tap("alg.out");
    add(in2, probe, server, dns("p13", false, 23, 1232));
    add(out2, probe, server, dns("p13", false, 23, 1232));
    add(out2, server, probe, nxdomain(23, false));
    add(in2, server, probe, nxdomain(23, false));
    std::vector<TapSightings> clean{observe(in2, kZone), observe(out2, kZone)};
    EXPECT_EQ(with_rule(attribute({{"alg", 0, 1}}, clean, {record("p13", Outcome::answer)}), FindingRule::rcode_changed), nullptr);
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
    auto found = attribute({{"cpe", 0, 1}}, taps, {record("p7", Outcome::timeout)});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].device, "cpe");
    EXPECT_EQ(found[0].rule, FindingRule::answer_dropped);
}

TEST(Correlate, AnAnswerFromTheDeviceItselfIsInterception) {
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53);
    TapCapture in = tap("cpe.in"), out = tap("cpe.out");
    add(in, probe, server, dns("p8", false, 5, 4096));
    add(in, server, probe, dns("p8", true, 5, 4096, 600));
    std::vector<TapSightings> taps{observe(in, kZone), observe(out, kZone)};
    auto found = attribute({{"cpe", 0, 1}}, taps, {record("p8", Outcome::answer)});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].device, "cpe");
    EXPECT_EQ(found[0].rule, FindingRule::answered_locally);
    // Its parameters are an object (a null one made the judge throw: a run ended in terminate).
    EXPECT_TRUE(found[0].params.is_object());
    model::RunResult result;
    result.probes.push_back(record("p8", Outcome::answer));
    model::Verdict verdict;
    verdict.checkpoint = model::Checkpoint::udp_large;
    verdict.status = model::Status::fail;
    verdict.cause = {model::CauseCode::size_cap, model::Params::object()};
    verdict.probes = {"p8"};
    result.verdicts.push_back(verdict);
    EXPECT_NO_THROW(judge::judge_with_findings(result, found));
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
    auto found = attribute({{"fw", 0, 1}}, taps, {record("p3", Outcome::timeout)});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].device, "fw");
    // Which fragments of how many made it: the first of three.
    EXPECT_EQ(found[0].rule, FindingRule::fragments_dropped);
    EXPECT_EQ(found[0].params["passed"], 1);
    EXPECT_EQ(found[0].params["fragments"], 3);
    EXPECT_EQ(found[0].params["direction"], "answer");
}

TEST(Correlate, AFirstFragmentDroppedWithTheRestPassingIsAHeaderFilter) {
    // A filter on the UDP length sees only the first fragment (it carries the UDP header): the
    // later fragments cross, orphaned. A fragment filter does the opposite.
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53);
    TapCapture in = tap("fw.in"), out = tap("fw.out");
    for (auto* t : {&in, &out}) add(*t, probe, server, dns("p15", false, 1, 4096));
    auto pieces = net::fragment_udp(server, probe, dns("p15", true, 1, 4096, 3000), 1500, 0x4321);
    ASSERT_EQ(pieces.size(), 3u);
    for (auto& piece : pieces) out.frames.push_back({out.frames.size() + 1, 0, piece});
    in.frames.push_back({in.frames.size() + 1, 0, pieces[1]});
    in.frames.push_back({in.frames.size() + 1, 0, pieces[2]});
    std::vector<TapSightings> taps{observe(in, kZone), observe(out, kZone)};
    EXPECT_EQ(taps[0].orphan_fragment_ids.count(0x4321), 1u);
    auto found = attribute({{"fw", 0, 1}}, taps, {record("p15", Outcome::timeout)});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].rule, FindingRule::answer_dropped);
    EXPECT_EQ(found[0].params["fragments"], 3);
    EXPECT_EQ(found[0].params["later_fragments_passed"], true);
}

TEST(Correlate, ATapThatLostPacketsBlamesNobody) {
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53);
    TapCapture in = tap("r.in"), out = tap("r.out");
    add(in, probe, server, dns("p4", false, 1, 4096));
    out.kernel_drops = 12;
    std::vector<TapSightings> taps{observe(in, kZone), observe(out, kZone)};
    taps[1].lost_packets = true;
    auto found = attribute({{"r", 0, 1}}, taps, {record("p4", Outcome::timeout)});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_FALSE(found[0].device);
    EXPECT_EQ(found[0].rule, FindingRule::tap_lost_packets);
    EXPECT_EQ(found[0].params["instead_of"], "query-dropped");
}

TEST(Correlate, ALossBetweenTwoDevicesNamesNobody) {
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53);
    TapCapture a_in = tap("a.in"), a_out = tap("a.out"), b_in = tap("b.in"), b_out = tap("b.out");
    for (auto* t : {&a_in, &a_out}) add(*t, probe, server, dns("p12", false, 1, 4096));
    std::vector<TapSightings> taps;
    for (auto* t : {&a_in, &a_out, &b_in, &b_out}) taps.push_back(observe(*t, kZone));
    auto found = attribute({{"a", 0, 1}, {"b", 2, 3}}, taps, {record("p12", Outcome::timeout)});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].rule, FindingRule::lost_between_taps);
    EXPECT_EQ(found[0].params["between"], (nlohmann::json{"a.out", "b.in"}));
}

TEST(Correlate, CleanPathBlamesNobody) {
    auto probe = at("198.18.0.1", 40000), server = at("198.18.2.2", 53);
    TapCapture in = tap("r.in"), out = tap("r.out");
    for (auto* t : {&in, &out}) {
        add(*t, probe, server, dns("p5", false, 1, 4096));
        add(*t, server, probe, dns("p5", true, 1, 4096, 1400));
    }
    std::vector<TapSightings> taps{observe(in, kZone), observe(out, kZone)};
    EXPECT_TRUE(attribute({{"r", 0, 1}}, taps, {record("p5", Outcome::answer)}).empty());
}

// A TCP segment as raw IPv4 (flags: 0x02 SYN, 0x12 SYN-ACK, 0x04 RST), checksums left zero.
Bytes tcp4(const net::Endpoint& from, const net::Endpoint& to, std::uint32_t seq, std::uint32_t ack, std::uint8_t flags) {
    Bytes packet(40, 0);
    packet[0] = 0x45;
    packet[3] = 40;
    packet[8] = 64;
    packet[9] = 6;
    const auto* a = reinterpret_cast<const sockaddr_in*>(&from.storage);
    const auto* b = reinterpret_cast<const sockaddr_in*>(&to.storage);
    std::memcpy(&packet[12], &a->sin_addr, 4);
    std::memcpy(&packet[16], &b->sin_addr, 4);
    std::memcpy(&packet[20], &a->sin_port, 2);
    std::memcpy(&packet[22], &b->sin_port, 2);
    for (int i = 0; i < 4; ++i) {
        packet[24 + i] = static_cast<std::uint8_t>(seq >> (24 - 8 * i));
        packet[28 + i] = static_cast<std::uint8_t>(ack >> (24 - 8 * i));
    }
    packet[32] = 0x50;
    packet[33] = flags;
    packet[34] = 0xff;
    return packet;
}

TEST(Correlate, TcpHandshakeRules) {
    auto probe = at("198.18.0.1", 40001), server = at("198.18.2.2", 53);
    const auto tcp_probe = record("p13", Outcome::timeout, "tcp", "198.18.0.1:40001");
    auto frames = [](TapCapture& t, Bytes packet) { t.frames.push_back({t.frames.size() + 1, 0, std::move(packet)}); };
    // SYN seen on the probe side only: dropped inside the device.
    TapCapture in = tap("fw.in"), out = tap("fw.out");
    frames(in, tcp4(probe, server, 1000, 0, 0x02));
    auto dropped = attribute({{"fw", 0, 1}}, {observe(in, kZone), observe(out, kZone)}, {tcp_probe});
    ASSERT_EQ(dropped.size(), 1u);
    EXPECT_EQ(dropped[0].rule, FindingRule::tcp_syn_dropped);
    EXPECT_EQ(dropped[0].device, "fw");
    // A reset answered it on the probe side, never past the device: a refusal.
    frames(in, tcp4(server, probe, 0, 1001, 0x14));
    auto reset = attribute({{"fw", 0, 1}}, {observe(in, kZone), observe(out, kZone)}, {tcp_probe});
    ASSERT_EQ(reset.size(), 1u);
    EXPECT_EQ(reset[0].rule, FindingRule::tcp_syn_reset);
    // SYN through both sides, SYN-ACK only on the server side: the SYN-ACK was dropped.
    TapCapture in2 = tap("fw.in"), out2 = tap("fw.out");
    frames(in2, tcp4(probe, server, 2000, 0, 0x02));
    frames(out2, tcp4(probe, server, 2000, 0, 0x02));
    frames(out2, tcp4(server, probe, 5000, 2001, 0x12));
    auto synack = attribute({{"fw", 0, 1}}, {observe(in2, kZone), observe(out2, kZone)},
                            {record("p14", Outcome::timeout, "tcp", "198.18.0.1:40001")});
    ASSERT_EQ(synack.size(), 1u);
    EXPECT_EQ(synack[0].rule, FindingRule::tcp_synack_dropped);
    EXPECT_EQ(synack[0].device, "fw");
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
    EXPECT_GT(sightings.malformed, 0u);  // counted per tap (result.json taps[].malformed)
}

// A TCP data segment carrying `payload` (a piece of a length-prefixed DNS stream).
Bytes segment(const net::Endpoint& from, const net::Endpoint& to, std::uint32_t seq, ByteView payload) {
    Bytes packet = tcp4(from, to, seq, 1, 0x18);
    packet.insert(packet.end(), payload.begin(), payload.end());
    const auto total = static_cast<std::uint16_t>(packet.size());
    packet[2] = static_cast<std::uint8_t>(total >> 8);
    packet[3] = static_cast<std::uint8_t>(total);
    return packet;
}

// On a lossy path TCP retransmits, overlaps and reorders: the stream is put back together by
// sequence number, so the DNS framing holds and the answer is seen once, whole.
TEST(Correlate, TcpStreamsAreReassembledBySequenceNumber) {
    auto probe = at("198.18.0.1", 40002), server = at("198.18.2.2", 53);
    Bytes answer = dns("p20", true, 7, 4096, 3000);
    Bytes framed{static_cast<std::uint8_t>(answer.size() >> 8), static_cast<std::uint8_t>(answer.size())};
    framed.insert(framed.end(), answer.begin(), answer.end());
    const std::uint32_t isn = 900000;
    TapCapture t = tap("r.in");
    auto frames = [&](Bytes packet) { t.frames.push_back({t.frames.size() + 1, 0, std::move(packet)}); };
    auto piece = [&](std::size_t from, std::size_t to) {
        return ByteView(framed).subspan(from, to - from);
    };
    frames(tcp4(server, probe, isn, 1, 0x12));                       // SYN-ACK: data starts at isn + 1
    frames(segment(server, probe, isn + 1 + 1400, piece(1400, 2400)));  // ahead of a gap
    frames(segment(server, probe, isn + 1, piece(0, 1400)));          // the gap closes
    frames(segment(server, probe, isn + 1 + 1000, piece(1000, 2000)));  // a retransmission, overlapping
    frames(segment(server, probe, isn + 1 + 2400, piece(2400, framed.size())));
    frames(segment(server, probe, isn + 1 + 2400, piece(2400, framed.size())));  // sent twice
    auto sightings = observe(t, kZone);
    auto group = sightings.by_probe.find("p20");
    ASSERT_NE(group, sightings.by_probe.end());
    ASSERT_EQ(group->second.size(), 1u);
    const auto& seen = sightings.messages[group->second.front()];
    EXPECT_TRUE(seen.answer);
    EXPECT_TRUE(seen.tcp);
    EXPECT_EQ(seen.dns_size, 3000u);
    EXPECT_EQ(sightings.undecodable, 0u);
    EXPECT_EQ(sightings.stream_overflows, 0u);
}

// More datagrams half reassembled than the table holds: it is emptied, counted, and a drop of a
// probe it held becomes tap-overflow, blaming nobody (it may be the tap that missed it).
TEST(Correlate, AFragmentTableThatOverflowedBlamesNobody) {
    auto probe = at("198.18.0.1", 40003), server = at("198.18.2.2", 53), other = at("198.18.9.9", 40004);
    TapCapture in = tap("r.in"), out = tap("r.out");
    add(out, probe, server, dns("p21", false, 3, 4096));
    add(in, probe, server, dns("p21", false, 3, 4096));
    // The answer crosses r whole (r.out sees it all), but at r.in its first fragment is followed by
    // a flood of first fragments that never end, and the table is emptied before the second comes.
    const Bytes answer = dns("p21", true, 3, 4096, 3000);
    add(out, server, probe, answer);
    auto pieces = net::fragment_udp(server, probe, answer, 1500, 0x4321);
    in.frames.push_back({in.frames.size() + 1, 0, pieces.front()});
    for (std::uint32_t id = 1; id <= 4200; ++id) {
        auto flood = net::fragment_udp(other, server, Bytes(2000, 0), 1500, id);
        in.frames.push_back({in.frames.size() + 1, 0, flood.front()});
    }
    for (std::size_t i = 1; i < pieces.size(); ++i) in.frames.push_back({in.frames.size() + 1, 0, pieces[i]});
    std::vector<TapSightings> taps{observe(in, kZone), observe(out, kZone)};
    EXPECT_GE(taps[0].fragment_overflows, 1u);
    auto found = attribute({{"r", 0, 1}}, taps, {record("p21", Outcome::timeout)});
    const auto* overflow = with_rule(found, FindingRule::tap_overflow);
    ASSERT_NE(overflow, nullptr);
    EXPECT_FALSE(overflow->device);
    EXPECT_EQ(overflow->params["table"], "fragments");
    EXPECT_EQ(overflow->params["tap"], "r.in");
    EXPECT_TRUE(model::check_finding(*overflow).empty());
    for (const auto& finding : found) EXPECT_FALSE(model::blames(finding.rule) && finding.device) << to_string(finding.rule);
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
