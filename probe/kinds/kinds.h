// The probe kinds: one table of (id, checkpoints it decides, function), each kind in its own file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "probe/engine/session.h"
#include "probe/wire/dnssec.h"
#include "reports/report.h"

namespace dnspath::probe {

using KindFn = void (*)(Session& session, reports::Family family, reports::RunResult& result);

struct ProbeKind {
    std::string_view id;
    std::vector<std::string_view> checkpoints;
    KindFn run;  // nullptr: not implemented yet; its checkpoints are reported as "na"
};

const std::vector<ProbeKind>& probe_kinds();
// The same kinds in target mode (a real server, names from the profile): what needs the echo is na.
const std::vector<ProbeKind>& target_kinds();
const ProbeKind* find_probe_kind(std::string_view id, bool target_mode = false);

// Each kind's entry point (probe/kinds/<kind>.cpp).
void run_edns_size(Session& session, reports::Family family, reports::RunResult& result);
void run_tcp(Session& session, reports::Family family, reports::RunResult& result);
void run_options(Session& session, reports::Family family, reports::RunResult& result);
void run_nat(Session& session, reports::Family family, reports::RunResult& result);
void run_fragments(Session& session, reports::Family family, reports::RunResult& result);
void run_pmtu(Session& session, reports::Family family, reports::RunResult& result);
void run_dnssec(Session& session, reports::Family family, reports::RunResult& result);
void run_ttl(Session& session, reports::Family family, reports::RunResult& result);
void run_proxy(Session& session, reports::Family family, reports::RunResult& result);
void run_sessions(Session& session, reports::Family family, reports::RunResult& result);
void run_load(Session& session, reports::Family family, reports::RunResult& result);
void run_target_edns_size(Session& session, reports::Family family, reports::RunResult& result);
void run_target_tcp(Session& session, reports::Family family, reports::RunResult& result);
void run_target_dnssec(Session& session, reports::Family family, reports::RunResult& result);
void run_target_options(Session& session, reports::Family family, reports::RunResult& result);
void run_target_needs_echo(Session& session, reports::Family family, reports::RunResult& result);

// The records of one type in a section.
std::vector<wire::ResourceRecord> records_of_type(const std::vector<wire::ResourceRecord>& section, std::uint16_t type);
// Why the answer's RRset of `type` is not signed by `key` (missing, stripped, bad signature), or
// nullopt when an RRSIG over it verifies.
std::optional<std::string> signature_problem(const wire::Message& answer, std::uint16_t type, const wire::Dnskey& key);

// The zone's DNSKEY as a resolver gets it (UDP with DO=1, then TCP after TC=1), directly or
// through the proxy under test; `problem` says why there is no key.
struct ZoneKey {
    QueryOutcome answer;
    std::optional<wire::Dnskey> key;
    bool via_tcp = false;
    std::string problem;
};
ZoneKey fetch_zone_key(Session& session, reports::Family family, bool via_proxy, std::vector<std::string>& evidence);

// One echo query's source port: as the probe sent it and as the responder saw it.
struct PortSample {
    std::uint16_t sent = 0;
    std::uint16_t seen = 0;
};
// What a sequence of source ports looks like from the server: random, sequential or narrow.
struct PortAssessment {
    reports::Status status = reports::Status::na;
    std::string description;
};
PortAssessment assess_ports(const std::vector<PortSample>& samples);

// Shared by the kinds: one verdict, with the seed items looked up from the checkpoint id.
void add_verdict(reports::RunResult& result, std::string checkpoint, reports::Family family,
                 reports::Status status, std::string reason, std::vector<std::string> evidence = {});
reports::FamilySummary& summary_for(reports::RunResult& result, reports::Family family);
// "a; b; c": the problems (or passes) of a verdict in one reason.
std::string join(const std::vector<std::string>& items, std::string_view separator = "; ");
// "probe p0001abc: timeout (3 tries)" — one evidence line for an outcome.
std::string evidence_line(const QueryOutcome& outcome, std::string_view what);

}  // namespace dnspath::probe
