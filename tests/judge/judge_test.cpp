// The judges on recorded outcomes: probe verdicts plus hand-built capture findings in, causes and
// blame out. Each test is one rule of docs/causes.md.
#include <gtest/gtest.h>

#include "probe/judge/judge.h"

namespace dnspath::judge {
namespace {

using model::CaptureFinding;
using model::CauseCode;
using model::Family;
using model::FindingRule;
using model::Status;

model::RunResult run(std::vector<std::string> path) {
    model::RunResult result;
    result.path = std::move(path);
    return result;
}

model::Verdict& add(model::RunResult& result, std::string_view checkpoint, Family family, Status status, CauseCode code,
                    model::Params params, std::vector<std::string> probes) {
    model::Verdict verdict;
    verdict.checkpoint = model::checkpoint_from(checkpoint).value();
    verdict.family = family;
    verdict.status = status;
    verdict.cause = {code, std::move(params)};
    verdict.probes = probes;
    result.verdicts.push_back(verdict);
    for (const auto& id : probes) {
        model::ProbeRecord probe;
        probe.id = id;
        probe.family = family;
        probe.outcome = model::Outcome::timeout;
        result.probes.push_back(probe);
    }
    return result.verdicts.back();
}

CaptureFinding finding(FindingRule rule, std::string probe, std::optional<std::string> device, model::Params params = {}) {
    return {rule, std::move(probe), std::move(device), {}, params.is_null() ? model::Params::object() : params};
}

const model::Verdict& verdict(const model::RunResult& result, std::string_view checkpoint, Family family = Family::ipv4) {
    for (const auto& found : result.verdicts)
        if (found.checkpoint == model::checkpoint_from(checkpoint).value() && found.family == family) return found;
    throw std::logic_error("no verdict");
}

TEST(Judge, FragmentsLostInsideADeviceAreAFragmentFilterNotASizeCap) {
    auto result = run({"fw"});
    add(result, "udp-large", Family::ipv4, Status::fail, CauseCode::size_cap, {{"size", 1480}}, {"p1", "p2"});
    judge_with_findings(result, {finding(FindingRule::fragments_dropped, "p1", "fw", {{"direction", "answer"}, {"fragments", 2}, {"passed", 1}}),
                                 finding(FindingRule::answer_dropped, "p2", "fw", {{"direction", "answer"}, {"fragments", 3}})});
    const auto& udp = verdict(result, "udp-large");
    EXPECT_EQ(udp.cause.code, CauseCode::fragment_filter);
    EXPECT_EQ(udp.cause.params["direction"], "answers");
    EXPECT_EQ(udp.cause.params["family"], "ipv4");
    EXPECT_EQ(udp.cause.params["instead_of"], "size-cap");
    EXPECT_EQ(udp.cause.params["size"], 1480);  // the probe's figures are kept
    ASSERT_EQ(udp.blame.size(), 1u);
    EXPECT_EQ(udp.blame[0].device, "fw");
    EXPECT_EQ(udp.blame[0].probes, (std::vector<std::string>{"p1", "p2"}));
    ASSERT_TRUE(udp.probe_cause);
    EXPECT_EQ(udp.probe_cause->code, CauseCode::size_cap);
}

TEST(Judge, TwoDevicesFailingOneVerdictDifferentlyEachGetTheirOwnCause) {
    // The cpe caps answers at 1232 (whole datagrams lost there); the router behind it drops
    // fragments of the larger ones before they reach the cpe.
    auto result = run({"cpe", "router"});
    add(result, "udp-large", Family::ipv6, Status::fail, CauseCode::size_cap, {{"size", 1238}}, {"p1", "p2"});
    add(result, "dnssec-passthrough", Family::ipv6, Status::fail, CauseCode::size_cap, {{"size", 1500}}, {"p3"});
    judge_with_findings(result, {finding(FindingRule::answer_dropped, "p1", "cpe", {{"direction", "answer"}, {"fragments", 1}}),
                                 finding(FindingRule::answer_dropped, "p2", "router", {{"direction", "answer"}, {"fragments", 3}}),
                                 // The NAT at the cpe is a note on every probe: it says nothing of sizes.
                                 finding(FindingRule::source_translated, "p3", "cpe"),
                                 finding(FindingRule::answer_dropped, "p3", "router", {{"direction", "answer"}, {"fragments", 2}})});
    // The signed answer was lost to the router's fragment filter alone.
    EXPECT_EQ(verdict(result, "dnssec-passthrough", Family::ipv6).cause.code, CauseCode::fragment_filter);
    const auto& udp = verdict(result, "udp-large", Family::ipv6);
    EXPECT_EQ(udp.cause.code, CauseCode::size_cap);  // the threshold the verdict reports is the cpe's cap
    ASSERT_EQ(udp.blame.size(), 2u);
    EXPECT_EQ(udp.blame[0].device, "cpe");
    EXPECT_EQ(udp.blame[0].cause.code, CauseCode::size_cap);
    EXPECT_EQ(udp.blame[1].device, "router");
    EXPECT_EQ(udp.blame[1].cause.code, CauseCode::fragment_filter);
    EXPECT_EQ(udp.blame[1].cause.params["direction"], "answers");
}

TEST(Judge, WholeAnswersDroppedStayASizeCap) {
    auto result = run({"fw"});
    add(result, "udp-large", Family::ipv4, Status::fail, CauseCode::size_cap, {{"size", 1240}}, {"p1"});
    judge_with_findings(result, {finding(FindingRule::answer_dropped, "p1", "fw", {{"direction", "answer"}, {"fragments", 1}})});
    EXPECT_EQ(verdict(result, "udp-large").cause.code, CauseCode::size_cap);
    EXPECT_EQ(verdict(result, "udp-large").blame.at(0).rule, FindingRule::answer_dropped);
}

TEST(Judge, QueriesAndAnswersBothFragmentedAreBoth) {
    auto result = run({"fw"});
    add(result, "udp-fragments", Family::ipv6, Status::fail, CauseCode::fragment_filter, {{"direction", "answers"}}, {"p1", "p2"});
    judge_with_findings(result, {finding(FindingRule::fragments_dropped, "p1", "fw", {{"direction", "answer"}}),
                                 finding(FindingRule::fragments_dropped, "p2", "fw", {{"direction", "query"}})});
    EXPECT_EQ(verdict(result, "udp-fragments", Family::ipv6).cause.params["direction"], "both");
}

TEST(Judge, TheDeviceThatDropsTheIcmpIsTheBlackHole) {
    auto result = run({"bras", "tunnel"});
    add(result, "pmtu", Family::ipv6, Status::fail, CauseCode::pmtud_blackhole, {{"direction", "answers"}}, {"p1"});
    judge_with_findings(result, {finding(FindingRule::icmp_dropped, "p1", "tunnel", {{"sender", "bras"}, {"mtu", 1454}})});
    const auto& pmtu = verdict(result, "pmtu", Family::ipv6);
    EXPECT_EQ(pmtu.cause.code, CauseCode::pmtud_blackhole);
    EXPECT_EQ(pmtu.cause.params["icmp_dropped_by"], "tunnel");
    EXPECT_EQ(pmtu.cause.params["sender"], "bras");
    EXPECT_EQ(model::blamed_devices(pmtu), (std::vector<std::string>{"tunnel"}));
}

// A lossy router that lost one ICMP too big while others reached the prober loses at random: the
// MTU behind it works (fault matrix: mtu-icmp with 10 % loss on the other device).
TEST(Judge, OneIcmpLostByALossyDeviceIsNoBlackHole) {
    auto result = run({"edge", "core"});
    add(result, "pmtu", Family::ipv4, Status::warn, CauseCode::mtu, {{"mtu", 1400}}, {"p1", "p2", "p3"});
    for (int i = 0; i < 64; ++i) {  // the loss measurement: edge lost 8 of 64
        model::ProbeRecord loss;
        loss.id = "l" + std::to_string(i);
        loss.kind = "loss";
        loss.family = Family::ipv4;
        result.probes.push_back(loss);
    }
    for (auto& probe : result.probes)
        if (probe.id == "p2" || probe.id == "p3") probe.icmp_mtu = 1400;  // their ICMP arrived
    std::vector<CaptureFinding> findings{finding(FindingRule::icmp_dropped, "p1", "edge",
                                                 {{"sender", "core"}, {"mtu", 1400}, {"direction", "query"}})};
    for (int i = 0; i < 8; ++i) findings.push_back(finding(FindingRule::query_dropped, "l" + std::to_string(i), "edge"));
    judge_with_findings(result, findings);
    EXPECT_EQ(verdict(result, "pmtu").cause.code, CauseCode::mtu);
    // The same drop on a device that loses nothing else is the black hole.
    auto clean = run({"edge", "core"});
    add(clean, "pmtu", Family::ipv4, Status::warn, CauseCode::mtu, {{"mtu", 1400}}, {"p1"});
    judge_with_findings(clean, {finding(FindingRule::icmp_dropped, "p1", "edge", {{"sender", "core"}, {"mtu", 1400}})});
    EXPECT_EQ(verdict(clean, "pmtu").cause.code, CauseCode::pmtud_blackhole);
}

TEST(Judge, AnIcmpThatArrivedTurnsASizeCapIntoAnMtu) {
    auto result = run({"r"});
    add(result, "udp-large", Family::ipv4, Status::fail, CauseCode::size_cap, {}, {"p1"});
    judge_with_findings(result, {finding(FindingRule::icmp_too_big, "p1", "r", {{"mtu", 1280}, {"sender", "r"}})});
    EXPECT_EQ(verdict(result, "udp-large").cause.code, CauseCode::mtu);
    EXPECT_TRUE(verdict(result, "udp-large").blame.empty());  // a signal, not a blame
}

TEST(Judge, ATcpStallBesideABlackHoleIsTheBlackHoleWithoutTaps) {
    auto result = run({});
    add(result, "pmtu", Family::ipv6, Status::fail, CauseCode::pmtud_blackhole,
        {{"direction", "queries"}, {"transports", {"udp-df"}}}, {"p1"});
    add(result, "tcp-direct", Family::ipv6, Status::fail, CauseCode::tcp_filter, {{"action", "drop"}, {"stage", "data"}}, {"p2"});
    add(result, "tcp-direct", Family::ipv4, Status::fail, CauseCode::tcp_filter, {{"action", "drop"}, {"stage", "syn"}}, {"p3"});
    judge_together(result);
    const auto& tcp = verdict(result, "tcp-direct", Family::ipv6);
    EXPECT_EQ(tcp.cause.code, CauseCode::pmtud_blackhole);
    EXPECT_EQ(tcp.cause.params["transports"], (model::Params{"udp-df", "tcp"}));
    EXPECT_EQ(verdict(result, "pmtu", Family::ipv6).cause.params["transports"], (model::Params{"udp-df", "tcp"}));
    // A SYN dropped on the other family is a TCP filter still.
    EXPECT_EQ(verdict(result, "tcp-direct", Family::ipv4).cause.code, CauseCode::tcp_filter);
}

TEST(Judge, AnswersCappedAtThePathMtuAreTheBlackHole) {
    auto result = run({});
    result.ipv6.path_mtu = 1280;
    add(result, "pmtu", Family::ipv6, Status::fail, CauseCode::pmtud_blackhole, {{"direction", "queries"}}, {"p1"});
    add(result, "udp-large", Family::ipv6, Status::fail, CauseCode::size_cap, {{"largest", 1232}}, {"p2"});
    judge_together(result);
    EXPECT_EQ(verdict(result, "udp-large", Family::ipv6).cause.code, CauseCode::pmtud_blackhole);
    // A cap far below the path MTU is a size filter, whatever the pmtu verdict says.
    auto other = run({});
    other.ipv6.path_mtu = 1500;
    add(other, "pmtu", Family::ipv6, Status::fail, CauseCode::pmtud_blackhole, {{"direction", "queries"}}, {"p1"});
    add(other, "udp-large", Family::ipv6, Status::fail, CauseCode::size_cap, {{"largest", 1232}}, {"p2"});
    judge_together(other);
    EXPECT_EQ(verdict(other, "udp-large", Family::ipv6).cause.code, CauseCode::size_cap);
}

TEST(Judge, AnInterceptorIsNamedAndExplainsTheOtherVerdicts) {
    auto result = run({"cpe", "core"});
    add(result, "dns-interception", Family::ipv4, Status::pass, CauseCode::ok, {}, {"p1"});
    add(result, "pmtu", Family::ipv4, Status::fail, CauseCode::no_answer, {{"what", "df"}}, {"p2"});
    add(result, "udp-large", Family::ipv4, Status::warn, CauseCode::edns_buffer_cap, {{"size", 1238}}, {"p3"});
    add(result, "pmtu", Family::ipv6, Status::fail, CauseCode::no_answer, {{"what", "df"}}, {"p4"});
    judge_with_findings(result, {finding(FindingRule::reoriginated, "p1", "cpe", {{"from_id", 1}, {"to_id", 2}}),
                                 finding(FindingRule::reoriginated, "p3", "cpe", {{"from_id", 3}, {"to_id", 4}}),
                                 finding(FindingRule::bufsize_rewritten, "p3", "cpe", {{"from", 4096}, {"to", 1232}})});
    const auto& intercepted = verdict(result, "dns-interception");
    EXPECT_EQ(intercepted.status, Status::fail);
    EXPECT_EQ(intercepted.cause.code, CauseCode::interception);
    EXPECT_EQ(intercepted.cause.params["device"], "cpe");
    EXPECT_EQ(model::blamed_devices(intercepted), (std::vector<std::string>{"cpe"}));
    // No MTU is invented where the interceptor answered: the pmtu verdict says interception.
    EXPECT_EQ(verdict(result, "pmtu").cause.code, CauseCode::interception);
    EXPECT_EQ(verdict(result, "pmtu").cause.params["instead_of"], "no-answer");
    // A cause the interceptor really has keeps its code and names it.
    EXPECT_EQ(verdict(result, "udp-large").cause.code, CauseCode::edns_buffer_cap);
    EXPECT_EQ(verdict(result, "udp-large").cause.params["intercepted_by"], "cpe");
    EXPECT_EQ(model::blamed_devices(verdict(result, "udp-large")), (std::vector<std::string>{"cpe"}));
    // The other family saw no interception: its verdict keeps the probe's cause.
    EXPECT_EQ(verdict(result, "pmtu", Family::ipv6).cause.code, CauseCode::no_answer);

    // Judged again (re-analysis): the same verdicts, the pass restored and re-failed, nothing doubled.
    const auto first = result.verdicts;
    judge_with_findings(result, {finding(FindingRule::reoriginated, "p1", "cpe", {{"from_id", 1}, {"to_id", 2}}),
                                 finding(FindingRule::reoriginated, "p3", "cpe", {{"from_id", 3}, {"to_id", 4}}),
                                 finding(FindingRule::bufsize_rewritten, "p3", "cpe", {{"from", 4096}, {"to", 1232}})});
    for (std::size_t i = 0; i < first.size(); ++i) {
        EXPECT_EQ(result.verdicts[i].cause.params, first[i].cause.params);
        EXPECT_EQ(result.verdicts[i].findings.size(), first[i].findings.size());
        EXPECT_EQ(result.verdicts[i].status, first[i].status);
    }
    // And with no findings at all, the probe's view comes back whole.
    judge_with_findings(result, {});
    EXPECT_EQ(verdict(result, "dns-interception").status, Status::pass);
    EXPECT_EQ(verdict(result, "pmtu").cause.code, CauseCode::no_answer);
}

// The interception kind's own probes decide: a device the taps saw catch them is the interceptor
// when that verdict failed, even if the taps saw it catch under half of the family's other
// answered probes (side by side on a lossy path, a tap misses some).
TEST(Judge, TheInterceptionKindsOwnProbesNameTheInterceptor) {
    auto result = run({"core", "edge"});
    add(result, "dns-interception", Family::ipv4, Status::fail, CauseCode::interception, {{"evidence", {"no-echo"}}}, {"i1"});
    add(result, "udp-large", Family::ipv4, Status::fail, CauseCode::size_cap, {{"largest", 1232}}, {"u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"});
    for (auto& probe : result.probes) probe.outcome = model::Outcome::answer;
    const std::vector<CaptureFinding> findings{finding(FindingRule::answered_locally, "i1", "edge"),
                                               finding(FindingRule::answered_locally, "u1", "edge")};
    judge_with_findings(result, findings);
    const auto& intercepted = verdict(result, "dns-interception");
    ASSERT_TRUE(intercepted.cause.params.contains("device")) << intercepted.cause.params.dump();
    EXPECT_EQ(intercepted.cause.params["device"], "edge");
    // The size cap it affected is the interception's doing, not a cap of its own.
    const auto& large = verdict(result, "udp-large");
    EXPECT_EQ(large.cause.code, CauseCode::interception);
    EXPECT_EQ(large.cause.params.value("device", ""), "edge");
    // Without the experiment's verdict failing, one of nine answered probes is no interceptor.
    auto passed = run({"core", "edge"});
    add(passed, "dns-interception", Family::ipv4, Status::pass, CauseCode::ok, {}, {"i1"});
    add(passed, "udp-large", Family::ipv4, Status::fail, CauseCode::size_cap, {{"largest", 1232}}, {"u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8"});
    for (auto& probe : passed.probes) probe.outcome = model::Outcome::answer;
    judge_with_findings(passed, {finding(FindingRule::answered_locally, "u1", "edge")});
    EXPECT_EQ(verdict(passed, "dns-interception").status, Status::pass);
    EXPECT_EQ(verdict(passed, "udp-large").cause.code, CauseCode::size_cap);
}

TEST(Judge, AProxyAskedOnPurposeIsNoInterceptor) {
    auto result = run({"cpe"});
    add(result, "dns-interception", Family::ipv4, Status::pass, CauseCode::ok, {}, {"p1"});
    add(result, "dns-proxy", Family::ipv4, Status::pass, CauseCode::ok, {}, {"p2"});
    add(result, "pmtu", Family::ipv4, Status::fail, CauseCode::pmtud_blackhole, {{"direction", "queries"}}, {"p3"});
    result.probes[1].via_proxy = true;
    judge_with_findings(result, {finding(FindingRule::reoriginated, "p2", "cpe", {{"from_id", 1}, {"to_id", 2}})});
    EXPECT_EQ(verdict(result, "dns-interception").status, Status::pass);
    EXPECT_EQ(verdict(result, "pmtu").cause.code, CauseCode::pmtud_blackhole);
}

// A cause stands only when random loss at the family's measured rate could not have lost its
// probes: one lost probe of three tries at a third lost is inconclusive; many lost, or the same
// with a clean path, is the cause.
TEST(Judge, ACauseRandomLossCouldExplainIsInconclusive) {
    auto result = run({"lossy"});
    result.ipv4.loss_rate = 0.19;
    result.ipv4.loss_samples = 64;
    result.ipv6.loss_rate = 0.0;
    result.ipv6.loss_samples = 192;
    add(result, "udp-large", Family::ipv4, Status::fail, CauseCode::size_cap, {{"size", 3101}}, {"p1"});
    add(result, "tcp-direct", Family::ipv4, Status::fail, CauseCode::tcp_filter, {{"action", "drop"}, {"stage", "syn"}},
        {"p2", "p3", "p4", "p5"});
    add(result, "udp-large", Family::ipv6, Status::fail, CauseCode::size_cap, {{"size", 3101}}, {"p6"});
    add(result, "tcp-fallback", Family::ipv4, Status::fail, CauseCode::tcp_filter, {{"action", "reset"}, {"stage", "syn"}},
        {"p7"});
    for (auto& probe : result.probes) probe.attempts = 3;
    // On the clean path 3 lost tries clear the per-verdict bar at 0 of 192 lost (a run's loss
    // measurement), 2 do not.
    auto two_tries = result;
    for (auto& probe : two_tries.probes)
        if (probe.id == "p6") probe.attempts = 2;
    judge_together(two_tries);
    EXPECT_EQ(verdict(two_tries, "udp-large", Family::ipv6).cause.code, CauseCode::inconclusive);
    judge_together(result);
    const auto& undecided = verdict(result, "udp-large");
    EXPECT_EQ(undecided.cause.code, CauseCode::inconclusive);
    EXPECT_EQ(undecided.cause.params["candidates"], (model::Params{"size-cap", "random-loss"}));
    EXPECT_EQ(undecided.cause.params["instead_of"], "size-cap");
    EXPECT_GE(undecided.cause.params["p_value"].get<double>(), 0.01);
    EXPECT_TRUE(model::check_cause(undecided.cause).empty());
    EXPECT_EQ(verdict(result, "tcp-direct").cause.code, CauseCode::tcp_filter);  // 12 tries all lost: no chance
    EXPECT_EQ(verdict(result, "udp-large", Family::ipv6).cause.code, CauseCode::size_cap);  // a clean path
    EXPECT_EQ(verdict(result, "tcp-fallback").cause.code, CauseCode::tcp_filter);  // a reset is no loss
}

// The UDP length filter put TCP in the black hole's transports through udp-large; only a
// TCP exchange that stalled with large segments does.
TEST(Judge, OnlyATcpStallPutsTcpInTheBlackHolesTransports) {
    auto result = run({"router"});
    add(result, "pmtu", Family::ipv4, Status::fail, CauseCode::pmtud_blackhole,
        {{"direction", "queries"}, {"transports", {"udp-df"}}}, {"p1"});
    add(result, "udp-large", Family::ipv4, Status::fail, CauseCode::pmtud_blackhole, {{"see", "pmtu"}}, {"p2"});
    judge_together(result);
    EXPECT_EQ(verdict(result, "pmtu").cause.params["transports"], (model::Params{"udp-df"}));
    add(result, "tcp-direct", Family::ipv4, Status::fail, CauseCode::pmtud_blackhole, {{"transports", {"tcp"}}}, {"p3"});
    judge_together(result);
    EXPECT_EQ(verdict(result, "pmtu").cause.params["transports"], (model::Params{"udp-df", "tcp"}));
}

TEST(Judge, EveryNatIsNamedInPathOrder) {
    auto result = run({"cpe", "router", "cgn"});
    add(result, "nat", Family::ipv4, Status::warn, CauseCode::nat, {{"local", "198.18.0.1"}}, {"p1", "p2"});
    judge_with_findings(result, {finding(FindingRule::source_translated, "p1", "cgn"),
                                 finding(FindingRule::source_translated, "p1", "cpe"),
                                 finding(FindingRule::source_translated, "p2", "cpe")});
    const auto& nat = verdict(result, "nat");
    EXPECT_EQ(model::blamed_devices(nat), (std::vector<std::string>{"cpe", "cgn"}));
    EXPECT_EQ(nat.cause.params["devices"], (model::Params{"cpe", "cgn"}));
}

TEST(Judge, APassIsNeverBlamedAndAGoodAnswerFromACacheIsNot) {
    auto result = run({"cpe"});
    add(result, "edns-options", Family::ipv4, Status::pass, CauseCode::ok, {}, {"p1"});
    add(result, "qdcount", Family::ipv4, Status::fail, CauseCode::wrong_rcode, {}, {"p2"});
    result.probes[1].outcome = model::Outcome::answer;
    judge_with_findings(result, {finding(FindingRule::options_stripped, "p1", "cpe"),
                                 finding(FindingRule::answered_locally, "p2", "cpe")});
    EXPECT_TRUE(verdict(result, "edns-options").blame.empty());
    EXPECT_EQ(verdict(result, "edns-options").findings.size(), 1u);  // still shown as evidence
    // A query the cpe answered itself (not re-originated): interception, the cpe named.
    EXPECT_EQ(verdict(result, "qdcount").cause.code, CauseCode::interception);
}

// "A closed proxy, or its answers lost": nothing is claimed against the proxy, whose buffer-size
// rewrite the taps saw on the same probe (its job); only the device that lost a probe is named.
TEST(Judge, AnUndecidedPassBlamesOnlyTheDeviceThatLostTheProbes) {
    auto result = run({"edge", "core"});
    add(result, "proxy-wan-open", Family::ipv4, Status::warn, CauseCode::inconclusive,
        {{"candidates", {"ok", "random-loss"}}, {"loss_rate", 0.5}}, {"p1", "p2"});
    judge_with_findings(result, {finding(FindingRule::bufsize_rewritten, "p1", "core"),
                                 finding(FindingRule::answer_dropped, "p2", "edge", {{"direction", "answer"}, {"fragments", 1}})});
    const auto& undecided = verdict(result, "proxy-wan-open");
    ASSERT_EQ(undecided.blame.size(), 1u);
    EXPECT_EQ(undecided.blame.front().device, "edge");
    EXPECT_EQ(undecided.cause.code, CauseCode::inconclusive);
}

TEST(Judge, FindingsThatNameNoDeviceBlameNobody) {
    auto result = run({"a", "b"});
    add(result, "udp-large", Family::ipv4, Status::fail, CauseCode::size_cap, {}, {"p1"});
    judge_with_findings(result, {finding(FindingRule::lost_between_taps, "p1", std::nullopt, {{"instead_of", "answer-dropped"}})});
    EXPECT_TRUE(verdict(result, "udp-large").blame.empty());
    EXPECT_EQ(verdict(result, "udp-large").cause.code, CauseCode::size_cap);
}

}  // namespace
}  // namespace dnspath::judge

