// The probe kinds: one table of (id, checkpoints it decides, function), each kind in its own file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "probe/engine/session.h"
#include "probe/wire/wire.h"
#include "probe/model/model.h"

namespace dnspath::probe {

using KindFn = void (*)(Session& session, model::Family family, model::RunResult& result);

// When a kind may run. Most kinds only ask and wait, so they run side by side, each on a lane of
// the session: a lost probe's wait then overlaps the others' instead of adding to them. pmtu
// teaches the host the path MTU (its DF queries draw ICMP too-big, which the kernel caches, and
// TCP's segment size follows the cache), so it is a barrier: the kinds listed before it in the
// plan end before it starts, and those after it start once it ended, as in a run one by one. The
// ttl kind traces what the others lost, so it runs after them. A kind that loads the path or
// fills a device's state (load, sessions, mapping timeout) runs alone: others' probes would
// disturb its count, and its traffic would make theirs look lossy.
enum class Schedule { together, barrier, after_together, alone };

struct ProbeKind {
    model::KindId id;
    std::vector<model::Checkpoint> checkpoints;
    KindFn run;  // nullptr in target mode where the kind needs the responder: its checkpoints are na
    Schedule schedule = Schedule::together;
};

const std::vector<ProbeKind>& probe_kinds();
// The same kinds in target mode (a real server, names from the profile): what needs the echo is na.
const std::vector<ProbeKind>& target_kinds();
const ProbeKind* find_probe_kind(std::string_view id, bool target_mode = false);

// Before the plan, per reachable family: the path's loss rate (probe/kinds/loss.cpp), kept in the
// session for every kind to weigh its losses against, and in the result's summary.
void measure_loss(Session& session, model::Family family, model::RunResult& result);

// Each kind's entry point (probe/kinds/<kind>.cpp).
void run_edns_size(Session& session, model::Family family, model::RunResult& result);
void run_tcp(Session& session, model::Family family, model::RunResult& result);
void run_options(Session& session, model::Family family, model::RunResult& result);
void run_nat(Session& session, model::Family family, model::RunResult& result);
void run_fragments(Session& session, model::Family family, model::RunResult& result);
void run_pmtu(Session& session, model::Family family, model::RunResult& result);
void run_dnssec(Session& session, model::Family family, model::RunResult& result);
void run_ttl(Session& session, model::Family family, model::RunResult& result);
void run_proxy(Session& session, model::Family family, model::RunResult& result);
void run_sessions(Session& session, model::Family family, model::RunResult& result);
void run_load(Session& session, model::Family family, model::RunResult& result);
void run_target_edns_size(Session& session, model::Family family, model::RunResult& result);
void run_target_tcp(Session& session, model::Family family, model::RunResult& result);
void run_target_dnssec(Session& session, model::Family family, model::RunResult& result);
void run_target_options(Session& session, model::Family family, model::RunResult& result);
void run_interception(Session& session, model::Family family, model::RunResult& result);
void run_mapping_timeout(Session& session, model::Family family, model::RunResult& result);
void run_target_needs_echo(Session& session, model::Family family, model::RunResult& result);

// The records of one type in a section.
std::vector<wire::ResourceRecord> records_of_type(const std::vector<wire::ResourceRecord>& section, std::uint16_t type);
// What is wrong with the answer's RRset of `type` signed by `key`, or nullopt when an RRSIG over it
// verifies: the records are missing, the RRSIG is missing (stripped), or it does not verify.
enum class SignatureProblem { records_missing, rrsig_missing, invalid };
std::optional<SignatureProblem> signature_problem(const wire::Message& answer, std::uint16_t type, const wire::Dnskey& key);

// The zone's DNSKEY as a resolver gets it (UDP with DO=1, then TCP after TC=1), directly or
// through the proxy under test; without a key, `cause` says why.
struct ZoneKey {
    QueryOutcome answer;
    std::optional<wire::Dnskey> key;
    bool via_tcp = false;
    model::Cause cause;
};
ZoneKey fetch_zone_key(Session& session, model::Family family, bool via_proxy, std::vector<std::string>& probes);

// One echo query's source port: as the probe sent it and as the responder saw it.
struct PortSample {
    std::uint16_t sent = 0;
    std::uint16_t seen = 0;
};
// What a sequence of source ports looks like from the server: random, sequential or narrow.
struct PortAssessment {
    model::Status status = model::Status::na;
    model::Cause cause;
};
PortAssessment assess_ports(const std::vector<PortSample>& samples);

// EDNS version 1 → BADVERS and QDCOUNT 0/2 → FORMERR, asked with `spec` (a probe name or a
// target-mode name); shared by the options kind and target mode.
void judge_edns_version(Session& session, model::Family family, model::RunResult& result, QuerySpec spec);
void judge_qdcount(Session& session, model::Family family, model::RunResult& result, QuerySpec spec);
void judge_unknown_opcode(Session& session, model::Family family, model::RunResult& result, QuerySpec spec);
void judge_nxdomain_rewrite(Session& session, model::Family family, model::RunResult& result, QuerySpec spec);
void judge_resinfo(Session& session, model::Family family, model::RunResult& result, QuerySpec spec);
void judge_tsig(Session& session, model::Family family, model::RunResult& result, QuerySpec spec);
void judge_dot_853(Session& session, model::Family family, model::RunResult& result, QuerySpec spec);
// proxy-cache, asked of the proxy at `proxy` (probe/kinds/cache.cpp).
void judge_proxy_cache(Session& session, model::Family family, model::RunResult& result, const std::string& proxy);
// proxy-wan-open (wan_open.cpp): the proxy asked from outside by the responder; `hello` is the
// proxy kind's first answered question (its probe names the proxy's device, its echo the
// proxy's own source address upstream).
void judge_proxy_wan_open(Session& session, model::Family family, model::RunResult& result, const std::string& proxy,
                          const QueryOutcome& hello);
void judge_case_0x20(Session& session, model::Family family, model::RunResult& result, QuerySpec spec);
void judge_unknown_type(Session& session, model::Family family, model::RunResult& result, QuerySpec spec);
void judge_edns_flags(Session& session, model::Family family, model::RunResult& result, QuerySpec spec);

// Narrows the boundary between a size that arrived (`low`) and one that was lost (`lost`) until
// they are at most `resolution` apart, asking up to seven sizes between them at once a round
// (each once; `ask_all(sizes)` says which arrived): a binary search's rounds, a third as many.
// As in a binary search, the lowest lost size of a round is the new bound and what lies above it
// is not looked at. The bounds it ends with.
template <typename Size, typename AskAll>
std::pair<Size, Size> narrow_boundary(Size low, Size lost, Size resolution, const Session& session, AskAll&& ask_all) {
    constexpr long long kAtOnce = 7;
    while (lost - low > resolution && !session.stopped()) {
        std::vector<Size> sizes;
        const long long gap = static_cast<long long>(lost) - static_cast<long long>(low);
        for (long long i = 1; i <= kAtOnce; ++i) {
            const auto size = static_cast<Size>(static_cast<long long>(low) + gap * i / (kAtOnce + 1));
            if (size > low && size < lost && (sizes.empty() || size > sizes.back())) sizes.push_back(size);
        }
        if (sizes.empty()) break;
        const std::vector<bool> arrived = ask_all(sizes);
        Size new_lost = lost;
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            if (!arrived[i]) {
                new_lost = sizes[i];
                break;
            }
            low = sizes[i];
        }
        lost = new_lost;
    }
    return {low, lost};
}

