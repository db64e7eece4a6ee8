#include "probe/kinds/kinds.h"

namespace dnspath::probe {

const std::vector<ProbeKind>& probe_kinds() {
    // Adding a kind: its file in probe/kinds/ and one line here.
    static const std::vector<ProbeKind> table = {
        {"edns-size", {"udp-large", "udp-no-edns", "edns-truncation"}, run_edns_size},
        {"tcp", {"tcp-direct", "tcp-fallback"}, run_tcp},
        {"options", {"edns-options", "edns-version", "qdcount"}, run_options},
        {"nat", {"nat", "port-randomness"}, run_nat},
        {"fragments", {"udp-fragments"}, run_fragments},
        {"pmtu", {"pmtu"}, run_pmtu},
        {"dnssec", {"dnssec-passthrough"}, run_dnssec},
        {"ttl", {"path-trace"}, run_ttl},
    };
    return table;
}

const std::vector<ProbeKind>& target_kinds() {
    static const std::vector<ProbeKind> table = {
        {"edns-size", {"udp-large"}, run_target_edns_size},
        {"tcp", {"tcp-direct", "tcp-fallback"}, run_target_tcp},
        {"options", {"edns-version", "qdcount", "edns-options"}, run_target_options},
        {"nat", {"nat", "port-randomness"}, run_target_needs_echo},
        {"fragments", {"udp-fragments"}, nullptr},
        {"pmtu", {"pmtu"}, nullptr},
        {"dnssec", {"dnssec-passthrough"}, run_target_dnssec},
        {"ttl", {"path-trace"}, nullptr},
    };
    return table;
}

const ProbeKind* find_probe_kind(std::string_view id, bool target_mode) {
    for (const auto& kind : target_mode ? target_kinds() : probe_kinds())
        if (kind.id == id) return &kind;
    return nullptr;
}

void add_verdict(reports::RunResult& result, std::string checkpoint, reports::Family family, reports::Status status,
                 std::string reason, std::vector<std::string> evidence) {
    reports::Verdict verdict;
    verdict.checkpoint = std::move(checkpoint);
    verdict.family = family;
    verdict.status = status;
    verdict.reason = std::move(reason);
    verdict.evidence = std::move(evidence);
    result.verdicts.push_back(std::move(verdict));
}

reports::FamilySummary& summary_for(reports::RunResult& result, reports::Family family) {
    return family == reports::Family::ipv6 ? result.ipv6 : result.ipv4;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += separator;
        out += item;
    }
    return out;
}

std::string evidence_line(const QueryOutcome& outcome, std::string_view what) {
    std::string line = "probe " + outcome.probe_id + " (" + std::string(what) + "): ";
    if (outcome.answered()) {
        line += outcome.message->header.tc ? "TC=1 answer" : "answer";
        line += " of " + std::to_string(outcome.answer_size) + " octets, " +
                wire::rcode_name(outcome.message->full_rcode());
    } else {
        line += std::string(to_string(outcome.kind));
        if (!outcome.detail.empty()) line += " — " + outcome.detail;
    }
    if (outcome.attempts > 1) line += " (" + std::to_string(outcome.attempts) + " tries)";
    return line;
}

}  // namespace dnspath::probe
