#include "probe/judge/judge.h"

#include <algorithm>
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

// The devices of `findings` whose rule is one of `rules`, in path order.
std::vector<std::string> devices_with(const std::vector<const CaptureFinding*>& findings,
                                      const std::vector<FindingRule>& rules, const std::vector<std::string>& path) {
    std::set<std::string> found;
    for (const auto* finding : findings)
        if (finding->device && has(rules, finding->rule)) found.insert(*finding->device);
    std::vector<std::string> ordered;
    for (const auto& device : path)
        if (found.erase(device)) ordered.push_back(device);
    ordered.insert(ordered.end(), found.begin(), found.end());  // devices the path does not list
    return ordered;
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
        case CauseCode::truncated_without_tc:
        case CauseCode::wrong_rcode:
            return true;
        default:
            return false;
    }
}

// A device that re-originates or answers this family's queries (a transparent DNS proxy).
std::optional<std::string> interceptor(const model::RunResult& result, Family family,
                                       const std::multimap<std::string, const CaptureFinding*>& by_probe) {
    std::vector<const CaptureFinding*> found;
    for (const auto& probe : result.probes) {
        // Queries sent to a proxy on purpose (the proxy kind) are meant to be re-originated by it.
        if (probe.family != family || probe.via_proxy) continue;
        for (auto [it, end] = by_probe.equal_range(probe.id); it != end; ++it)
            if (it->second->rule == FindingRule::reoriginated || it->second->rule == FindingRule::answered_locally)
                found.push_back(it->second);
    }
    auto devices = devices_with(found, {FindingRule::reoriginated, FindingRule::answered_locally}, result.path);
    if (devices.empty()) return std::nullopt;
    return devices.front();
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

WholeDroppers whole_droppers(const model::RunResult& result, const std::vector<model::CaptureFinding>& findings) {
    std::map<std::string, Family> family_of;
    for (const auto& probe : result.probes) family_of[probe.id] = probe.family;
    WholeDroppers droppers;
    for (const auto& finding : findings) {
        const bool dropped = finding.rule == FindingRule::answer_dropped || finding.rule == FindingRule::query_dropped;
        const bool whole = finding.params.value("fragments", 1) <= 1 || finding.params.value("later_fragments_passed", false);
        if (!dropped || !finding.device || finding.params.value("tcp", false) || !whole) continue;
        if (auto found = family_of.find(finding.probe); found != family_of.end())
            droppers[found->second].insert(*finding.device);
    }
    return droppers;
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

// An ICMP too big that a device dropped: the PMTUD black hole is that device; one that arrived
// shows a working smaller MTU.
void judge_icmp(Verdict& verdict, const std::vector<const CaptureFinding*>& findings) {
    for (const auto* finding : findings) {
        if (finding->rule == FindingRule::icmp_dropped && finding->device) {
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

void attach(model::RunResult& result, Verdict& verdict,
            const std::multimap<std::string, const CaptureFinding*>& by_probe,
            const std::map<Family, std::string>& interceptors, const WholeDroppers& droppers) {
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
    } else if (failing(verdict)) {
        judge_fragments(verdict, findings, droppers);
        judge_icmp(verdict, findings);
        verdict.blame = blame_from(findings, {}, result.path, result);
    }
    if (auto found = interceptors.find(verdict.family); found != interceptors.end())
        judge_interception(verdict, found->second);
    judge_each_device(verdict, findings, droppers);
}

// A TCP exchange that opened and then stalled, beside a PMTUD black hole of the same family:
// full-size segments meet the same black hole as the DF probes did.
void judge_tcp_stall(model::RunResult& result, Verdict& verdict) {
    if (verdict.cause.code != CauseCode::tcp_filter || verdict.cause.params.value("stage", "") != "data") return;
    const Verdict* pmtu = find_verdict(result, Checkpoint::pmtu, verdict.family);
    if (!pmtu || pmtu->cause.code != CauseCode::pmtud_blackhole) return;
    recast(verdict, CauseCode::pmtud_blackhole, {{"transports", {"udp-df", "tcp"}}});
    if (verdict.blame.empty()) verdict.blame = pmtu->blame;
}

// Answers capped just below the path MTU, where the pmtu verdict found a black hole (or a lossy
// MTU): the MTU is the cap, not a filter on the UDP length.
void judge_size_at_mtu(const model::RunResult& result, Verdict& verdict) {
    if (verdict.checkpoint != Checkpoint::udp_large || verdict.cause.code != CauseCode::size_cap) return;
    const Verdict* pmtu = find_verdict(result, Checkpoint::pmtu, verdict.family);
    const auto& summary = verdict.family == Family::ipv6 ? result.ipv6 : result.ipv4;
    if (!pmtu || !summary.path_mtu || !verdict.cause.params.contains("largest") || !verdict.cause.params["largest"].is_number())
        return;
    const bool mtu_limited = pmtu->cause.code == CauseCode::pmtud_blackhole ||
                             (pmtu->cause.code == CauseCode::mtu && pmtu->status != Status::pass);
    const int headers = verdict.family == Family::ipv6 ? 48 : 28;
    const int packet = verdict.cause.params["largest"].get<int>() + headers;
    // ±8 octets of refinement, plus the 4 octets a veth lets through above its MTU.
    if (mtu_limited && packet >= *summary.path_mtu - 16 && packet <= *summary.path_mtu + 12)
        recast(verdict, pmtu->cause.code, {{"see", "pmtu"}, {"path_mtu", *summary.path_mtu}});
}

// UDP probes that were answered only after a retry, per family. A clean path never needs one, and
// a size cap, a filter or a full table never answers a retry: only a path that loses packets at
// random does.
std::map<Family, int> answered_after_retry(const model::RunResult& result) {
    std::map<Family, int> counts;
    for (const auto& probe : result.probes)
        if (probe.transport == "udp" && probe.attempts > 1 &&
            (probe.outcome == model::Outcome::answer || probe.outcome == model::Outcome::truncated))
            ++counts[probe.family];
    return counts;
}

constexpr int kLossyAfterRetries = 3;

// Families whose flows were lost scattered, not as a table fills (the sessions kind's judgement).
std::set<Family> scattered_flows(const model::RunResult& result) {
    std::set<Family> families;
    for (const auto& verdict : result.verdicts)
        if (verdict.checkpoint == Checkpoint::udp_sessions && verdict.cause.code == CauseCode::random_loss)
            families.insert(verdict.family);
    return families;
}

// On a path that loses packets at random, the causes a loss can imitate are that loss. The path
// is lossy where answers came only after retries, or new flows were lost scattered.
void judge_random_loss(Verdict& verdict, const std::map<Family, int>& retried, const std::set<Family>& scattered) {
    auto found = retried.find(verdict.family);
    const int after_retry = found == retried.end() ? 0 : found->second;
    if ((after_retry < kLossyAfterRetries && !scattered.count(verdict.family)) || !failing(verdict)) return;
    const CauseCode code = verdict.cause.code;
    const bool imitated = code == CauseCode::size_cap || code == CauseCode::state_table_full ||
                          code == CauseCode::no_answer ||
                          (code == CauseCode::tcp_filter && verdict.cause.params.value("action", "") == "drop");
    if (imitated)
        recast(verdict, CauseCode::random_loss,
               {{"answered_after_retry", after_retry}, {"scattered_flows", scattered.count(verdict.family) > 0}});
}

}  // namespace

void judge_together(model::RunResult& result) {
    // The probe's own view is kept before anything across verdicts changes it.
    for (auto& verdict : result.verdicts)
        if (!verdict.probe_cause) verdict.probe_cause = verdict.cause;
    const auto retried = answered_after_retry(result);
    const auto scattered = scattered_flows(result);
    std::set<Family> tcp_stalls;
    for (auto& verdict : result.verdicts) {
        const CauseCode before = verdict.cause.code;
        judge_tcp_stall(result, verdict);
        judge_size_at_mtu(result, verdict);
        judge_random_loss(verdict, retried, scattered);
        if (verdict.cause.code == CauseCode::pmtud_blackhole && verdict.checkpoint != Checkpoint::pmtu) tcp_stalls.insert(verdict.family);
        // Large fragmented answers lost where the path MTU is the limit: the MTU, not a filter.
        if (verdict.checkpoint == Checkpoint::udp_fragments && verdict.cause.code == CauseCode::size_cap)
            if (const Verdict* pmtu = find_verdict(result, Checkpoint::pmtu, verdict.family);
                pmtu && (pmtu->cause.code == CauseCode::pmtud_blackhole ||
                         (pmtu->cause.code == CauseCode::mtu && pmtu->status != Status::pass)))
                recast(verdict, pmtu->cause.code, {{"see", "pmtu"}});
        // A cause judged across verdicts is every blamed device's cause.
        if (verdict.cause.code != before)
            for (auto& blame : verdict.blame) blame.cause = verdict.cause;
    }
    for (auto& verdict : result.verdicts)
        if (verdict.checkpoint == Checkpoint::pmtu && verdict.cause.code == CauseCode::pmtud_blackhole &&
            tcp_stalls.count(verdict.family))
            verdict.cause.params["transports"] = {"udp-df", "tcp"};
    judge_standards(result);
}

void judge_with_findings(model::RunResult& result, const std::vector<model::CaptureFinding>& findings) {
    std::multimap<std::string, const CaptureFinding*> by_probe;
    for (const auto& finding : findings) by_probe.emplace(finding.probe, &finding);
    std::map<Family, std::string> interceptors;
    for (Family family : {Family::ipv4, Family::ipv6})
        if (auto device = interceptor(result, family, by_probe)) interceptors[family] = *device;
    const auto droppers = whole_droppers(result, findings);
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
        attach(result, verdict, by_probe, interceptors, droppers);
    }
    judge_together(result);
}

}  // namespace dnspath::judge
