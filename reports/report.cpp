#include "reports/report.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

namespace dnspath::reports {
namespace {

struct CheckpointInfo {
    std::string_view id;
    std::string_view title;
    std::vector<std::string> sources;
};

// Checkpoint ids are a stable interface (docs/checkpoints.md): add, never rename.
const std::vector<CheckpointInfo>& catalog() {
    static const std::vector<CheckpointInfo> table = {
        {"reachability", "The target answers a small query", {"JPRS scenario 1 step 1 (always fails)"}},
        {"udp-large", "Large UDP answers pass",
         {"DNSSEC Japan ⑤ LB-1 (large UDP)", "JPRS A-85/F-85", "JPRS A-86/F-86 (1220 octets)",
          "JPRS A-87/F-87 (4000 octets)", "JPRS scenario 1 step 3"}},
        {"udp-fragments", "Fragmented UDP passes", {"DNSSEC Japan ⑤ LB-2 (UDP fragments)", "JPRS F-147"}},
        {"tcp-fallback", "TC=1 answers are retried over TCP", {"DNSSEC Japan ⑤ LB-3 (TCP fallback)", "JPRS scenario 1 step 3"}},
        {"tcp-direct", "TCP/53 is not filtered", {"JPRS common-1", "DNSSEC Japan: TCP port 53 filtering"}},
        {"pmtu", "Path MTU discovery works", {"JPRS common-4"}},
        {"nat", "Global reachability, not NAT", {"DNSSEC Japan ⑤ LB-4 (global reachability vs NAT)"}},
        {"port-randomness", "Source ports stay random", {"DNSSEC Japan: UDP state handling"}},
        {"dnssec-passthrough", "DNSSEC records pass", {"JPRS A-95", "JPRS F-130"}},
        {"edns-options", "EDNS options pass unchanged", {"RFC 8914 EDE (seeds 000/001)", "RFC 9567 Report-Channel (seed 002)"}},
        {"edns-version", "EDNS version 1 gets BADVERS", {"RFC 6891 6.1.3", "DNSSEC Japan: EDNS0 handling"}},
        {"qdcount", "QDCOUNT other than 1 gets FORMERR", {"RFC 9619 (seed 002)"}},
        {"udp-no-edns", "Plain DNS answers up to 512 octets", {"RFC 1035 4.2.1", "JPRS A-85/F-85"}},
        {"edns-truncation", "Oversized answers come back TC=1", {"RFC 6891 7", "JPRS scenario 2"}},
        {"path-trace", "Where a probe goes (TTL-limited copies)", {"tracebox-style localization", "JPRS scenario 2"}},
        {"dns-proxy", "A DNS proxy passes DNSSEC answers",
         {"DNSSEC Japan: DNS proxy functions", "JPRS F-85/F-86/F-87", "JPRS A-95"}},
        {"udp-sessions", "Many new UDP flows at once pass", {"DNSSEC Japan ⑤ (number of UDP sessions)"}},
        {"device-load", "Throughput and latency through the device",
         {"DNSSEC Japan lab: load test through router and LB"}},
    };
    return table;
}

const CheckpointInfo* find_checkpoint(std::string_view id) {
    for (const auto& info : catalog())
        if (info.id == id) return &info;
    return nullptr;
}

template <typename T>
nlohmann::json optional_json(const std::optional<T>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json summary_json(const FamilySummary& summary) {
    return {{"largest_udp_answer", optional_json(summary.largest_udp_answer)},
            {"path_mtu", optional_json(summary.path_mtu)},
            {"nat", optional_json(summary.nat)},
            {"load_qps_through", optional_json(summary.load_qps_through)},
            {"load_qps_baseline", optional_json(summary.load_qps_baseline)},
            {"load_p99_ms_through", optional_json(summary.load_p99_ms_through)},
            {"load_p99_ms_baseline", optional_json(summary.load_p99_ms_baseline)}};
}

}  // namespace

std::vector<std::string> blamed_devices(const Verdict& verdict) {
    if (verdict.device) return {*verdict.device};
    return verdict.devices;
}

std::string_view to_string(Status status) {
    switch (status) {
        case Status::pass: return "pass";
        case Status::fail: return "fail";
        case Status::warn: return "warn";
        case Status::na: return "na";
    }
    return "na";
}

std::string_view to_string(Family family) {
    switch (family) {
        case Family::ipv4: return "ipv4";
        case Family::ipv6: return "ipv6";
        case Family::both: return "both";
    }
    return "both";
}

std::vector<std::string> checkpoint_sources(std::string_view checkpoint) {
    const auto* info = find_checkpoint(checkpoint);
    return info ? info->sources : std::vector<std::string>{};
}

std::string_view checkpoint_title(std::string_view checkpoint) {
    const auto* info = find_checkpoint(checkpoint);
    return info ? info->title : checkpoint;
}

std::string to_json(const RunResult& result) {
    nlohmann::json verdicts = nlohmann::json::array();
    for (const auto& verdict : result.verdicts) {
        verdicts.push_back({{"checkpoint", verdict.checkpoint},
                            {"title", checkpoint_title(verdict.checkpoint)},
                            {"family", to_string(verdict.family)},
                            {"status", to_string(verdict.status)},
                            {"device", optional_json(verdict.device)},
                            {"devices", verdict.devices},
                            {"reason", verdict.reason},
                            {"sources", checkpoint_sources(verdict.checkpoint)},
                            {"evidence", verdict.evidence}});
    }
    nlohmann::json probes = nlohmann::json::array();
    for (const auto& probe : result.probes) {
        probes.push_back({{"id", probe.id},
                          {"kind", probe.kind},
                          {"family", probe.family},
                          {"transport", probe.transport},
                          {"request", probe.request},
                          {"outcome", probe.outcome},
                          {"answer_size", probe.answer_size},
                          {"rtt_ms", probe.rtt_ms},
                          {"note", probe.note},
                          {"source", probe.source},
                          {"capture_key", probe.capture_key}});
    }
    nlohmann::json taps = nlohmann::json::array();
    for (const auto& tap : result.taps)
        taps.push_back({{"name", tap.name},
                        {"source", tap.source},
                        {"frames", tap.frames},
                        {"kernel_drops", tap.kernel_drops},
                        {"interface_drops", tap.interface_drops},
                        {"pcapng", tap.pcapng}});
    nlohmann::json document = {
        {"tool", "dnspath"},
        {"version", result.tool_version},
        {"started_at", result.started_at},
        {"duration_s", result.duration_s},
        {"interrupted", result.interrupted},
        {"targets", result.targets},
        {"verdicts", verdicts},
        {"summary", {{"ipv4", summary_json(result.ipv4)}, {"ipv6", summary_json(result.ipv6)}}},
        {"probes", probes},
        {"taps", taps},
    };
    return document.dump(2) + "\n";
}

Result<void> write_json(const RunResult& result, const std::string& path) {
    // Write beside and rename, so an interrupted write never leaves half a result.json.
    const std::string temporary = path + ".partial";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) return fail("cannot write " + temporary);
        out << to_json(result);
        if (!out.flush()) return fail("cannot write " + temporary);
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) return fail("cannot rename " + temporary + " to " + path);
    return Ok{};
}

