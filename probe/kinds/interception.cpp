// interception: is port 53 toward the target answered or re-originated by another box (a CPE's
// DNS guard, a transparent proxy)? The responder echoes the DNS id and source it saw and never sets
// RA, so a changed id, a missing echo, RA=1 or a source of the other family gives a middlebox
// away from the probe's side; capture names the device (probe/judge). Decides dns-interception.
#include <algorithm>

#include "probe/kinds/kinds.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

void run_interception(Session& session, Family family, model::RunResult& result) {
    std::vector<std::string> probes;
    std::vector<std::string> signs;
    model::Params figures = model::Params::object();
    bool answered = false;
    for (bool dnssec_ok : {false, true}) {
        wire::Edns edns;
        edns.dnssec_ok = dnssec_ok;
        auto outcome = session.ask(family, {.kind = "interception", .echo = true, .edns = edns});
        probes.push_back(outcome.probe_id);
        if (!outcome.answered()) continue;
        answered = true;
        const auto& record = session.records().back();
        auto add = [&](const char* sign) {
            if (std::find(signs.begin(), signs.end(), sign) == signs.end()) signs.emplace_back(sign);
        };
        if (record.ra) add("ra");
        if (!record.echo) {
            add("no-echo");
            continue;
        }
        if (record.echo->dns_id && *record.echo->dns_id != record.dns_id) {
            add("dns-id-changed");
            figures["sent_id"] = record.dns_id;
            figures["seen_id"] = *record.echo->dns_id;
        }
        if (record.echo->source) {
            const bool seen_v6 = record.echo->source->find(':') != std::string::npos;
            if (seen_v6 != (family == Family::ipv6)) {
                add("family-changed");
                figures["seen_source"] = *record.echo->source;
            }
        }
    }
    if (!answered) {
        add_verdict(result, Checkpoint::dns_interception, family, Status::na, cause(CauseCode::not_measured, {{"why", "no-answer"}}),
                    probes);
        return;
    }
    figures["evidence"] = signs;
    if (signs.empty())
        add_verdict(result, Checkpoint::dns_interception, family, Status::pass, cause(CauseCode::ok, figures), probes);
    else
        add_verdict(result, Checkpoint::dns_interception, family, Status::fail, cause(CauseCode::interception, figures), probes);
}

}  // namespace dnspath::probe
