// proxy: a DNS proxy (a home router's dnsmasq on its LAN address) asked directly, as its DHCP
// clients do: does it forward DO, hand back signed answers of 1232, 1500 and 4000 octets (over UDP,
// or TC=1 then TCP through the proxy), and keep their RRSIGs? (DNSSEC Japan: DNS proxy functions;
// JPRS F-85/86/87 for the resolver the clients see; A-95.)
#include "probe/kinds/kinds.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

namespace {

// Asks the proxy over UDP until answered, each try a new name: a proxy that merges a repeated
// question into its pending upstream query (dnsmasq does) would otherwise turn one upstream loss
// into a loss of every try. As many tries as rule out random loss at the path's measured rate.
QueryOutcome ask_proxy(Session& session, Family family, QuerySpec spec, int fragments,
                       std::vector<std::string>& probes) {
    const int tries = session.confirm_tries(family, fragments);
    spec.tries = 1;
    QueryOutcome outcome;
    for (int attempt = 0; attempt < tries && !session.stopped(); ++attempt) {
        outcome = session.ask(family, spec);
        probes.push_back(outcome.probe_id);
        if (outcome.answered() || outcome.kind != model::Outcome::timeout) break;
    }
    return outcome;
}

// What the proxy's answer to the echo question says about it: asked on purpose, an answer from its
// own data is the proxy refusing; no echo in a real answer, an interceptor; else what it sent upstream.
void judge_hello(const wire::Message& hello, model::Params& figures, std::vector<model::Cause>& problems,
                 std::vector<model::Cause>& warnings) {
    auto echo = parse_echo(hello);
    const auto rcode = hello.full_rcode();
    if (echo.empty() && (rcode != wire::rcode::noerror || hello.answers.empty())) {
        // Asked on purpose, the proxy answered from its own data (REFUSED, NXDOMAIN, a referral):
        // that is the proxy's answer to report, never an interception of someone else's query.
        problems.push_back(cause(CauseCode::proxy_refused,
                                 {{"rcode", wire::rcode_name(rcode)},
                                  {"referral", rcode == wire::rcode::noerror && !hello.authorities.empty()}}));
    } else if (echo.empty()) {
        problems.push_back(cause(CauseCode::interception, {{"evidence", "no-echo"}, {"rcode", wire::rcode_name(rcode)}}));
    } else {
        auto upstream_size = echo_value(echo, "bufsize");
        figures["upstream_bufsize"] = upstream_size ? model::Params(echo_number(*upstream_size).value_or(0)) : model::Params();
        if (echo_value(echo, "do") != "1") problems.push_back(cause(CauseCode::do_cleared, {{"direction", "upstream"}}));
        if (!upstream_size)
            problems.push_back(cause(CauseCode::option_stripped, {{"options", {"OPT"}}, {"direction", "upstream"}}));
        else if (auto size = echo_number(*upstream_size); size && *size < 1232)
            warnings.push_back(cause(CauseCode::proxy_rewrite, {{"field", "bufsize"}, {"to", *size}}));
    }
}

// AD=1 and CD=1 asked of the proxy, and the responder asked to set AD in its answer (h1). The
// proxy must hand CD back as asked (RFC 6840 5.9: dropping it hides bogus data from a validating
// stub); clearing the upstream's AD is allowed by RFC 4035 for a proxy that does not validate,
// but hides the upstream's validation from stubs (RFC 5625's transparency; dnsmasq without
// --proxy-dnssec; SAC035 found DNSSEC flags broken in 6 of 22 routers): a warning.
void judge_proxy_header_bits(Session& session, Family family, model::RunResult& result, const std::string& proxy) {
    std::vector<std::string> probes;
    auto outcome = ask_proxy(session, family,
                             {.kind = "proxy", .echo = true, .edns = wire::Edns{}, .via_proxy = true,
                              .query_bits = model::HeaderBits{true, true, false}, .answer_bits = model::HeaderBits{true, false, false}},
                             1, probes);
    auto verdict = [&](Status status, model::Cause found) {
        found.params["proxy"] = proxy;
        add_verdict(result, Checkpoint::header_bits, family, status, std::move(found), probes, model::Via::proxy);
    };
    if (!outcome.answered()) return verdict(Status::fail, cause(CauseCode::no_answer, {{"what", "header-bits"}, {"outcome", to_string(outcome.kind)}}));
    const auto echo = typed_echo(*outcome.message);
    // Answered from the proxy's own data: nothing about what it passes on.
    if (!echo) return verdict(Status::na, cause(CauseCode::not_measured, {{"why", "no-echo"}}));
    const auto& header = outcome.message->header;
    model::Params figures;
    if (echo->cd) figures["upstream_cd"] = *echo->cd;
    if (!header.cd) {
        figures["bits"] = std::vector<std::string>{"CD"};
        figures["direction"] = "proxy-cd";
        return verdict(Status::fail, cause(CauseCode::header_bit_changed, figures));
    }
    if (!header.ad) {
        figures["bits"] = std::vector<std::string>{"AD"};
        figures["direction"] = "proxy-ad";
        return verdict(Status::warn, cause(CauseCode::header_bit_changed, figures));
    }
    verdict(Status::pass, cause(CauseCode::ok, {{"header_bits", std::vector<std::string>{"AD", "CD"}}}));
}

// The transparency items asked of the proxy itself, as its stubs ask (RD=1), each a verdict of its
// own checkpoint through the proxy (via proxy).
void run_proxy_transparency(Session& session, Family family, model::RunResult& result, const std::string& proxy,
                            const QueryOutcome& hello) {
    const QuerySpec spec{.kind = "proxy", .edns = wire::Edns{}, .via_proxy = true};
    judge_unknown_opcode(session, family, result, spec);
    if (session.stopped()) return;
    judge_proxy_header_bits(session, family, result, proxy);
    if (session.stopped()) return;
    judge_case_0x20(session, family, result, spec);
    if (session.stopped()) return;
    judge_unknown_type(session, family, result, spec);
    if (session.stopped()) return;
    judge_edns_flags(session, family, result, spec);
    if (session.stopped()) return;
    judge_nxdomain_rewrite(session, family, result, spec);
    if (session.stopped()) return;
    judge_resinfo(session, family, result, spec);
    if (session.stopped()) return;
    judge_tsig(session, family, result, spec);
    if (session.stopped()) return;
    judge_dot_853(session, family, result, spec);
    if (session.stopped()) return;
    judge_proxy_cache(session, family, result, proxy);
    if (session.stopped()) return;
    judge_proxy_wan_open(session, family, result, proxy, hello);
}

}  // namespace

