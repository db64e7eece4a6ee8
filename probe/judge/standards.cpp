// Standards items decided one by one on their own evidence (items.def names each item's rule): a
// verdict's status is not an item's. A-86 passes when a 1220-octet answer arrived, whatever
// happened to larger ones; an item nothing exercised is na and says so.
#include <algorithm>
#include <map>
#include <set>

#include "probe/judge/judge.h"

namespace dnspath::judge {
namespace {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Item;
using model::StandardEntry;
using model::StandardRule;
using model::Status;
using model::Verdict;

// Worst first, as an item takes the worst of its evidence: fail, warn, pass, na.
int badness(Status status) {
    switch (status) {
        case Status::fail: return 3;
        case Status::warn: return 2;
        case Status::pass: return 1;
        case Status::na: return 0;
    }
    return 0;
}

// What one piece of evidence (a family, a checkpoint) says about an item.
struct Evidence {
    Status status = Status::na;
    std::vector<std::string> probes;
    std::optional<std::string> why;
    std::optional<int> largest;
};

// The worse of two pieces of evidence; probes of equal weight are pooled.
void worst_into(Evidence& into, const Evidence& other) {
    if (badness(other.status) > badness(into.status)) {
        into = other;
        return;
    }
    if (badness(other.status) < badness(into.status)) return;
    into.probes.insert(into.probes.end(), other.probes.begin(), other.probes.end());
    if (other.largest && (!into.largest || *other.largest > *into.largest)) into.largest = other.largest;
    if (!into.why) into.why = other.why;
}

bool is_f_item(Item item) {
    return model::spec_of(item).id.find(" F-") != std::string_view::npos;
}

bool has_code(const Verdict& verdict, CauseCode code) {
    if (verdict.cause.code == code) return true;
    const auto also = verdict.cause.params.find("also");
    return also != verdict.cause.params.end() && also->is_array() &&
           std::find(also->begin(), also->end(), std::string(model::to_string(code))) != also->end();
}

// The item's checkpoints' verdicts in this result.
std::vector<const Verdict*> verdicts_for(const model::RunResult& result, Item item) {
    std::vector<const Verdict*> found;
    for (const auto& verdict : result.verdicts) {
        const auto& items = model::entry_of(verdict.checkpoint).items;
        if (std::find(items.begin(), items.end(), item) != items.end()) found.push_back(&verdict);
    }
    return found;
}

Evidence from_verdict(const Verdict& verdict) {
    Evidence evidence{verdict.status, verdict.probes, std::nullopt, std::nullopt};
    if (verdict.status == Status::na) evidence.why = "no-verdict";
    return evidence;
}

// An ordinary UDP question to the target (or through the proxy, for a full resolver's F- item):
// not a DF, fragment or path-MTU artefact.
bool plain_udp(const model::ProbeRecord& probe, bool proxy_allowed) {
    return probe.transport == "udp" && probe.requested_size && !probe.dont_fragment && !probe.df_answer &&
           !probe.small_fragments_answer && !probe.fragment_size && (proxy_allowed || !probe.via_proxy) &&
           probe.kind != "pmtu" && probe.kind != "ttl";
}

// A-86/F-86 (threshold 1220, must) and A-87/F-87 (4000, should): passes when an answer of the
// threshold or more arrived whole over UDP; fails (warns, for a "should") when one no larger than
// the next size asked was lost and nothing that large arrived; otherwise nothing exercised it.
Evidence by_size(const model::RunResult& result, Family family, bool proxy_allowed, int threshold, Status failing) {
    Evidence evidence;
    evidence.why = "not-exercised";
    const int ceiling = threshold == 1220 ? 1232 : 4096;
    std::vector<std::string> lost;
    int largest = 0;
    for (const auto& probe : result.probes) {
        if (probe.family != family || !plain_udp(probe, proxy_allowed)) continue;
        const auto size = static_cast<int>(*probe.requested_size);
        const bool whole = probe.outcome == model::Outcome::answer && probe.answer_size == probe.requested_size;
        if (whole) {
            largest = std::max(largest, size);
            if (size >= threshold && evidence.status != Status::pass) evidence = {Status::pass, {probe.id}, std::nullopt, size};
        } else if (probe.outcome == model::Outcome::timeout && size <= ceiling) {
            lost.push_back(probe.id);
        }
    }
    if (evidence.status == Status::pass) return evidence;
    if (!lost.empty()) return {failing, lost, std::nullopt, largest > 0 ? std::optional<int>(largest) : std::nullopt};
    if (largest > 0) evidence.largest = largest;
    return evidence;
}

// diagnose's server-large-udp: the zone's own answers, the largest it has and what arrived.
Evidence by_size_diagnosed(const Verdict& verdict, int threshold, Status failing) {
    const auto& params = verdict.cause.params;
    auto figure = [&](const char* name) { return static_cast<int>(model::whole_param(params, name).value_or(0)); };
    if (verdict.status == Status::pass) {
        const int largest = figure("largest");
        if (largest >= threshold) return {Status::pass, verdict.probes, std::nullopt, largest};
        return {Status::na, {}, "not-exercised", largest};
    }
    if (verdict.status != Status::fail) return from_verdict(verdict);
    const int delivered = figure("largest"), lost = figure("size");
    if (delivered >= threshold) return {Status::pass, verdict.probes, std::nullopt, delivered};
    if (lost > 0 && lost <= (threshold == 1220 ? 1232 : 4096)) return {failing, verdict.probes, std::nullopt, delivered};
    return {Status::na, {}, "not-exercised", delivered > 0 ? std::optional<int>(delivered) : std::nullopt};
}

// A-85/F-85: EDNS0 over UDP works when an EDNS query over UDP was answered; it fails when EDNS
// queries got nothing while plain ones were answered, or the OPT was stripped.
Evidence by_edns(const model::RunResult& result, Family family, bool proxy_allowed) {
    std::vector<std::string> edns_lost;
    bool plain_answered = false;
    for (const auto& probe : result.probes) {
        if (probe.family != family || probe.transport != "udp" || (probe.via_proxy && !proxy_allowed)) continue;
        const bool answered = probe.outcome == model::Outcome::answer || probe.outcome == model::Outcome::truncated;
        if (!probe.bufsize) plain_answered = plain_answered || answered;
        else if (answered && probe.rcode.value_or(0) == 0) return {Status::pass, {probe.id}, std::nullopt, std::nullopt};
        else if (probe.outcome == model::Outcome::timeout) edns_lost.push_back(probe.id);
    }
    for (const auto& verdict : result.verdicts)
        if (verdict.family == family && verdict.cause.code == CauseCode::option_stripped &&
            verdict.cause.params.value("options", model::Params::array()).dump().find("OPT") != std::string::npos)
            return {Status::fail, verdict.probes, std::nullopt, std::nullopt};
    if (plain_answered && !edns_lost.empty()) return {Status::fail, edns_lost, std::nullopt, std::nullopt};
    return {Status::na, {}, "not-exercised", std::nullopt};
}

// RRSIGs come with answers to DO=1 — fails where a signed answer arrived without them.
Evidence by_rrsigs(const std::vector<const Verdict*>& verdicts, const model::RunResult& result) {
    Evidence evidence{Status::na, {}, "not-exercised", std::nullopt};
    for (const auto* verdict : verdicts) {
        if (has_code(*verdict, CauseCode::rrsig_stripped) || has_code(*verdict, CauseCode::rrsig_missing)) {
            worst_into(evidence, {Status::fail, verdict->probes, std::nullopt, std::nullopt});
            continue;
        }
        if (verdict->status == Status::pass) {
            worst_into(evidence, {Status::pass, verdict->probes, std::nullopt, std::nullopt});
            continue;
        }
        for (const auto& id : verdict->probes)
            if (const auto* probe = model::find_probe(result, id);
                probe && probe->dnssec_ok && probe->outcome == model::Outcome::answer)
                worst_into(evidence, {Status::pass, {id}, std::nullopt, std::nullopt});
    }
    return evidence;
}

// F-130: DO reaches the server (the echo says so); fails where a device cleared it.
Evidence by_do(const std::vector<const Verdict*>& verdicts, const model::RunResult& result) {
    Evidence evidence{Status::na, {}, "not-exercised", std::nullopt};
    for (const auto* verdict : verdicts) {
        if (has_code(*verdict, CauseCode::do_cleared)) {
            worst_into(evidence, {Status::fail, verdict->probes, std::nullopt, std::nullopt});
            continue;
        }
        if (verdict->checkpoint == Checkpoint::resolver_do) {
            worst_into(evidence, from_verdict(*verdict));
            continue;
        }
        for (const auto& id : verdict->probes)
            if (const auto* probe = model::find_probe(result, id);
                probe && probe->dnssec_ok && probe->echo && probe->echo->dnssec_ok.value_or(false))
                worst_into(evidence, {Status::pass, {id}, std::nullopt, std::nullopt});
    }
    return evidence;
}

// F-147: fragmented UDP is handled — fails on a fragment filter, passes when fragments crossed.
Evidence by_fragments(const std::vector<const Verdict*>& verdicts) {
    Evidence evidence{Status::na, {}, "not-exercised", std::nullopt};
    for (const auto* verdict : verdicts) {
        if (verdict->cause.code == CauseCode::fragment_filter) {
            worst_into(evidence, {Status::fail, verdict->probes, std::nullopt, std::nullopt});
            continue;
        }
        const auto& params = verdict->cause.params;
        auto some = [&](const char* name) { return params.contains(name) && params[name].is_array() && !params[name].empty(); };
        if (verdict->status == Status::pass || some("answers_passed") || some("queries_passed"))
            worst_into(evidence, {Status::pass, verdict->probes, std::nullopt, std::nullopt});
    }
    return evidence;
}

Evidence decide(const model::RunResult& result, Item item, const std::vector<const Verdict*>& verdicts) {
    const auto rule = model::spec_of(item).rule;
    const bool proxy_allowed = is_f_item(item);
    Evidence evidence{Status::na, {}, "not-exercised", std::nullopt};
    const Verdict* diagnosed = nullptr;
    for (const auto* verdict : verdicts)
        if (verdict->checkpoint == Checkpoint::server_large_udp || verdict->checkpoint == Checkpoint::server_edns)
            diagnosed = verdict;
    switch (rule) {
        case StandardRule::verdicts:
            for (const auto* verdict : verdicts) worst_into(evidence, from_verdict(*verdict));
            return evidence;
        case StandardRule::udp_1220:
        case StandardRule::udp_4000: {
            const int threshold = rule == StandardRule::udp_1220 ? 1220 : 4000;
            const Status failing = rule == StandardRule::udp_1220 ? Status::fail : Status::warn;
            if (diagnosed) return by_size_diagnosed(*diagnosed, threshold, failing);
            for (Family family : {Family::ipv4, Family::ipv6}) worst_into(evidence, by_size(result, family, proxy_allowed, threshold, failing));
            return evidence;
        }
        case StandardRule::edns_over_udp:
            if (diagnosed) return from_verdict(*diagnosed);
            for (Family family : {Family::ipv4, Family::ipv6}) worst_into(evidence, by_edns(result, family, proxy_allowed));
            return evidence;
        case StandardRule::rrsig_with_do: return by_rrsigs(verdicts, result);
        case StandardRule::do_upstream: return by_do(verdicts, result);
        case StandardRule::fragments_pass: return by_fragments(verdicts);
    }
    return evidence;
}

}  // namespace

void judge_standards(model::RunResult& result) {
    result.standards.clear();
    for (const auto& spec : model::item_specs()) {
        auto verdicts = verdicts_for(result, spec.item);
        if (verdicts.empty()) continue;  // the plan did not touch it
        Evidence evidence = decide(result, spec.item, verdicts);
        StandardEntry entry;
        entry.item = std::string(spec.id);
        entry.status = evidence.status;
        std::set<std::string> seen;
        for (const auto& id : evidence.probes)
            if (seen.insert(id).second && entry.probes.size() < 16) entry.probes.push_back(id);
        for (const auto* verdict : verdicts)
            if (std::find(entry.checkpoints.begin(), entry.checkpoints.end(), verdict->checkpoint) == entry.checkpoints.end())
                entry.checkpoints.push_back(verdict->checkpoint);
        if (entry.status == Status::na) entry.why = evidence.why.value_or("not-exercised");
        entry.largest = evidence.largest;
        result.standards.push_back(std::move(entry));
    }
}

}  // namespace dnspath::judge