Result<RunResult> read_json(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("cannot read " + path);
    nlohmann::json document = nlohmann::json::parse(in, nullptr, false);
    if (document.is_discarded() || !document.is_object()) return fail(path + ": not a JSON document");
    auto status_of = [](const std::string& text) {
        return text == "pass" ? Status::pass : text == "fail" ? Status::fail : text == "warn" ? Status::warn : Status::na;
    };
    auto family_of = [](const std::string& text) {
        return text == "ipv4" ? Family::ipv4 : text == "ipv6" ? Family::ipv6 : Family::both;
    };
    auto optional_int = [](const nlohmann::json& value) -> std::optional<int> {
        return value.is_number_integer() ? std::optional<int>(value.get<int>()) : std::nullopt;
    };
    auto summary_of = [&](const nlohmann::json& value) {
        FamilySummary summary;
        if (!value.is_object()) return summary;
        summary.largest_udp_answer = optional_int(value.value("largest_udp_answer", nlohmann::json()));
        summary.path_mtu = optional_int(value.value("path_mtu", nlohmann::json()));
        auto nat = value.value("nat", nlohmann::json());
        if (nat.is_boolean()) summary.nat = nat.get<bool>();
        for (auto [key, into] : {std::pair{"load_qps_through", &summary.load_qps_through},
                                 std::pair{"load_qps_baseline", &summary.load_qps_baseline},
                                 std::pair{"load_p99_ms_through", &summary.load_p99_ms_through},
                                 std::pair{"load_p99_ms_baseline", &summary.load_p99_ms_baseline}})
            if (auto figure = value.value(key, nlohmann::json()); figure.is_number()) *into = figure.get<double>();
        return summary;
    };
    RunResult result;
    try {
        if (document.value("tool", "") != "dnspath") return fail(path + ": not a dnspath result (no \"tool\": \"dnspath\")");
        result.tool_version = document.value("version", "");
        result.started_at = document.value("started_at", "");
        result.duration_s = document.value("duration_s", 0.0);
        result.interrupted = document.value("interrupted", false);
        result.targets = document.value("targets", std::vector<std::string>{});
        for (const auto& entry : document.value("verdicts", nlohmann::json::array())) {
            Verdict verdict;
            verdict.checkpoint = entry.value("checkpoint", "");
            verdict.family = family_of(entry.value("family", "both"));
            verdict.status = status_of(entry.value("status", "na"));
            if (entry.contains("device") && entry["device"].is_string()) verdict.device = entry["device"].get<std::string>();
            if (entry.contains("devices") && entry["devices"].is_array())
                for (const auto& device : entry["devices"])
                    if (device.is_string()) verdict.devices.push_back(device.get<std::string>());
            verdict.reason = entry.value("reason", "");
            verdict.evidence = entry.value("evidence", std::vector<std::string>{});
            result.verdicts.push_back(std::move(verdict));
        }
        if (document.contains("summary")) {
            result.ipv4 = summary_of(document["summary"].value("ipv4", nlohmann::json()));
            result.ipv6 = summary_of(document["summary"].value("ipv6", nlohmann::json()));
        }
        for (const auto& entry : document.value("probes", nlohmann::json::array())) {
            ProbeRecord probe;
            probe.id = entry.value("id", "");
            probe.kind = entry.value("kind", "");
            probe.family = entry.value("family", "");
            probe.transport = entry.value("transport", "");
            probe.request = entry.value("request", "");
            probe.outcome = entry.value("outcome", "");
            probe.answer_size = entry.value("answer_size", 0);
            probe.rtt_ms = entry.value("rtt_ms", 0.0);
            probe.note = entry.value("note", "");
            probe.source = entry.value("source", "");
            probe.capture_key = entry.value("capture_key", "");
            result.probes.push_back(std::move(probe));
        }
        for (const auto& entry : document.value("taps", nlohmann::json::array())) {
            TapSummary tap;
            tap.name = entry.value("name", "");
            tap.source = entry.value("source", "");
            tap.frames = entry.value("frames", std::size_t{0});
            tap.kernel_drops = entry.value("kernel_drops", std::uint64_t{0});
            tap.interface_drops = entry.value("interface_drops", std::uint64_t{0});
            tap.pcapng = entry.value("pcapng", "");
            result.taps.push_back(std::move(tap));
        }
    } catch (const nlohmann::json::exception& error) {
        return fail(path + ": unexpected field type: " + error.what());
    }
    return result;
}

