// tcp: TCP/53 direct (JPRS common-1), the UDP TC=1 → TCP retry a resolver makes (JPRS scenario 1
// step 3, DNSSEC Japan ⑤ LB-3), and DNS over TLS on 853 (RFC 7858).
#include "probe/kinds/kinds.h"

namespace dnspath::probe {
namespace {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

constexpr std::uint32_t kTcpAnswerSize = 4000;
constexpr std::uint32_t kFallbackAnswerSize = 3000;

// Why a TCP exchange failed, as the probe saw it: a reset answering the SYN, a silent drop of the
// SYN, or a connection that opened and then stalled (full-size segments lost: capture and the pmtu
// verdict tell a PMTUD black hole from a filter later, in probe/judge).
model::Cause tcp_failure(const QueryOutcome& outcome, std::uint32_t size) {
    if (outcome.answered())
        return cause(CauseCode::truncated_without_tc, {{"transport", "tcp"}, {"size", size}, {"answer", outcome.answer_size}});
    switch (outcome.kind) {
        case model::Outcome::refused: return cause(CauseCode::tcp_filter, {{"action", "reset"}, {"stage", "syn"}});
        case model::Outcome::reset:
            return cause(CauseCode::tcp_filter, {{"action", "reset"}, {"stage", outcome.tcp_connected ? "data" : "syn"}});
        case model::Outcome::timeout:
            return cause(CauseCode::tcp_filter, {{"action", "drop"}, {"stage", outcome.tcp_connected ? "data" : "syn"}});
        default: return cause(CauseCode::probe_error, with_error(model::Params::object(), outcome));
    }
}

bool delivered_whole(const QueryOutcome& outcome, std::uint32_t size) {
    return outcome.answered() && !outcome.message->header.tc && outcome.answer_size == size;
}

// The segment size offered to tell a path that loses large segments (a PMTUD black hole) from a
// filter: small enough for any MTU a DNS path has (IPv6's 1280 too).
constexpr int kSmallMss = 536;

// One TCP question as a decisive probe: a connection that gets nothing is opened again up to the
// tries that rule random loss out; one that opened and then stalled is asked again with small
// segments. The cause when it still fails, or nullopt when it arrived.
std::optional<model::Cause> ask_tcp(Session& session, Family family, QuerySpec spec, std::uint32_t size,
                                    std::vector<std::string>& probes) {
    spec.tries = session.confirm_tries(family);
    auto outcome = session.ask(family, spec);
    probes.push_back(outcome.probe_id);
    if (delivered_whole(outcome, size)) return std::nullopt;
    if (outcome.tcp_connected && (outcome.kind == model::Outcome::timeout || outcome.kind == model::Outcome::reset)) {
        // Opened, then nothing: do small segments cross where large ones die?
        QuerySpec small = spec;
        small.tcp_mss = kSmallMss;
        small.tries = session.confirm_tries(family);
        auto retried = session.ask(family, small);
        probes.push_back(retried.probe_id);
        model::Params experiments = model::Params::array();
        experiments.push_back({{"what", "small-segments"}, {"mss", kSmallMss},
                               {"outcome", delivered_whole(retried, size) ? "delivered" : "lost"}});
        if (delivered_whole(retried, size))
            return cause(CauseCode::pmtud_blackhole,
                         {{"direction", "answers"}, {"transports", {"tcp"}}, {"experiments", experiments}});
        auto failure = tcp_failure(outcome, size);
        failure.params["experiments"] = experiments;
        return failure;
    }
    return tcp_failure(outcome, size);
}

}  // namespace

// DNS over TLS to port 853 (RFC 7858): the TCP handshake, the TLS handshake and a query answered,
// its echo saying it came over TLS. Asked where the responder says (dot= in a UDP echo) it serves
// DoT; a silence is tried until loss cannot explain it, a reset answers at once. Through a proxy,
// the proxy's own DoT is asked once: most home routers offer none, which is no fault (na).
void judge_dot_853(Session& session, Family family, model::RunResult& result, QuerySpec spec) {
    spec.kind = spec.via_proxy ? "proxy" : "tcp";
    std::vector<std::string> probes;
    auto verdict = [&](Status status, model::Cause found) {
        if (spec.via_proxy) found.params["proxy"] = session.config().proxies.at(family).address();
        add_verdict(result, Checkpoint::dot_853, family, status, std::move(found), probes, via_of(spec));
    };
    std::uint16_t port = model::kDotPort;
    if (!spec.via_proxy) {
        // Tried until loss cannot explain a silence: a lost echo would read as "no DoT here" (the
        // full fault matrix's dot-drop at 10 % loss once said na).
        QuerySpec hello{.kind = "tcp", .echo = true, .edns = wire::Edns{}, .tries = session.confirm_tries(family)};
        auto asked = session.ask(family, hello);
        probes.push_back(asked.probe_id);
        const auto echo = asked.answered() ? typed_echo(*asked.message) : std::nullopt;
        if (!echo || !echo->dot_port || *echo->dot_port == 0 || *echo->dot_port > 0xffff)
            return verdict(Status::na, cause(CauseCode::not_measured, {{"why", "no-dot"}}));
        port = static_cast<std::uint16_t>(*echo->dot_port);
    }
    spec.transport = Transport::tls;
    spec.port = port;
    spec.echo = !spec.via_proxy;
    spec.edns = wire::Edns{};
    spec.tries = spec.via_proxy ? 1 : session.confirm_tries(family);
    auto outcome = session.ask(family, spec);
    probes.push_back(outcome.probe_id);
    if (outcome.answered()) {
        model::Params figures{{"port", port}, {"rtt_ms", outcome.rtt_ms}, {"protocol", outcome.tls_protocol}};
        const auto echo = spec.echo ? typed_echo(*outcome.message) : std::nullopt;
        if (!spec.echo || (echo && echo->transport == "tls")) return verdict(Status::pass, cause(CauseCode::ok, figures));
        // Answered over TLS by something that is not the responder: a box terminated the TLS.
        return verdict(Status::fail, cause(CauseCode::interception, {{"evidence", "no-echo"}}));
    }
    if (spec.via_proxy)
        return verdict(Status::na, cause(CauseCode::not_measured, {{"why", "no-dot"}, {"outcome", to_string(outcome.kind)}}));
    const bool handshake = outcome.error && outcome.error->code == "tls-handshake";
    const std::string stage = !outcome.tcp_connected ? "connect" : handshake ? "handshake" : "answer";
    verdict(Status::fail, cause(CauseCode::dot_blocked, with_error({{"stage", stage}, {"outcome", to_string(outcome.kind)}, {"port", port}}, outcome)));
}

namespace {

// The retry a resolver makes: UDP with a 1232-octet buffer gets TC=1, then TCP gets it whole.
void judge_tcp_fallback(Session& session, Family family, model::RunResult& result, const wire::Edns& edns) {
    auto udp = session.ask(family, {.kind = "tcp", .size = kFallbackAnswerSize, .edns = edns});
    if (!udp.answered() || !udp.message->header.tc) {
        auto why = udp.answered() ? cause(CauseCode::proxy_rewrite, {{"field", "bufsize"}, {"from", 1232},
                                                                     {"answer", udp.answer_size}})
                                  : cause(CauseCode::no_answer, {{"what", "tc-answer"}, {"outcome", to_string(udp.kind)}});
        add_verdict(result, Checkpoint::tcp_fallback, family, Status::fail, why, {udp.probe_id});
        return;
    }
    std::vector<std::string> probes{udp.probe_id};
    auto problem = ask_tcp(session, family, {.kind = "tcp", .size = kFallbackAnswerSize, .edns = edns, .transport = Transport::tcp},
                           kFallbackAnswerSize, probes);
    if (!problem)
        add_verdict(result, Checkpoint::tcp_fallback, family, Status::pass, cause(CauseCode::ok, {{"size", kFallbackAnswerSize}}),
                    probes);
    else
        add_verdict(result, Checkpoint::tcp_fallback, family, Status::fail, *problem, probes);
}

}  // namespace

void run_tcp(Session& session, Family family, model::RunResult& result) {
    wire::Edns edns;
    edns.udp_size = 1232;
    std::vector<std::string> direct_probes;
    auto direct_problem = ask_tcp(session, family, {.kind = "tcp", .size = kTcpAnswerSize, .edns = edns, .transport = Transport::tcp},
                                  kTcpAnswerSize, direct_probes);
    if (!direct_problem)
        add_verdict(result, Checkpoint::tcp_direct, family, Status::pass, cause(CauseCode::ok, {{"size", kTcpAnswerSize}}),
                    direct_probes);
    else
        add_verdict(result, Checkpoint::tcp_direct, family, Status::fail, *direct_problem, direct_probes);
    if (session.stopped()) return;
    judge_tcp_fallback(session, family, result, edns);
    if (session.stopped()) return;
    judge_dot_853(session, family, result, {.kind = "tcp"});
}

}  // namespace dnspath::probe
