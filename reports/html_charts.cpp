// The HTML report's charts and the per-family summary table.
#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>
#include <tuple>

#include "reports/html_parts.h"

namespace dnspath::reports {

std::string html_escape(std::string_view text) { return escape_markup(text); }

std::string html_number(double value, int decimals) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string shorten(const std::string& text, std::size_t columns) {
    if (display_width(text) <= columns) return text;
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        std::size_t length = 1;  // one UTF-8 sequence: never cut inside a character
        while (i + length < text.size() && (static_cast<unsigned char>(text[i + length]) & 0xC0) == 0x80) ++length;
        if (display_width(out + text.substr(i, length)) + 1 > columns) break;
        out += text.substr(i, length);
        i += length;
    }
    return out + "…";
}

namespace {

// A row of the size chart: probes that differ only in the answer size they asked for.
std::string size_row(const ProbeRecord& probe, Language language) {
    std::string row = std::string(to_string(probe.family)) + " " + probe.transport + " ";
    row += probe.bufsize ? fill_text(word("buffer", language), {{"n", *probe.bufsize}}, language) : word("no-edns", language);
    if (probe.dnssec_ok) row += " DO";
    return row;
}

}  // namespace

std::string html_size_chart(const RunResult& result, Language language) {
    struct Point {
        int size;
        std::string outcome, id;
    };
    std::map<std::string, std::pair<std::string, std::vector<Point>>> rows;  // row → family, points
    for (const auto& probe : result.probes) {
        if (probe.kind != "edns-size" || !probe.requested_size) continue;
        auto& row = rows[size_row(probe, language)];
        row.first = std::string(to_string(probe.family));
        row.second.push_back({static_cast<int>(*probe.requested_size), std::string(to_string(probe.outcome)), probe.id});
    }
    if (rows.empty()) return "";
    const int left = 170, width = 700, row_height = 34, low = 400, high = 4200;
    auto x_of = [&](double size) { return left + (std::clamp(size, double(low), double(high)) - low) * width / (high - low); };
    const int height = 36 + row_height * static_cast<int>(rows.size());
    std::ostringstream svg;
    svg << "<svg viewBox=\"0 0 " << left + width + 20 << " " << height << "\" width=\"" << left + width + 20
        << "\" height=\"" << height << "\" role=\"img\" aria-label=\"" << html_escape(word("section:sizes", language)) << "\">\n";
    for (int tick : {512, 1232, 1500, 2048, 3000, 4096})
        svg << "<line x1=\"" << x_of(tick) << "\" y1=\"6\" x2=\"" << x_of(tick) << "\" y2=\"" << height - 20
            << "\" stroke=\"#ddd\"/><text x=\"" << x_of(tick) << "\" y=\"" << height - 6
            << "\" font-size=\"11\" text-anchor=\"middle\">" << tick << "</text>\n";
    int index = 0;
    for (const auto& [label, row] : rows) {
        const int y = 22 + row_height * index++;
        svg << "<text x=\"4\" y=\"" << y + 4 << "\" font-size=\"12\">" << html_escape(label) << "</text>\n";
        const auto& summary = row.first == "ipv6" ? result.ipv6 : result.ipv4;
        for (const auto& [figure, css, key] : {std::tuple{summary.largest_udp_answer, "largest", "largest-delivered"},
                                               std::tuple{summary.path_mtu, "mtu", "path-mtu"}})
            if (figure)
                svg << "<line x1=\"" << x_of(*figure) << "\" y1=\"" << y - 12 << "\" x2=\"" << x_of(*figure) << "\" y2=\""
                    << y + 12 << "\" class=\"" << css << "\"><title>"
                    << html_escape(fill_text(word(key, language), {{"n", *figure}}, language)) << "</title></line>\n";
        // Two probes of one row at one size (a repeat) sit side by side, not on top of each other.
        std::map<int, int> at_size;
        for (const auto& point : row.second) {
            const int repeat = at_size[point.size]++;
            svg << "<circle cx=\"" << x_of(point.size) + 7 * repeat << "\" cy=\"" << y << "\" r=\"5\" class=\"outcome-"
                << html_escape(point.outcome) << "\"><title>" << html_escape(point.id) << ": "
                << html_escape(fill_text(word("octets", language), {{"n", point.size}}, language)) << ", "
                << html_escape(value_word(point.outcome, language)) << "</title></circle>\n";
        }
    }
    svg << "</svg>\n";
    return svg.str();
}

