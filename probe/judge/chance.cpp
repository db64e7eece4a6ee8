// The statistics behind "a cause is claimed only when random loss cannot explain it": the
// measured loss rate's upper bound, how many tries rule loss out, and binomial tails.
#include <algorithm>
#include <cmath>

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

}  // namespace dnspath::judge
