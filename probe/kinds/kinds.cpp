#include "probe/kinds/kinds.h"

#include "probe/wire/dnssec.h"

namespace dnspath::probe {

using reports::Family;

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
        {"proxy", {"dns-proxy"}, run_proxy},
        {"sessions", {"udp-sessions"}, run_sessions},
        {"load", {"device-load"}, run_load},
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
        {"proxy", {"dns-proxy"}, nullptr},
        {"sessions", {"udp-sessions"}, nullptr},
        {"load", {"device-load"}, run_load},
    };
    return table;
}

const ProbeKind* find_probe_kind(std::string_view id, bool target_mode) {
    for (const auto& kind : target_mode ? target_kinds() : probe_kinds())
        if (kind.id == id) return &kind;
    return nullptr;
}

std::vector<wire::ResourceRecord> records_of_type(const std::vector<wire::ResourceRecord>& section, std::uint16_t type) {
    std::vector<wire::ResourceRecord> found;
    for (const auto& record : section)
        if (record.type == type) found.push_back(record);
    return found;
}

std::optional<std::string> signature_problem(const wire::Message& answer, std::uint16_t type, const wire::Dnskey& key) {
    auto rrset = records_of_type(answer.answers, type);
    if (rrset.empty()) return wire::type_name(type) + " records missing";
    for (const auto& record : records_of_type(answer.answers, wire::rr_type::rrsig)) {
        auto rrsig = wire::parse_rrsig(record.rdata);
        if (!rrsig || rrsig->type_covered != type) continue;
        auto verified = wire::verify_rrsig(*rrsig, rrset, key);
        if (!verified) return "RRSIG(" + wire::type_name(type) + "): " + verified.error().message;
        return std::nullopt;
    }
    return "RRSIG(" + wire::type_name(type) + ") stripped";
}

ZoneKey fetch_zone_key(Session& session, Family family, bool via_proxy, std::vector<std::string>& evidence) {
    ZoneKey fetched;
    wire::Edns edns;
    edns.udp_size = 1232;
    edns.dnssec_ok = true;
    // As a resolver fetches it: UDP with a 1232 buffer, then TCP if it comes back TC=1 (a
    // rollover-sized DNSKEY RRset does not fit).
    QuerySpec spec{.kind = via_proxy ? "proxy" : "dnssec", .edns = edns, .qtype = wire::rr_type::dnskey,
                   .apex = true, .via_proxy = via_proxy};
    fetched.answer = session.ask(family, spec);
    evidence.push_back(evidence_line(fetched.answer, "DNSKEY with DO=1"));
    if (fetched.answer.answered() && fetched.answer.message->header.tc) {
        spec.transport = Transport::tcp;
        fetched.answer = session.ask(family, spec);
        fetched.via_tcp = true;
        evidence.push_back(evidence_line(fetched.answer, "DNSKEY with DO=1 over TCP after TC=1"));
    }
    if (!fetched.answer.answered()) {
        fetched.problem = fetched.via_tcp
                              ? "the DNSKEY RRset does not fit 1232 octets (TC=1) and the TCP retry failed (" +
                                    std::string(to_string(fetched.answer.kind)) + "): a resolver cannot get the keys"
                              : "the DNSKEY query (DO=1) got no answer (" +
                                    std::string(to_string(fetched.answer.kind)) + ")";
        return fetched;
    }
    for (const auto& record : records_of_type(fetched.answer.message->answers, wire::rr_type::dnskey))
        if (auto parsed = wire::parse_dnskey(record.rdata); parsed && parsed->algorithm == wire::kAlgorithmEcdsaP256)
            fetched.key = parsed;
    if (!fetched.key)
        fetched.problem = "the DNSKEY answer carries no algorithm-13 DNSKEY: the zone is unsigned or the records were removed";
    return fetched;
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
