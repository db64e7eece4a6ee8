// edns-size: answers of stepped exact sizes over UDP, with and without EDNS; the largest delivered
// size refined to ±8 octets. Decides udp-large, udp-no-edns and edns-truncation.
#include <algorithm>
#include <map>

#include "probe/kinds/judges.h"
#include "probe/kinds/kinds.h"

namespace dnspath::probe {
namespace {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

Delivery classify(const QueryOutcome& outcome, std::uint32_t size) {
    if (outcome.kind == OutcomeKind::timeout) return Delivery::lost;
    if (!outcome.answered()) return Delivery::other;
    const auto& message = *outcome.message;
    if (message.full_rcode() == wire::rcode::refused) return Delivery::refused;
    if (message.header.tc) return Delivery::truncated_tc;
    if (outcome.answer_size == size) return Delivery::delivered;
    if (outcome.answer_size < size) return Delivery::short_no_tc;
    return Delivery::other;
}

constexpr std::uint32_t kRefineStep = 8;

// The largest size delivered below the first failure, refined by bisecting the gap to it.
template <typename ProbeSize>
std::optional<std::uint32_t> refine_largest(Session& session, const std::map<std::uint32_t, Delivery>& seen,
                                            ProbeSize&& probe_size) {
    std::optional<std::uint32_t> largest;
    std::optional<std::uint32_t> first_failure;
    for (const auto& [size, delivery] : seen) {
        if (delivery == Delivery::delivered && !first_failure) largest = size;
        if (delivery != Delivery::delivered && !first_failure) first_failure = size;
    }
    if (largest && first_failure && *first_failure > *largest) {
        std::uint32_t low = *largest, high = *first_failure;
        while (high - low > kRefineStep && !session.stopped()) {
            std::uint32_t middle = low + (high - low) / 2;
            if (probe_size(middle) == Delivery::delivered)
                low = middle;
            else
                high = middle;
        }
        largest = low;
    }
    return largest;
}

}  // namespace

// Capture may narrow a size cap to a fragment filter or an MTU later (probe/judge).
void judge_udp_large(model::RunResult& result, Family family, const std::map<std::uint32_t, Delivery>& seen,
                     std::optional<std::uint32_t> largest, std::uint16_t advertised,
                     const std::vector<std::uint32_t>& sizes, const std::vector<std::string>& probes) {
    std::vector<std::uint32_t> lost, truncated, shortened;
    std::uint32_t largest_overall = 0;
    for (const auto& [size, delivery] : seen) {
        if (delivery == Delivery::delivered) largest_overall = std::max(largest_overall, size);
        if (delivery == Delivery::lost) lost.push_back(size);
        if (delivery == Delivery::truncated_tc) truncated.push_back(size);
        if (delivery == Delivery::short_no_tc) shortened.push_back(size);
    }
    model::Params figures{{"advertised", advertised}, {"largest", largest ? model::Params(*largest) : model::Params()}};
    if (!shortened.empty()) {
        figures["size"] = shortened.front();
        add_verdict(result, Checkpoint::udp_large, family, Status::fail, cause(CauseCode::truncated_without_tc, figures), probes);
    } else if (!lost.empty() && largest_overall > lost.front()) {
        // A larger answer got through where a smaller one was lost even after retries: no size
        // limit explains that; the path loses packets at random (or rate-limits).
        figures["lost"] = lost.size();
        figures["sizes"] = seen.size();
        figures["largest_overall"] = largest_overall;
        add_verdict(result, Checkpoint::udp_large, family, Status::warn, cause(CauseCode::random_loss, figures), probes);
    } else if (!lost.empty()) {
        figures["size"] = lost.front();
        if (largest) figures["gap"] = advertised - *largest;
        add_verdict(result, Checkpoint::udp_large, family, Status::fail, cause(CauseCode::size_cap, figures), probes);
    } else if (!truncated.empty()) {
        figures["size"] = truncated.front();
        add_verdict(result, Checkpoint::udp_large, family, Status::warn, cause(CauseCode::edns_buffer_cap, figures), probes);
    } else {
        figures["from"] = sizes.front();
        figures["to"] = sizes.back();
        add_verdict(result, Checkpoint::udp_large, family, Status::pass, cause(CauseCode::ok, figures), probes);
    }
}

void run_edns_size(Session& session, Family family, model::RunResult& result) {
    const auto& plan = session.config().plan;
    std::vector<std::uint32_t> sizes = plan.sizes;
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    if (sizes.empty()) return;
    wire::Edns edns;
    edns.udp_size = static_cast<std::uint16_t>(std::clamp<std::uint32_t>(sizes.back(), 4096, 65535));

    std::map<std::uint32_t, Delivery> seen;
    std::vector<std::string> probes;
    // Above a size that was lost even after retries, one try each: a size limit loses them all
    // anyway, and a larger one that arrives exposes random loss just the same.
    bool cliff_seen = false;
    auto probe_size = [&](std::uint32_t size) {
        auto outcome = session.ask(family, {.kind = "edns-size", .size = size, .edns = edns, .retry = !cliff_seen});
        if (outcome.kind == OutcomeKind::timeout) cliff_seen = true;
        auto delivery = classify(outcome, size);
        seen[size] = delivery;
        if (delivery != Delivery::delivered) probes.push_back(outcome.probe_id);
        return delivery;
    };
    for (auto size : sizes) {
        if (session.stopped()) return;
        probe_size(size);
    }

    if (std::any_of(seen.begin(), seen.end(), [](const auto& entry) { return entry.second == Delivery::refused; })) {
        add_verdict(result, Checkpoint::udp_large, family, Status::na, cause(CauseCode::refused, {{"why", "key-mismatch"}}), probes);
        return;
    }
    auto largest = refine_largest(session, seen, probe_size);
    if (largest) summary_for(result, family).largest_udp_answer = static_cast<int>(*largest);
    judge_udp_large(result, family, seen, largest, edns.udp_size, sizes, probes);

    // Without EDNS: exactly 512 fits, and one octet more must come back TC=1 (RFC 1035 4.2.1).
    if (session.stopped()) return;
    auto plain_fit = session.ask(family, {.kind = "edns-size", .size = 512});
    auto plain_over = session.ask(family, {.kind = "edns-size", .size = 600});
    std::vector<std::string> plain_probes{plain_fit.probe_id, plain_over.probe_id};
    auto fit = classify(plain_fit, 512);
    if (fit == Delivery::delivered && plain_over.answered() && plain_over.message->header.tc)
        add_verdict(result, Checkpoint::udp_no_edns, family, Status::pass, cause(CauseCode::ok), plain_probes);
    else if (fit == Delivery::lost || plain_over.kind == OutcomeKind::timeout)
        add_verdict(result, Checkpoint::udp_no_edns, family, Status::fail, cause(CauseCode::no_answer, {{"what", "no-edns"}}),
                    plain_probes);
    else
        add_verdict(result, Checkpoint::udp_no_edns, family, Status::warn,
                    cause(CauseCode::truncated_without_tc, {{"size", 512}, {"delivered", fit == Delivery::delivered}}),
                    plain_probes);

    // A small buffer with a large answer: the TC=1 answer itself must get through.
    if (session.stopped()) return;
    wire::Edns small;
    small.udp_size = 1232;
    auto over = session.ask(family, {.kind = "edns-size", .size = 3000, .edns = small});
    std::vector<std::string> over_probes{over.probe_id};
    if (over.answered() && over.message->header.tc && over.answer_size <= 1232)
        add_verdict(result, Checkpoint::edns_truncation, family, Status::pass, cause(CauseCode::ok, {{"size", over.answer_size}}),
                    over_probes);
    else if (over.answered() && !over.message->header.tc)
        add_verdict(result, Checkpoint::edns_truncation, family, Status::fail,
                    cause(CauseCode::proxy_rewrite, {{"field", "bufsize"}, {"from", 1232}, {"answer", over.answer_size}}),
                    over_probes);
    else
        add_verdict(result, Checkpoint::edns_truncation, family, Status::fail,
                    cause(CauseCode::no_answer, {{"what", "tc-answer"}, {"outcome", to_string(over.kind)}}), over_probes);
}

}  // namespace dnspath::probe