// Shared by the kinds: one verdict with its cause and the probes behind it.
void add_verdict(model::RunResult& result, model::Checkpoint checkpoint, model::Family family, model::Status status,
                 model::Cause cause, std::vector<std::string> probes = {}, model::Via via = model::Via::path);
// Where a query of `spec` goes: to the proxy under test, or across the path.
inline model::Via via_of(const QuerySpec& spec) { return spec.via_proxy ? model::Via::proxy : model::Via::path; }
// The family's measured loss rate as an `inconclusive` cause's `loss_rate` (null: not measured).
inline model::Params measured_loss_rate(const Session& session, model::Family family) {
    const auto& loss = session.loss(family);
    return loss.sent > 0 ? model::Params(static_cast<double>(loss.lost) / loss.sent) : model::Params();
}
model::Cause cause(model::CauseCode code, model::Params params = model::Params::object());
model::FamilySummary& summary_for(model::RunResult& result, model::Family family);
// The record of one query sent on a flow of a FlowSet (the loss measurement, the sessions ramp):
// one try, EDNS at the default size, answered or timed out, from `local` and the flow's port.
model::ProbeRecord flow_record(const Session::BuiltQuery& built, const net::BurstReply& reply, std::string_view kind,
                               model::Family family, const Result<net::Endpoint>& local);

}  // namespace dnspath::probe
