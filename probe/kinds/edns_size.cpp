// edns-size: answers of stepped exact sizes over UDP, with and without EDNS; the largest delivered
// size refined to ±8 octets. A loss counts only once it is confirmed: asked again until random loss
// at the path's measured rate could not explain it. Then experiments tell the limit apart: the
// lost size in small crafted fragments (a limit on the IP packet lets it through, one on the UDP
// length does not) and a small answer in small fragments (a fragment filter loses it). Decides
// udp-large, udp-no-edns and edns-truncation.
#include <algorithm>
#include <map>
#include <tuple>

#include "probe/kinds/judges.h"
#include "probe/kinds/kinds.h"
#include "probe/net/net.h"

namespace dnspath::probe {
namespace {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

Delivery classify(const QueryOutcome& outcome, std::uint32_t size) {
    if (outcome.kind == model::Outcome::timeout) return Delivery::lost;
    if (!outcome.answered()) return Delivery::other;
    const auto& message = *outcome.message;
    if (message.full_rcode() == wire::rcode::refused) return Delivery::refused;
    if (message.header.tc) return Delivery::truncated_tc;
    if (outcome.answer_size == size) return Delivery::delivered;
    if (outcome.answer_size < size) return Delivery::short_no_tc;
    return Delivery::other;
}

constexpr std::uint32_t kRefineStep = 8;
constexpr std::uint32_t kSmallFragment = 576;

// Asks answer sizes of one family, confirming every loss before it counts.
class SizeProber {
public:
    SizeProber(Session& session, Family family, wire::Edns edns)
        : session_(session), family_(family), edns_(edns),
          payload_(net::route_mtu(session.config().targets.at(family)).value_or(1500) - headers()) {}

    // One size, with the tries that rule random loss out should it be lost. `once`: one try, for a
    // bisection step (checked later).
    Delivery ask(std::uint32_t size, bool once = false) { return ask_all({{size, std::nullopt}}, once).front(); }

    // Sizes asked at once (their waits overlap), each whole or, with a fragment size, in crafted
    // fragments of it; each with the tries that rule random loss out (`once`: one try).
    struct Ask {
        std::uint32_t size;
        std::optional<std::uint32_t> fragment;
    };
    std::vector<Delivery> ask_all(const std::vector<Ask>& asks, bool once = false) {
        std::vector<QuerySpec> specs;
        for (const auto& [size, fragment] : asks) {
            QuerySpec spec{.kind = "edns-size", .size = size, .edns = edns_, .answer_fragment_size = fragment};
            spec.tries = once ? 1 : session_.confirm_tries(family_, fragments(size, fragment));
            specs.push_back(spec);
        }
        auto outcomes = session_.ask_all(family_, specs);
        std::vector<Delivery> deliveries;
        for (std::size_t i = 0; i < asks.size(); ++i) {
            auto delivery = classify(outcomes[i], asks[i].size);
            // An experiment (fragmented) is evidence of the limit, not a size of the ladder.
            if (delivery != Delivery::delivered) probes_.push_back({asks[i].fragment ? 0 : asks[i].size, outcomes[i].probe_id});
            if (!asks[i].fragment) seen_[asks[i].size] = delivery;
            deliveries.push_back(delivery);
        }
        return deliveries;
    }

    // Losses below `low` that a delivery above them showed to be chance (a bisection step asked
    // once): neither a size the verdict lost nor evidence against random loss.
    void forget_losses_below(std::uint32_t low) {
        for (auto it = seen_.begin(); it != seen_.end() && it->first < low;)
            it = it->second == Delivery::lost ? seen_.erase(it) : std::next(it);
        std::erase_if(probes_, [low](const auto& entry) { return entry.first != 0 && entry.first < low; });
    }

