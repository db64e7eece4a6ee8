// `lab reproduce`'s pure halves on hand-built results: the profile a run's verdicts imply (and
// that it validates), what it cannot reproduce, and the check of a lab's verdicts against them.
#include <gtest/gtest.h>

#include "probe/lab/reproduce.h"
#include "probe/profile/profile.h"

namespace dnspath::lab {
namespace {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;
using model::Verdict;

Verdict verdict(Checkpoint checkpoint, Family family, Status status, CauseCode code, model::Params params,
                std::vector<std::string> devices = {}) {
    Verdict made;
    made.checkpoint = checkpoint;
    made.family = family;
    made.status = status;
    made.cause = {code, std::move(params)};
    made.probes = {"p01"};
    for (auto& device : devices) made.blame.push_back({device, {"p01"}, model::FindingRule::answer_dropped, made.cause});
    return made;
}

model::RunResult field_run() {
    model::RunResult run;
    run.path = {"Home GW", "core"};
    run.verdicts = {
        verdict(Checkpoint::udp_large, Family::ipv4, Status::fail, CauseCode::size_cap, {{"largest", 1232}, {"size", 1238}}, {"Home GW"}),
        verdict(Checkpoint::udp_large, Family::ipv6, Status::pass, CauseCode::ok, model::Params::object()),
        verdict(Checkpoint::nat, Family::ipv4, Status::warn, CauseCode::nat, {{"devices", {"Home GW"}}}, {"Home GW"}),
        verdict(Checkpoint::tcp_direct, Family::ipv6, Status::fail, CauseCode::tcp_filter, {{"action", "reset"}, {"stage", "syn"}}, {"core"}),
        verdict(Checkpoint::tsig, Family::ipv4, Status::fail, CauseCode::tsig_broken, {{"what", "query-stripped"}}, {"core"}),
        verdict(Checkpoint::edns_truncation, Family::ipv4, Status::fail, CauseCode::inconclusive, {{"loss_rate", 0.3}}),
        verdict(Checkpoint::tcp_fallback, Family::ipv4, Status::fail, CauseCode::tcp_filter, {{"action", "drop"}}),
    };
    return run;
}

TEST(Reproduce, EachCauseBecomesItsDevicesFaultInPathOrderAndTheProfileValidates) {
    auto planned = plan_reproduction(field_run(), "field/result.json");
    ASSERT_TRUE(planned) << planned.error().message;
    ASSERT_EQ(planned->devices.size(), 2u);
    const auto& gateway = planned->devices[0];
    EXPECT_EQ(gateway.name, "home-gw");  // a namespace name, the run's kept in a comment
    EXPECT_EQ(gateway.kind, "nat");
    const auto text = planned->profile_text("drep");
    auto profile = profile::parse_profile(text, "reproduced.toml");
    ASSERT_TRUE(profile) << profile.error().describe() << "\n" << text;
    ASSERT_EQ(profile->devices.size(), 2u);
    EXPECT_EQ(profile->devices[0].faults.udp_size_cap, 1232);
    EXPECT_EQ(profile->devices[0].faults.family, "ipv4");  // only IPv4 answers were capped
    EXPECT_EQ(profile->devices[1].kind, "firewall");
    EXPECT_EQ(profile->devices[1].faults.tcp53, "reset");
    EXPECT_EQ(profile->devices[1].faults.family, "ipv6");
    EXPECT_NE(text.find("# \"Home GW\" in the run"), std::string::npos);
    EXPECT_NE(text.find("# from: udp-large/ipv4 size-cap (probes p01)"), std::string::npos);
    // The plan asks what the run asked.
    for (const char* kind : {"edns-size", "tcp", "nat", "options", "ttl"})
        EXPECT_NE(std::find(planned->probes.begin(), planned->probes.end(), kind), planned->probes.end()) << kind;
}

// dnsdist answers in the servers' place, so the judge recasts its udp-sessions verdicts to
// `interception`: who answered the flows is then only in the probe's own cause. (The CI once
// reproduced the shipped dnsdist lab with an nftables balancer when both families were recast.)
TEST(Reproduce, ABalancerIsKnownByWhoAnsweredEvenWhenItsVerdictsWereRecastToInterception) {
    model::RunResult run;
    run.path = {"router", "lb"};
    for (auto family : {Family::ipv4, Family::ipv6}) {
        auto sessions = verdict(Checkpoint::udp_sessions, family, Status::warn, CauseCode::interception,
                                {{"device", "lb"}, {"instead_of", "random-loss"}}, {"lb"});
        sessions.probe_cause = model::Cause{CauseCode::random_loss, {{"answered_by", {{"server1", 900}, {"server2", 880}}}}};
        run.verdicts.push_back(sessions);
        run.verdicts.push_back(verdict(Checkpoint::qdcount, family, Status::fail, CauseCode::interception, {{"device", "lb"}}, {"lb"}));
    }
    auto planned = plan_reproduction(run, "lb/result.json");
    ASSERT_TRUE(planned) << planned.error().message;
    ASSERT_EQ(planned->devices.size(), 2u);
    const auto& lb = planned->devices[1];
    EXPECT_EQ(lb.kind, "lb");
    const auto balancer = std::find_if(lb.settings.begin(), lb.settings.end(), [](const auto& s) { return s.key == "balancer"; });
    ASSERT_NE(balancer, lb.settings.end());
    EXPECT_EQ(balancer->value, "\"dnsdist\"");
}

TEST(Reproduce, WhatNoLabFaultYieldsOrNoDeviceCarriesIsListedNotDropped) {
    auto planned = plan_reproduction(field_run(), "field/result.json").value();
    // Failing verdicts with a device are expected again; tsig-broken on core follows from nothing
    // the lab can build, but core has a fault of its own, so it stays expected and unlisted.
    ASSERT_EQ(planned.expected.size(), 3u);
    EXPECT_EQ(planned.expected[0].name(), "udp-large/ipv4 size-cap @ home-gw");
    std::vector<std::string> listed;
    for (const auto& gone : planned.unreproducible) listed.push_back(gone.verdict + " " + gone.code + " " + gone.why);
    EXPECT_EQ(listed, (std::vector<std::string>{"edns-truncation/ipv4 inconclusive inconclusive", "tcp-fallback/ipv4 tcp-filter not-located"}));
    EXPECT_NE(planned.profile_text("drep").find("# not reproducible in the lab: tcp-fallback/ipv4 tcp-filter (not-located)"), std::string::npos);
    // A device with nothing the lab can build for its only cause: listed with its code.
    auto run = field_run();
    run.verdicts.erase(run.verdicts.begin() + 3);  // core's TCP filter
    auto without = plan_reproduction(run, "r").value();
    EXPECT_TRUE(std::any_of(without.unreproducible.begin(), without.unreproducible.end(), [](const Unreproducible& gone) {
        return gone.code == "tsig-broken" && gone.device == "core" && gone.why == "no-lab-fault";
    }));
}

TEST(Reproduce, ARunWithNoFailureHasNothingToReproduce) {
    auto run = field_run();
    std::erase_if(run.verdicts, [](const Verdict& v) { return v.status == Status::fail; });
    auto planned = plan_reproduction(run, "clean/result.json");
    ASSERT_FALSE(planned);
    EXPECT_EQ(planned.error().code, "nothing-to-reproduce");
}

TEST(Reproduce, TheLabMustShowEachFailureWithTheSameCauseOnTheSameDevice) {
    auto planned = plan_reproduction(field_run(), "r").value();
    model::RunResult lab;
    lab.verdicts = {
        verdict(Checkpoint::udp_large, Family::ipv4, Status::fail, CauseCode::size_cap, {{"largest", 1232}}, {"home-gw"}),
        verdict(Checkpoint::tcp_direct, Family::ipv6, Status::fail, CauseCode::tcp_filter, {{"action", "reset"}}, {"home-gw"}),
        verdict(Checkpoint::tsig, Family::ipv4, Status::fail, CauseCode::no_answer, model::Params::object(), {"core"}),
    };
    auto check = check_reproduction(planned, lab);
    EXPECT_EQ(check.reproduced, (std::vector<std::string>{"udp-large/ipv4 size-cap @ home-gw"}));
    ASSERT_EQ(check.missing.size(), 2u);
    EXPECT_EQ(check.missing[0].second, "fail tcp-filter @ home-gw");  // another device
    EXPECT_EQ(check.missing[1].second, "fail no-answer @ core");      // another cause
    EXPECT_FALSE(check.ok());
}

// Two runs of the same lab: a failure either run showed is reproduced (intermittent when one did
// not), one neither showed is missing with what the last run said.
TEST(Reproduce, AFailureSeenInSomeLabRunsIsReproducedAndCalledIntermittent) {
    auto planned = plan_reproduction(field_run(), "r").value();
    ASSERT_EQ(planned.expected.size(), 3u);
    const auto name = [&](std::size_t i) { return planned.expected[i].name(); };
    ReproductionCheck first{{name(0)}, {{name(1), "pass ok"}, {name(2), "pass ok"}}, {}, 1};
    ReproductionCheck second{{name(0), name(1)}, {{name(2), "fail no-answer @ core"}}, {}, 1};
    auto combined = combine_checks(planned, {first, second});
    EXPECT_EQ(combined.runs, 2);
    EXPECT_EQ(combined.reproduced, (std::vector<std::string>{name(0), name(1)}));
    EXPECT_EQ(combined.intermittent, (std::vector<std::pair<std::string, int>>{{name(1), 1}}));
    ASSERT_EQ(combined.missing.size(), 1u);
    EXPECT_EQ(combined.missing[0], (std::pair<std::string, std::string>{name(2), "fail no-answer @ core"}));
    EXPECT_FALSE(combined.ok());
    second.reproduced.push_back(name(2));
    second.missing.clear();
    EXPECT_TRUE(combine_checks(planned, {first, second}).ok());
    EXPECT_TRUE(combine_checks(planned, {second}).intermittent.empty());
}

TEST(Reproduce, WithoutTapsTheRoutersAreTheTracesHopsAndTheFaultGoesWhereTheAnswerDied) {
    model::RunResult run;
    model::Params trace{{"traced", "p02"}, {"direction", "answer"}, {"hop", 2}, {"answer_dies_at_hop", 1},
                        {"hops", {{{"ttl", 1}, {"from", "198.18.0.2"}}, {{"ttl", 2}, {"from", "198.18.1.2"}}}},
                        {"answer_hops", {{{"hop", 1}, {"from", "198.18.2.1"}, {"large_from", "198.18.2.1"}}, {{"hop", 2}, {"from", "198.18.1.1"}}}}};
    run.verdicts = {verdict(Checkpoint::udp_large, Family::ipv4, Status::fail, CauseCode::size_cap, {{"largest", 1232}}),
                    verdict(Checkpoint::path_trace, Family::ipv4, Status::warn, CauseCode::loss_located, trace)};
    auto planned = plan_reproduction(run, "r").value();
    ASSERT_EQ(planned.devices.size(), 2u);
    EXPECT_EQ(planned.devices[0].name, "hop1");
    EXPECT_TRUE(planned.devices[0].faults.empty());
    ASSERT_EQ(planned.devices[1].faults.size(), 1u);
    EXPECT_EQ(planned.devices[1].faults[0].key, "udp_size_cap");
    ASSERT_EQ(planned.expected.size(), 1u);
    EXPECT_EQ(planned.expected[0].devices, std::vector<std::string>{"hop2"});
}

}  // namespace
}  // namespace dnspath::lab
