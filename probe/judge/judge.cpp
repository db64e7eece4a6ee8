#include "probe/judge/judge.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

namespace dnspath::judge {
namespace {

using model::CaptureFinding;
using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::FindingRule;
using model::Status;
using model::Verdict;

constexpr std::size_t kFindingsPerVerdict = 16;

bool failing(const Verdict& verdict) { return verdict.status == Status::fail || verdict.status == Status::warn; }

bool has(const std::vector<FindingRule>& rules, FindingRule rule) {
    return std::find(rules.begin(), rules.end(), rule) != rules.end();
}

// One Blame per device, in path order, from the findings whose rule is one of `rules` (or, with
// `rules` empty, any rule that blames).
std::vector<model::Blame> blame_from(const std::vector<const CaptureFinding*>& findings,
                                     const std::vector<FindingRule>& rules, const std::vector<std::string>& path,
                                     const model::RunResult& result) {
    std::vector<model::Blame> blame;
    std::vector<const CaptureFinding*> chosen;
    for (const auto* finding : findings) {
        if (!finding->device) continue;
        const bool wanted = rules.empty() ? model::blames(finding->rule) : has(rules, finding->rule);
        if (!wanted) continue;
        // A query a box answered itself is harmless when the answer was good.
        if (rules.empty() && finding->rule == FindingRule::answered_locally) {
            const auto* probe = model::find_probe(result, finding->probe);
            if (probe && probe->outcome == model::Outcome::answer) continue;
        }
        chosen.push_back(finding);
    }
    std::vector<std::string> order = path;
    for (const auto* finding : chosen)
        if (std::find(order.begin(), order.end(), *finding->device) == order.end()) order.push_back(*finding->device);
    for (const auto& device : order) {
        model::Blame entry{device, {}, FindingRule::query_dropped};
        for (const auto* finding : chosen) {
            if (*finding->device != device) continue;
            if (entry.probes.empty()) entry.rule = finding->rule;
            if (std::find(entry.probes.begin(), entry.probes.end(), finding->probe) == entry.probes.end())
                entry.probes.push_back(finding->probe);
        }
        if (!entry.probes.empty()) blame.push_back(std::move(entry));
    }
    return blame;
}

// The findings about a verdict's probes, in the verdict's probe order.
std::vector<const CaptureFinding*> findings_of(const Verdict& verdict,
                                               const std::multimap<std::string, const CaptureFinding*>& by_probe) {
    std::vector<const CaptureFinding*> found;
    for (const auto& id : verdict.probes)
        for (auto [it, end] = by_probe.equal_range(id); it != end; ++it) found.push_back(it->second);
    return found;
}

const Verdict* find_verdict(const model::RunResult& result, Checkpoint checkpoint, Family family) {
    for (const auto& verdict : result.verdicts)
        if (verdict.checkpoint == checkpoint && verdict.family == family) return &verdict;
    return nullptr;
}

// The cause becomes `code`, keeping the figures the new code declares and saying what it replaced.
void recast(Verdict& verdict, CauseCode code, const model::Params& extra) {
    verdict.cause = model::recast(verdict.cause, code, extra);
}

// Causes the probe gives when it only knows something vanished or came back odd: a middlebox
// answering in the server's name explains each of them better.
bool explained_by_interception(CauseCode code) {
    switch (code) {
        case CauseCode::size_cap:
        case CauseCode::mtu:
        case CauseCode::pmtud_blackhole:
        case CauseCode::fragment_filter:
        case CauseCode::no_answer:
        case CauseCode::random_loss:
        case CauseCode::inconclusive:
        case CauseCode::truncated_without_tc:
        case CauseCode::wrong_rcode:
        case CauseCode::tsig_broken:  // a transparent proxy answering for the server re-signs nothing
            return true;
        default:
            return false;
    }
}

// A device that re-originates or answers this family's queries (a transparent DNS proxy).
std::optional<std::string> interceptor(const model::RunResult& result, Family family,
                                       const std::multimap<std::string, const CaptureFinding*>& by_probe) {
    // An interceptor re-originates or answers every query it catches; a finding or two among many
    // answered probes is a capture artefact of a lossy path (a retransmission, a frame a tap
    // missed), not interception: it must have caught at least half of the answered probes.
    std::map<std::string, std::set<std::string>> caught;  // device -> probe ids
    std::size_t answered = 0;
    for (const auto& probe : result.probes) {
        // Queries sent to a proxy on purpose (the proxy kind) are meant to be re-originated by it.
        if (probe.family != family || probe.via_proxy) continue;
        if (probe.outcome == model::Outcome::answer || probe.outcome == model::Outcome::truncated) ++answered;
        for (auto [it, end] = by_probe.equal_range(probe.id); it != end; ++it)
            if ((it->second->rule == FindingRule::reoriginated || it->second->rule == FindingRule::answered_locally) &&
                it->second->device)
                caught[*it->second->device].insert(probe.id);
    }
    // The interception kind's own probes are the experiment made for this: when its verdict failed
    // and a device caught those probes, that device is the interceptor, whatever share of the
    // other probes the taps saw it catch (side by side, a lossy tap can miss some of them).
    for (const auto& verdict : result.verdicts) {
        if (verdict.family != family || verdict.checkpoint != Checkpoint::dns_interception || !failing(verdict)) continue;
        for (const auto& device : result.path)
            if (auto found = caught.find(device); found != caught.end())
                for (const auto& probe : verdict.probes)
                    if (found->second.count(probe)) return device;
    }
    const std::size_t needed = std::max<std::size_t>(1, answered / 2);
    for (const auto& device : result.path)
        if (auto found = caught.find(device); found != caught.end() && found->second.size() >= needed) return device;
    for (const auto& [device, probes] : caught)  // a device the path does not list
        if (probes.size() >= needed) return device;
    return std::nullopt;
}

// The interception rule: the dns-interception verdict names the device; every other verdict it
// affected says so instead of inventing an MTU or fragment cause.
void judge_interception(Verdict& verdict, const std::string& device) {
    if (verdict.checkpoint == Checkpoint::dns_interception) {
        if (verdict.status == Status::pass || verdict.cause.code != CauseCode::interception) {
            verdict.status = Status::fail;
            recast(verdict, CauseCode::interception, {{"evidence", {"capture"}}});
        }
        verdict.cause.params["device"] = device;
        return;
    }
    if (!failing(verdict) || verdict.checkpoint == Checkpoint::nat || verdict.checkpoint == Checkpoint::device_load) return;
    if (explained_by_interception(verdict.cause.code))
        recast(verdict, CauseCode::interception, {{"device", device}});
    else
        verdict.cause.params["intercepted_by"] = device;
}

// Devices that dropped a whole, unfragmented UDP message of a family, or the first fragment of one
// while its later fragments crossed: a filter on the UDP length does that, a fragment filter
// (which drops later fragments, or all) never does.
using WholeDroppers = std::map<Family, std::set<std::string>>;

// How often each device lost the small queries of the loss measurement (kind "loss"), per family:
// a device that loses those loses at random, whatever else it does.
struct DeviceLoss {
    int sent = 0, dropped = 0;
    double upper() const { return loss_upper_bound(dropped, sent); }
};
using DeviceLosses = std::map<std::pair<Family, std::string>, DeviceLoss>;

bool is_whole_drop(const CaptureFinding& finding) {
    const bool dropped = finding.rule == FindingRule::answer_dropped || finding.rule == FindingRule::query_dropped;
    const bool whole = finding.params.value("fragments", 1) <= 1 || finding.params.value("later_fragments_passed", false);
    return dropped && finding.device && !finding.params.value("tcp", false) && whole;
}

DeviceLosses device_losses(const model::RunResult& result, const std::vector<model::CaptureFinding>& findings) {
    std::map<Family, int> sent;
    std::map<std::string, Family> loss_probes;
    for (const auto& probe : result.probes)
        if (probe.kind == "loss") {
            ++sent[probe.family];
            loss_probes[probe.id] = probe.family;
        }
    DeviceLosses losses;
    for (const auto& device : result.path)
        for (const auto& [family, count] : sent) losses[{family, device}].sent = count;
    for (const auto& finding : findings)
        if (auto probe = loss_probes.find(finding.probe); probe != loss_probes.end() && is_whole_drop(finding)) {
            auto& loss = losses[{probe->second, *finding.device}];
            loss.sent = sent[probe->second];
            ++loss.dropped;
        }
    return losses;
}

// Devices that dropped whole, unfragmented datagrams of a family beyond what their own random loss
// explains (a lossy router drops whole datagrams too, and is no size filter for it).
WholeDroppers whole_droppers(const model::RunResult& result, const std::vector<model::CaptureFinding>& findings,
                             const DeviceLosses& losses) {
    std::map<std::string, const model::ProbeRecord*> probe_of;
    std::map<Family, int> udp_probes;
    for (const auto& probe : result.probes) {
        probe_of[probe.id] = &probe;
        if (probe.transport == "udp" && probe.kind != "loss") ++udp_probes[probe.family];
    }
    std::map<std::pair<Family, std::string>, int> whole;
    for (const auto& finding : findings) {
        auto found = probe_of.find(finding.probe);
        if (!is_whole_drop(finding) || found == probe_of.end() || found->second->kind == "loss") continue;
        ++whole[{found->second->family, *finding.device}];
    }
    WholeDroppers droppers;
    for (const auto& [key, count] : whole) {
        auto loss = losses.find(key);
        // A device that lost none of the small queries shows no random loss to discount.
        const double rate = loss == losses.end() || loss->second.dropped == 0 ? 0.0 : loss->second.upper();
        if (rate == 0.0 || chance_of_losing(count, udp_probes[key.first], rate) < kSignificance)
            droppers[key.first].insert(key.second);
    }
    return droppers;
}

// A blamed device whose part in a verdict its own random loss explains is blamed for random loss,
// not for the verdict's cause: a lossy router beside a fragment filter is not the filter. The
// device's rate comes from the small queries of the loss measurement it lost; its part is the
// tries of the verdict's lost probes it lost, out of all the verdict's lost tries.
void judge_lossy_devices(const model::RunResult& result, Verdict& verdict, const DeviceLosses& losses,
                         const std::optional<std::string>& interceptor) {
    // Past a box that re-originates queries, the client's retries are not the upstream's: the box
    // may send one query for all of them. Each probe counts as one try there.
    auto after_interceptor = [&](const std::string& device) {
        if (!interceptor) return false;
        auto at = std::find(result.path.begin(), result.path.end(), *interceptor);
        auto here = std::find(result.path.begin(), result.path.end(), device);
        return at != result.path.end() && here != result.path.end() && here > at;
    };
    auto tries = [&](const std::vector<std::string>& ids, bool once) {
        int count = 0;
        for (const auto& id : ids)
            if (const auto* probe = model::find_probe(result, id); probe && probe->outcome == model::Outcome::timeout)
                count += once ? 1 : std::max(1, probe->attempts);
        return count;
    };
    // Every try of the verdict's kinds in its family, answered or not: a lossy device's share is
    // weighed against all the tries that may have crossed it, not only against the lost ones (the
    // answered paced flows of a rate-limit verdict crossed the lossy router too).
    auto tries_of_kinds = [&](bool once) {
        std::set<std::string> kinds;
        for (const auto& id : verdict.probes)
            if (const auto* probe = model::find_probe(result, id)) kinds.insert(probe->kind);
        int count = 0;
        for (const auto& probe : result.probes)
            if (probe.family == verdict.family && kinds.count(probe.kind)) count += once ? 1 : std::max(1, probe.attempts);
        return count;
    };
    for (auto& blame : verdict.blame) {
        auto loss = losses.find({verdict.family, blame.device});
        if (loss == losses.end() || loss->second.dropped == 0) continue;
        const bool once = after_interceptor(blame.device);
        const int mine = tries(blame.probes, once),
                  all = std::max({tries(verdict.probes, once), tries_of_kinds(once), mine});
        if (mine == 0) continue;  // blamed for what it changed, not for anything it lost
        const double chance = chance_of_losing(mine, all, loss->second.upper());
        if (chance < kSignificance) continue;
        blame.cause = {CauseCode::random_loss,
                       {{"loss_rate", static_cast<double>(loss->second.dropped) / loss->second.sent}, {"p_value", std::min(1.0, chance)}}};
    }
}

bool is_drop(FindingRule rule) {
    return rule == FindingRule::answer_dropped || rule == FindingRule::query_dropped ||
           rule == FindingRule::fragments_dropped;
}

bool drops_whole(const WholeDroppers& droppers, Family family, const std::string& device) {
    auto found = droppers.find(family);
    return found != droppers.end() && found->second.count(device) > 0;
}

// The fragment filter `findings` show: fragments that reached a device whole and left it in part
// or not at all, at a device that drops no whole datagram (a size filter takes first fragments
// with the rest, so its lost fragments say nothing of fragments as such).
std::optional<model::Cause> fragment_cause(Family family, const std::vector<const CaptureFinding*>& findings,
                                           const WholeDroppers& droppers) {
    bool queries = false, answers = false;
    for (const auto* finding : findings) {
        if (!finding->device || drops_whole(droppers, family, *finding->device)) continue;
        const bool fragmented = finding->rule == FindingRule::fragments_dropped ||
                                ((finding->rule == FindingRule::answer_dropped || finding->rule == FindingRule::query_dropped) &&
                                 finding->params.value("fragments", 1) > 1);
        if (!fragmented) continue;
        (finding->params.value("direction", "") == "answer" ? answers : queries) = true;
    }
    if (!queries && !answers) return std::nullopt;
    return model::Cause{CauseCode::fragment_filter,
                        {{"direction", queries && answers ? "both" : answers ? "answers" : "queries"},
                         {"family", to_string(family)}}};
}

// A size cause becomes a fragment filter when the taps show one — unless a device on the verdict's
// path drops whole datagrams: that size limit is what the verdict's threshold shows.
void judge_fragments(Verdict& verdict, const std::vector<const CaptureFinding*>& findings, const WholeDroppers& droppers) {
    if (verdict.cause.code != CauseCode::size_cap && verdict.cause.code != CauseCode::fragment_filter) return;
    for (const auto* finding : findings)
        if (is_drop(finding->rule) && finding->device && drops_whole(droppers, verdict.family, *finding->device)) return;
    if (auto cause = fragment_cause(verdict.family, findings, droppers)) recast(verdict, cause->code, cause->params);
}

// Each blamed device's own cause: the verdict's, except where the verdict's size or fragment cause
// is not what this device did.
void judge_each_device(Verdict& verdict, const std::vector<const CaptureFinding*>& findings, const WholeDroppers& droppers) {
    for (auto& blame : verdict.blame) {
        blame.cause = verdict.cause;
        // Interception is the interceptor's doing; another device on the verdict did what the
        // probe saw (a loss behind the interceptor, say).
        if (verdict.cause.code == CauseCode::interception && verdict.probe_cause &&
            verdict.cause.params.value("device", "") != blame.device) {
            blame.cause = *verdict.probe_cause;
            continue;
        }
        if (verdict.blame.size() == 1) continue;
        if (verdict.cause.code != CauseCode::size_cap && verdict.cause.code != CauseCode::fragment_filter) continue;
        std::vector<const CaptureFinding*> own;
        for (const auto* finding : findings)
            if (finding->device == blame.device) own.push_back(finding);
        if (drops_whole(droppers, verdict.family, blame.device))
            blame.cause = verdict.probe_cause && verdict.probe_cause->code == CauseCode::size_cap ? *verdict.probe_cause
                                                                                                 : verdict.cause;
        else if (auto cause = fragment_cause(verdict.family, own, droppers))
            blame.cause = *cause;
    }
}

// Whether `device` dropping `dropped` ICMP too-big messages is beyond its own random loss: ICMP it
// lost about queries is weighed against those that reached the prober, on a device that loses
// nothing else it is a filter at once.
bool filters_icmp(const model::RunResult& result, const Verdict& verdict, const std::vector<const CaptureFinding*>& findings,
                  const std::string& device, const DeviceLosses& losses) {
    auto loss = losses.find({verdict.family, device});
    if (loss == losses.end() || loss->second.dropped == 0) return true;
    int dropped = 0, arrived = 0;
    for (const auto* finding : findings)
        if (finding->rule == FindingRule::icmp_dropped && finding->device == device) ++dropped;
    for (const auto& probe : result.probes)
        if (probe.family == verdict.family && probe.icmp_mtu) ++arrived;
    return chance_of_losing(dropped, dropped + arrived, loss->second.upper()) < kSignificance;
}

// An ICMP too big that a device dropped beyond its random loss: the PMTUD black hole is that
// device; one that arrived shows a working smaller MTU.
void judge_icmp(const model::RunResult& result, Verdict& verdict, const std::vector<const CaptureFinding*>& findings,
                const DeviceLosses& losses) {
    for (const auto* finding : findings) {
        if (finding->rule == FindingRule::icmp_dropped && finding->device &&
            filters_icmp(result, verdict, findings, *finding->device, losses)) {
            recast(verdict, CauseCode::pmtud_blackhole,
                   {{"icmp_dropped_by", *finding->device}, {"sender", finding->params.value("sender", "")},
                    {"mtu", finding->params.value("mtu", 0)}});
            return;
        }
    }
    if (verdict.cause.code != CauseCode::size_cap) return;
    for (const auto* finding : findings)
        if (finding->rule == FindingRule::icmp_too_big) {
            recast(verdict, CauseCode::mtu, {{"mtu", finding->params.value("mtu", 0)}, {"sender", finding->params.value("sender", "")}});
            return;
        }
}

// An inconclusive verdict that may as well have passed: "ok" among its candidates.
bool undecided_with_a_pass(const Verdict& verdict) {
    if (verdict.cause.code != CauseCode::inconclusive) return false;
    const auto candidates = verdict.cause.params.find("candidates");
    if (candidates == verdict.cause.params.end() || !candidates->is_array()) return false;
    return std::find(candidates->begin(), candidates->end(), "ok") != candidates->end();
}

void attach(model::RunResult& result, Verdict& verdict,
            const std::multimap<std::string, const CaptureFinding*>& by_probe,
            const std::map<Family, std::string>& interceptors, const WholeDroppers& droppers, const DeviceLosses& losses) {
    auto findings = findings_of(verdict, by_probe);
    for (std::size_t i = 0; i < findings.size() && verdict.findings.size() < kFindingsPerVerdict; ++i)
        verdict.findings.push_back(*findings[i]);
    if (verdict.checkpoint == Checkpoint::nat) {
        // Every translating device, in path order, whatever the verdict's status.
        verdict.blame = blame_from(findings, {FindingRule::source_translated}, result.path, result);
        std::vector<std::string> devices;
        for (const auto& entry : verdict.blame) devices.push_back(entry.device);
        if (!devices.empty()) verdict.cause.params["devices"] = devices;
        for (auto& entry : verdict.blame) entry.cause = verdict.cause;
        return;
    }
    if (verdict.checkpoint == Checkpoint::dns_interception) {
        verdict.blame = blame_from(findings, {FindingRule::reoriginated, FindingRule::answered_locally}, result.path, result);
    } else if (verdict.cause.code == CauseCode::nxdomain_rewritten) {
        // An NXDOMAIN rewritten is a well-formed answer: a box that answered it itself (dnsmasq's
        // --address) is the one, though a good answer from a box is otherwise harmless.
        verdict.blame = blame_from(findings, {FindingRule::rcode_changed, FindingRule::answered_locally}, result.path, result);
    } else if (verdict.cause.code == CauseCode::open_resolver) {
        // The responder asked the proxy from outside; the taps name the proxy's device by the
        // question it re-originated for the probe (the verdict's first probe).
        verdict.blame = blame_from(findings, {FindingRule::reoriginated, FindingRule::answered_locally}, result.path, result);
    } else if (verdict.cause.code == CauseCode::cache_rule_broken) {
        // The cache is the proxy's: the device that re-originated the probes' first questions
        // (those fetched upstream), or answered them itself.
        verdict.blame = blame_from(findings, {FindingRule::reoriginated, FindingRule::answered_locally}, result.path, result);
    } else if (undecided_with_a_pass(verdict)) {
        // Nothing is claimed against any device: only one the taps saw lose the probes is named,
        // not one that merely did its job on them (a proxy rewriting the buffer size, say).
        verdict.blame = blame_from(findings, {FindingRule::query_dropped, FindingRule::answer_dropped}, result.path, result);
    } else if (failing(verdict)) {
        judge_fragments(verdict, findings, droppers);
        judge_icmp(result, verdict, findings, losses);
        verdict.blame = blame_from(findings, {}, result.path, result);
        // A signed message no box changed in place: the box that re-originated it (a transparent
        // proxy) is where its TSIG ended.
        if (verdict.blame.empty() && verdict.cause.code == CauseCode::tsig_broken)
            verdict.blame = blame_from(findings, {FindingRule::reoriginated, FindingRule::answered_locally}, result.path, result);
    }
    if (auto found = interceptors.find(verdict.family); found != interceptors.end())
        judge_interception(verdict, found->second);
    judge_each_device(verdict, findings, droppers);
}

// A TCP exchange that opened and then stalled, beside a PMTUD black hole of the same family:
// full-size segments meet the same black hole as the DF probes did.
void judge_tcp_stall(model::RunResult& result, Verdict& verdict) {
    if (verdict.cause.code != CauseCode::tcp_filter || verdict.cause.params.value("stage", "") != "data") return;
    if (verdict.cause.params.contains("experiments")) return;  // the small-segment experiment decided it
    const Verdict* pmtu = find_verdict(result, Checkpoint::pmtu, verdict.family);
    if (!pmtu || pmtu->cause.code != CauseCode::pmtud_blackhole) return;
    recast(verdict, CauseCode::pmtud_blackhole, {{"transports", {"udp-df", "tcp"}}});
    if (verdict.blame.empty()) verdict.blame = pmtu->blame;
}

// Answers capped just below the path MTU, where the pmtu verdict found a black hole (or a lossy
// MTU): the MTU is the cap, not a filter on the UDP length.
void judge_size_at_mtu(const model::RunResult& result, Verdict& verdict) {
    if (verdict.checkpoint != Checkpoint::udp_large || verdict.cause.code != CauseCode::size_cap) return;
    if (verdict.cause.params.contains("experiments")) return;  // the kind's experiments said what limits it
    const Verdict* pmtu = find_verdict(result, Checkpoint::pmtu, verdict.family);
    const auto& summary = verdict.family == Family::ipv6 ? result.ipv6 : result.ipv4;
    const auto largest = model::whole_param(verdict.cause.params, "largest");
    if (!pmtu || !summary.path_mtu || !largest) return;
    const bool mtu_limited = pmtu->cause.code == CauseCode::pmtud_blackhole ||
                             (pmtu->cause.code == CauseCode::mtu && pmtu->status != Status::pass);
    const int headers = verdict.family == Family::ipv6 ? 48 : 28;
    const int packet = static_cast<int>(*largest) + headers;
    // ±8 octets of refinement, plus the 4 octets a veth lets through above its MTU.
    if (mtu_limited && packet >= *summary.path_mtu - 16 && packet <= *summary.path_mtu + 12)
        recast(verdict, pmtu->cause.code, {{"see", "pmtu"}, {"path_mtu", *summary.path_mtu}});
}

}  // namespace

void judge_together(model::RunResult& result) {
    // The probe's own view is kept before anything across verdicts changes it.
    for (auto& verdict : result.verdicts)
        if (!verdict.probe_cause) verdict.probe_cause = verdict.cause;
    std::set<Family> tcp_black_holes;
    for (auto& verdict : result.verdicts) {
        const CauseCode before = verdict.cause.code;
        judge_tcp_stall(result, verdict);
        judge_size_at_mtu(result, verdict);
        judge_against_loss(result, verdict);
        const bool tcp = verdict.checkpoint == Checkpoint::tcp_direct || verdict.checkpoint == Checkpoint::tcp_fallback;
        if (tcp && verdict.cause.code == CauseCode::pmtud_blackhole) tcp_black_holes.insert(verdict.family);
        // Large fragmented answers lost where the path MTU is the limit: the MTU, not a filter.
        if (verdict.checkpoint == Checkpoint::udp_fragments && verdict.cause.code == CauseCode::size_cap &&
            verdict.cause.params.value("limit", "") != "udp-length")
            if (const Verdict* pmtu = find_verdict(result, Checkpoint::pmtu, verdict.family);
                pmtu && (pmtu->cause.code == CauseCode::pmtud_blackhole ||
                         (pmtu->cause.code == CauseCode::mtu && pmtu->status != Status::pass)))
                recast(verdict, pmtu->cause.code, {{"see", "pmtu"}});
        // A cause judged across verdicts is the cause of every device blamed for the one it replaced.
        if (verdict.cause.code != before)
            for (auto& blame : verdict.blame)
                if (blame.cause.code == before) blame.cause = verdict.cause;
    }
    // An exchange over TCP that got nothing where TCP meets a black hole (the DNSKEY set fetched
    // after TC=1): the black hole, not a lost query.
    for (auto& verdict : result.verdicts)
        if (tcp_black_holes.count(verdict.family) && failing(verdict) && verdict.cause.code == CauseCode::no_answer &&
            verdict.cause.params.value("transport", "") == "tcp") {
            recast(verdict, CauseCode::pmtud_blackhole, {{"transports", {"tcp"}}, {"see", "tcp"}});
            for (auto& blame : verdict.blame)
                if (blame.cause.code == CauseCode::no_answer) blame.cause = verdict.cause;
        }
    // TCP takes part in a black hole only where a TCP exchange stalled with large segments.
    for (auto& verdict : result.verdicts)
        if (verdict.checkpoint == Checkpoint::pmtu && verdict.cause.code == CauseCode::pmtud_blackhole &&
            tcp_black_holes.count(verdict.family))
            verdict.cause.params["transports"] = {"udp-df", "tcp"};
    judge_standards(result);
}

void judge_with_findings(model::RunResult& result, const std::vector<model::CaptureFinding>& findings) {
    std::multimap<std::string, const CaptureFinding*> by_probe;
    for (const auto& finding : findings) by_probe.emplace(finding.probe, &finding);
    std::map<Family, std::string> interceptors;
    for (Family family : {Family::ipv4, Family::ipv6})
        if (auto device = interceptor(result, family, by_probe)) interceptors[family] = *device;
    const auto losses = device_losses(result, findings);
    const auto droppers = whole_droppers(result, findings, losses);
    for (auto& verdict : result.verdicts) {
        // Judging again starts from the probe's own view: findings are replaced, never appended.
        if (verdict.probe_cause) {
            verdict.cause = *verdict.probe_cause;
            // The one status the taps can change (a pass the capture contradicts): restore it too.
            if (verdict.checkpoint == Checkpoint::dns_interception && verdict.cause.code == CauseCode::ok) verdict.status = Status::pass;
        } else {
            verdict.probe_cause = verdict.cause;
        }
        verdict.blame.clear();
        verdict.findings.clear();
        attach(result, verdict, by_probe, interceptors, droppers, losses);
        auto interceptor = interceptors.find(verdict.family);
        judge_lossy_devices(result, verdict, losses,
                            interceptor == interceptors.end() ? std::nullopt : std::optional<std::string>(interceptor->second));
    }
    judge_together(result);
}

}  // namespace dnspath::judge
