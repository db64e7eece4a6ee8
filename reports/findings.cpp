// Findings: one per guilty device, for a person to act on — what the device does (the catalogue's
// sentence for each cause it is blamed for), how bad that is given the fallbacks the run saw
// working, the checklist items it fails, and the fix an operator applies.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "reports/messages.h"

namespace dnspath::reports {
namespace {

using model::CauseCode;
using model::Checkpoint;

// Causes of lost or truncated UDP answers: a resolver still gets them over TCP when TCP works.
bool rescued_by_tcp(CauseCode code) {
    return code == CauseCode::size_cap || code == CauseCode::fragment_filter || code == CauseCode::edns_buffer_cap ||
           code == CauseCode::mtu || code == CauseCode::pmtud_blackhole;
}

bool tcp_works(const RunResult& result, model::Family family) {
    for (const auto& verdict : result.verdicts)
        if (verdict.checkpoint == Checkpoint::tcp_fallback && verdict.family == family) return verdict.status == Status::pass;
    return false;
}

Severity severity_of(const RunResult& result, const Verdict& verdict) {
    if (verdict.checkpoint == Checkpoint::nat || verdict.status == Status::warn) return Severity::notice;
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

// A number parameter of a cause, when it is one (a result read from a file may hold anything).
std::optional<long long> number_param(const model::Params& params, const char* name) {
    return model::whole_param(params, name);
}

// The fix for a cause in `language` and what fills it ({device} is added by the caller); none
// for causes without one remedy. A fix follows the figures measured: a size cap at or under 1232
// octets leaves no room for the usual 1232 buffer, so the buffer advised is what did arrive, and
// larger answers go over TCP.
std::optional<std::pair<std::string, model::Params>> fix_for(const model::Cause& cause, Language language) {
    const auto& fixes = messages(language).fixes;
    std::string key(to_string(cause.code));
    model::Params params = model::Params::object();
    if (cause.code == CauseCode::size_cap) {
        const auto lost = number_param(cause.params, "size");
        const auto largest = number_param(cause.params, "largest");
        if ((largest && *largest < 1232) || (!largest && lost && *lost <= 1232)) {
            key += ":under-1232";
            params["buffer"] = largest.value_or(512);
        }
    }
    // A fix more specific to the cause's selector ("header-bit-changed:proxy-ad") before the code's own.
    const auto& selector = model::spec_of(cause.code).selector;
    if (auto value = cause.params.find(selector); !selector.empty() && value != cause.params.end() && value->is_string())
        if (fixes.count(key + ":" + value->get<std::string>())) key += ":" + value->get<std::string>();
    auto fix = fixes.find(key);
    if (fix == fixes.end()) return std::nullopt;
    return std::pair{std::string(fix->second), params};
}

void add_unique(std::vector<std::string>& into, const std::string& item) {
    if (std::find(into.begin(), into.end(), item) == into.end()) into.push_back(item);
}

// The standards items a device fails: each failed item (result.standards, decided on its own
// evidence) whose deciding probes, or failing checkpoints when it names no probe, are the
// device's. Nothing else lists failed items.
std::vector<std::string> failed_items(const RunResult& result, const std::set<std::string>& probes,
                                      const std::set<Checkpoint>& checkpoints, Language language) {
    std::vector<std::string> items;
    for (const auto& entry : result.standards) {
        if (entry.status != Status::fail) continue;
        const bool own = entry.probes.empty()
                             ? std::any_of(entry.checkpoints.begin(), entry.checkpoints.end(),
                                           [&](Checkpoint checkpoint) { return checkpoints.count(checkpoint) > 0; })
                             : std::any_of(entry.probes.begin(), entry.probes.end(),
                                           [&](const std::string& probe) { return probes.count(probe) > 0; });
        if (own) add_unique(items, item_name(entry.item, language));
    }
    return items;
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
        std::set<std::string> blamed_probes;
        std::set<Checkpoint> blamed_checkpoints;
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
            const std::string where = model::verdict_name(verdict) + "/" + std::string(to_string(verdict.family));
            // Parameters read from a result file may have any type: only a string direction counts.
            const auto direction = own.cause.params.find("direction");
            const std::string key = std::string(to_string(own.cause.code)) + "/" +
                                    (direction != own.cause.params.end() && direction->is_string()
                                         ? direction->get<std::string>()
                                         : std::string());
            auto [line, fresh] = line_of.emplace(key, finding.causes.size());
            if (fresh) finding.causes.push_back({render_cause(own, language), {}});
            finding.causes[line->second].checkpoints.push_back(where);
            blamed_probes.insert(blame->probes.begin(), blame->probes.end());
            blamed_checkpoints.insert(verdict.checkpoint);
            if (auto fix = fix_for(own.cause, language)) {
                fix->second["device"] = device;
                add_unique(finding.fixes, fill_template(fix->first, fix->second));
            }
        }
        finding.items = failed_items(result, blamed_probes, blamed_checkpoints, language);
        if (!finding.causes.empty()) out.push_back(std::move(finding));
    }
    return out;
}

std::string_view severity_word(Severity severity) {
    return severity == Severity::broken ? "breaks" : severity == Severity::degraded ? "degrades" : "warns";
}

namespace {

int rank(std::string_view word) {
    return word == "breaks" ? 3 : word == "degrades" ? 2 : word == "warns" ? 1 : 0;
}

void add_once(std::vector<std::string>& list, const std::string& value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace

RunSeverity severity_of(const RunResult& result) {
    RunSeverity run;
    for (const auto& finding : findings(result, Language::en)) {
        DeviceSeverity device{finding.device, std::string(severity_word(finding.severity)), {}, {}};
        for (const auto& verdict : result.verdicts) {
            if (verdict.status != Status::fail && verdict.status != Status::warn) continue;
            for (const auto& blame : verdict.blame) {
                if (blame.device != finding.device) continue;
                add_once(device.causes, std::string(to_string(blame.cause.code)));
                add_once(device.checkpoints, model::verdict_name(verdict) + "/" +
                                                 std::string(to_string(verdict.family)));
            }
        }
        if (rank(device.severity) > rank(run.overall)) run.overall = device.severity;
        run.devices.push_back(std::move(device));
    }
    for (const auto& verdict : result.verdicts) {
        const std::string_view floor = verdict.status == Status::fail ? "degrades" : verdict.status == Status::warn ? "warns" : "clean";
        if (rank(floor) > rank(run.overall)) run.overall = std::string(floor);
    }
    return run;
}

const char* severity_color(std::string_view severity) {
    return severity == "breaks" ? "#c62828" : severity == "degrades" ? "#ef8f00" : severity == "warns" ? "#f9a825" : "#2e7d32";
}

}  // namespace dnspath::reports
