#include "probe/kinds/kinds.h"

#include "probe/wire/wire.h"

namespace dnspath::probe {

using model::Family;
using model::CauseCode;

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
        {"interception", {"dns-interception"}, run_interception},
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
        {"interception", {"dns-interception"}, nullptr},
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

std::optional<SignatureProblem> signature_problem(const wire::Message& answer, std::uint16_t type,
                                                  const wire::Dnskey& key) {
    auto rrset = records_of_type(answer.answers, type);
    if (rrset.empty()) return SignatureProblem::records_missing;
    for (const auto& record : records_of_type(answer.answers, wire::rr_type::rrsig)) {
        auto rrsig = wire::parse_rrsig(record.rdata);
        if (!rrsig || rrsig->type_covered != type) continue;
        if (!wire::verify_rrsig(*rrsig, rrset, key)) return SignatureProblem::invalid;
        return std::nullopt;
    }
    return SignatureProblem::rrsig_missing;
}

ZoneKey fetch_zone_key(Session& session, Family family, bool via_proxy, std::vector<std::string>& probes) {
    ZoneKey fetched;
    wire::Edns edns;
    edns.udp_size = 1232;
    edns.dnssec_ok = true;
    // As a resolver fetches it: UDP with a 1232 buffer, then TCP if it comes back TC=1 (a
    // rollover-sized DNSKEY RRset does not fit).
    QuerySpec spec{.kind = via_proxy ? "proxy" : "dnssec", .edns = edns, .qtype = wire::rr_type::dnskey,
                   .apex = true, .via_proxy = via_proxy};
    fetched.answer = session.ask(family, spec);
    probes.push_back(fetched.answer.probe_id);
    if (fetched.answer.answered() && fetched.answer.message->header.tc) {
        spec.transport = Transport::tcp;
        fetched.answer = session.ask(family, spec);
        fetched.via_tcp = true;
        probes.push_back(fetched.answer.probe_id);
    }
    if (!fetched.answer.answered()) {
        fetched.cause = cause(CauseCode::no_answer, {{"what", "dnskey"}, {"transport", fetched.via_tcp ? "tcp" : "udp"},
                                                     {"outcome", to_string(fetched.answer.kind)}});
        return fetched;
    }
    for (const auto& record : records_of_type(fetched.answer.message->answers, wire::rr_type::dnskey))
        if (auto parsed = wire::parse_dnskey(record.rdata); parsed && parsed->algorithm == wire::kAlgorithmEcdsaP256)
            fetched.key = parsed;
    if (!fetched.key) fetched.cause = cause(CauseCode::rrsig_stripped, {{"what", "dnskey"}, {"records", "dnskey"}});
    return fetched;
}

void add_verdict(model::RunResult& result, std::string checkpoint, Family family, model::Status status,
                 model::Cause verdict_cause, std::vector<std::string> probes) {
    model::Verdict verdict;
    verdict.checkpoint = std::move(checkpoint);
    verdict.family = family;
    verdict.status = status;
    verdict.cause = std::move(verdict_cause);
    verdict.probes = std::move(probes);
    result.verdicts.push_back(std::move(verdict));
}

model::Cause cause(CauseCode code, model::Params params) { return {code, std::move(params)}; }

model::FamilySummary& summary_for(model::RunResult& result, Family family) {
    return family == Family::ipv6 ? result.ipv6 : result.ipv4;
}

}  // namespace dnspath::probe
