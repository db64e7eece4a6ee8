// The typed result model: the one contract between probe, capture, judges and reports, written as
// result.json schema version 1 (docs/result.schema.json). No prose lives here: a verdict carries a
// cause code and its parameters, and reports/ turns them into sentences through its catalogue.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/model/registry.h"

namespace dnspath::model {

inline constexpr int kSchemaVersion = 1;

enum class Status { pass, fail, warn, na };
enum class Family { ipv4, ipv6, both };

std::string_view to_string(Status status);
std::string_view to_string(Family family);
std::optional<Status> status_from(std::string_view text);
std::optional<Family> family_from(std::string_view text);

// Named values that go with a cause or a capture finding (sizes, directions, counts, devices).
// Which names each code takes, and their types, is declared once in causes.def / findings.def
// and checked by check_params(); docs/causes.md's parameter column is generated from it.
using Params = nlohmann::json;

// Why a verdict came out as it did. The vocabulary is closed and declared in causes.def.
enum class CauseCode {
#define CAUSE(id, name, selector, meaning) id,
#define PARAM(...)
#define END_CAUSE
#include "probe/model/causes.def"
#undef CAUSE
#undef PARAM
#undef END_CAUSE
};

std::string_view to_string(CauseCode code);
std::optional<CauseCode> cause_from(std::string_view text);
const std::vector<CauseCode>& cause_codes();

struct Cause {
    CauseCode code = CauseCode::ok;
    Params params = Params::object();
};

// What capture found about one probe at the taps: a rule of docs/architecture.md "Attribution
// rules", the device it points at, and the frames per tap that show it.
// The capture finding rules, declared in findings.def.
enum class FindingRule {
#define RULE(id, name, blames, meaning) id,
#define PARAM(...)
#define END_RULE
#include "probe/model/findings.def"
#undef RULE
#undef PARAM
#undef END_RULE
};

std::string_view to_string(FindingRule rule);
std::optional<FindingRule> finding_rule_from(std::string_view text);
// Rules that name a device as the cause (the rest are signals and notes).
bool blames(FindingRule rule);

// One tap's view of a probe: the frame of its query and of its answer there, if seen.
struct TapFrames {
    std::string tap;
    std::optional<std::uint64_t> query_frame;
    std::optional<std::uint64_t> answer_frame;
};

struct CaptureFinding {
    FindingRule rule = FindingRule::query_dropped;
    std::string probe;                  // the probe id it is about
    std::optional<std::string> device;  // null when no tapped device is there
    std::vector<TapFrames> taps;        // in path order
    Params params = Params::object();
};

// One device blamed for a verdict, the probes that point at it, the rule that did, and the cause
// judged from that device's findings alone (two devices on one verdict may fail it differently:
// one capping sizes, the other dropping fragments).
struct Blame {
    std::string device;
    std::vector<std::string> probes;
    FindingRule rule = FindingRule::query_dropped;
    Cause cause;
};

// One checkpoint's verdict for one address family.
// Where a verdict's probes went: across the path to the responder, or to a DNS proxy asked on
// purpose (the same checkpoint, judged as RFC 5625 wants a proxy to behave).
enum class Via { path, proxy };
std::string_view to_string(Via via);
std::optional<Via> via_from(std::string_view text);

struct Verdict {
    Checkpoint checkpoint = Checkpoint::reachability;
    Family family = Family::both;
    Via via = Via::path;
    Status status = Status::na;
    Cause cause;
    // The cause the probe's view alone gave, kept when the taps changed it (judging again starts
    // from it, so re-analysis replaces and never compounds).
    std::optional<Cause> probe_cause;
    std::vector<std::string> probes;         // the probe ids behind it
    std::vector<Blame> blame;                // empty: nobody blamed (or no taps)
    std::vector<CaptureFinding> findings;    // what the taps saw about its probes
};

// How reports name a verdict's checkpoint: "header-bits", or "header-bits (proxy)" through a proxy.
std::string verdict_name(const Verdict& verdict);

enum class Outcome { answer, truncated, timeout, refused, reset, error, undecodable };
std::string_view to_string(Outcome outcome);
std::optional<Outcome> outcome_from(std::string_view text);

// What the responder saw, as it echoed it back (absent fields: not echoed).
struct Echo {
    std::optional<std::string> source;
    std::optional<std::uint32_t> source_port;
    std::optional<std::string> transport;
    std::optional<std::uint32_t> query_size;
    std::optional<std::uint32_t> dns_id;
    std::optional<bool> edns;
    std::optional<std::uint32_t> bufsize;
    std::optional<bool> dnssec_ok;
    std::optional<std::string> server;
    std::optional<bool> ad, cd;  // the query's header bits as they arrived
    std::optional<std::string> qname;  // the query name as it arrived, when it had capitals (case-0x20)
    std::optional<std::uint32_t> alt_port;  // a second UDP port the responder answers DNS on
    std::optional<std::uint32_t> dot_port;  // the TCP port the responder answers DNS over TLS on
};

// The DNS header bits a middlebox or proxy may touch (RFC 6840 5.7-5.9: AD and CD; Z must be zero
// and passed as it is): what a query carried, or what an answer was asked to carry and did.
struct HeaderBits {
    bool ad = false, cd = false, z = false;
    friend bool operator==(const HeaderBits&, const HeaderBits&) = default;
};

// A local error as a code with its argument; reports word it in the run's language. Codes: "os"
// (a system call failed: `call`, `os_error` an errno), "needs-capability" (`argument`: the
// capability), "encode" (the query could not be built), "decode" (the answer did not parse;
// `argument`: what was wrong), "query-too-large"; "" : `text` alone (English).
struct LocalError {
    std::string code;
    std::string call;
    int os_error = 0;
    std::string argument;
    std::string text;  // the English words, for logs and for an error without a code
};
// As a cause parameter of type `error`, and back.
Params to_params(const LocalError& error);
LocalError local_error_from(const Params& params);

// A whole-number parameter when it is one (a float that is whole and in range counts): results
// read from a file may hold anything, and an out-of-range float must never reach an integer cast.
std::optional<std::int64_t> whole_param(const Params& params, std::string_view name);

// What one probe did, whatever came of it: the raw material verdicts are drawn from.
struct ProbeRecord {
    std::string id;
    std::string kind;  // probe kind, e.g. "edns-size"
    Family family = Family::ipv4;
    std::string transport = "udp";  // "udp" / "tcp"
    std::string qname;
    std::uint16_t qtype = 16;
    std::uint16_t dns_id = 0;
    bool id_in_qname = true;  // false: apex or target-mode names, which capture follows by DNS id
    std::optional<std::uint32_t> requested_size;
    std::optional<std::uint16_t> bufsize;  // null: sent without EDNS
    bool dnssec_ok = false;
    std::uint8_t edns_version = 0;
    std::optional<int> question_count;  // set only when not 1
    std::optional<std::uint8_t> opcode;  // set only when not QUERY (0): the unknown-opcode probe
    // The header-bits probe: the bits the query carried, and those the responder was asked to set
    // in its answer (label h<n>) with what the answer arrived with (unset: nothing came back).
    std::optional<HeaderBits> query_bits, answer_bits_asked, answer_bits;
    // The case-0x20 probe: the query name was sent in mixed case; whether the answer's question
    // came back in the same case (unset: no answer).
    bool mixed_case = false;
    std::optional<bool> case_kept;
    bool dont_fragment = false;
    bool df_answer = false;
    bool small_fragments_answer = false;
    std::optional<std::uint32_t> fragment_size;         // the query was sent in fragments of this size
    std::optional<std::uint32_t> answer_fragment_size;  // the answer was asked in fragments of this size
    std::optional<int> tcp_mss;                          // TCP: the segment size its SYN offered
    bool via_proxy = false;
    bool non_dns = false;  // the datagram was not DNS (the non-dns-53 probe's; no question name)
    bool tsig = false;     // the query was TSIG-signed (the tsig probe's)
    std::optional<std::uint16_t> port;  // sent to this port of the server instead of its own
    std::uint32_t query_size = 0;
    Outcome outcome = Outcome::error;
    std::optional<std::uint16_t> rcode;
    std::optional<std::uint32_t> answer_size;  // null when nothing came back
    std::optional<double> rtt_ms;
    int attempts = 0;
    bool ra = false;  // recursion available on the answer (an authoritative server never sets it)
    bool aa = false;
    std::optional<int> icmp_mtu;
    std::string icmp_from;
    std::vector<int> ede;  // EDE info-codes on the answer
    std::optional<Echo> echo;
    std::string source;  // "address:port" the query left from (capture follows TCP by it)
    bool tcp_connected = false;  // TCP: the handshake completed
    std::optional<LocalError> error;  // only for `error` and `undecodable` outcomes
    // A probe that got no whole answer: a dig command line asking the same question the same way
    // (server, transport, EDNS buffer, DO, RD), with what dig cannot send named in a comment.
    std::optional<std::string> reproduce;
};

struct FamilySummary {
    std::optional<int> largest_udp_answer;  // octets of the largest DNS answer delivered over UDP
    std::optional<int> path_mtu;
    std::optional<bool> nat;
    std::optional<double> load_qps_through, load_qps_baseline;
    std::optional<double> load_p99_ms_through, load_p99_ms_baseline;
    // The path's round-trip loss for small UDP queries, measured before the plan (null: not
    // measured); every cause is judged against it.
    std::optional<double> loss_rate;
    std::optional<int> loss_samples;  // queries the rate is measured from
    // The sessions kind's state table: the most flows held open at once (unset: not measured),
    // the flows it held when it filled (unset: it never filled up to tested_to), and what a full
    // table does: "refuse-new" or "evict-old".
    std::optional<int> state_table_tested_to;
    std::optional<int> state_table_capacity;
    std::string state_table_policy;
    // The udp-mapping-timeout kind: how long a flow's mapping waited for a late answer (unset: not
    // measured or no expiry up to tested_to) and the longest delay asked (unset: not measured).
    std::optional<double> udp_mapping_timeout_s;
    std::optional<double> udp_mapping_tested_to_s;
};
// Writes the figures `from` has over `into`'s: each kind sets figures of its own, so the summaries
// of kinds that ran side by side merge without conflict.
void overlay(FamilySummary& into, const FamilySummary& from);

// Source ports of the load kind's bulk traffic: taps leave them out, since they would only flood
// the captures with queries no verdict cites. The first half loads the path through the device,
// the second the baseline (the same ports for both would clash in a balancer's conntrack).
inline constexpr std::uint16_t kLoadSourcePortFirst = 53050;
inline constexpr std::uint16_t kLoadSourcePortCount = 16;
// The second UDP port a lab or bench responder answers DNS on (`respond --alt-port`): the
// non-dns-53 checkpoint asks DNS there, and taps capture it.
inline constexpr std::uint16_t kAltDnsPort = 8053;
inline constexpr std::uint16_t kDotPort = 853;  // DNS over TLS (RFC 7858): the lab's and the bench's responders listen there

// A tap that watched the run: what it saw and whether it lost packets (then it blames nobody).
struct TapSummary {
    std::string name;    // "cpe.in"
    std::string source;  // "netns:dpd-cpe/in"
    std::size_t frames = 0;
    std::uint64_t kernel_drops = 0;
    std::uint64_t interface_drops = 0;
    std::string pcapng;
    std::uint64_t malformed = 0;  // frames it could not parse (truncated, bad headers): counted, never fatal
    // The tap's reassembly overflowed (fragment table or TCP stream buffers): what it missed blames nobody.
    std::uint64_t fragment_overflows = 0;
    std::uint64_t stream_overflows = 0;
};

// One standards item (items.def) as this run's evidence decides it: pass, fail, warn, or na when
// nothing the plan did exercised it. Only its own evidence decides it (A-86 passes when a
// 1220-octet answer arrived, whatever happened to larger ones).
struct StandardEntry {
    std::string item;                       // "JPRS A-86"
    Status status = Status::na;
    std::vector<std::string> probes;        // the probe ids that decide it
    std::vector<Checkpoint> checkpoints;    // the checkpoints whose evidence it read
    std::optional<std::string> why;         // na: "not-exercised" (nothing asked it), "no-verdict"
    std::optional<int> largest;             // sizes items: the largest answer that was exercised
};

struct ProfileInfo {
    std::string name;
    std::string path;    // "(built-in)" for the embedded default
    std::string sha256;
};

// What `dnspath diagnose` was asked and how far its chain went (absent for runs).
struct Diagnosis {
    std::string name;      // the zone, "example.jp."
    std::string server;    // its authoritative server, as queried
    std::string parent;    // the parent's server ("" when not given)
    std::string resolver;  // the resolver checked ("" when not given)
    std::optional<int> symptom;            // JPRS scenario 1..9; null: every scenario
    std::vector<Checkpoint> chain;          // checkpoints in the order the chain ran them
    std::optional<Checkpoint> stopped_at;   // the checkpoint whose finding ended the chain
};

// One question a real resolver was asked after the plan (a signed name of the probe's zone), and
// what came back: the consequence of the path for a validating resolver behind it.
struct ExtendedError {
    int code = 0;      // RFC 8914 INFO-CODE
    std::string text;  // EXTRA-TEXT as the resolver sent it (outside bytes: data, never a sentence)
};
struct ResolverAnswer {
    std::string question;   // "small", "dnskey", "s1000", "s3000": what was asked, by role
    std::string name;       // the query name
    std::uint16_t qtype = 0;
    std::uint32_t size = 0;  // octets the authoritative answer has (0: not fixed, e.g. the DNSKEY set)
    Outcome outcome = Outcome::error;  // never `truncated`: a TC=1 answer was asked again over TCP
    std::optional<int> rcode;
    bool authenticated = false;  // AD=1: the resolver validated it
    std::vector<ExtendedError> errors;
    double ms = 0;               // from the first query to the answer (or the give-up), over UDP then TCP
    bool over_tcp = false;       // the stub's own leg: TC=1 on loopback, asked again over TCP (not the path)
};
struct ResolverExperience {
    std::string name;     // "unbound", or the address when not named
    std::string address;  // as asked, "127.0.0.11:53"
    std::vector<ResolverAnswer> answers;
    // What it says of itself when asked RESINFO for resolver.arpa (RFC 9606, RFC 9462's name for
    // the local resolver): its RCODE (none: no answer) and its keys, reported, not judged.
    std::optional<std::string> self_rcode;
    std::optional<std::string> self_resinfo;
    // SERVFAIL, a timeout or no AD on a signed name: validation failed from this resolver's view.
    std::size_t failures() const;
};

// Which box a device of the path is, when someone said so: the profile's model and firmware for
// it, or `bench --dut-model/--dut-firmware`. Outside text: shown as it is, never translated.
struct DeviceIdentity {
    std::string name;  // the device's name on the path ("home-router")
    std::string model;
    std::string firmware;
};

// How a bench numbered its device under test and the home behind it: what the device's WAN took
// from the bench (DHCPv4, DHCPv6 address, delegated prefix) and what the LAN side got from the
// device. Addresses as text, "" when not learned.
struct Addressing {
    std::string device;  // the device's name on the path
    std::string wan_ipv4, wan_ipv6, delegated_prefix;
    std::string lan_ipv4, lan_ipv6;
    bool lan_in_delegation = false;  // lan_ipv6 lies inside delegated_prefix
};

struct RunResult {
    int schema_version = kSchemaVersion;
    std::string tool_version;
    std::optional<ProfileInfo> profile;
    std::vector<std::string> command_line;
    std::string started_at;  // ISO 8601 UTC
    std::string ended_at;
    std::string host_kernel;
    double duration_s = 0;
    bool interrupted = false;
    std::vector<std::string> targets;
    std::vector<std::string> path;  // device names in path order (probe side first), when known
    std::vector<Verdict> verdicts;
    FamilySummary ipv4;
    FamilySummary ipv6;
    std::vector<ProbeRecord> probes;
    std::vector<TapSummary> taps;
    std::optional<Diagnosis> diagnosis;
    std::vector<ResolverExperience> resolvers;  // real resolvers asked after the plan (`--resolver`)
    std::vector<DeviceIdentity> identities;     // devices whose model or firmware is known
    std::optional<Addressing> addressing;       // set by `bench`
    std::vector<StandardEntry> standards;       // one per standards item the plan touched (probe/judge)
};

// Parameters checked against their declaration: a name the code does not declare, a required one
// missing, a value of the wrong type or outside its word's values. Empty: all is well.
struct ParamProblem {
    enum class What { unknown, missing, mistyped, not_a_value };
    What what = What::unknown;
    std::string param;
};
std::string_view to_string(ParamProblem::What what);
std::vector<ParamProblem> check_params(std::span<const ParamSpec> specs, const Params& params);
std::vector<ParamProblem> check_cause(const Cause& cause);
std::vector<ParamProblem> check_finding(const CaptureFinding& finding);

// `params` with only what `specs` declares (a recast cause keeps the figures its new code has).
Params declared_only(std::span<const ParamSpec> specs, const Params& params);
// The cause becomes `code`: the figures the new code declares are kept, `extra` is added, and
// `instead_of` names the code it replaced where the new code declares it.
Cause recast(const Cause& from, CauseCode code, const Params& extra = Params::object());

// The JSON Schema of a cause ({code, params}, params typed per code) and of a finding's rule and
// params, as docs/result.schema.json's $defs hold them.
nlohmann::json cause_schema();
nlohmann::json finding_params_schema();
// docs/causes.md's parameter column for a code: "`size`, `advertised`, …" ("—" when none).
std::string param_column(CauseCode code);

// The devices a verdict blames, in the order blame lists them.
std::vector<std::string> blamed_devices(const Verdict& verdict);
const ProbeRecord* find_probe(const RunResult& result, std::string_view id);

}  // namespace dnspath::model
