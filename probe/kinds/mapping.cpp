// udp-mapping-timeout: how long a NAT, firewall or balancer keeps the state of a UDP flow whose
// answer has not come back yet, which decides whether a slow authoritative answer or a resolver's
// late retry still finds its way home. Every flow asks the responder to answer d seconds late
// ("w<ms>"), for delays 5 % apart from 1 s to plan.timeout_max_s, all sent at once on flows of
// their own: a late answer that meets an expired mapping is dropped. The run ends as soon as
// several delays in a row got no answer at all, so it lasts about 1.2 times the timeout, not the
// sum of the waits. Opt-in: it takes as long as the timeout.
#include <algorithm>
#include <cmath>

#include "probe/judge/judge.h"
#include "probe/kinds/judges.h"
#include "probe/kinds/kinds.h"
#include "probe/net/net.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

namespace {

constexpr double kFirstDelayS = 1.0;
constexpr double kDelayStep = 1.05;                       // ±2.5 % around the midpoint of two steps
constexpr std::chrono::microseconds kSendGap{2000};      // 500 new flows a second: no burst to lose
constexpr int kMaxReplicas = 4;
constexpr int kMaxConfirm = 8;

std::vector<double> delay_grid(double longest_s) {
    std::vector<double> delays;
    for (double delay = kFirstDelayS; delay < longest_s; delay *= kDelayStep) delays.push_back(std::round(delay * 100) / 100);
    delays.push_back(longest_s);
    return delays;
}

}  // namespace

MappingOutcomes plan_mapping(double exchange_loss, double longest_s) {
    MappingOutcomes outcomes;
    outcomes.delays_s = delay_grid(longest_s);
    outcomes.tested_to_s = longest_s;
    outcomes.loss = exchange_loss;
    // Two flows per delay (three or four on a lossy path); then enough silent delays in a row that
    // the chance of random loss silencing them all, anywhere on the grid, stays under significance.
    outcomes.replicas = exchange_loss > 0.15 ? kMaxReplicas : exchange_loss > 0.05 ? 3 : 2;
    const double silent_delay = std::pow(exchange_loss, outcomes.replicas);
    const double budget = judge::kSignificance / static_cast<double>(outcomes.delays_s.size());
    outcomes.confirm = silent_delay <= 0 ? 3
                                         : std::clamp(static_cast<int>(std::ceil(std::log(budget) / std::log(silent_delay))),
                                                      3, kMaxConfirm);
    return outcomes;
}

std::optional<std::size_t> expiry_index(const MappingOutcomes& outcomes) {
    // From the top down: the lowest delay from which every decided delay got nothing, if at least
    // `confirm` decided delays lie there (one wholly lost delay below an answered one is chance).
    std::optional<std::size_t> expiry;
    int silent = 0;
    for (std::size_t i = outcomes.delays_s.size(); i-- > 0;) {
        if (!outcomes.decided[i]) continue;
        if (outcomes.answered[i] > 0) break;
        ++silent;
        expiry = i;
    }
    if (silent < outcomes.confirm) return std::nullopt;
    return expiry;
}

void judge_mapping_timeout(model::RunResult& result, Family family, const MappingOutcomes& outcomes,
                           const std::vector<std::string>& probes) {
    auto& summary = summary_for(result, family);
    const auto expiry = expiry_index(outcomes);
    std::optional<std::size_t> held;  // the longest delay answered below the expiry
    const std::size_t below = expiry.value_or(outcomes.delays_s.size());
    for (std::size_t i = 0; i < below; ++i)
        if (outcomes.answered[i] > 0) held = i;
    model::Params figures{{"tested_to_s", outcomes.tested_to_s}, {"minimum_s", outcomes.minimum_s},
                          {"loss_rate", outcomes.loss}};
    summary.udp_mapping_tested_to_s = outcomes.tested_to_s;
    if (!expiry) {
        // Every late answer came back (or too few were lost in a row to call it): no timeout
        // shorter than the longest delay tried.
        summary.udp_mapping_timeout_s.reset();
        figures["held_s"] = held ? model::Params(outcomes.delays_s[*held]) : model::Params();
        figures["mapping_timeout_s"] = nullptr;
        add_verdict(result, Checkpoint::udp_mapping_timeout, family, Status::pass, cause(CauseCode::ok, figures), probes);
        return;
    }
    const double expired_s = outcomes.delays_s[*expiry];
    figures["expired_s"] = expired_s;
    if (!held) {
        // Not even a one-second late answer came back, though prompt ones do: nothing to bisect.
        figures["held_s"] = nullptr;
        add_verdict(result, Checkpoint::udp_mapping_timeout, family, Status::fail,
                    cause(CauseCode::short_mapping_timeout, figures), probes);
        return;
    }
    const double held_s = outcomes.delays_s[*held];
    const double timeout_s = std::round((held_s + expired_s) / 2 * 10) / 10;
    figures["held_s"] = held_s;
    figures["mapping_timeout_s"] = timeout_s;
    // Chance losses between the two widen the bracket: beyond ±12 % the figure is not stated.
    if (expired_s > held_s * 1.25) {
        figures["candidates"] = {"short-mapping-timeout", "random-loss"};
        add_verdict(result, Checkpoint::udp_mapping_timeout, family, Status::warn, cause(CauseCode::inconclusive, figures),
                    probes);
        return;
    }
    summary.udp_mapping_timeout_s = timeout_s;
    const bool long_enough = timeout_s >= outcomes.minimum_s;
    add_verdict(result, Checkpoint::udp_mapping_timeout, family, long_enough ? Status::pass : Status::fail,
                cause(long_enough ? CauseCode::ok : CauseCode::short_mapping_timeout, figures), probes);
}

