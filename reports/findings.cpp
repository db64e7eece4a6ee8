// Findings: one per guilty device, for a person to act on — what the device does (the catalogue's
// sentence for each cause it is blamed for), how bad that is given the fallbacks the run saw
// working, the checklist items it fails, and the fix an operator applies.
#include <algorithm>
#include <map>

#include "reports/report.h"

namespace dnspath::reports {
namespace {

using model::CauseCode;

// The fix for a cause, with {device} filled in. Keyed by cause code; a cause without an entry
// gets none (the sentence says what is wrong; not every cause has one remedy).
const std::map<std::string, std::string, std::less<>> kFixes = {
    {"size-cap", "let UDP DNS answers up to 4096 octets through {device} (remove the UDP length limit), or set the "
                 "servers' EDNS buffer size to 1232 so answers fit; keep TCP/53 open either way"},
    {"fragment-filter", "allow IP fragments of DNS traffic through {device} (IPv4 non-first fragments, IPv6 fragment "
                        "headers), or set the servers' EDNS buffer size to 1232 so answers are not fragmented"},
    {"pmtud-blackhole", "let ICMP fragmentation-needed and ICMPv6 Packet Too Big through {device} — never filter them — "
                        "or lower the link MTU and clamp the TCP MSS so packets fit"},
    {"mtu", "nothing is lost while the ICMP passes; to avoid fragmented answers set the servers' EDNS buffer size to 1232"},
    {"tcp-filter", "open TCP port 53 through {device} in both directions (DNS needs TCP: RFC 7766)"},
    {"interception", "turn off the DNS interception on {device} (a \"DNS guard\" or transparent proxy), or let port 53 "
                     "to the target through unchanged"},
    {"edns-buffer-cap", "raise the EDNS buffer size {device} advertises or forwards (for dnsmasq, --edns-packet-max); "
                        "lookups work over TCP meanwhile, one round trip slower"},
    {"proxy-rewrite", "configure the DNS proxy on {device} to forward the EDNS buffer size, DO and options unchanged"},
    {"option-stripped", "update or reconfigure {device} so it forwards EDNS options unchanged"},
    {"do-cleared", "update or reconfigure {device} so it forwards the DO bit: without it no answer is signed"},
    {"rrsig-stripped", "update or reconfigure {device} so it passes RRSIG records: validating resolvers fail without them"},
    {"truncated-without-tc", "replace or fix {device}: it cuts answers without setting TC, so resolvers take them as complete"},
    {"nat", "nothing to fix unless the servers must see the clients' own addresses; then route without NAT on {device}"},
    {"port-rewrite", "make {device}'s NAT allocate source ports at random (spoofed answers become easy otherwise)"},
    {"state-table-full", "enlarge {device}'s UDP state table or shorten its UDP timeout for DNS flows"},
    {"rate-limit", "raise {device}'s new-flow rate limit, or exempt DNS from it"},
    {"random-loss", "look for the loss on {device}: interface errors, queue drops, policers"},
    {"refused", "give both ends the same key (--key-file)"},
};

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

std::vector<Finding> findings(const RunResult& result) {
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
            const std::string key = std::string(to_string(own.cause.code)) + "/" + own.cause.params.value("direction", "");
            auto [line, fresh] = line_of.emplace(key, finding.causes.size());
            if (fresh) finding.causes.push_back({render_cause(own), {}});
            finding.causes[line->second].checkpoints.push_back(where);
            // The checklist items it fails (JPRS, DNSSEC Japan); a warning fails none.
            for (const auto& item : checkpoint_sources(verdict.checkpoint))
                if (verdict.status == Status::fail && (item.rfind("JPRS", 0) == 0 || item.rfind("DNSSEC Japan", 0) == 0))
                    add_unique(finding.items, item);
            if (auto fix = kFixes.find(to_string(own.cause.code)); fix != kFixes.end())
                add_unique(finding.fixes, fill_template(fix->second, {{"device", device}}));
        }
        if (!finding.causes.empty()) out.push_back(std::move(finding));
    }
    return out;
}

}  // namespace dnspath::reports
