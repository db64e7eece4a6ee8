// tcp: TCP/53 direct (JPRS common-1) and the UDP TC=1 → TCP retry a resolver makes (JPRS scenario 1
// step 3, DNSSEC Japan ⑤ LB-3).
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

}  // namespace dnspath::probe