std::string render_text(const RunResult& result, bool color) {
    auto paint = [color](Status status, std::string text) {
        if (!color) return text;
        const char* code = status == Status::pass   ? "\033[32m"
                           : status == Status::fail ? "\033[1;31m"
                           : status == Status::warn ? "\033[33m"
                                                    : "\033[2m";
        return std::string(code) + text + "\033[0m";
    };
    std::string out;
    std::size_t width = 10;
    for (const auto& verdict : result.verdicts) width = std::max(width, verdict.checkpoint.size());
    char line[160];
    std::snprintf(line, sizeof line, "%-*s  %-6s %-7s %-10s %s\n", static_cast<int>(width), "checkpoint", "family",
                  "verdict", "device", "reason");
    out += line;
    for (const auto& verdict : result.verdicts) {
        std::string status(to_string(verdict.status));
        for (auto& c : status) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        std::snprintf(line, sizeof line, "%-*s  %-6s ", static_cast<int>(width), verdict.checkpoint.c_str(),
                      std::string(to_string(verdict.family)).c_str());
        out += line;
        char status_cell[12];
        std::snprintf(status_cell, sizeof status_cell, "%-7s", status.c_str());
        out += paint(verdict.status, status_cell);
        std::string blamed;
        for (const auto& device : blamed_devices(verdict)) blamed += (blamed.empty() ? "" : "+") + device;
        if (blamed.empty()) blamed = "-";
        std::snprintf(line, sizeof line, " %-10s ", blamed.c_str());
        out += line;
        out += verdict.reason + "\n";
    }
    auto summary_line = [&](std::string_view family, const FamilySummary& summary) {
        out += std::string(family) + ": largest UDP answer ";
        out += summary.largest_udp_answer ? std::to_string(*summary.largest_udp_answer) + " octets" : "unknown";
        out += ", path MTU " + (summary.path_mtu ? std::to_string(*summary.path_mtu) : std::string("unknown"));
        out += ", NAT " + (summary.nat ? std::string(*summary.nat ? "yes" : "no") : std::string("unknown"));
        if (summary.load_qps_through && summary.load_qps_baseline) {
            char figures[160];
            std::snprintf(figures, sizeof figures, ", load %.0f q/s through the device vs %.0f without (p99 %.2f vs %.2f ms)",
                          *summary.load_qps_through, *summary.load_qps_baseline,
                          summary.load_p99_ms_through.value_or(0), summary.load_p99_ms_baseline.value_or(0));
            out += figures;
        }
        out += "\n";
    };
    out += "\n";
    summary_line("ipv4", result.ipv4);
    summary_line("ipv6", result.ipv6);
    if (result.interrupted) out += "interrupted: these verdicts cover only what was measured before the stop\n";
    return out;
}

int exit_code(const RunResult& result) {
    return std::any_of(result.verdicts.begin(), result.verdicts.end(),
                       [](const Verdict& verdict) { return verdict.status == Status::fail; })
               ? 1
               : 0;
}

}  // namespace dnspath::reports