namespace dnspath::judge {
namespace {

// A filter on the UDP length drops whole answers and, with them, the first fragment of larger
// ones: the fragments lost there are the size filter's doing, not a fragment filter's.
TEST(Judge, ADeviceThatDropsWholeDatagramsIsASizeFilterForItsFragmentsToo) {
    model::RunResult result;
    result.path = {"router"};
    auto verdict_with = [&](std::string checkpoint, std::vector<std::string> probes) {
        model::Verdict verdict;
        verdict.checkpoint = model::checkpoint_from(checkpoint).value();
        verdict.family = model::Family::ipv6;
        verdict.status = model::Status::fail;
        verdict.cause = {model::CauseCode::size_cap, model::Params::object()};
        verdict.probes = probes;
        result.verdicts.push_back(verdict);
        for (const auto& id : probes) {
            model::ProbeRecord probe;
            probe.id = id;
            probe.family = model::Family::ipv6;
            result.probes.push_back(probe);
        }
    };
    verdict_with("udp-large", {"p1"});
    verdict_with("udp-fragments", {"p2"});
    judge_with_findings(result, {{model::FindingRule::answer_dropped, "p1", "router", {}, {{"direction", "answer"}, {"fragments", 1}}},
                                 {model::FindingRule::fragments_dropped, "p2", "router", {}, {{"direction", "answer"}, {"fragments", 3}}}});
    EXPECT_EQ(result.verdicts[0].cause.code, model::CauseCode::size_cap);
    EXPECT_EQ(result.verdicts[1].cause.code, model::CauseCode::size_cap);
}

}  // namespace
}  // namespace dnspath::judge
