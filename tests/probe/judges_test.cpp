// The kinds' pure judges on recorded outcomes: what the probe saw, written down by hand, in;
// status and cause code with its parameters out.
#include <gtest/gtest.h>

#include <random>

#include "probe/kinds/judges.h"

namespace dnspath::probe {
namespace {

using model::CauseCode;
using model::Family;
using model::Status;

const model::Verdict& only(const model::RunResult& result) {
    EXPECT_EQ(result.verdicts.size(), 1u);
    return result.verdicts.front();
}

TEST(JudgeUdpLarge, LossAboveASizeIsASizeCapWithItsFigures) {
    model::RunResult result;
    std::map<std::uint32_t, Delivery> seen{{512, Delivery::delivered}, {1232, Delivery::delivered},
                                           {1240, Delivery::lost}, {1500, Delivery::lost}, {4096, Delivery::lost}};
    judge_udp_large(result, Family::ipv4, seen, 1232, 4096, {512, 1232, 1500, 4096}, {"p3", "p4"});
    const auto& verdict = only(result);
    EXPECT_EQ(verdict.status, Status::fail);
    EXPECT_EQ(verdict.cause.code, CauseCode::size_cap);
    EXPECT_EQ(verdict.cause.params["size"], 1240);
    EXPECT_EQ(verdict.cause.params["largest"], 1232);
    EXPECT_EQ(verdict.cause.params["gap"], 4096 - 1232);
    EXPECT_EQ(verdict.probes, (std::vector<std::string>{"p3", "p4"}));
}

TEST(JudgeUdpLarge, ALargerAnswerArrivingMakesLossRandom) {
    model::RunResult result;
    std::map<std::uint32_t, Delivery> seen{{512, Delivery::delivered}, {1500, Delivery::lost}, {4096, Delivery::delivered}};
    judge_udp_large(result, Family::ipv6, seen, 512, 4096, {512, 1500, 4096}, {"p2"});
    EXPECT_EQ(only(result).status, Status::warn);
    EXPECT_EQ(only(result).cause.code, CauseCode::random_loss);
}

TEST(JudgeUdpLarge, TruncationAndShortAnswersAreTheirOwnCauses) {
    model::RunResult capped, cut;
    judge_udp_large(capped, Family::ipv4, {{512, Delivery::delivered}, {1500, Delivery::truncated_tc}}, 512, 4096,
                    {512, 1500}, {});
    EXPECT_EQ(only(capped).status, Status::warn);
    EXPECT_EQ(only(capped).cause.code, CauseCode::edns_buffer_cap);
    judge_udp_large(cut, Family::ipv4, {{512, Delivery::delivered}, {1500, Delivery::short_no_tc}}, 512, 4096,
                    {512, 1500}, {});
    EXPECT_EQ(only(cut).status, Status::fail);
    EXPECT_EQ(only(cut).cause.code, CauseCode::truncated_without_tc);
}

TEST(JudgeUdpLarge, EverySizeDeliveredPasses) {
    model::RunResult result;
    judge_udp_large(result, Family::ipv4, {{512, Delivery::delivered}, {4096, Delivery::delivered}}, 4096, 4096,
                    {512, 4096}, {});
    EXPECT_EQ(only(result).status, Status::pass);
    EXPECT_EQ(only(result).cause.code, CauseCode::ok);
}

PmtuEvidence evidence(Direction forward, Direction reverse, PacketLimit forward_limit = PacketLimit::none,
                      PacketLimit reverse_limit = PacketLimit::none) {
    return {forward, reverse, forward_limit, reverse_limit, 1500, model::Params::array()};
}

TEST(JudgePmtu, SilenceTowardTheServerThatTheSameSizeWithoutDfCrossesIsABlackHole) {
    model::RunResult result;
    judge_pmtu(result, Family::ipv4,
               evidence({1280, 1281, std::nullopt, ""}, {1500, std::nullopt, std::nullopt, ""}, PacketLimit::mtu), {"p1"});
    EXPECT_EQ(only(result).status, Status::fail);
    EXPECT_EQ(only(result).cause.code, CauseCode::pmtud_blackhole);
    EXPECT_EQ(only(result).cause.params["direction"], "queries");
    EXPECT_EQ(only(result).cause.params["forward"], 1280);
}

// The UDP length filter: DF queries over 1328 lost, and so are the same without DF and in
// small fragments, while a small query in fragments arrives: a size cap on the UDP length, no MTU.
TEST(JudgePmtu, AUdpLengthLimitIsASizeCapNotABlackHole) {
    model::RunResult result;
    judge_pmtu(result, Family::ipv4,
               evidence({1328, 1329, std::nullopt, ""}, {1328, 1329, std::nullopt, ""}, PacketLimit::udp_length,
                        PacketLimit::udp_length),
               {"p1"});
    EXPECT_EQ(only(result).status, Status::warn);
    EXPECT_EQ(only(result).cause.code, CauseCode::size_cap);
    EXPECT_EQ(only(result).cause.params["limit"], "udp-length");
    EXPECT_FALSE(only(result).cause.params.contains("transports"));
}

TEST(JudgePmtu, AnIcmpTooBigIsAWorkingMtu) {
    model::RunResult result;
    judge_pmtu(result, Family::ipv4, evidence({1454, 1455, 1454, "198.18.1.2"}, {1500, std::nullopt, std::nullopt, ""}), {});
    EXPECT_EQ(only(result).status, Status::pass);
    EXPECT_EQ(only(result).cause.code, CauseCode::mtu);
    EXPECT_EQ(only(result).cause.params["icmp_mtu"], 1454);
}

TEST(JudgePmtu, TheLostAnswerExperimentDecidesTheWayBack) {
    const Direction forward{1500, std::nullopt, std::nullopt, ""};
    const Direction back{1280, 1281, std::nullopt, ""};
    model::RunResult hole, filter, mtu;
    judge_pmtu(hole, Family::ipv6, evidence(forward, back, PacketLimit::none, PacketLimit::ip_length), {});
    EXPECT_EQ(only(hole).cause.code, CauseCode::pmtud_blackhole);
    EXPECT_EQ(only(hole).cause.params["direction"], "answers");
    judge_pmtu(filter, Family::ipv6, evidence(forward, back, PacketLimit::none, PacketLimit::udp_length), {});
    EXPECT_EQ(only(filter).cause.code, CauseCode::size_cap);
    EXPECT_EQ(only(filter).status, Status::warn);  // packets vanish: never a pass
    judge_pmtu(mtu, Family::ipv6, evidence(forward, back, PacketLimit::none, PacketLimit::mtu), {});
    EXPECT_EQ(only(mtu).status, Status::warn);
    EXPECT_EQ(only(mtu).cause.code, CauseCode::mtu);
}

TEST(JudgeFragments, WhichDirectionLostItsFragments) {
    model::RunResult both, queries_only, small_pass, clean;
    judge_fragments(both, Family::ipv4, {{}, {1572, 3000}, {}, {}, {1280, 576}, true, 1500}, {"p1"});
    EXPECT_EQ(only(both).cause.code, CauseCode::fragment_filter);
    EXPECT_EQ(only(both).cause.params["direction"], "both");
    judge_fragments(queries_only, Family::ipv4, {{}, {}, {}, {}, {1280}, true, 1500}, {"p1"});
    EXPECT_EQ(only(queries_only).cause.params["direction"], "queries");
    // Large answers lost while fragmented queries pass: a size limit or an MTU, not fragments.
    judge_fragments(small_pass, Family::ipv6, {{}, {1552, 3000}, {}, {1280, 576}, {}, true, 1500}, {"p1"});
    EXPECT_EQ(only(small_pass).cause.code, CauseCode::size_cap);
    judge_fragments(clean, Family::ipv6, {{1552, 3000, 4000}, {}, {}, {1280, 576}, {}, false, 1500}, {});
    EXPECT_EQ(only(clean).status, Status::warn);  // passed, but queries could not be crafted
    EXPECT_EQ(only(clean).cause.params["raw_socket"], false);
}

SessionOutcomes sessions(std::size_t flows, std::size_t answered, std::optional<std::size_t> paced,
                         std::optional<std::size_t> old, double loss) {
    SessionOutcomes outcomes{flows, answered, answered, {}, paced, 16, 25};
    if (old) {
        outcomes.old_flows = 16;
        outcomes.old_answered = *old;
    }
    outcomes.loss = loss;
    return outcomes;
}

// New flows refused one at a time while the old ones still pass is a full table; the issue's
// case (120 flows, 119 of 256 answered, no paced flow, at 10 % loss) is one, whatever the prefix.
TEST(JudgeSessions, RefusedNewFlowsWithOldOnesPassingIsAFullTable) {
    model::RunResult table, lossy_table;
    judge_sessions(table, Family::ipv4, sessions(256, 100, 0, 16, 0.05), {"p1"});
    EXPECT_EQ(only(table).cause.code, CauseCode::state_table_full);
    EXPECT_EQ(only(table).cause.params["answered"], 100);
    judge_sessions(lossy_table, Family::ipv4, sessions(256, 119, 0, 14, 0.34), {"p1"});
    EXPECT_EQ(only(lossy_table).cause.code, CauseCode::state_table_full);
}

TEST(JudgeSessions, PacedFlowsPassingIsARateLimitAndLossWithinTheRateIsLoss) {
    model::RunResult limit, loss, clean, undecided;
    judge_sessions(limit, Family::ipv4, sessions(256, 60, 16, 16, 0.05), {"p1"});
    EXPECT_EQ(only(limit).cause.code, CauseCode::rate_limit);
    // 20 of 256 lost where a third of exchanges are lost anyway: nothing to blame on a table.
    judge_sessions(loss, Family::ipv4, sessions(256, 236, 12, 12, 0.34), {"p1"});
    EXPECT_EQ(only(loss).cause.code, CauseCode::random_loss);
    EXPECT_EQ(only(loss).status, Status::warn);
    // Everything refused after the burst, old flows too: the two cannot be told apart.
    judge_sessions(undecided, Family::ipv4, sessions(256, 100, 0, 0, 0.05), {"p1"});
    EXPECT_EQ(only(undecided).cause.code, CauseCode::inconclusive);
    auto clean_outcomes = sessions(256, 256, std::nullopt, std::nullopt, 0.05);
    clean_outcomes.answered_by = {{"server1", 128}, {"server2", 128}};
    judge_sessions(clean, Family::ipv6, clean_outcomes, {});
    EXPECT_EQ(only(clean).status, Status::pass);
    EXPECT_EQ(only(clean).cause.params["answered_by"]["server2"], 128);
}

// A table that filled counts what it held: at or above plan.sessions_min it passes with its
// capacity; below, it fails. Either way the summary carries capacity, tested_to and the policy.
TEST(JudgeSessions, AFullTableIsMeasuredAgainstTheMinimum) {
    model::RunResult small, large, never;
    auto filled = sessions(1024, 700, 0, 16, 0.0);
    filled.tested_to = 1024;
    filled.capacity = 400;
    filled.minimum = 1000;
    judge_sessions(small, Family::ipv4, filled, {"p1"});
    EXPECT_EQ(only(small).cause.code, CauseCode::state_table_full);
    EXPECT_EQ(only(small).cause.params["capacity"], 400);
    EXPECT_EQ(small.ipv4.state_table_capacity, 400);
    EXPECT_EQ(small.ipv4.state_table_policy, "refuse-new");
    filled.minimum = 256;
    judge_sessions(large, Family::ipv4, filled, {"p1"});
    EXPECT_EQ(only(large).status, Status::pass);
    EXPECT_EQ(large.ipv4.state_table_tested_to, 1024);
    auto clean = sessions(16384, 16384, std::nullopt, 16, 0.0);
    clean.tested_to = 16384;
    judge_sessions(never, Family::ipv4, clean, {});
    EXPECT_EQ(only(never).status, Status::pass);
    EXPECT_FALSE(never.ipv4.state_table_capacity.has_value());  // never filled
    EXPECT_EQ(never.ipv4.state_table_tested_to, 16384);
}

TEST(JudgeSessions, OldFlowsGoneWhileNewOnesPassIsAnEvictingTable) {
    model::RunResult result;
    auto evicting = sessions(4096, 4096, std::nullopt, 0, 0.0);
    evicting.tested_to = 4096;
    evicting.evicts_old = true;
    evicting.capacity = 3000;
    evicting.minimum = 3500;
    judge_sessions(result, Family::ipv4, evicting, {});
    EXPECT_EQ(only(result).cause.code, CauseCode::state_table_full);
    EXPECT_EQ(result.ipv4.state_table_policy, "evict-old");
    EXPECT_EQ(result.ipv4.state_table_capacity, 3000);
}

// udp-mapping-timeout on simulated paths, generated rather than written: a mapping that expires
// after T seconds, random loss at each level on both directions, many seeds. Every stated
// timeout must be within ±10 % of T (within ±5 % without loss), never a figure random loss made;
// undecided brackets may say inconclusive, but only under loss.
MappingOutcomes simulate_mapping(double timeout_s, double loss_each_way, std::mt19937& random, double longest_s = 360) {
    const double exchange = 1 - (1 - loss_each_way) * (1 - loss_each_way);
    MappingOutcomes outcomes = plan_mapping(exchange, longest_s);
    outcomes.minimum_s = 10;
    std::bernoulli_distribution lost(exchange);
    outcomes.asked.assign(outcomes.delays_s.size(), outcomes.replicas);
    outcomes.answered.assign(outcomes.delays_s.size(), 0);
    outcomes.decided.assign(outcomes.delays_s.size(), false);
    // Time runs forward: delays become decided in order, and the run stops at the first expiry.
    for (std::size_t d = 0; d < outcomes.delays_s.size(); ++d) {
        for (int flow = 0; flow < outcomes.replicas; ++flow)
            if (outcomes.delays_s[d] < timeout_s && !lost(random)) ++outcomes.answered[d];
        outcomes.decided[d] = true;
        if (expiry_index(outcomes)) break;
    }
    return outcomes;
}

TEST(JudgeMappingTimeout, GeneratedPathsGiveTheTimeoutOrSayUndecided) {
    std::mt19937 random(20261206);
    for (double timeout : {3.0, 20.0, 60.0, 150.0, 300.0})
        for (double loss : {0.0, 0.05, 0.10})
            for (int run = 0; run < 200; ++run) {
                model::RunResult result;
                judge_mapping_timeout(result, Family::ipv4, simulate_mapping(timeout, loss, random), {});
                const auto& verdict = only(result);
                const auto stated = result.ipv4.udp_mapping_timeout_s;
                if (verdict.cause.code == CauseCode::inconclusive) {
                    EXPECT_GT(loss, 0) << "T " << timeout;
                    continue;
                }
                ASSERT_TRUE(stated.has_value()) << "T " << timeout << " loss " << loss;
                EXPECT_NEAR(*stated, timeout, timeout * (loss > 0 ? 0.10 : 0.05)) << "loss " << loss;
                EXPECT_EQ(verdict.status, timeout >= 10 ? Status::pass : Status::fail);
                EXPECT_EQ(verdict.cause.code, timeout >= 10 ? CauseCode::ok : CauseCode::short_mapping_timeout);
            }
}

TEST(JudgeMappingTimeout, NoExpiryUpToTheLongestDelayPassesWithoutAFigure) {
    std::mt19937 random(7);
    model::RunResult result;
    judge_mapping_timeout(result, Family::ipv6, simulate_mapping(1e9, 0.05, random, 90), {});
    EXPECT_EQ(only(result).status, Status::pass);
    EXPECT_FALSE(result.ipv6.udp_mapping_timeout_s.has_value());
    EXPECT_EQ(result.ipv6.udp_mapping_tested_to_s, 90);
    EXPECT_TRUE(only(result).cause.params["mapping_timeout_s"].is_null());
}

TEST(JudgeMappingTimeout, AMappingGoneBeforeTheFirstDelayFails) {
    std::mt19937 random(3);
    model::RunResult result;
    judge_mapping_timeout(result, Family::ipv4, simulate_mapping(0.5, 0.0, random), {});
    EXPECT_EQ(only(result).cause.code, CauseCode::short_mapping_timeout);
    EXPECT_TRUE(only(result).cause.params["held_s"].is_null());
    EXPECT_EQ(only(result).cause.params["expired_s"], 1.0);
}

// The bisection against a simulated table that evicts its oldest entries (asking an evicted flow
// again inserts it, evicting the next oldest): within 2 % of the flows held open.
TEST(JudgeSessions, BisectionFindsAnEvictingTablesBoundary) {
    for (std::size_t capacity : {400u, 3000u, 30000u}) {
        const std::size_t total = capacity * 2;
        std::size_t boundary = total - capacity;  // flows below it are gone
        auto held_at = [&](std::size_t index) -> Result<bool> {
            if (index >= boundary) return true;
            boundary += 3;  // three flows asked again, three entries made, three old ones evicted
            return false;
        };
        auto found = bisect_boundary(16, total, held_at);
        ASSERT_TRUE(found);
        const double measured = static_cast<double>(total - *found);
        EXPECT_NEAR(measured, static_cast<double>(capacity), static_cast<double>(capacity) * 0.05) << capacity;
    }
}

// A query lost in 576-octet pieces while the same query in 1280-octet pieces and a small one in
// 320-octet pieces passed fits no limit: random loss, not a size cap (fault matrix, 5 % loss).
TEST(JudgeFragments, ALossNoLimitExplainsIsRandomLoss) {
    model::RunResult result, real;
    FragmentOutcomes outcomes{{1552, 3000, 4000}, {}, {}, {1280}, {576}, true, 1500, true, true, std::nullopt};
    judge_fragments(result, Family::ipv6, outcomes, {"p1"});
    EXPECT_EQ(only(result).cause.code, CauseCode::random_loss);
    EXPECT_EQ(only(result).status, Status::warn);
    // Both query sizes lost while small ones pass: still a fragment question, not chance.
    FragmentOutcomes both{{1552}, {}, {}, {}, {1280, 576}, true, 1500, true, false, std::nullopt};
    judge_fragments(real, Family::ipv4, both, {"p1"});
    EXPECT_EQ(only(real).cause.code, CauseCode::fragment_filter);
}

}  // namespace
}  // namespace dnspath::probe
