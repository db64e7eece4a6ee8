#include "reports/report.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace dnspath::reports {

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
        out += render_cause(verdict) + "\n";
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

Result<std::pair<std::string, std::string>> write_outputs(const RunResult& result, const std::string& dir) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) return fail("cannot create output folder " + dir + ": " + error.message());
    const std::string json_path = (std::filesystem::path(dir) / "result.json").string();
    const std::string html_path = (std::filesystem::path(dir) / "report.html").string();
    DNSPATH_TRY_VOID(write_json(result, json_path));
    std::ofstream html(html_path);
    html << render_html(result);
    if (!html.flush()) return fail("cannot write " + html_path);
    return std::pair{json_path, html_path};
}

int exit_code(const RunResult& result) {
    return std::any_of(result.verdicts.begin(), result.verdicts.end(),
                       [](const Verdict& verdict) { return verdict.status == Status::fail; })
               ? 1
               : 0;
}

}  // namespace dnspath::reports
