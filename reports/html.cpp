// The HTML report: one self-contained page a person would rather look at than read — the path
// drawn with the guilty devices marked, the answer-size ladder per family as a chart, the load
// figures as bars, and every verdict with its sources and evidence one click away.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "reports/messages.h"

namespace dnspath::reports {
namespace {

std::string escape(std::string_view text) { return escape_markup(text); }

std::string number(double value, int decimals = 0) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

const char* status_color(Status status) {
    switch (status) {
        case Status::pass: return "#2e7d32";
        case Status::fail: return "#c62828";
        case Status::warn: return "#ef8f00";
        case Status::na: return "#757575";
    }
    return "#757575";
}

// The findings, on top: each guilty device, what it does, how bad, the fix, the items it fails.
std::string findings_html(const RunResult& result, Language language) {
    const auto all = findings(result, language);
    if (all.empty()) return "";
    std::ostringstream html;
    html << "<h2>" << escape(word("findings", language)) << "</h2>\n";
    for (const auto& finding : all) {
        const char* color = finding.severity == Severity::broken ? "#c62828" : "#ef8f00";
        html << "<div class=\"finding\" style=\"border-left:4px solid " << color << ";padding:4px 12px;margin:8px 0\">"
             << "<b>" << escape(finding.device) << "</b> <span class=\"pill\" style=\"background:" << color << "\">"
             << escape(word("severity-name:" + std::string(to_string(finding.severity)), language)) << "</span><ul>";
        for (const auto& cause : finding.causes) {
            html << "<li>" << escape(cause.sentence) << " <span class=\"src\">";
            for (std::size_t i = 0; i < cause.checkpoints.size(); ++i) html << (i ? ", " : "") << escape(cause.checkpoints[i]);
            html << "</span></li>";
        }
        html << "</ul>";
        for (const auto& fix : finding.fixes) html << "<p><b>" << escape(word("fix", language)) << ":</b> " << escape(fix) << "</p>";
        if (!finding.items.empty()) {
            html << "<p class=\"src\">" << escape(word("fails", language)) << ":";
            for (const auto& item : finding.items) html << " " << escape(item) << ";";
            html << "</p>";
        }
        html << "</div>\n";
    }
    return html.str();
}

// What a person checks a verdict against: its probes as sent and answered, then what the taps saw.
std::vector<std::string> evidence_lines(const RunResult& result, const Verdict& verdict, Language language) {
    std::vector<std::string> lines;
    for (const auto& id : verdict.probes)
        if (const auto* probe = model::find_probe(result, id)) lines.push_back(render_probe(*probe, language));
    for (const auto& finding : verdict.findings) lines.push_back(word("capture", language) + ": " + render_finding(finding, language));
    return lines;
}

// Devices in path order, from the taps' names ("cpe.in", "cpe.out", …).
std::vector<std::string> path_devices(const RunResult& result) {
    std::vector<std::string> devices = result.path;
    for (const auto& tap : result.taps) {
        auto dot = tap.name.rfind('.');
        std::string device = dot == std::string::npos ? tap.name : tap.name.substr(0, dot);
        if (std::find(devices.begin(), devices.end(), device) == devices.end()) devices.push_back(device);
    }
    for (const auto& verdict : result.verdicts)  // blamed devices without taps (a result from elsewhere)
        for (const auto& device : blamed_devices(verdict))
            if (std::find(devices.begin(), devices.end(), device) == devices.end()) devices.push_back(device);
    return devices;
}

// The path: probe, each device (red when a failing verdict names it, amber for a warning), the
// server; taps as dots on either side of a device (red when they lost packets).
std::string path_diagram(const RunResult& result, Language language) {
    const auto devices = path_devices(result);
    std::map<std::string, std::set<std::string>> failing, warning;
    for (const auto& verdict : result.verdicts) {
        for (const auto& device : blamed_devices(verdict)) {
            const std::string label = verdict.checkpoint + "/" + std::string(to_string(verdict.family));
            if (verdict.status == Status::fail) failing[device].insert(label);
            if (verdict.status == Status::warn) warning[device].insert(label);
        }
    }
    std::map<std::string, const TapSummary*> taps;
    for (const auto& tap : result.taps) taps[tap.name] = &tap;
    const int step = 190, box_width = 130, top = 30, box_height = 54;
    const int width = step * static_cast<int>(devices.size() + 2);
    std::ostringstream svg;
    svg << "<svg class=\"path\" viewBox=\"0 0 " << width << " 200\" width=\"" << width
        << "\" height=\"200\" role=\"img\" aria-label=\"the probed path\">\n";
    std::vector<std::string> nodes{word("probe", language)};
    nodes.insert(nodes.end(), devices.begin(), devices.end());
    nodes.push_back(result.targets.empty() ? word("server", language) : word("server", language) + " " + result.targets.front());
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const int x = 20 + step * static_cast<int>(i);
        if (i + 1 < nodes.size())
            svg << "<line x1=\"" << x + box_width << "\" y1=\"" << top + box_height / 2 << "\" x2=\"" << x + step
                << "\" y2=\"" << top + box_height / 2 << "\" stroke=\"#555\" stroke-width=\"2\"/>\n";
        const bool device = i > 0 && i + 1 < nodes.size();
        const std::string& name = nodes[i];
        const char* fill = "#eceff1";
        std::string css = "host";
        if (device) {
            fill = failing.count(name) ? "#ffcdd2" : warning.count(name) ? "#ffe0b2" : "#c8e6c9";
            css = failing.count(name) ? "device guilty" : warning.count(name) ? "device suspect" : "device clean";
        }
        svg << "<g class=\"" << css << "\"><rect x=\"" << x << "\" y=\"" << top << "\" width=\"" << box_width
            << "\" height=\"" << box_height << "\" rx=\"8\" fill=\"" << fill << "\" stroke=\""
            << (device && failing.count(name) ? "#c62828" : "#455a64") << "\" stroke-width=\""
            << (device && failing.count(name) ? 3 : 1) << "\"/>\n"
            << "<text x=\"" << x + box_width / 2 << "\" y=\"" << top + 32 << "\" text-anchor=\"middle\" font-weight=\"bold\">"
            << escape(name.size() > 18 ? name.substr(0, 18) : name) << "</text></g>\n";
        if (device) {
            int line = 0;
            for (const auto* blamed : {&failing, &warning}) {
                auto found = blamed->find(name);
                if (found == blamed->end()) continue;
                for (const auto& label : found->second) {
                    if (line == 5) break;
                    svg << "<text x=\"" << x + box_width / 2 << "\" y=\"" << top + box_height + 18 + 15 * line
                        << "\" text-anchor=\"middle\" font-size=\"11\" fill=\"" << (blamed == &failing ? "#c62828" : "#ef8f00")
                        << "\">" << escape(label) << "</text>\n";
                    ++line;
                }
            }
            for (const auto& [side, dx] : {std::pair{".in", -8}, std::pair{".out", box_width + 8}}) {
                auto tap = taps.find(name + side);
                if (tap == taps.end()) continue;
                const bool lost = tap->second->kernel_drops + tap->second->interface_drops > 0;
                svg << "<circle cx=\"" << x + dx << "\" cy=\"" << top + box_height / 2 << "\" r=\"6\" fill=\""
                    << (lost ? "#c62828" : "#1565c0") << "\"><title>"
                    << escape(fill_text(word("tap-title", language),
                                        {{"tap", tap->second->name}, {"frames", tap->second->frames},
                                         {"lost", tap->second->kernel_drops + tap->second->interface_drops}},
                                        language))
                    << (tap->second->pcapng.empty() ? "" : " — " + escape(tap->second->pcapng))
                    << "</title></circle>\n";
            }
        }
    }
    svg << "</svg>\n";
    return svg.str();
}

// The answer-size ladder: each edns-size probe at its requested size, green delivered, amber
// TC=1, red lost; the largest delivered size and the path MTU marked.
std::string size_chart(const RunResult& result, Language language) {
    struct Point {
        int size;
        std::string outcome;
        std::string id;
    };
    std::map<std::string, std::vector<Point>> by_family;
    for (const auto& probe : result.probes) {
        if (probe.kind != "edns-size" || !probe.requested_size) continue;
        by_family[std::string(to_string(probe.family))].push_back(
            {static_cast<int>(*probe.requested_size), std::string(to_string(probe.outcome)), probe.id});
    }
    if (by_family.empty()) return "";
    const int left = 60, width = 760, row = 60, low = 400, high = 4200;
    auto x_of = [&](double size) { return left + (size - low) * width / (high - low); };
    std::ostringstream svg;
    const int height = 40 + row * static_cast<int>(by_family.size());
    svg << "<svg viewBox=\"0 0 " << left + width + 20 << " " << height << "\" width=\"" << left + width + 20
        << "\" height=\"" << height << "\" role=\"img\" aria-label=\"answer sizes delivered\">\n";
    for (int tick : {512, 1232, 1500, 2048, 3000, 4096}) {
        svg << "<line x1=\"" << x_of(tick) << "\" y1=\"10\" x2=\"" << x_of(tick) << "\" y2=\"" << height - 20
            << "\" stroke=\"#ddd\"/><text x=\"" << x_of(tick) << "\" y=\"" << height - 6
            << "\" font-size=\"11\" text-anchor=\"middle\">" << tick << "</text>\n";
    }
    int index = 0;
    for (const auto& [family, points] : by_family) {
        const int y = 30 + row * index++;
        svg << "<text x=\"4\" y=\"" << y + 4 << "\" font-size=\"12\">" << escape(family) << "</text>\n";
        const auto& summary = family == "ipv6" ? result.ipv6 : result.ipv4;
        if (summary.largest_udp_answer)
            svg << "<line x1=\"" << x_of(*summary.largest_udp_answer) << "\" y1=\"" << y - 16 << "\" x2=\""
                << x_of(*summary.largest_udp_answer) << "\" y2=\"" << y + 16
                << "\" stroke=\"#2e7d32\" stroke-dasharray=\"3 2\"><title>"
                << escape(fill_text(word("largest-delivered", language), {{"n", *summary.largest_udp_answer}}, language))
                << "</title></line>\n";
        if (summary.path_mtu)
            svg << "<line x1=\"" << x_of(*summary.path_mtu) << "\" y1=\"" << y - 16 << "\" x2=\""
                << x_of(*summary.path_mtu) << "\" y2=\"" << y + 16
                << "\" stroke=\"#6a1b9a\" stroke-dasharray=\"1 3\"><title>"
                << escape(fill_text(word("path-mtu", language), {{"n", *summary.path_mtu}}, language)) << "</title></line>\n";
        for (const auto& point : points) {
            const char* color = point.outcome == "answer" ? "#2e7d32" : point.outcome == "truncated" ? "#ef8f00" : "#c62828";
            svg << "<circle cx=\"" << x_of(std::clamp(point.size, low, high)) << "\" cy=\"" << y << "\" r=\"5\" fill=\""
                << color << "\"><title>" << escape(point.id) << ": " << point.size << " octets, "
                << escape(point.outcome) << "</title></circle>\n";
        }
    }
    svg << "</svg>\n";
    return svg.str();
}

// Queries per second through the device and without it, per family.
std::string load_chart(const RunResult& result, Language language) {
    std::vector<std::tuple<std::string, double, double>> rows;
    for (const auto& [family, summary] : {std::pair{"ipv4", &result.ipv4}, std::pair{"ipv6", &result.ipv6}})
        if (summary->load_qps_through && summary->load_qps_baseline)
            rows.emplace_back(family, *summary->load_qps_through, *summary->load_qps_baseline);
    if (rows.empty()) return "";
    double most = 1;
    for (const auto& [family, through, baseline] : rows) most = std::max({most, through, baseline});
    std::ostringstream svg;
    const int height = 20 + 56 * static_cast<int>(rows.size());
    svg << "<svg viewBox=\"0 0 700 " << height << "\" width=\"700\" height=\"" << height
        << "\" role=\"img\" aria-label=\"load through the device\">\n";
    int index = 0;
    for (const auto& [family, through, baseline] : rows) {
        const int y = 10 + 56 * index++;
        for (const auto& [label, value, color, dy] :
             {std::tuple{word("through", language), through, "#1565c0", 0},
              std::tuple{word("without", language), baseline, "#90a4ae", 22}}) {
            const double length = value / most * 480;
            svg << "<text x=\"0\" y=\"" << y + dy + 14 << "\" font-size=\"12\">" << family << " " << escape(label)
                << "</text><rect x=\"110\" y=\"" << y + dy << "\" width=\"" << number(length, 1)
                << "\" height=\"18\" fill=\"" << color << "\"/><text x=\"" << number(116 + length, 1) << "\" y=\""
                << y + dy + 14 << "\" font-size=\"12\">" << number(value) << " q/s</text>\n";
        }
    }
    svg << "</svg>\n";
    return svg.str();
}


// One verdict's row: checkpoint and title, family, status, devices, the cause, its checklist items
// and the evidence behind it.
std::string verdict_row(const RunResult& result, const Verdict& verdict, Language language) {
    std::ostringstream html;
    std::string blamed;
    for (const auto& device : blamed_devices(verdict)) blamed += (blamed.empty() ? "" : " + ") + device;
    html << "<tr><td><b>" << escape(verdict.checkpoint) << "</b><br><span class=\"src\">"
         << escape(checkpoint_title(verdict.checkpoint, language)) << "</span></td><td>" << to_string(verdict.family)
         << "</td><td><span class=\"pill\" style=\"background:" << status_color(verdict.status) << "\">"
         << escape(word("status:" + std::string(to_string(verdict.status)), language)) << "</span></td><td>"
         << escape(blamed) << "</td><td>" << escape(render_cause(verdict, language));
    auto sources = checkpoint_sources(verdict.checkpoint, language);
    if (!sources.empty()) {
        html << "<br><span class=\"src\">";
        for (std::size_t i = 0; i < sources.size(); ++i) html << (i ? " · " : "") << escape(sources[i]);
        html << "</span>";
    }
    auto evidence = evidence_lines(result, verdict, language);
    if (!evidence.empty()) {
        html << "<details><summary>" << escape(word("evidence", language)) << " (" << evidence.size()
             << ")</summary><pre>";
        for (const auto& line : evidence) html << escape(line) << "\n";
        html << "</pre></details>";
    }
    html << "</td></tr>\n";
    return html.str();
}

std::string taps_table(const RunResult& result, Language language) {
    if (result.taps.empty()) return "";
    std::ostringstream html;
    html << "<h2>" << escape(word("section:taps", language)) << "</h2>\n<table><tr>";
    for (const char* column : {"column:tap", "column:source", "column:frames", "column:lost", "column:pcapng"})
        html << "<th>" << escape(word(column, language)) << "</th>";
    html << "</tr>\n";
    for (const auto& tap : result.taps)
        html << "<tr><td>" << escape(tap.name) << "</td><td>" << escape(tap.source) << "</td><td>" << tap.frames
             << "</td><td>" << tap.kernel_drops + tap.interface_drops << "</td><td>" << escape(tap.pcapng) << "</td></tr>\n";
    html << "</table>\n";
    return html.str();
}

// The page's head: its language, styles that print well, the heading and the run's facts.
std::string page_head(const RunResult& result, Language language) {
    int counts[4] = {};
    for (const auto& verdict : result.verdicts) ++counts[status_rank(verdict.status)];
    std::ostringstream html;
    html << "<!DOCTYPE html>\n<html lang=\"" << to_string(language) << "\"><head><meta charset=\"utf-8\">"
         << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>"
         << escape(word("title", language)) << "</title>\n"
         << "<style>body{font-family:system-ui,'Noto Sans CJK JP',sans-serif;margin:24px;color:#212121}"
            "h1{margin-bottom:4px}.meta{color:#616161}table{border-collapse:collapse;width:100%;margin-top:8px}"
            "td,th{border-bottom:1px solid #e0e0e0;padding:6px 8px;text-align:left;vertical-align:top}"
            ".pill{color:#fff;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:bold}"
            ".src{color:#616161;font-size:12px}details{font-size:12px;color:#424242}"
            "details pre{white-space:pre-wrap}svg{max-width:100%;height:auto}"
            "svg text{font-family:system-ui,'Noto Sans CJK JP',sans-serif}"
            "@media print{details{display:block}.pill{border:1px solid #000;color:#000;background:none!important}}"
            "</style></head><body>\n";
    const char* heading = counts[0] ? "heading:fail" : counts[1] ? "heading:warn" : "heading:pass";
    html << "<h1>dnspath: " << escape(word(heading, language)) << "</h1>\n<p class=\"meta\">"
         << escape(fill_text(word("meta", language), {{"failed", counts[0]}, {"warn", counts[1]}, {"passed", counts[2]}},
                             language))
         << " · " << escape(result.started_at) << " · " << number(result.duration_s, 1) << " s · dnspath "
         << escape(result.tool_version) << " · " << escape(word("targets", language));
    for (const auto& target : result.targets) html << " " << escape(target);
    if (result.interrupted) html << " · <b>" << escape(word("interrupted-short", language)) << "</b>";
    html << "</p>\n";
    return html.str();
}

}  // namespace

std::string render_html(const RunResult& result, Language language) {
    std::ostringstream html;
    html << page_head(result, language) << findings_html(result, language) << "<h2>"
         << escape(word("section:path", language)) << "</h2>\n"
         << path_diagram(result, language);
    if (auto chart = size_chart(result, language); !chart.empty())
        html << "<h2>" << escape(word("section:sizes", language)) << "</h2>\n<p class=\"meta\">"
             << escape(word("sizes-legend", language)) << "</p>\n"
             << chart;
    if (auto chart = load_chart(result, language); !chart.empty())
        html << "<h2>" << escape(word("section:load", language)) << "</h2>\n" << chart;
    html << "<h2>" << escape(word("section:verdicts", language)) << "</h2>\n<table><tr>";
    for (const char* column : {"column:checkpoint", "column:family", "column:verdict", "column:device", "column:reason"})
        html << "<th>" << escape(word(column, language)) << "</th>";
    html << "</tr>\n";
    const auto ordered = failures_first(result);
    for (const auto* verdict : ordered) html << verdict_row(result, *verdict, language);
    html << "</table>\n" << taps_table(result, language) << "</body></html>\n";
    return html.str();
}

}  // namespace dnspath::reports