void run_proxy(Session& session, Family family, model::RunResult& result) {
    if (!session.config().proxies.count(family)) {
        add_verdict(result, Checkpoint::dns_proxy, family, Status::na, cause(CauseCode::not_measured, {{"why", "no-proxy"}}));
        return;
    }
    const std::string proxy = session.config().proxies.at(family).address();
    if (session.config().proxy_upstream_unseen) {
        add_verdict(result, Checkpoint::dns_proxy, family, Status::na,
                    cause(CauseCode::not_measured, {{"why", "proxy-upstream-unseen"}, {"proxy", proxy}}));
        return;
    }
    // A device that hands its LAN the upstream's own address has no proxy in between: asking it
    // would test the path (route mode's job), and a pass would credit a proxy that is not there.
    const auto& targets = session.config().targets;
    if (auto target = targets.find(family);
        target != targets.end() && target->second.to_string() == session.config().proxies.at(family).to_string()) {
        add_verdict(result, Checkpoint::dns_proxy, family, Status::na,
                    cause(CauseCode::not_measured, {{"why", "proxy-is-target"}, {"proxy", proxy}}));
        return;
    }
    std::vector<std::string> probes;
    std::vector<model::Cause> problems, warnings;
    model::Params figures{{"proxy", proxy}};
    wire::Edns edns;
    edns.udp_size = 4096;
    edns.dnssec_ok = true;

    auto hello = ask_proxy(session, family, {.kind = "proxy", .echo = true, .dnssec_label = true, .edns = edns, .via_proxy = true},
                           1, probes);
    if (!hello.answered()) {
        figures["what"] = "proxy";
        figures["outcome"] = to_string(hello.kind);
        add_verdict(result, Checkpoint::dns_proxy, family, Status::fail, cause(CauseCode::no_answer, figures), probes);
        return;
    }
    judge_hello(*hello.message, figures, problems, warnings);

    auto zone_key = fetch_zone_key(session, family, true, probes);
    if (!zone_key.key) {
        problems.push_back(zone_key.cause);
    } else {
        figures["dnskey_via_tcp"] = zone_key.via_tcp;
        if (signature_problem(*zone_key.answer.message, wire::rr_type::dnskey, *zone_key.key))
            problems.push_back(cause(CauseCode::signature_invalid, {{"what", "dnskey"}}));
    }

    std::vector<model::Params> answers;
    for (std::uint32_t size : {1232u, 1500u, 4000u}) {
        if (session.stopped()) return;
        QuerySpec spec{.kind = "proxy", .size = size, .dnssec_label = true, .edns = edns, .via_proxy = true};
        auto first = ask_proxy(session, family, spec, static_cast<int>(size / 1400 + 1), probes);
        // The TCP retry is a decisive probe too (tcp-filter), through the proxy's own upstream connection.
        auto [outcome, via_tcp] = session.tcp_fallback(family, spec, std::move(first), probes, session.confirm_tries(family, 2));
        model::Params where{{"size", size}, {"via_tcp", via_tcp}};
        answers.push_back(where);
        if (!outcome.answered()) {
            problems.push_back(cause(via_tcp ? CauseCode::tcp_filter : CauseCode::size_cap, where));
        } else if (outcome.message->header.tc || outcome.answer_size != size) {
            where["answer"] = outcome.answer_size;
            problems.push_back(cause(CauseCode::truncated_without_tc, where));
        } else if (zone_key.key) {
            if (auto problem = signature_problem(*outcome.message, wire::rr_type::txt, *zone_key.key))
                problems.push_back(cause(*problem == SignatureProblem::invalid ? CauseCode::signature_invalid
                                                                                : CauseCode::rrsig_stripped,
                                         where));
            else if (size == 1232 && via_tcp)
                warnings.push_back(cause(CauseCode::edns_buffer_cap, {{"size", 1232}, {"fallback", "tcp"}}));
        }
    }
    figures["answers"] = answers;
    auto with_figures = [&](model::Cause found) {
        for (auto& [key, value] : figures.items())
            if (!found.params.contains(key)) found.params[key] = value;
        return found;
    };
    if (!problems.empty())
        add_verdict(result, Checkpoint::dns_proxy, family, Status::fail, with_figures(problems.front()), probes);
    else if (!warnings.empty())
        add_verdict(result, Checkpoint::dns_proxy, family, Status::warn, with_figures(warnings.front()), probes);
    else
        add_verdict(result, Checkpoint::dns_proxy, family, Status::pass, cause(CauseCode::ok, figures), probes);
    if (!session.stopped()) run_proxy_transparency(session, family, result, proxy, hello);
}

}  // namespace dnspath::probe
