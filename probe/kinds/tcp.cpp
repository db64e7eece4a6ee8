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
        case OutcomeKind::refused: return cause(CauseCode::tcp_filter, {{"action", "reset"}, {"stage", "syn"}});
        case OutcomeKind::reset:
            return cause(CauseCode::tcp_filter, {{"action", "reset"}, {"stage", outcome.tcp_connected ? "data" : "syn"}});
        case OutcomeKind::timeout:
            return cause(CauseCode::tcp_filter, {{"action", "drop"}, {"stage", outcome.tcp_connected ? "data" : "syn"}});
        default: return cause(CauseCode::probe_error, {{"detail", outcome.detail}});
    }
}

bool delivered_whole(const QueryOutcome& outcome, std::uint32_t size) {
    return outcome.answered() && !outcome.message->header.tc && outcome.answer_size == size;
}

}  // namespace

void run_tcp(Session& session, Family family, model::RunResult& result) {
    wire::Edns edns;
    edns.udp_size = 1232;
    auto direct = session.ask(family, {.kind = "tcp", .size = kTcpAnswerSize, .edns = edns, .transport = Transport::tcp});
    if (delivered_whole(direct, kTcpAnswerSize))
        add_verdict(result, Checkpoint::tcp_direct, family, Status::pass,
                    cause(CauseCode::ok, {{"size", kTcpAnswerSize}, {"rtt_ms", static_cast<int>(direct.rtt_ms)}}),
                    {direct.probe_id});
    else
        add_verdict(result, Checkpoint::tcp_direct, family, Status::fail, tcp_failure(direct, kTcpAnswerSize), {direct.probe_id});
    if (session.stopped()) return;

    auto udp = session.ask(family, {.kind = "tcp", .size = kFallbackAnswerSize, .edns = edns});
    if (!udp.answered() || !udp.message->header.tc) {
        auto why = udp.answered() ? cause(CauseCode::proxy_rewrite, {{"field", "bufsize"}, {"from", 1232},
                                                                     {"answer", udp.answer_size}})
                                  : cause(CauseCode::no_answer, {{"what", "tc-answer"}, {"outcome", to_string(udp.kind)}});
        add_verdict(result, Checkpoint::tcp_fallback, family, Status::fail, why, {udp.probe_id});
        return;
    }
    auto retry = session.ask(family, {.kind = "tcp", .size = kFallbackAnswerSize, .edns = edns, .transport = Transport::tcp});
    if (delivered_whole(retry, kFallbackAnswerSize))
        add_verdict(result, Checkpoint::tcp_fallback, family, Status::pass, cause(CauseCode::ok, {{"size", kFallbackAnswerSize}}),
                    {udp.probe_id, retry.probe_id});
    else
        add_verdict(result, Checkpoint::tcp_fallback, family, Status::fail, tcp_failure(retry, kFallbackAnswerSize),
                    {udp.probe_id, retry.probe_id});
}

}  // namespace dnspath::probe