namespace {

// Which delays' answers are overdue by `elapsed` since the first send (each left `gap` after the last).
void mark_decided(MappingOutcomes& outcomes, const std::vector<std::size_t>& delay_of, std::chrono::milliseconds grace,
                  std::chrono::duration<double> elapsed) {
    std::fill(outcomes.decided.begin(), outcomes.decided.end(), true);
    for (std::size_t i = 0; i < delay_of.size(); ++i) {
        const double due = static_cast<double>(i) * std::chrono::duration<double>(kSendGap).count() +
                           outcomes.delays_s[delay_of[i]] + std::chrono::duration<double>(grace).count();
        if (elapsed.count() < due) outcomes.decided[delay_of[i]] = false;
    }
}

}  // namespace

void run_mapping_timeout(Session& session, Family family, model::RunResult& result) {
    const auto& plan = session.config().plan;
    MappingOutcomes outcomes = plan_mapping(session.exchange_loss(family), plan.timeout_max_s);
    outcomes.minimum_s = plan.mapping_timeout_min_s;
    const int replicas = outcomes.replicas;
    const std::size_t flows = outcomes.delays_s.size() * static_cast<std::size_t>(replicas);
    auto opened = net::FlowSet::open(session.config().targets.at(family), flows);
    if (!opened) {
        add_verdict(result, Checkpoint::udp_mapping_timeout, family, Status::na,
                    cause(CauseCode::probe_error, {{"error", model::to_params(local_error(opened.error()))}}));
        return;
    }
    std::vector<Session::BuiltQuery> built;
    std::vector<net::FlowSet::Send> sends;
    std::vector<std::size_t> delay_of;
    for (int replica = 0; replica < replicas; ++replica)
        for (std::size_t d = 0; d < outcomes.delays_s.size(); ++d) {
            built.push_back(session.build({.kind = "udp-mapping-timeout", .edns = wire::Edns{},
                                           .answer_delay_ms = static_cast<std::uint32_t>(outcomes.delays_s[d] * 1000)}));
            sends.push_back({sends.size(), built.back().bytes});
            delay_of.push_back(d);
        }
    outcomes.asked.assign(outcomes.delays_s.size(), replicas);
    outcomes.answered.assign(outcomes.delays_s.size(), 0);
    outcomes.decided.assign(outcomes.delays_s.size(), false);
    const auto grace = std::max(session.timeout() * 2, std::chrono::milliseconds(1000));
    const auto started = net::Clock::now();
    auto enough = [&](const std::vector<net::BurstReply>& replies) {
        std::fill(outcomes.answered.begin(), outcomes.answered.end(), 0);
        for (std::size_t i = 0; i < replies.size(); ++i) outcomes.answered[delay_of[i]] += replies[i].answered ? 1 : 0;
        mark_decided(outcomes, delay_of, grace, net::Clock::now() - started);
        return session.stopped() || expiry_index(outcomes).has_value();
    };
    const auto longest = std::chrono::milliseconds(static_cast<long>(plan.timeout_max_s * 1000)) + grace;
    auto replies = opened->exchange(sends, kSendGap, longest, enough);
    if (!replies) {
        add_verdict(result, Checkpoint::udp_mapping_timeout, family, Status::na,
                    cause(CauseCode::probe_error, {{"error", model::to_params(local_error(replies.error()))}}));
        return;
    }
    enough(*replies);
    // Every flow whose answer was due is a probe; the verdict cites those of the delays that decide
    // it: the longest answered one and the silent ones above it (or the longest tried).
    const auto expiry = expiry_index(outcomes);
    std::size_t cited_from = expiry ? *expiry : outcomes.delays_s.size() - 1;
    for (std::size_t d = cited_from; d-- > 0;)
        if (outcomes.answered[d] > 0) {
            cited_from = d;
            break;
        }
    auto local = net::local_address_toward(session.config().targets.at(family));
    std::vector<std::string> probes;
    for (std::size_t i = 0; i < replies->size(); ++i) {
        if (!outcomes.decided[delay_of[i]]) continue;  // asked, but the run ended before its answer was due
        session.records().push_back(flow_record(built[i], (*replies)[i], "udp-mapping-timeout", family, local));
        if (delay_of[i] >= cited_from) probes.push_back(built[i].probe_id);
    }
    if (session.stopped()) return;
    judge_mapping_timeout(result, family, outcomes, probes);
}

}  // namespace dnspath::probe
