// Findings: one per guilty device, for a person to act on — what the device does (the catalogue's
// sentence for each cause it is blamed for), how bad that is given the fallbacks the run saw
// working, the checklist items it fails, and the fix an operator applies.
#include <algorithm>
#include <map>
#include <optional>

#include "reports/messages.h"

namespace dnspath::reports {
namespace {

using model::CauseCode;

// Causes of lost or truncated UDP answers: a resolver still gets them over TCP when TCP works.
bool rescued_by_tcp(CauseCode code) {
    return code == CauseCode::size_cap || code == CauseCode::fragment_filter || code == CauseCode::edns_buffer_cap ||
           code == CauseCode::mtu || code == CauseCode::pmtud_blackhole;
}

bool tcp_works(const RunResult& result, model::Family family) {
    for (const auto& verdict : result.verdicts)
        if (verdict.checkpoint == "tcp-fallback" && verdict.family == family) return verdict.status == Status::pass;
    return false;
}

Severity severity_of(const RunResult& result, const Verdict& verdict) {
    if (verdict.checkpoint == "nat" || verdict.status == Status::warn) return Severity::notice;
    const auto transports = verdict.cause.params.find("transports");
    if (transports != verdict.cause.params.end() && transports->is_array() &&
        std::find(transports->begin(), transports->end(), "tcp") != transports->end())
        return Severity::broken;  // the black hole takes TCP with it: nothing to fall back on
    return rescued_by_tcp(verdict.cause.code) && tcp_works(result, verdict.family) ? Severity::degraded
                                                                                    : Severity::broken;
}

std::vector<std::string> devices_in_order(const RunResult& result) {
    std::vector<std::string> devices = result.path;
    for (const auto& verdict : result.verdicts)
        for (const auto& blame : verdict.blame)
            if (std::find(devices.begin(), devices.end(), blame.device) == devices.end()) devices.push_back(blame.device);
    return devices;
}

// The fix for a cause in `language`, {device} unfilled; none for causes without one remedy.
std::optional<std::string> fix_for(CauseCode code, Language language) {
    const auto& fixes = messages(language).fixes;
    auto fix = fixes.find(to_string(code));
    if (fix == fixes.end()) return std::nullopt;
    return fix->second;
}

void add_unique(std::vector<std::string>& into, const std::string& item) {
    if (std::find(into.begin(), into.end(), item) == into.end()) into.push_back(item);
}

}  // namespace

std::string_view to_string(Severity severity) {
    switch (severity) {
        case Severity::broken: return "broken";
        case Severity::degraded: return "degraded";
        case Severity::notice: return "notice";
    }
    return "notice";
}

std::vector<Finding> findings(const RunResult& result, Language language) {
    std::vector<Finding> out;
    for (const auto& device : devices_in_order(result)) {
        Finding finding{device, Severity::notice, {}, {}, {}};
        std::map<std::string, std::size_t> line_of;  // one line per cause and direction, with its checkpoints
        for (const auto& verdict : result.verdicts) {
            if (verdict.status != Status::fail && verdict.status != Status::warn) continue;
            auto blame = std::find_if(verdict.blame.begin(), verdict.blame.end(),
                                      [&](const model::Blame& entry) { return entry.device == device; });
            if (blame == verdict.blame.end()) continue;
            // The cause this device is blamed for (it may differ from another device's on the verdict).
            Verdict own;  // what the catalogue needs: the checkpoint, its status and this device's cause
            own.checkpoint = verdict.checkpoint;
            own.family = verdict.family;
            own.status = verdict.status;
            own.cause = blame->cause;
            finding.severity = std::min(finding.severity, severity_of(result, own));
            const std::string where = verdict.checkpoint + "/" + std::string(to_string(verdict.family));
            // Parameters read from a result file may have any type: only a string direction counts.
            const auto direction = own.cause.params.find("direction");
            const std::string key = std::string(to_string(own.cause.code)) + "/" +
                                    (direction != own.cause.params.end() && direction->is_string()
                                         ? direction->get<std::string>()
                                         : std::string());
            auto [line, fresh] = line_of.emplace(key, finding.causes.size());
            if (fresh) finding.causes.push_back({render_cause(own, language), {}});
            finding.causes[line->second].checkpoints.push_back(where);
            // The checklist items it fails (JPRS, DNSSEC Japan); a warning fails none.
            for (const auto& item : checkpoint_sources(verdict.checkpoint))
                if (verdict.status == Status::fail && (item.rfind("JPRS", 0) == 0 || item.rfind("DNSSEC Japan", 0) == 0))
                    add_unique(finding.items, item_name(item, language));
            if (auto fix = fix_for(own.cause.code, language))
                add_unique(finding.fixes, fill_template(*fix, {{"device", device}}));
        }
        if (!finding.causes.empty()) out.push_back(std::move(finding));
    }
    return out;
}

}  // namespace dnspath::reports
