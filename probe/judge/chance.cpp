// The statistics behind "a cause is claimed only when random loss cannot explain it": the
// measured loss rate's upper bound, how many tries rule loss out, binomial tails, and the rule
// that holds a failing verdict's cause to them.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include "probe/judge/judge.h"

namespace dnspath::judge {

double loss_upper_bound(int lost, int sent) {
    if (sent <= 0) return 1.0;
    // Wilson's score interval at 99 % (z = 2.576): honest at 0 and at small samples, where the
    // plain ratio would claim a lossless path from 64 clean answers.
    constexpr double z = 2.576;
    const double n = sent, rate = static_cast<double>(std::clamp(lost, 0, sent)) / n, z2 = z * z;
    const double centre = (rate + z2 / (2 * n)) / (1 + z2 / n);
    const double half = z * std::sqrt(rate * (1 - rate) / n + z2 / (4 * n * n)) / (1 + z2 / n);
    return std::clamp(centre + half, 0.0, 1.0);
}

double exchange_loss(double round_trip, int fragments) {
    round_trip = std::clamp(round_trip, 0.0, 1.0);
    if (fragments <= 1) return round_trip;
    // One way loses a packet with p where (1 - p)^2 = 1 - round_trip; an answer in n fragments
    // arrives only if every fragment does.
    const double one_way = 1 - std::sqrt(1 - round_trip);
    return 1 - (1 - one_way) * std::pow(1 - one_way, fragments);
}

int tries_to_rule_out(double loss, double alpha, int cap) {
    if (loss <= 0) return 1;
    if (loss >= 1) return cap;
    const double needed = std::ceil(std::log(alpha) / std::log(loss) - 1e-9);
    return std::clamp(static_cast<int>(needed), 1, cap);
}

double chance_of_losing(int lost, int sent, double loss) {
    if (lost <= 0) return 1.0;
    if (lost > sent) return 0.0;
    loss = std::clamp(loss, 0.0, 1.0);
    if (loss == 0) return 0.0;
    if (loss == 1) return 1.0;
    // Sum of the binomial terms from `lost` up, in logs so large counts do not overflow.
    double total = 0;
    for (int k = lost; k <= sent; ++k) {
        const double log_term = std::lgamma(sent + 1.0) - std::lgamma(k + 1.0) - std::lgamma(sent - k + 1.0) +
                                k * std::log(loss) + (sent - k) * std::log1p(-loss);
        total += std::exp(log_term);
    }
    return std::clamp(total, 0.0, 1.0);
}

namespace {

using model::CauseCode;
using model::Family;

// The family's loss rate at its upper bound, from the summary; nullopt when it was not measured
// (a result from before the loss measurement, or a family not probed).
std::optional<double> measured_loss(const model::RunResult& result, Family family) {
    const auto& summary = family == Family::ipv6 ? result.ipv6 : result.ipv4;
    if (!summary.loss_rate || !summary.loss_samples || *summary.loss_samples <= 0) return std::nullopt;
    const int lost = static_cast<int>(std::lround(*summary.loss_rate * *summary.loss_samples));
    return loss_upper_bound(lost, *summary.loss_samples);
}

// Causes a run of lost packets can imitate.
bool loss_can_imitate(const model::Cause& cause) {
    switch (cause.code) {
        case CauseCode::size_cap:
        case CauseCode::fragment_filter:
        case CauseCode::mtu:
        case CauseCode::pmtud_blackhole:
        case CauseCode::no_answer:
        case CauseCode::dns_aware_filter:
            return true;
        case CauseCode::tcp_filter: return cause.params.value("action", "") == "drop";
        default: return false;
    }
}

// The chance that random loss at `loss` alone lost every probe of the verdict that got nothing.
double chance_of_the_losses(const model::RunResult& result, const model::Verdict& verdict, double loss) {
    double chance = 1.0;
    bool any = false;
    for (const auto& id : verdict.probes) {
        const auto* probe = model::find_probe(result, id);
        if (!probe || probe->outcome != model::Outcome::timeout) continue;
        if (probe->transport == "tcp" && probe->tcp_connected) continue;  // a stall is no lost exchange
        // Answers too large for one packet arrive only if every fragment does; a TCP probe that got
        // no connection lost its handshake, one packet each way.
        const std::uint32_t size = probe->requested_size.value_or(0) + 48;
        const std::uint32_t cut = probe->answer_fragment_size.value_or(1500);
        const int fragments = probe->transport == "tcp" ? 1 : static_cast<int>((size + cut - 1) / std::max<std::uint32_t>(cut - 48, 64));
        chance *= std::pow(exchange_loss(loss, std::max(1, fragments)), std::max(1, probe->attempts));
        any = true;
    }
    return any ? chance : 0.0;
}

}  // namespace

// A cause is claimed only when random loss at the path's measured rate could not have produced
// its evidence (chance under kClaimSignificance); otherwise the verdict says it is undecided between
// the cause and random loss, and what would decide it.
void judge_against_loss(const model::RunResult& result, model::Verdict& verdict) {
    if (verdict.status != model::Status::fail && verdict.status != model::Status::warn) return;
    if (!loss_can_imitate(verdict.cause)) return;
    if (verdict.checkpoint == model::Checkpoint::udp_sessions) return;  // its kind weighs its own rounds
    const auto loss = measured_loss(result, verdict.family);
    if (!loss) return;
    const double chance = chance_of_the_losses(result, verdict, *loss);
    if (chance < kClaimSignificance) return;
    const auto& summary = verdict.family == Family::ipv6 ? result.ipv6 : result.ipv4;
    verdict.cause = model::recast(verdict.cause, CauseCode::inconclusive,
                                   {{"candidates", {std::string(model::to_string(verdict.cause.code)), "random-loss"}},
                                    {"loss_rate", summary.loss_rate.value_or(0)},
                                    {"p_value", std::min(1.0, chance)},
                                    {"repeat", 5}});
}

}  // namespace dnspath::judge
