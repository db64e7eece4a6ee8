// tcp: TCP/53 direct (JPRS common-1) and the UDP TC=1 → TCP retry a resolver makes (JPRS scenario 1
// step 3, DNSSEC Japan ⑤ LB-3).
#include "probe/kinds/kinds.h"

namespace dnspath::probe {
namespace {

using reports::Family;
using reports::Status;

constexpr std::uint32_t kTcpAnswerSize = 4000;
constexpr std::uint32_t kFallbackAnswerSize = 3000;

std::string tcp_failure(const QueryOutcome& outcome) {
    switch (outcome.kind) {
        case OutcomeKind::refused: return "TCP/53 connection refused (a reset answered the SYN: reject with tcp reset)";
        case OutcomeKind::reset: return "TCP/53 connection reset or closed mid-answer";
        case OutcomeKind::timeout: return "TCP/53 silently dropped: " + outcome.detail;
        default: return "TCP/53 failed: " + outcome.detail;
    }
}

bool delivered_whole(const QueryOutcome& outcome, std::uint32_t size) {
    return outcome.answered() && !outcome.message->header.tc && outcome.answer_size == size;
}

}  // namespace

void run_tcp(Session& session, Family family, reports::RunResult& result) {
    wire::Edns edns;
    edns.udp_size = 1232;
    auto direct = session.ask(family, {.kind = "tcp", .size = kTcpAnswerSize, .edns = edns, .transport = Transport::tcp});
    std::vector<std::string> direct_evidence{evidence_line(direct, "4000 over TCP")};
    if (delivered_whole(direct, kTcpAnswerSize)) {
        add_verdict(result, "tcp-direct", family, Status::pass,
                    "a 4000-octet answer arrived over TCP/53 in " + std::to_string(static_cast<int>(direct.rtt_ms)) +
                        " ms",
                    direct_evidence);
    } else if (direct.answered()) {
        add_verdict(result, "tcp-direct", family, Status::fail,
                    "TCP/53 answered, but with " + std::to_string(direct.answer_size) + " of 4000 octets",
                    direct_evidence);
    } else {
        add_verdict(result, "tcp-direct", family, Status::fail, tcp_failure(direct), direct_evidence);
    }
    if (session.stopped()) return;

    auto udp = session.ask(family, {.kind = "tcp", .size = kFallbackAnswerSize, .edns = edns});
    std::vector<std::string> evidence{evidence_line(udp, "3000 over UDP, bufsize 1232")};
    if (!udp.answered() || !udp.message->header.tc) {
        std::string what = udp.answered() ? "a UDP answer without TC=1 (" + std::to_string(udp.answer_size) + " octets)"
                                          : "no UDP answer (" + std::string(to_string(udp.kind)) + ")";
        add_verdict(result, "tcp-fallback", family, Status::fail,
                    "a resolver would never fall back to TCP: the oversized query got " + what, evidence);
        return;
    }
    auto retry = session.ask(family, {.kind = "tcp", .size = kFallbackAnswerSize, .edns = edns, .transport = Transport::tcp});
    evidence.push_back(evidence_line(retry, "retry over TCP"));
    if (delivered_whole(retry, kFallbackAnswerSize)) {
        add_verdict(result, "tcp-fallback", family, Status::pass,
                    "TC=1 over UDP, then the whole 3000-octet answer over TCP", evidence);
    } else {
        add_verdict(result, "tcp-fallback", family, Status::fail,
                    "TC=1 arrived but the TCP retry failed: " + (retry.answered() ? "short answer" : tcp_failure(retry)),
                    evidence);
    }
}

}  // namespace dnspath::probe