    int fragments(std::uint32_t size, std::optional<std::uint32_t> cut = std::nullopt) const {
        const int per_packet = static_cast<int>(cut ? *cut : payload_ + headers()) - headers() - (family_ == Family::ipv6 ? 8 : 0);
        return std::max(1, static_cast<int>((size + 8 + per_packet - 1) / std::max(per_packet, 8)));
    }
    int headers() const { return family_ == Family::ipv6 ? 48 : 28; }
    int payload() const { return payload_; }
    std::map<std::uint32_t, Delivery>& seen() { return seen_; }
    std::vector<std::string> probes() const {
        std::vector<std::string> ids;
        for (const auto& [size, id] : probes_) ids.push_back(id);
        return ids;
    }
    Session& session() { return session_; }

private:
    Session& session_;
    Family family_;
    wire::Edns edns_;
    int payload_;  // the largest UDP payload one packet of the local link carries
    std::map<std::uint32_t, Delivery> seen_;
    std::vector<std::pair<std::uint32_t, std::string>> probes_;  // size asked (0: an experiment), probe id
};

// The largest size delivered below the first confirmed failure, refined by narrowing the gap with
// one try a size (narrow_boundary); the boundary found is confirmed, and bisecting starts again above it when it
// arrives after all.
std::optional<std::uint32_t> refine_largest(SizeProber& prober) {
    std::optional<std::uint32_t> largest, first_failure;
    for (const auto& [size, delivery] : prober.seen()) {
        if (delivery == Delivery::delivered && !first_failure) largest = size;
        if (delivery != Delivery::delivered && !first_failure) first_failure = size;
    }
    if (!largest || !first_failure || *first_failure <= *largest) return largest;
    std::uint32_t low = *largest, high = *first_failure, lost = high;
    while (!prober.session().stopped()) {
        std::tie(low, lost) = narrow_boundary(low, high, kRefineStep, prober.session(), [&](const std::vector<std::uint32_t>& sizes) {
            std::vector<SizeProber::Ask> asks;
            for (auto size : sizes) asks.push_back({size, std::nullopt});
            std::vector<bool> arrived;
            for (auto delivery : prober.ask_all(asks, true)) arrived.push_back(delivery == Delivery::delivered);
            return arrived;
        });
        if (lost == high || prober.ask(lost) != Delivery::delivered) break;
        low = lost;  // it arrived when asked again: that loss was chance
    }
    // Every loss below the boundary's confirmed loss was asked once and is chance: a pass that
    // started again above a chance loss can leave one between `low` and `lost` (1294 delivered,
    // 1295 lost once, 1301 lost on every try), and it must not be the size the limit is tested at.
    prober.forget_losses_below(lost);
    return low;
}

// What limits the answers when sizes from `lost` up vanish and `largest` arrives: the lost size
// in small fragments and a small answer in small fragments, as typed evidence.
LimitEvidence test_limit(SizeProber& prober, std::uint32_t lost, std::uint32_t largest) {
    LimitEvidence evidence;
    evidence.payload = static_cast<std::uint32_t>(prober.payload());
    evidence.experiments = model::Params::array();
    const std::uint32_t small = std::min<std::uint32_t>(900, largest);
    // Cut so the small answer takes at least two fragments.
    const auto cut = static_cast<std::uint32_t>(std::clamp<int>(static_cast<int>(small) / 2 + prober.headers() + 16, 96,
                                                                static_cast<int>(kSmallFragment)));
    std::vector<SizeProber::Ask> asks{{lost, kSmallFragment}};
    if (small + prober.headers() > cut) asks.push_back({small, cut});
    const auto deliveries = prober.ask_all(asks);
    const char* what[] = {"lost-size-in-small-fragments", "small-answer-in-fragments"};
    for (std::size_t i = 0; i < asks.size(); ++i)
        evidence.experiments.push_back({{"what", what[i]}, {"size", asks[i].size}, {"fragment", *asks[i].fragment},
                                        {"outcome", deliveries[i] == Delivery::delivered ? "delivered" : "lost"}});
    evidence.large_fragments_pass = deliveries[0] == Delivery::delivered;
    if (asks.size() > 1) evidence.small_fragments_pass = deliveries[1] == Delivery::delivered;
    return evidence;
}

void judge_without_edns(Session& session, Family family, model::RunResult& result) {
    // Without EDNS: exactly 512 fits, and one octet more must come back TC=1 (RFC 1035 4.2.1).
    // Decisive, so tried until random loss at the path's rate cannot explain a silence.
    QuerySpec fit_spec{.kind = "edns-size", .size = 512}, over_spec{.kind = "edns-size", .size = 600};
    fit_spec.tries = over_spec.tries = session.confirm_tries(family, 1);
    auto plain = session.ask_all(family, {fit_spec, over_spec});
    const auto& plain_fit = plain[0];
    const auto& plain_over = plain[1];
    std::vector<std::string> plain_probes{plain_fit.probe_id, plain_over.probe_id};
    auto fit = classify(plain_fit, 512);
    if (fit == Delivery::delivered && plain_over.answered() && plain_over.message->header.tc)
        add_verdict(result, Checkpoint::udp_no_edns, family, Status::pass, cause(CauseCode::ok), plain_probes);
    else if (fit == Delivery::lost || plain_over.kind == model::Outcome::timeout)
        add_verdict(result, Checkpoint::udp_no_edns, family, Status::fail, cause(CauseCode::no_answer, {{"what", "no-edns"}}),
                    plain_probes);
    else
        add_verdict(result, Checkpoint::udp_no_edns, family, Status::warn,
                    cause(CauseCode::truncated_without_tc, {{"size", 512}, {"delivered", fit == Delivery::delivered}}),
                    plain_probes);
}

void judge_truncation(Session& session, Family family, model::RunResult& result) {
    // A small buffer with a large answer: the TC=1 answer itself must get through.
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

}  // namespace

// The cause of answers lost above a size, from the limit experiments.
model::Cause limit_cause(Family family, const LimitEvidence& evidence, std::uint32_t lost, model::Params figures) {
    figures["experiments"] = evidence.experiments;
    if (evidence.large_fragments_pass == true) {
        // The whole answer arrives when no packet of it is large: the limit is on the IP packet,
        // and nothing told the server (over IPv4 its answers leave with DF clear, and a router
        // with a smaller MTU would have fragmented them). A PMTUD black hole: see pmtu.
        figures["direction"] = "answers";
        figures["fragments_pass"] = true;
        figures["see"] = "pmtu";
        return model::recast({CauseCode::size_cap, figures}, CauseCode::pmtud_blackhole);
    }
    if (evidence.small_fragments_pass == false) {
        // Fragments die whatever their size. When only answers too large for one packet were lost
        // that is the whole story; a lower threshold is a size limit besides.
        if (lost + 8 > evidence.payload) {
            figures["direction"] = "answers";
            figures["family"] = to_string(family);
            return model::recast({CauseCode::size_cap, figures}, CauseCode::fragment_filter);
        }
        figures["also"] = {"fragment-filter"};
        return {CauseCode::size_cap, figures};
    }
    if (evidence.large_fragments_pass == false) figures["limit"] = "udp-length";
    return {CauseCode::size_cap, figures};
}

// Capture may narrow a size cap further (probe/judge): which device, and fragments it saw vanish.
void judge_udp_large(model::RunResult& result, Family family, const std::map<std::uint32_t, Delivery>& seen,
                     std::optional<std::uint32_t> largest, std::uint16_t advertised,
                     const std::vector<std::uint32_t>& sizes, const std::vector<std::string>& probes,
                     const std::optional<LimitEvidence>& limit) {
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
        // A larger answer got through where a smaller one was lost, even confirmed: no size limit
        // explains that; the path loses packets at random (or only now and then).
        model::Params loss{{"lost", lost.size()}, {"sizes", seen.size()}, {"largest_overall", largest_overall},
                           {"largest", figures["largest"]}, {"advertised", advertised}};
        add_verdict(result, Checkpoint::udp_large, family, Status::warn, cause(CauseCode::random_loss, loss), probes);
    } else if (!lost.empty()) {
        figures["size"] = lost.front();
        if (largest) figures["gap"] = advertised - *largest;
        auto found = limit ? limit_cause(family, *limit, lost.front(), figures) : model::Cause{CauseCode::size_cap, figures};
        add_verdict(result, Checkpoint::udp_large, family, Status::fail, found, probes);
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

    SizeProber prober(session, family, edns);
    // The whole ladder at once, every size with the tries that rule random loss out: the lost
    // sizes' waits overlap instead of adding up.
    std::vector<SizeProber::Ask> ladder;
    for (auto size : sizes) ladder.push_back({size, std::nullopt});
    prober.ask_all(ladder);
    if (session.stopped()) return;
    const auto& seen = prober.seen();
    if (std::any_of(seen.begin(), seen.end(), [](const auto& entry) { return entry.second == Delivery::refused; })) {
        add_verdict(result, Checkpoint::udp_large, family, Status::na, cause(CauseCode::refused, {{"why", "key-mismatch"}}),
                    prober.probes());
        return;
    }
    auto largest = refine_largest(prober);
    if (largest) summary_for(result, family).largest_udp_answer = static_cast<int>(*largest);
    // Above the largest, the first size lost: what kind of limit is it?
    std::optional<LimitEvidence> limit;
    auto first_lost = std::find_if(seen.begin(), seen.end(), [](const auto& entry) { return entry.second == Delivery::lost; });
    const bool random = first_lost != seen.end() &&
                        std::any_of(std::next(first_lost), seen.end(), [](const auto& e) { return e.second == Delivery::delivered; });
    if (first_lost != seen.end() && largest && !random && !session.stopped())
        limit = test_limit(prober, first_lost->first, *largest);
    judge_udp_large(result, family, seen, largest, edns.udp_size, sizes, prober.probes(), limit);

    if (session.stopped()) return;
    judge_without_edns(session, family, result);
    if (session.stopped()) return;
    judge_truncation(session, family, result);
}

}  // namespace dnspath::probe
