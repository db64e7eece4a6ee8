// ttl: the first query that got no answer (or, on a clean path, a small echo query) is sent again
// with TTL / hop limit 1, 2, … N; each router's ICMP time exceeded quotes the query as it arrived
// there. The trace shows how far the query got and whether it changed on the way (size, OPT, DO,
// buffer size) — localization without taps. Decides path-trace.
#include "probe/kinds/kinds.h"
#include "probe/net/net.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

namespace {

// One hop as typed parameters; `changes` collects what the quote shows changed in the query.
model::Params hop_params(const net::Hop& hop, const QuerySpec& spec, std::vector<model::Params>& changes) {
    model::Params line{{"ttl", hop.ttl}, {"from", hop.from.empty() ? model::Params() : model::Params(hop.from)},
                       {"server", hop.reached_server}};
    if (hop.from.empty() || hop.reached_server) return line;
    line["quoted_ip_length"] = hop.quoted_ip_length;
    line["quoted_octets"] = hop.quoted_octets;
    if (!hop.opt_present) return line;
    line["opt"] = *hop.opt_present;
    if (hop.udp_size) line["bufsize"] = *hop.udp_size;
    if (hop.dnssec_ok) line["do"] = *hop.dnssec_ok;
    if (!spec.edns) return line;
    if (!*hop.opt_present) changes.push_back({{"field", "opt"}, {"hop", hop.ttl}});
    if (hop.udp_size && *hop.udp_size != spec.edns->udp_size)
        changes.push_back({{"field", "bufsize"}, {"hop", hop.ttl}, {"value", *hop.udp_size}});
    if (hop.dnssec_ok && *hop.dnssec_ok != spec.edns->dnssec_ok) changes.push_back({{"field", "do"}, {"hop", hop.ttl}});
    return line;
}

// The answer's way back, traced by the responder ("a<n>"): copies of the large answer and of a
// small one sent with TTL 1, 2, …; the routers that quoted each say how far each got. Adds the
// hops and, when the answer was lost (`lost`), the last hop that had the large answer to `figures`.
void trace_answer_path(Session& session, Family family, QuerySpec spec, bool lost, model::Params& figures,
                       std::vector<std::string>& probes) {
    const auto& plan = session.config().plan;
    if (session.config().key.empty() || plan.answer_trace == "off" || (plan.answer_trace == "auto" && !lost)) return;
    spec.kind = "ttl";
    spec.echo = true;
    spec.transport = Transport::udp;
    if (!spec.size) spec.size = 1400;
    spec.answer_trace = static_cast<std::uint32_t>(std::min<int>(plan.max_ttl, wire::kMaxAnswerTraceHops));
    // The responder listens for ICMP up to 1.5 s before it answers.
    spec.wait = std::chrono::milliseconds(3000);
    auto traced = session.ask(family, spec);
    probes.push_back(traced.probe_id);
    const auto echo = traced.answered() ? parse_echo(*traced.message) : std::multimap<std::string, std::string>{};
    const auto [begin, end] = echo.equal_range("atr");
    if (begin == end || begin->second == "error") {
        figures["answer_trace"] = begin == end ? "unanswered" : "responder-error";
        return;
    }
    std::vector<model::Params> hops;
    std::optional<std::int64_t> last_large;
    for (auto it = begin; it != end; ++it)
        if (auto hop = answer_trace_hop(it->second)) {
            if (hop->contains("large_from")) last_large = (*hop)["hop"].get<std::int64_t>();
            hops.push_back(std::move(*hop));
        }
    figures["answer_trace"] = "traced";
    figures["answer_hops"] = hops;
    if (!lost || hops.empty()) return;
    // The answer was lost: it got as far as the last router that quoted its copy (0: none did).
    figures["answer_dies_at_hop"] = last_large.value_or(0);
    for (const auto& hop : hops) {
        const auto number = hop["hop"].get<std::int64_t>();
        if (last_large && number == *last_large) {
            figures["answer_dies_at"] = hop["large_from"];
            if (hop.value("large", "") == "too-big" && hop.contains("mtu")) figures["answer_mtu"] = hop["mtu"];
        }
        if (number > last_large.value_or(0) && hop["from"].is_string() && !figures.contains("answer_next_hop"))
            figures["answer_next_hop"] = hop["from"];
    }
}

}  // namespace

void run_ttl(Session& session, Family family, model::RunResult& result) {
    const auto& server = session.config().targets.at(family);
    auto failed = session.first_failure(family);
    QuerySpec spec = failed ? *failed : QuerySpec{.kind = "ttl", .echo = true, .edns = wire::Edns{}};
    auto built = session.build(spec);
    if (!built.error.empty()) return;
    // Pace hops slowly enough for routers' ICMP rate limits; a hop that says nothing is unknown.
    auto per_hop = std::max(session.timeout(), std::chrono::milliseconds(300));
    auto hops = net::trace_query(server, built.bytes, session.config().plan.max_ttl, per_hop);
    if (!hops) {
        add_verdict(result, Checkpoint::path_trace, family, Status::na,
                    cause(CauseCode::not_measured, {{"why", "no-trace"}, {"error", model::to_params(local_error(hops.error()))}}));
        return;
    }
    std::vector<model::Params> lines, changes;
    std::optional<int> last_known;
    bool reached = false;
    for (const auto& hop : *hops) {
        lines.push_back(hop_params(hop, spec, changes));
        if (!hop.from.empty()) last_known = hop.ttl;
        reached = reached || hop.reached_server;
    }
    model::Params figures{{"traced", built.probe_id}, {"failed", failed.has_value()}, {"query_size", built.bytes.size()},
                          {"hops", lines}};
    if (spec.size) figures["size"] = *spec.size;
    std::vector<std::string> probes{built.probe_id};
    if (!changes.empty()) {
        figures["changes"] = changes;
        add_verdict(result, Checkpoint::path_trace, family, Status::warn, cause(CauseCode::query_changed, figures), probes);
        return;
    }
    if (failed) {
        // The same query with a small answer tells a lost query from a lost answer.
        QuerySpec control = spec;
        control.size.reset();
        control.echo = true;
        control.kind = "ttl";
        control.query_size = built.bytes.size();
        auto check = session.ask(family, control);
        probes.push_back(check.probe_id);
        const bool query_arrives = check.answered() && !parse_echo(*check.message).empty();
        figures["direction"] = reached || query_arrives ? "answer" : "query";
        figures["hop"] = last_known ? model::Params(*last_known) : model::Params();
        if (figures["direction"] == "answer") trace_answer_path(session, family, spec, true, figures, probes);
        add_verdict(result, Checkpoint::path_trace, family, Status::warn, cause(CauseCode::loss_located, figures), probes);
    } else if (!reached) {
        figures["why"] = "server-not-reached";
        figures["max_ttl"] = session.config().plan.max_ttl;
        add_verdict(result, Checkpoint::path_trace, family, Status::na, cause(CauseCode::not_measured, figures), probes);
    } else {
        trace_answer_path(session, family, spec, false, figures, probes);
        add_verdict(result, Checkpoint::path_trace, family, Status::pass, cause(CauseCode::ok, figures), probes);
    }
}

}  // namespace dnspath::probe
