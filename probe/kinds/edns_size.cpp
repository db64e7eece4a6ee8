// edns-size: answers of stepped exact sizes over UDP, with and without EDNS; the largest delivered
// size refined to ±8 octets. Decides udp-large, udp-no-edns and edns-truncation.
#include <algorithm>
#include <map>

#include "probe/kinds/kinds.h"

namespace dnspath::probe {
namespace {

using reports::Family;
using reports::Status;

enum class Delivery { delivered, truncated_tc, short_no_tc, lost, refused, other };

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

}  // namespace

void run_edns_size(Session& session, Family family, reports::RunResult& result) {
    const auto& plan = session.config().plan;
    std::vector<std::uint32_t> sizes = plan.sizes;
    std::sort(sizes.begin(), sizes.end());
    sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
    if (sizes.empty()) return;
    wire::Edns edns;
    edns.udp_size = static_cast<std::uint16_t>(std::clamp<std::uint32_t>(sizes.back(), 4096, 65535));

    std::map<std::uint32_t, Delivery> seen;
    std::vector<std::string> evidence;
    // Above a size that was lost even after retries, one try each: a size limit loses them all
    // anyway, and a larger one that arrives exposes random loss just the same.
    bool cliff_seen = false;
    auto probe_size = [&](std::uint32_t size) {
        auto outcome = session.ask(family, {.kind = "edns-size", .size = size, .edns = edns, .retry = !cliff_seen});
        if (outcome.kind == OutcomeKind::timeout) cliff_seen = true;
        auto delivery = classify(outcome, size);
        seen[size] = delivery;
        if (delivery != Delivery::delivered) evidence.push_back(evidence_line(outcome, "size " + std::to_string(size)));
        return delivery;
    };
    for (auto size : sizes) {
        if (session.stopped()) return;
        probe_size(size);
    }

    if (std::any_of(seen.begin(), seen.end(), [](const auto& entry) { return entry.second == Delivery::refused; })) {
        add_verdict(result, "udp-large", family, Status::na,
                    "the server REFUSED sized answers: the probe's key does not match the responder's "
                    "(--key-file), or the target is not a dnspath responder",
                    evidence);
        return;
    }

    // The largest size delivered below the first failure, then bisect the gap to the next failure.
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
    auto& summary = summary_for(result, family);
    if (largest) summary.largest_udp_answer = static_cast<int>(*largest);

    std::vector<std::uint32_t> lost, truncated, shortened;
    std::uint32_t largest_overall = 0;
    for (const auto& [size, delivery] : seen) {
        if (delivery == Delivery::delivered) largest_overall = std::max(largest_overall, size);
        if (delivery == Delivery::lost) lost.push_back(size);
        if (delivery == Delivery::truncated_tc) truncated.push_back(size);
        if (delivery == Delivery::short_no_tc) shortened.push_back(size);
    }
    const std::string advertised = "advertised " + std::to_string(edns.udp_size);
    const std::string delivered = largest ? "largest delivered " + std::to_string(*largest) + " octets (±8)"
                                          : "no size delivered";
    if (!shortened.empty()) {
        add_verdict(result, "udp-large", family, Status::fail,
                    "answers of " + std::to_string(shortened.front()) +
                        " octets and more arrive cut short without TC=1: a resolver takes them as complete; " +
                        delivered,
                    evidence);
    } else if (!lost.empty() && largest_overall > lost.front()) {
        // A larger answer got through where a smaller one was lost even after retries: no size
        // limit explains that; the path loses packets at random (or rate-limits).
        add_verdict(result, "udp-large", family, Status::warn,
                    std::to_string(lost.size()) + " of " + std::to_string(seen.size()) +
                        " sizes lost even after retries, with larger ones delivered (up to " +
                        std::to_string(largest_overall) +
                        "): random loss or rate limiting on the path, not a size limit",
                    evidence);
    } else if (!lost.empty()) {
        std::string reason = "answers of " + std::to_string(lost.front()) + " octets and more vanish without a trace (" +
                             advertised + ", " + delivered;
        if (largest) reason += ", a gap of " + std::to_string(edns.udp_size - *largest) + " octets";
        reason += ")";
        if (!largest || *largest < 1220) reason += "; JPRS A-86/F-86 (1220 octets) fails";
        else if (*largest < 4000) reason += "; JPRS A-87/F-87 (4000 octets) fails";
        add_verdict(result, "udp-large", family, Status::fail, reason, evidence);
    } else if (!truncated.empty()) {
        add_verdict(result, "udp-large", family, Status::warn,
                    "answers of " + std::to_string(truncated.front()) + " octets and more come back TC=1 although " +
                        std::to_string(edns.udp_size) +
                        " was advertised: something on the path caps the EDNS buffer size; resolution falls back to "
                        "TCP; " + delivered,
                    evidence);
    } else {
        add_verdict(result, "udp-large", family, Status::pass,
                    "every size from " + std::to_string(sizes.front()) + " to " + std::to_string(sizes.back()) +
                        " octets delivered whole (" + advertised + ")");
    }

    // Without EDNS: exactly 512 fits, and one octet more must come back TC=1 (RFC 1035 4.2.1).
    if (session.stopped()) return;
    auto plain_fit = session.ask(family, {.kind = "edns-size", .size = 512});
    auto plain_over = session.ask(family, {.kind = "edns-size", .size = 600});
    std::vector<std::string> plain_evidence{evidence_line(plain_fit, "512 without EDNS"),
                                            evidence_line(plain_over, "600 without EDNS")};
    auto fit = classify(plain_fit, 512);
    if (fit == Delivery::delivered && plain_over.answered() && plain_over.message->header.tc) {
        add_verdict(result, "udp-no-edns", family, Status::pass,
                    "512-octet answer delivered without EDNS, 600 octets came back TC=1", plain_evidence);
    } else if (fit == Delivery::lost || plain_over.kind == OutcomeKind::timeout) {
        add_verdict(result, "udp-no-edns", family, Status::fail, "queries without EDNS got no answer", plain_evidence);
    } else {
        add_verdict(result, "udp-no-edns", family, Status::warn,
                    "plain DNS answers are not what RFC 1035 expects (512 delivered: " +
                        std::string(fit == Delivery::delivered ? "yes" : "no") + ")",
                    plain_evidence);
    }

    // A small buffer with a large answer: the TC=1 answer itself must get through.
    if (session.stopped()) return;
    wire::Edns small;
    small.udp_size = 1232;
    auto over = session.ask(family, {.kind = "edns-size", .size = 3000, .edns = small});
    std::vector<std::string> over_evidence{evidence_line(over, "3000 with bufsize 1232")};
    if (over.answered() && over.message->header.tc && over.answer_size <= 1232) {
        add_verdict(result, "edns-truncation", family, Status::pass,
                    "a 3000-octet answer to a 1232-octet buffer came back TC=1 (" + std::to_string(over.answer_size) +
                        " octets)",
                    over_evidence);
    } else if (over.answered() && !over.message->header.tc) {
        add_verdict(result, "edns-truncation", family, Status::fail,
                    "a 1232-octet buffer got a " + std::to_string(over.answer_size) +
                        "-octet answer without TC=1: the buffer size was rewritten on the way",
                    over_evidence);
    } else {
        add_verdict(result, "edns-truncation", family, Status::fail,
                    "the TC=1 answer never arrived: " + std::string(to_string(over.kind)), over_evidence);
    }
}

}  // namespace dnspath::probe
