#include "probe/kinds/kinds.h"

#include "probe/wire/wire.h"

namespace dnspath::probe {

using model::Family;
using model::CauseCode;

namespace {

// Each plan kind's measure-and-judge function and its target-mode one (nullptr: its checkpoints
// are reported na there), in registry order: the static_assert below fails the build when a kind
// is declared in checkpoints.def without its functions here, or out of order.
struct KindFunctions {
    model::KindId id;
    KindFn run;
    KindFn target;
    Schedule schedule = Schedule::together;
};

using model::KindId;
constexpr KindFunctions kFunctions[] = {
    {KindId::edns_size, run_edns_size, run_target_edns_size},
    {KindId::tcp, run_tcp, run_target_tcp},
    {KindId::options, run_options, run_target_options},
    {KindId::nat, run_nat, run_target_needs_echo},
    {KindId::fragments, run_fragments, nullptr},
    {KindId::pmtu, run_pmtu, nullptr, Schedule::barrier},
    {KindId::dnssec, run_dnssec, run_target_dnssec},
    {KindId::ttl, run_ttl, nullptr, Schedule::after_together},
    {KindId::proxy, run_proxy, nullptr},
    {KindId::sessions, run_sessions, nullptr, Schedule::alone},
    {KindId::load, run_load, run_load, Schedule::alone},
    {KindId::interception, run_interception, nullptr},
    {KindId::udp_mapping_timeout, run_mapping_timeout, nullptr, Schedule::alone},
};
// The plan kinds are declared between reachability and the diagnose-only kinds.
static_assert(std::size(kFunctions) == static_cast<std::size_t>(KindId::dnssec_path) - 1);
static_assert([] {
    for (std::size_t i = 0; i < std::size(kFunctions); ++i)
        if (static_cast<std::size_t>(kFunctions[i].id) != i + 1) return false;
    return true;
}());

std::vector<ProbeKind> joined(bool target_mode) {
    std::vector<ProbeKind> kinds;
    for (const auto& functions : kFunctions) {
        ProbeKind kind{functions.id, {}, target_mode ? functions.target : functions.run, functions.schedule};
        for (const auto& checkpoint : model::entry_of(functions.id).checkpoints) kind.checkpoints.push_back(checkpoint.id);
        kinds.push_back(std::move(kind));
    }
    return kinds;
}

}  // namespace

const std::vector<ProbeKind>& probe_kinds() {
    static const std::vector<ProbeKind> table = joined(false);
    return table;
}

const std::vector<ProbeKind>& target_kinds() {
    static const std::vector<ProbeKind> table = joined(true);
    return table;
}

const ProbeKind* find_probe_kind(std::string_view id, bool target_mode) {
    for (const auto& kind : target_mode ? target_kinds() : probe_kinds())
        if (model::to_string(kind.id) == id) return &kind;
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
    auto asked = session.ask_as_resolver(family, spec, probes);
    fetched.answer = std::move(asked.outcome);
    fetched.via_tcp = asked.via_tcp;
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

void add_verdict(model::RunResult& result, model::Checkpoint checkpoint, Family family, model::Status status,
                 model::Cause verdict_cause, std::vector<std::string> probes, model::Via via) {
    model::Verdict verdict;
    verdict.checkpoint = checkpoint;
    verdict.family = family;
    verdict.via = via;
    verdict.status = status;
    verdict.cause = std::move(verdict_cause);
    verdict.probes = std::move(probes);
    result.verdicts.push_back(std::move(verdict));
}

model::Cause cause(CauseCode code, model::Params params) { return {code, std::move(params)}; }

model::FamilySummary& summary_for(model::RunResult& result, Family family) {
    return family == Family::ipv6 ? result.ipv6 : result.ipv4;
}

model::ProbeRecord flow_record(const Session::BuiltQuery& built, const net::BurstReply& reply, std::string_view kind,
                               model::Family family, const Result<net::Endpoint>& local) {
    model::ProbeRecord record;
    record.id = built.probe_id;
    record.kind = std::string(kind);
    record.family = family;
    record.qname = built.name.to_string();
    record.dns_id = built.dns_id;
    record.bufsize = wire::Edns{}.udp_size;
    record.query_size = static_cast<std::uint32_t>(built.bytes.size());
    record.attempts = 1;
    record.outcome = reply.answered ? model::Outcome::answer : model::Outcome::timeout;
    if (reply.answered) record.answer_size = static_cast<std::uint32_t>(reply.answer.size());
    if (local) record.source = local->address() + ":" + std::to_string(reply.local_port);
    return record;
}

}  // namespace dnspath::probe
