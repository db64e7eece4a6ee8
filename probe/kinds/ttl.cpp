// ttl: the first query that got no answer (or, on a clean path, a small echo query) is sent again
// with TTL / hop limit 1, 2, … N; each router's ICMP time exceeded quotes the query as it arrived
// there. The trace shows how far the query got and whether it changed on the way (size, OPT, DO,
// buffer size) — localization without taps. Decides path-trace.
#include "probe/kinds/kinds.h"
#include "probe/net/trace.h"

namespace dnspath::probe {

using reports::Family;
using reports::Status;

void run_ttl(Session& session, Family family, reports::RunResult& result) {
    const auto& server = session.config().targets.at(family);
    auto failed = session.first_failure(family);
    QuerySpec spec = failed ? *failed : QuerySpec{.kind = "ttl", .echo = true, .edns = wire::Edns{}};
    auto built = session.build(spec);
    if (!built.error.empty()) return;
    // Pace hops slowly enough for routers' ICMP rate limits; a hop that says nothing is unknown.
    auto per_hop = std::max(session.timeout(), std::chrono::milliseconds(300));
    auto hops = net::trace_query(server, built.bytes, session.config().plan.max_ttl, per_hop);
    const std::string traced = (failed ? "the failed probe " : "a small echo query ") + built.probe_id + " (" +
                               std::to_string(built.bytes.size()) + "-octet query" +
                               (spec.size ? ", " + std::to_string(*spec.size) + "-octet answer" : "") + ")";
    if (!hops) {
        add_verdict(result, "path-trace", family, Status::na, "not traced: " + hops.error().message);
        return;
    }
    std::vector<std::string> evidence;
    std::string path;
    std::optional<int> last_known;
    bool reached = false;
    std::vector<std::string> changes;
    for (const auto& hop : *hops) {
        std::string line = "hop " + std::to_string(hop.ttl) + ": ";
        if (hop.from.empty()) {
            line += "* (no ICMP: filtered or rate-limited, unknown)";
        } else if (hop.reached_server) {
            line += hop.from + " (the server)";
            reached = true;
            last_known = hop.ttl;
        } else {
            last_known = hop.ttl;
            line += hop.from + " quoted " + std::to_string(hop.quoted_octets) + " octets of a " +
                    std::to_string(hop.quoted_ip_length) + "-octet packet";
            if (hop.opt_present) {
                line += *hop.opt_present ? ", OPT bufsize " + std::to_string(hop.udp_size.value_or(0)) +
                                               (hop.dnssec_ok.value_or(false) ? " DO=1" : " DO=0")
                                         : ", no OPT";
                if (spec.edns && !*hop.opt_present) changes.push_back("OPT gone at hop " + std::to_string(hop.ttl));
                if (spec.edns && hop.udp_size && *hop.udp_size != spec.edns->udp_size)
                    changes.push_back("buffer size " + std::to_string(*hop.udp_size) + " at hop " + std::to_string(hop.ttl));
                if (spec.edns && hop.dnssec_ok && *hop.dnssec_ok != spec.edns->dnssec_ok)
                    changes.push_back("DO changed at hop " + std::to_string(hop.ttl));
            }
        }
        evidence.push_back(line);
        if (!hop.from.empty()) path += (path.empty() ? "" : " → ") + hop.from;
    }
    std::string reason = "traced " + traced + ": " + (path.empty() ? std::string("no hop answered") : path);
    for (const auto& change : changes) reason += "; " + change;
    Status status = Status::pass;
    if (failed) {
        status = Status::warn;
        // The same query with a small answer tells a lost query from a lost answer.
        QuerySpec control = spec;
        control.size.reset();
        control.echo = true;
        control.kind = "ttl";
        control.query_size = built.bytes.size();
        auto check = session.ask(family, control);
        evidence.push_back(evidence_line(check, "same query, small answer"));
        const bool query_arrives = check.answered() && !parse_echo(*check.message).empty();
        if (reached || query_arrives)
            reason += "; the same query with a small answer is answered, so the query reaches the server and the " +
                      (spec.size ? std::to_string(*spec.size) + "-octet " : std::string()) +
                      "answer is lost on the way back" +
                      (last_known ? " (the query was seen up to hop " + std::to_string(*last_known) + ")" : "");
        else
            reason += last_known ? "; beyond hop " + std::to_string(*last_known) +
                                       " nothing answers and the query never reaches the server: it is lost after hop " +
                                       std::to_string(*last_known)
                                 : "; no hop answered at all";
    } else if (!reached) {
        status = Status::na;
        reason += "; the server was not reached within " + std::to_string(session.config().plan.max_ttl) + " hops";
    }
    if (!changes.empty()) status = Status::warn;
    add_verdict(result, "path-trace", family, status, reason, evidence);
}

}  // namespace dnspath::probe
