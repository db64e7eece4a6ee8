// The terminal report: findings first, then the verdicts — failures first — fitted to the
// terminal's width (reasons wrap under their column unless wide), a totals line, and the
// per-family summary.
#include <algorithm>
#include <cstdio>

#include "reports/report.h"

namespace dnspath::reports {
namespace {

std::string paint(bool color, Status status, const std::string& text) {
    if (!color) return text;
    const char* code = status == Status::pass   ? "\033[32m"
                       : status == Status::fail ? "\033[1;31m"
                       : status == Status::warn ? "\033[33m"
                                                : "\033[2m";
    return std::string(code) + text + "\033[0m";
}

// `text` in lines of at most `width` columns (bytes; the catalogue is ASCII but for a few signs),
// broken at spaces; every line after the first starts with `indent` spaces.
std::string wrap(const std::string& text, std::size_t indent, std::size_t width) {
    const std::size_t room = width > indent + 20 ? width - indent : 20;
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = start + room;
        if (end >= text.size()) {
            end = text.size();
        } else {
            const auto space = text.rfind(' ', end);
            end = space != std::string::npos && space > start ? space : end;
        }
        if (!out.empty()) out += "\n" + std::string(indent, ' ');
        out += text.substr(start, end - start);
        start = end;
        while (start < text.size() && text[start] == ' ') ++start;
    }
    return out;
}

int rank(Status status) { return status == Status::fail ? 0 : status == Status::warn ? 1 : status == Status::pass ? 2 : 3; }

std::string severity_text(Severity severity) {
    switch (severity) {
        case Severity::broken: return "breaks DNS here";
        case Severity::degraded: return "degrades DNS: lookups still work over TCP, one round trip slower";
        case Severity::notice: return "worth knowing";
    }
    return "";
}

std::string render_findings(const RunResult& result, const TextOptions& options) {
    const auto all = findings(result);
    if (all.empty()) return "";
    std::string out = "Findings\n";
    for (const auto& finding : all) {
        const Status tone = finding.severity == Severity::broken ? Status::fail : Status::warn;
        out += "  " + paint(options.color, tone, finding.device) + " — " + severity_text(finding.severity) + "\n";
        for (const auto& cause : finding.causes) {
            std::string where;
            for (const auto& checkpoint : cause.checkpoints) where += (where.empty() ? "" : ", ") + checkpoint;
            out += "    " + wrap(cause.sentence + " [" + where + "]", 4, options.width) + "\n";
        }
        for (const auto& fix : finding.fixes) out += "    fix: " + wrap(fix, 9, options.width) + "\n";
        if (!finding.items.empty()) {
            std::string items;
            for (const auto& item : finding.items) items += (items.empty() ? "" : "; ") + item;
            out += "    fails: " + wrap(items, 11, options.width) + "\n";
        }
    }
    return out + "\n";
}

std::string render_table(const RunResult& result, const TextOptions& options) {
    std::vector<const Verdict*> ordered;
    for (const auto& verdict : result.verdicts) ordered.push_back(&verdict);
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const Verdict* a, const Verdict* b) { return rank(a->status) < rank(b->status); });
    std::size_t checkpoint_width = 10, device_width = 6;
    for (const auto* verdict : ordered) {
        checkpoint_width = std::max(checkpoint_width, verdict->checkpoint.size());
        std::string blamed;
        for (const auto& device : model::blamed_devices(*verdict)) blamed += (blamed.empty() ? "" : "+") + device;
        device_width = std::max(device_width, blamed.size());
    }
    const std::size_t reason_column = checkpoint_width + 2 + 7 + 8 + device_width + 1;
    char line[256];
    std::snprintf(line, sizeof line, "%-*s  %-6s %-7s %-*s %s\n", static_cast<int>(checkpoint_width), "checkpoint", "family",
                  "verdict", static_cast<int>(device_width), "device", "reason");
    std::string out = line;
    for (const auto* verdict : ordered) {
        std::string status(to_string(verdict->status));
        for (auto& c : status) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        std::string blamed;
        for (const auto& device : model::blamed_devices(*verdict)) blamed += (blamed.empty() ? "" : "+") + device;
        char cell[8];
        std::snprintf(cell, sizeof cell, "%-7s", status.c_str());
        std::snprintf(line, sizeof line, "%-*s  %-6s ", static_cast<int>(checkpoint_width), verdict->checkpoint.c_str(),
                      std::string(to_string(verdict->family)).c_str());
        out += line + paint(options.color, verdict->status, cell);
        std::snprintf(line, sizeof line, " %-*s ", static_cast<int>(device_width), blamed.empty() ? "-" : blamed.c_str());
        const std::string reason = render_cause(*verdict);
        out += line + (options.wide ? reason : wrap(reason, reason_column, options.width)) + "\n";
    }
    return out;
}

std::string totals(const RunResult& result) {
    int counts[4] = {};
    for (const auto& verdict : result.verdicts) ++counts[rank(verdict.status)];
    std::string out = std::to_string(counts[0]) + " failed, " + std::to_string(counts[1]) + " warn, " +
                      std::to_string(counts[2]) + " passed";
    if (counts[3] > 0) out += ", " + std::to_string(counts[3]) + " not measured";
    return out + "\n";
}

std::string summary_line(std::string_view family, const FamilySummary& summary) {
    std::string out = std::string(family) + ": largest UDP answer ";
    out += summary.largest_udp_answer ? std::to_string(*summary.largest_udp_answer) + " octets" : "unknown";
    out += ", path MTU " + (summary.path_mtu ? std::to_string(*summary.path_mtu) : std::string("unknown"));
    out += ", NAT " + (summary.nat ? std::string(*summary.nat ? "yes" : "no") : std::string("unknown"));
    if (summary.load_qps_through && summary.load_qps_baseline) {
        char figures[160];
        std::snprintf(figures, sizeof figures, ", load %.0f q/s through the device vs %.0f without (p99 %.2f vs %.2f ms)",
                      *summary.load_qps_through, *summary.load_qps_baseline, summary.load_p99_ms_through.value_or(0),
                      summary.load_p99_ms_baseline.value_or(0));
        out += figures;
    }
    return out + "\n";
}

}  // namespace

std::string render_text(const RunResult& result, const TextOptions& options) {
    std::string out = render_findings(result, options) + render_table(result, options) + totals(result) + "\n";
    out += summary_line("ipv4", result.ipv4) + summary_line("ipv6", result.ipv6);
    if (result.interrupted) out += "interrupted: these verdicts cover only what was measured before the stop\n";
    return out;
}

}  // namespace dnspath::reports
