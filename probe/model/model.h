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

namespace dnspath::model {

inline constexpr int kSchemaVersion = 1;

enum class Status { pass, fail, warn, na };
enum class Family { ipv4, ipv6, both };

std::string_view to_string(Status status);
std::string_view to_string(Family family);
std::optional<Status> status_from(std::string_view text);
std::optional<Family> family_from(std::string_view text);

// Named values that go with a cause or a capture finding (sizes, directions, counts, devices).
// Which names each code takes is documented in docs/causes.md.
using Params = nlohmann::json;

// Why a verdict came out as it did. The vocabulary is closed: every code is in cause_codes() and
// in docs/causes.md with the evidence that selects it.
enum class CauseCode {
    ok,                    // the checkpoint passed; params hold the figures
    not_measured,          // na; params.why says why (unreachable, target-mode, no-proxy, …)
    no_answer,             // queries got no answer and nothing narrower explains it
    size_cap,              // UDP answers over N are dropped
    edns_buffer_cap,       // TC=1 below the advertised buffer
    truncated_without_tc,  // answers cut short without TC=1
    fragment_filter,       // IP fragments dropped (direction, family)
    mtu,                   // a smaller MTU, with ICMP working
    pmtud_blackhole,       // packets over the MTU vanish and the ICMP too big never arrives
    tcp_filter,            // TCP/53 dropped or reset
    interception,          // port 53 to the target answered or re-originated by another box
    proxy_rewrite,         // a proxy changed the EDNS size, the options or DO
    option_stripped,       // EDNS options (or the OPT record) removed
    do_cleared,            // DO=1 cleared on the way
    rrsig_stripped,        // RRSIGs removed from signed answers
    signature_invalid,     // an RRSIG is there but does not verify
    nat,                   // the server sees another source address
    port_rewrite,          // source ports rewritten into a predictable pattern
    random_loss,           // losses with no size pattern
    rate_limit,            // new flows or queries are rate-limited
    state_table_full,      // new flows dropped once a state table is full
    refused,               // REFUSED (or an ICMP unreachable) where an answer was due
    wrong_rcode,           // answered with another RCODE than the standard wants
    loss_located,          // path-trace: where the lost probe went missing
    query_changed,         // path-trace: the query changed on the way (hop quoted)
    overload,              // device-load: drops or slows under load
    probe_error,           // the probe could not run (a local error; params.detail)
    // The zone's own data (`dnspath diagnose`, JPRS manual items in params.item):
    dnskey_missing,               // no DNSKEY at the apex: the zone is not signed or not loaded signed
    rrsig_missing,                // the server answers DO=1 without RRSIGs, over TCP too
    signature_expired,            // an RRSIG's expiration has passed
    signature_not_yet_valid,      // an RRSIG's inception lies in the future
    signature_expiring,           // an RRSIG expires within the warning window (A-27, warn)
    signing_key_missing,          // an RRSIG names a key not in the apex DNSKEY RRset
    sep_key_missing,              // no DNSKEY with the SEP flag (KSK, 257) at the apex
    ds_missing,                   // the parent has no DS for a signed child
    ds_algorithm_mismatch,        // no apex KSK has the DS's algorithm
    ds_digest_mismatch,           // no apex DNSKEY has the DS's key tag and digest
    ds_key_not_zone_key,          // the DS's key lacks the Zone Key flag
    dnskey_not_signed_by_ds_key,  // the DS's key does not sign the DNSKEY RRset
    ds_ttl_mismatch,              // DS TTL differs from the delegation NS TTL (A-81, warn)
    referral_without_ds,          // the parent's referral lacks the DS or its RRSIG
    ds_at_apex,                   // the child serves a DS at its own apex
    nsec3param_missing,           // NSEC3 denial without NSEC3PARAM at the apex
    opt_out_mismatch,             // NSEC3 opt-out other than the zone is configured for
    denial_missing,               // a nonexistent name is denied without NSEC/NSEC3 or their RRSIGs
    ad_missing,                   // a validating resolver answers a signed name without AD (F-2)
    validation_failed,            // the resolver answers SERVFAIL, EDE decoded (F-154, F-27, F-28)
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
enum class FindingRule {
    query_dropped,          // the query vanished inside a device
    answer_dropped,         // the answer vanished inside a device
    fragments_dropped,      // some fragments of a datagram crossed, the rest did not
    icmp_too_big,           // the device refused the packet as too big and said so (not blamed)
    icmp_time_exceeded,     // TTL ran out and the device said so (not blamed)
    icmp_unreachable,       // the device rejected the packet with ICMP unreachable
    icmp_dropped,           // the device dropped an ICMP too big another box sent (PMTUD black hole)
    answered_locally,       // the device answered a query the server never saw
    opt_removed,            // OPT record removed (params.direction)
    bufsize_rewritten,      // EDNS buffer size changed in the query
    do_cleared,             // DO cleared in the query
    options_stripped,       // EDNS options removed in place (same DNS id)
    tc_set,                 // TC=1 set on an answer that had none
    answer_cut,             // answer shortened without TC
    rrsig_stripped,         // RRSIGs removed from the answer
    tcp_syn_dropped,        // the TCP SYN vanished inside a device
    tcp_syn_reset,          // the TCP SYN was answered with a reset
    tcp_synack_dropped,     // the SYN-ACK vanished inside a device
    tcp_data_dropped,       // handshake passed, the answer's segments vanished
    reoriginated,           // a proxy re-originated the message (DNS id changed) — note
    destination_changed,    // DNAT or interception changed the query's destination — note
    source_translated,      // NAT changed the source address or port — note
    ttl_lowered,            // TTL down by more than one (hops hidden inside) — note
    ttl_raised,             // TTL raised (the device re-sent the packet) — note
    reassembled,            // fragments reassembled or re-fragmented — note
    not_at_first_tap,       // the query never reached the first tap
    lost_between_taps,      // lost where no device is tapped (params.between)
    tap_lost_packets,       // a tap next to the loss dropped packets itself: nobody blamed
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
struct Verdict {
    std::string checkpoint;
    Family family = Family::both;
    Status status = Status::na;
    Cause cause;
    // The cause the probe's view alone gave, kept when the taps changed it (judging again starts
    // from it, so re-analysis replaces and never compounds).
    std::optional<Cause> probe_cause;
    std::vector<std::string> probes;         // the probe ids behind it
    std::vector<Blame> blame;                // empty: nobody blamed (or no taps)
    std::vector<CaptureFinding> findings;    // what the taps saw about its probes
};

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
};

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
    bool dont_fragment = false;
    bool df_answer = false;
    bool small_fragments_answer = false;
    std::optional<std::uint32_t> fragment_size;
    bool via_proxy = false;
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
    std::string detail;  // a local error's text (OS errors), only for `error` outcomes
};

struct FamilySummary {
    std::optional<int> largest_udp_answer;  // octets of the largest DNS answer delivered over UDP
    std::optional<int> path_mtu;
    std::optional<bool> nat;
    std::optional<double> load_qps_through, load_qps_baseline;
    std::optional<double> load_p99_ms_through, load_p99_ms_baseline;
};

// Source ports of the load kind's bulk traffic: taps leave them out, since they would only flood
// the captures with queries no verdict cites. The first half loads the path through the device,
// the second the baseline (the same ports for both would clash in a balancer's conntrack).
inline constexpr std::uint16_t kLoadSourcePortFirst = 53050;
inline constexpr std::uint16_t kLoadSourcePortCount = 16;

// A tap that watched the run: what it saw and whether it lost packets (then it blames nobody).
struct TapSummary {
    std::string name;    // "cpe.in"
    std::string source;  // "netns:dpd-cpe/in"
    std::size_t frames = 0;
    std::uint64_t kernel_drops = 0;
    std::uint64_t interface_drops = 0;
    std::string pcapng;
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
    std::vector<std::string> chain;        // checkpoints in the order the chain ran them
    std::optional<std::string> stopped_at;  // the checkpoint whose finding ended the chain
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
    std::string outcome;     // "answer", "timeout", "refused", "reset", "error", "undecodable"
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
};

// The registry of probe kinds: each kind's id, the checkpoints it decides, and the seed-document
// items each checkpoint answers (JPRS, DNSSEC Japan). The engine joins its measure and judge
// functions to it; profile validation, the report catalogue and docs/checkpoints.md are checked
// against it. Ids are a stable interface: add, never rename.
struct CheckpointEntry {
    std::string_view id;
    std::vector<std::string_view> sources;
};
struct KindEntry {
    std::string_view id;
    std::vector<CheckpointEntry> checkpoints;
    bool in_plan = true;  // false: run before every plan (reachability), not listed in one
};
const std::vector<KindEntry>& kind_registry();
const CheckpointEntry* find_checkpoint(std::string_view checkpoint);
// The kinds a plan may list, in registry order, and the same as "a|b|c" for validation messages.
std::vector<std::string> plan_kinds();
std::string_view plan_kind_choices();

// The devices a verdict blames, in the order blame lists them.
std::vector<std::string> blamed_devices(const Verdict& verdict);
const ProbeRecord* find_probe(const RunResult& result, std::string_view id);

}  // namespace dnspath::model
