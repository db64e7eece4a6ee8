// The HTML report: one self-contained page a person would rather look at than read — the path
// drawn with the guilty devices marked, the answer-size ladder per family as a chart, the load
// figures as bars, and every verdict with its sources and evidence one click away.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <map>
#include <set>
#include <sstream>

#include "reports/html_parts.h"

namespace dnspath::reports {
namespace {

std::string escape(std::string_view text) { return html_escape(text); }
std::string number(double value, int decimals = 0) { return html_number(value, decimals); }

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
        const char* color = severity_color(severity_word(finding.severity));
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

// One verdict's row: checkpoint and title, family, status, devices, the cause, its checklist items
// and the evidence behind it.
std::string verdict_row(const RunResult& result, const Verdict& verdict, Language language) {
    std::ostringstream html;
    std::string blamed;
    for (const auto& device : blamed_devices(verdict)) blamed += (blamed.empty() ? "" : " + ") + device;
    // Ids, families, badges and device names never wrap inside; only the reason does.
    html << "<tr><td><b class=\"id\">" << escape(model::verdict_name(verdict))
         << "</b><br><span class=\"src\">" << escape(checkpoint_title(verdict.checkpoint, language))
         << "</span></td><td><span class=\"id\">" << to_string(verdict.family)
         << "</span></td><td><span class=\"pill\" style=\"background:" << status_color(verdict.status) << "\">"
         << escape(word("status:" + std::string(to_string(verdict.status)), language)) << "</span></td><td><span class=\"id\">"
         << escape(blamed) << "</span></td><td class=\"reason\">" << escape(render_cause(verdict, language));
    auto sources = checkpoint_sources(verdict.checkpoint, language);
    if (!sources.empty()) {
        html << "<br><span class=\"src\">";
        for (std::size_t i = 0; i < sources.size(); ++i) html << (i ? " · " : "") << escape(sources[i]);
        html << "</span>";
    }
    for (const auto& [reproduced, command] : reproductions(result))
        if (reproduced == &verdict)
            html << "<div class=\"repro\"><span class=\"src\">" << escape(word("reproduce", language)) << "</span><code>"
                 << escape(command) << "</code></div>";
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

// Where to look in Wireshark for a probe: its id in the query name, or its DNS id when the name
// carries none (a real server's names in target mode).
std::string display_filter(const ProbeRecord& probe) {
    if (!probe.id_in_qname) return "dns.id == " + std::to_string(probe.dns_id);
    return "dns.qry.name contains \"" + probe.id + "\"";
}

// One failing probe tap by tap: the frame of its query and of its answer in each tap's pcapng.
std::string probe_matrix(const RunResult& result, const Verdict& verdict, const model::CaptureFinding& finding,
                         Language language) {
    std::ostringstream html;
    const auto* probe = model::find_probe(result, finding.probe);
    html << "<div class=\"matrix\"><p><b>" << escape(model::verdict_name(verdict)) << "/" << to_string(verdict.family) << "</b> · "
         << escape(probe ? render_probe(*probe, language) : finding.probe) << "</p><div class=\"scroll\"><table><tr><th></th>";
    for (const auto& tap : finding.taps) html << "<th>" << escape(tap.tap) << "</th>";
    html << "</tr>\n";
    for (const bool query : {true, false}) {
        html << "<tr><th>" << escape(word(query ? "row:query" : "row:answer", language)) << "</th>";
        for (const auto& tap : finding.taps) {
            const auto& frame = query ? tap.query_frame : tap.answer_frame;
            html << (frame ? "<td class=\"seen\">#" + std::to_string(*frame) : std::string("<td class=\"missing\">—"))
                 << "</td>";
        }
        html << "</tr>\n";
    }
    html << "</table></div>";
    if (probe)
        html << "<p class=\"src\">" << escape(word("wireshark-filter", language)) << ": <code>"
             << escape(display_filter(*probe)) << "</code></p>";
    html << "</div>\n";
    return html.str();
}

// For each failing verdict, the probes that blame a device, tap by tap (at most six each: the
// rest look the same and are counted).
std::string probe_matrices(const RunResult& result, Language language) {
    constexpr std::size_t kShown = 6;
    std::ostringstream html;
    for (const auto* verdict : failures_first(result)) {
        if (verdict->status != Status::fail) break;
        std::vector<const model::CaptureFinding*> shown;
        std::size_t hidden = 0;
        for (const auto& finding : verdict->findings) {
            if (!model::blames(finding.rule) || finding.taps.empty()) continue;
            if (std::any_of(shown.begin(), shown.end(), [&](const auto* s) { return s->probe == finding.probe; })) continue;
            if (shown.size() == kShown) { ++hidden; continue; }
            shown.push_back(&finding);
        }
        for (const auto* finding : shown) html << probe_matrix(result, *verdict, *finding, language);
        if (hidden > 0) html << "<p class=\"src\">" << escape(fill_text(word("more", language), {{"n", hidden}}, language)) << "</p>\n";
    }
    if (html.str().empty()) return "";
    return "<h2>" + escape(word("section:matrix", language)) + "</h2>\n<p class=\"meta\">" +
           escape(word("matrix-legend", language)) + "</p>\n" + html.str();
}

// Real resolvers behind the path: the consequence under a coloured bar, then a row per resolver
// and a column per question, each cell coloured by whether the resolver validated the answer.
std::string resolvers_html(const RunResult& result, Language language) {
    const auto block = resolver_block(result, language);
    if (block.heading.empty()) return "";
    std::ostringstream html;
    html << "<h2>" << escape(block.heading) << "</h2>\n<div class=\"finding\" style=\"border-left:4px solid "
         << status_color(block.status) << ";padding:4px 12px;margin:8px 0\"><b>" << escape(block.consequence)
         << "</b></div>\n<table><tr><th>" << escape(word("column:resolver", language)) << "</th>";
    for (const auto& cell : block.rows.front().cells) html << "<th>" << escape(cell.question) << "</th>";
    html << "</tr>\n";
    for (const auto& row : block.rows) {
        html << "<tr><td><b>" << escape(row.name) << "</b><br><span class=\"src\">" << escape(row.address) << "</span>";
        // What it says of itself (RESINFO for resolver.arpa, RFC 9606): data, shown as it came.
        if (!row.self.empty()) html << "<br><span class=\"src\">RESINFO " << escape(row.self) << "</span>";
        html << "</td>";
        for (const auto& cell : row.cells) {
            html << "<td><span class=\"pill\" style=\"background:" << status_color(cell.status) << "\">"
                 << escape(word("status:" + std::string(to_string(cell.status)), language)) << "</span> " << escape(cell.text);
            for (const auto& error : cell.errors)
                if (!error.text.empty()) html << "<br><span class=\"src\">EDE " << error.code << ": " << escape(error.text) << "</span>";
            html << "</td>";
        }
        html << "</tr>\n";
    }
    return html.str() + "</table>\n";
}

// A link target for a tap's pcapng from the page: the first of taps/ beside the page, taps/
// beside the result, and the path the run wrote that exists, relative to the page's folder.
std::string tap_href(const std::string& pcapng, const PagePlace& place) {
    namespace fs = std::filesystem;
    if (place.taps_beside_page) return "taps/" + fs::path(pcapng).filename().string();
    if (pcapng.empty() || place.page_dir.empty()) return pcapng;
    const fs::path name = fs::path(pcapng).filename();
    std::error_code error;
    const fs::path page = fs::weakly_canonical(fs::absolute(place.page_dir, error), error);
    for (const fs::path& candidate : {fs::path(place.page_dir) / "taps" / name, fs::path(place.result_dir) / "taps" / name,
                                      fs::path(pcapng)}) {
        if (place.result_dir.empty() && candidate.parent_path() == fs::path("taps")) continue;
        if (!fs::exists(candidate, error)) continue;
        const auto relative = fs::weakly_canonical(fs::absolute(candidate, error), error).lexically_relative(page);
        if (!relative.empty()) return relative.generic_string();
    }
    return pcapng;
}

// A path as an href: characters that mean something in a URL are percent-encoded.
std::string href_of(const std::string& path) {
    std::string out;
    for (unsigned char c : path) {
        if (std::isalnum(c) || std::string_view("/._-~").find(static_cast<char>(c)) != std::string_view::npos) out += static_cast<char>(c);
        else {
            char buffer[4];
            std::snprintf(buffer, sizeof buffer, "%%%02X", c);
            out += buffer;
        }
    }
    return out;
}

std::string taps_table(const RunResult& result, Language language, const PagePlace& place) {
    if (result.taps.empty()) return "";
    std::ostringstream html;
    html << "<h2>" << escape(word("section:taps", language)) << "</h2>\n<table><tr>";
    for (const char* column : {"column:tap", "column:source", "column:frames", "column:lost", "column:pcapng"})
        html << "<th>" << escape(word(column, language)) << "</th>";
    html << "</tr>\n";
    for (const auto& tap : result.taps)
        html << "<tr><td>" << escape(tap.name) << "</td><td>" << escape(tap.source) << "</td><td>" << tap.frames
             << "</td><td>" << tap.kernel_drops + tap.interface_drops << "</td><td>"
             << (tap.pcapng.empty() ? std::string()
                                    : "<a href=\"" + escape(href_of(tap_href(tap.pcapng, place))) + "\">" + escape(tap.pcapng) + "</a>")
             << "</td></tr>\n";
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
         << "<style>body{font-family:system-ui,'Noto Sans CJK JP',sans-serif;margin:24px;color:#212121;max-width:1400px}"
            "h1{margin-bottom:4px}.meta{color:#616161}table{border-collapse:collapse;width:100%;margin-top:8px}"
            "td,th{border-bottom:1px solid #e0e0e0;padding:6px 8px;text-align:left;vertical-align:top}"
            "td{overflow-wrap:break-word}td.reason,td a{overflow-wrap:anywhere}th,.id,.pill{white-space:nowrap}"
            ".pill{color:#fff;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:bold}"
            // Below 720 px each verdict is one block: its id, family, badge and device on a line, the reason under it.
            "@media (max-width:720px){table.verdicts tr:first-child{display:none}table.verdicts tr{display:block;"
            "border-bottom:1px solid #e0e0e0;padding:6px 0}table.verdicts td{display:inline-block;border:0;padding:2px 8px 2px 0}"
            "table.verdicts td.reason{display:block}}"
            ".src{color:#616161;font-size:12px}details{font-size:12px;color:#424242}"
            ".repro{margin:4px 0}.repro code{display:block;overflow-wrap:anywhere;font-size:12px;background:#f5f5f5;"
            "padding:4px 6px;border-radius:4px;user-select:all}"
            "details pre{white-space:pre-wrap}svg{max-width:100%;height:auto}"
            "svg text{font-family:system-ui,'Noto Sans CJK JP',sans-serif}.scroll{overflow-x:auto}"
            ".node rect{fill:#eceff1;stroke:#455a64;stroke-width:1}.guilty rect{fill:#ffcdd2;stroke:#c62828;stroke-width:3}"
            ".degraded rect{fill:#ffe0b2;stroke:#ef8f00;stroke-width:2}.suspect rect{fill:#fff9c4;stroke:#f9a825;stroke-width:2}.clean rect{fill:#c8e6c9}"
            ".link{stroke:#555;stroke-width:2}.tap{fill:#1565c0}.tap.lost{fill:#c62828}"
            "text.fail{fill:#c62828}text.warn{fill:#ef8f00}text.more{fill:#616161;font-style:italic}"
            ".path-down{display:none}@media (max-width:720px){body{margin:12px}.path-across{display:none}"
            ".path-down{display:block;max-width:440px}}"
            ".legend span{margin-right:16px;font-size:12px;white-space:nowrap}.legend i{display:inline-block;"
            "width:12px;height:12px;margin-right:4px;vertical-align:-1px}.swatch{border-radius:3px}"
            ".swatch.guilty{background:#ffcdd2;border:2px solid #c62828}"
            ".swatch.degraded{background:#ffe0b2;border:2px solid #ef8f00}"
            ".swatch.suspect{background:#fff9c4;border:2px solid #f9a825}.swatch.clean{background:#c8e6c9;border:1px solid #455a64}"
            ".dot{border-radius:6px;background:#1565c0}.dot.lost{background:#c62828}"
            "circle[class^=outcome-]{fill:#c62828}"
            "circle.outcome-answer{fill:#2e7d32}circle.outcome-truncated{fill:#ef8f00}"
            "line.largest{stroke:#2e7d32;stroke-dasharray:3 2}line.mtu{stroke:#6a1b9a;stroke-dasharray:1 3}"
            ".matrix{margin:10px 0}.matrix table{width:auto}.matrix td{font-family:monospace;text-align:center}"
            "td.seen{background:#e8f5e9}td.missing{background:#ffebee;color:#c62828}code{user-select:all}"
            ".summary{width:auto}"
            "@media print{details{display:block}.pill{border:1px solid #000;color:#000;background:none!important}"
            ".path-down{display:none}.path-across{display:block}h2{break-after:avoid}.finding,.matrix,tr{break-inside:avoid}}"
            "</style></head><body>\n";
    // The title follows result.json's `overall`, as every format's does.
    const std::string heading = "overall:" + severity_of(result).overall;
    const std::string title = result.diagnosis ? diagnosis_head(result, language).asked : "dnspath: " + word(heading, language);
    html << "<h1>" << escape(title) << "</h1>\n<p class=\"meta\">"
         << escape(fill_text(word("meta", language), {{"failed", counts[0]}, {"warn", counts[1]}, {"passed", counts[2]}},
                             language))
         << " · " << escape(result.started_at) << " · " << number(result.duration_s, 1) << " s · dnspath "
         << escape(result.tool_version) << " · " << escape(word("targets", language));
    for (const auto& target : result.targets) html << " " << escape(target);
    if (result.interrupted) html << " · <b>" << escape(word("interrupted-short", language)) << "</b>";
    html << "</p>\n";
    for (const auto& line : {identities_text(result, language), addressing_text(result, language)})
        if (!line.empty()) html << "<p class=\"meta\">" << escape(line) << "</p>\n";
    return html.str();
}

// A diagnosis: its first finding on top (item, path/zone/resolver, the sentence, the remedy),
// then the table of checks; a diagnosis has no path diagram or size charts of its own.
std::string render_diagnosis_html(const RunResult& result, Language language) {
    const auto head = diagnosis_head(result, language);
    std::ostringstream html;
    html << page_head(result, language);
    const char* color = head.first == nullptr ? "#2e7d32" : head.first->status == Status::fail ? "#c62828" : "#ef8f00";
    html << "<div class=\"finding\" style=\"border-left:4px solid " << color << ";padding:4px 12px;margin:8px 0\"><b>"
         << escape(head.headline) << "</b>";
    if (!head.sentence.empty()) html << "<p>" << escape(head.sentence) << "</p>";
    if (!head.fix.empty()) html << "<p><b>" << escape(word("fix", language)) << ":</b> " << escape(head.fix) << "</p>";
    if (head.stopped) html << "<p class=\"src\">" << escape(word("chain-stopped", language)) << "</p>";
    html << "</div>\n<h2>" << escape(word("section:verdicts", language)) << "</h2>\n<table class=\"verdicts\"><tr>";
    for (const char* column : {"column:checkpoint", "column:family", "column:verdict", "column:device", "column:reason"})
        html << "<th>" << escape(word(column, language)) << "</th>";
    html << "</tr>\n";
    for (const auto* verdict : failures_first(result)) html << verdict_row(result, *verdict, language);
    html << "</table>\n</body></html>\n";
    return html.str();
}

// The standards items, failures first, each with its status badge and why it was not exercised.
std::string standards_html(const RunResult& result, Language language) {
    const auto block = standards_block(result, language);
    if (block.rows.empty()) return "";
    std::ostringstream html;
    html << "<h2>" << escape(block.heading) << "</h2>\n<table><tr><th>" << escape(word("column:item", language))
         << "</th><th>" << escape(word("column:verdict", language)) << "</th><th>" << escape(word("column:note", language))
         << "</th></tr>\n";
    for (const auto& row : block.rows) {
        const std::string status(to_string(row.status));
        html << "<tr><td>" << escape(row.title) << "</td><td><span class=\"badge " << status << "\">"
             << escape(word("status:" + status, language)) << "</span></td><td>" << escape(row.note) << "</td></tr>\n";
    }
    html << "</table>\n";
    return html.str();
}

}  // namespace

std::string render_html(const RunResult& result, Language language, const PagePlace& place) {
    if (result.diagnosis) return render_diagnosis_html(result, language);
    std::ostringstream html;
    html << page_head(result, language) << findings_html(result, language) << resolvers_html(result, language) << "<h2>"
         << escape(word("section:path", language)) << "</h2>\n"
         << html_path_diagram(result, language) << "<h2>" << escape(word("section:summary", language)) << "</h2>\n"
         << html_family_summary(result, language);
    if (auto chart = html_size_chart(result, language); !chart.empty())
        html << "<h2>" << escape(word("section:sizes", language)) << "</h2>\n<p class=\"meta\">"
             << escape(word("sizes-legend", language)) << "</p>\n<div class=\"scroll\">" << chart << "</div>\n";
    if (auto chart = html_load_chart(result, language); !chart.empty())
        html << "<h2>" << escape(word("section:load", language)) << "</h2>\n" << chart;
    html << "<h2>" << escape(word("section:verdicts", language)) << "</h2>\n<table class=\"verdicts\"><tr>";
    for (const char* column : {"column:checkpoint", "column:family", "column:verdict", "column:device", "column:reason"})
        html << "<th>" << escape(word(column, language)) << "</th>";
    html << "</tr>\n";
    for (const auto* verdict : failures_first(result)) html << verdict_row(result, *verdict, language);
    html << "</table>\n" << standards_html(result, language) << probe_matrices(result, language)
         << taps_table(result, language, place) << "</body></html>\n";
    return html.str();
}

}  // namespace dnspath::reports