std::string html_load_chart(const RunResult& result, Language language) {
    std::vector<std::tuple<std::string, double, double>> rows;
    for (const auto& [family, summary] : {std::pair{"ipv4", &result.ipv4}, std::pair{"ipv6", &result.ipv6}})
        if (summary->load_qps_through && summary->load_qps_baseline)
            rows.emplace_back(family, *summary->load_qps_through, *summary->load_qps_baseline);
    if (rows.empty()) return "";
    double most = 1;
    for (const auto& [family, through, baseline] : rows) most = std::max({most, through, baseline});
    std::ostringstream svg;
    const int height = 20 + 56 * static_cast<int>(rows.size());
    svg << "<svg viewBox=\"0 0 700 " << height << "\" width=\"700\" height=\"" << height << "\" role=\"img\" aria-label=\""
        << html_escape(word("section:load", language)) << "\">\n";
    int index = 0;
    for (const auto& [family, through, baseline] : rows) {
        const int y = 10 + 56 * index++;
        for (const auto& [label, value, color, dy] : {std::tuple{word("through", language), through, "#1565c0", 0},
                                                      std::tuple{word("without", language), baseline, "#90a4ae", 22}}) {
            const double length = value / most * 480;
            svg << "<text x=\"0\" y=\"" << y + dy + 14 << "\" font-size=\"12\">" << family << " " << html_escape(label)
                << "</text><rect x=\"110\" y=\"" << y + dy << "\" width=\"" << html_number(length, 1)
                << "\" height=\"18\" fill=\"" << color << "\"/><text x=\"" << html_number(116 + length, 1) << "\" y=\""
                << y + dy + 14 << "\" font-size=\"12\">" << html_number(value) << " q/s</text>\n";
        }
    }
    svg << "</svg>\n";
    return svg.str();
}

std::string html_family_summary(const RunResult& result, Language language) {
    std::ostringstream html;
    html << "<table class=\"summary\"><tr>";
    for (const char* column : {"column:family", "figure:largest_udp_answer", "figure:path_mtu", "figure:nat", "figure:load"})
        html << "<th>" << html_escape(word(column, language)) << "</th>";
    html << "</tr>\n";
    auto octets = [&](const std::optional<int>& value) {
        return value ? fill_text(word("octets", language), {{"n", *value}}, language) : word("unknown", language);
    };
    for (const auto& [family, summary] : {std::pair{"ipv4", &result.ipv4}, std::pair{"ipv6", &result.ipv6}}) {
        model::Params load = model::Params::object();
        if (summary->load_qps_through) load["through"] = html_number(*summary->load_qps_through);
        if (summary->load_qps_baseline) load["baseline"] = html_number(*summary->load_qps_baseline);
        if (summary->load_p99_ms_through) load["p99_through"] = html_number(*summary->load_p99_ms_through, 1);
        if (summary->load_p99_ms_baseline) load["p99_baseline"] = html_number(*summary->load_p99_ms_baseline, 1);
        const std::string nat = summary->nat ? word(*summary->nat ? "yes" : "no", language) : word("unknown", language);
        html << "<tr><td>" << family << "</td><td>" << html_escape(octets(summary->largest_udp_answer)) << "</td><td>"
             << html_escape(octets(summary->path_mtu)) << "</td><td>" << html_escape(nat) << "</td><td>"
             << html_escape(summary->load_qps_through ? fill_text(word("load-cell", language), load, language)
                                                      : word("not-measured", language))
             << "</td></tr>\n";
    }
    html << "</table>\n";
    return html.str();
}

}  // namespace dnspath::reports
