// The result of a run — verdicts per checkpoint with their evidence, per-family summary and the raw
// probe outcomes — and the renderers that turn it into result.json and a terminal table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/wire/result.h"

namespace dnspath::reports {

enum class Status { pass, fail, warn, na };
enum class Family { ipv4, ipv6, both };

std::string_view to_string(Status status);
std::string_view to_string(Family family);

// One checkpoint's verdict for one address family; `device` names the guilty box once capture
// has attributed it.
struct Verdict {
    std::string checkpoint;
    Family family = Family::both;
    Status status = Status::na;
    std::optional<std::string> device;  // the one device that caused it, when capture could tell
    std::string reason;
    std::vector<std::string> evidence;  // probe ids and what was seen, for a person to check
    std::vector<std::string> devices;   // when its probes were lost or changed at several devices
};

struct FamilySummary {
    std::optional<int> largest_udp_answer;  // octets of the largest DNS answer delivered over UDP
    std::optional<int> path_mtu;
    std::optional<bool> nat;
    // The load kind's figures: answered queries per second and p99 latency, through the device
    // and without it.
    std::optional<double> load_qps_through, load_qps_baseline;
    std::optional<double> load_p99_ms_through, load_p99_ms_baseline;
};

// Source ports of the load kind's bulk traffic: taps leave them out, since they would only flood
// the captures with queries no verdict cites. The first half loads the path through the device,
// the second the baseline: the same ports for both would clash in a load balancer's conntrack
// (same reply tuple) and be remapped out of the range.
inline constexpr std::uint16_t kLoadSourcePortFirst = 53050;
inline constexpr std::uint16_t kLoadSourcePortCount = 16;

// What one probe did, whatever came of it: the raw material verdicts are drawn from.
struct ProbeRecord {
    std::string id;
    std::string kind;       // probe kind, e.g. "edns-size"
    std::string family;     // "ipv4" / "ipv6"
    std::string transport;  // "udp" / "tcp"
    std::string request;    // what was asked, e.g. "size=1232 bufsize=4096 do=0"
    std::string outcome;    // "answer", "truncated", "timeout", "error", "refused", …
    int answer_size = 0;    // octets of the DNS message received, 0 when none
    double rtt_ms = 0;
    std::string note;
    std::string source;  // "address:port" the query left from (capture follows TCP by it)
    // How capture finds this probe when its name carries no probe id (zone apex queries): "#<DNS id>".
    std::string capture_key;
};

// A tap that watched the run: what it saw and whether it lost packets (then it blames nobody).
struct TapSummary {
    std::string name;    // "cpe.in"
    std::string source;  // "netns:dpd-cpe/in"
    std::size_t frames = 0;
    std::uint64_t kernel_drops = 0;
    std::uint64_t interface_drops = 0;
    std::string pcapng;  // where its capture was written
};

struct RunResult {
    std::string tool_version;
    std::string started_at;  // ISO 8601 UTC
    double duration_s = 0;
    bool interrupted = false;  // stopped by a signal: what is here was measured before it
    std::vector<std::string> targets;
    std::vector<Verdict> verdicts;
    FamilySummary ipv4;
    FamilySummary ipv6;
    std::vector<ProbeRecord> probes;
    std::vector<TapSummary> taps;
};

// The devices a verdict names: its one device, or the several its probes pointed at.
std::vector<std::string> blamed_devices(const Verdict& verdict);

// The seed-document items a checkpoint answers, e.g. {"JPRS A-86/F-86", "DNSSEC Japan ⑤-1"}.
std::vector<std::string> checkpoint_sources(std::string_view checkpoint);
std::string_view checkpoint_title(std::string_view checkpoint);

std::string to_json(const RunResult& result);
Result<void> write_json(const RunResult& result, const std::string& path);
// Reads a result.json back (for `dnspath report`); a missing or malformed file is an Error.
Result<RunResult> read_json(const std::string& path);
std::string render_text(const RunResult& result, bool color);
// One self-contained HTML page: the path with the guilty devices marked, charts, every verdict.
std::string render_html(const RunResult& result);
// 0 when no checkpoint failed, 1 when one did (the CLI's documented exit codes).
int exit_code(const RunResult& result);

}  // namespace dnspath::reports
