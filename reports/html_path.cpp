// The path diagram: probe, each device in path order, the server with its targets. Drawn twice
// from one layout description — across for wide windows, down for narrow ones — so a phone-width
// window gets legible text instead of a picture scaled to a third.
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "reports/html_parts.h"

namespace dnspath::reports {
namespace {

constexpr int kBoxWidth = 140, kBoxHeight = 64, kMaxLabels = 5, kNameColumns = 16;

// Where each part of node `index` goes in one orientation.
struct Layout {
    bool across = true;
    int label_lines = 0;  // the most checkpoint labels any device has (at most kMaxLabels)
    int step() const { return across ? 200 : 118; }
    int x(int index) const { return across ? 20 + step() * index : 20; }
    int y(int index) const { return across ? 24 : 20 + step() * index; }
    int width(int nodes) const { return across ? step() * nodes : 440; }
    int height(int nodes) const { return across ? 24 + kBoxHeight + 20 + 15 * label_lines : 20 + step() * nodes; }
    // The checkpoint labels under (across) or beside (down) a device.
    std::pair<int, int> label(int index, int line) const {
        return across ? std::pair{x(index) + kBoxWidth / 2, y(index) + kBoxHeight + 20 + 15 * line}
                      : std::pair{x(index) + kBoxWidth + 18, y(index) + 14 + 15 * line};
    }
    // The probe-side (in) and server-side (out) tap dots.
    std::pair<int, int> tap(int index, bool in) const {
        if (across) return {in ? x(index) - 9 : x(index) + kBoxWidth + 9, y(index) + kBoxHeight / 2};
        return {x(index) + kBoxWidth / 2, in ? y(index) - 9 : y(index) + kBoxHeight + 9};
    }
    // The link from node `index` to the next one.
    std::string link(int index) const {
        std::ostringstream line;
        if (across)
            line << "x1=\"" << x(index) + kBoxWidth << "\" y1=\"" << y(index) + kBoxHeight / 2 << "\" x2=\""
                 << x(index + 1) << "\" y2=\"" << y(index) + kBoxHeight / 2 << "\"";
        else
            line << "x1=\"" << x(index) + kBoxWidth / 2 << "\" y1=\"" << y(index) + kBoxHeight << "\" x2=\""
                 << x(index) + kBoxWidth / 2 << "\" y2=\"" << y(index + 1) << "\"";
        return line.str();
    }
};

// Devices in path order, from the taps' names ("cpe.in", "cpe.out", …).
std::vector<std::string> path_devices(const RunResult& result) {
    std::vector<std::string> devices = result.path;
    auto add = [&](const std::string& device) {
        if (std::find(devices.begin(), devices.end(), device) == devices.end()) devices.push_back(device);
    };
    for (const auto& tap : result.taps) add(tap.name.substr(0, tap.name.rfind('.')));
    for (const auto& verdict : result.verdicts)  // blamed devices without taps (a result from elsewhere)
        for (const auto& device : blamed_devices(verdict)) add(device);
    return devices;
}

// What the diagram says about the devices: the failing and warning verdicts each is blamed for.
struct Marks {
    std::map<std::string, std::set<std::string>> failing, warning;
    std::map<std::string, std::string> severity;  // result.json's devices[].severity: the box's colour
    explicit Marks(const RunResult& result) {
        for (const auto& device : severity_of(result).devices) severity[device.name] = device.severity;
        for (const auto& verdict : result.verdicts)
            for (const auto& device : blamed_devices(verdict)) {
                const std::string label = model::verdict_name(verdict) + "/" + std::string(to_string(verdict.family));
                if (verdict.status == Status::fail) failing[device].insert(label);
                if (verdict.status == Status::warn) warning[device].insert(label);
            }
    }
    int most_labels() const {
        std::size_t most = 0;
        for (const auto& [device, labels] : failing) {
            auto warned = warning.find(device);
            most = std::max(most, labels.size() + (warned == warning.end() ? 0 : warned->second.size()));
        }
        for (const auto& [device, labels] : warning) most = std::max(most, labels.size());
        return static_cast<int>(std::min<std::size_t>(most, kMaxLabels));
    }
    // The colour of a device's box: its severity, the same word its finding card and the title
    // read (breaks: red, degrades: orange, warns: yellow).
    std::string css(const std::string& device) const {
        const auto found = severity.find(device);
        if (found == severity.end()) return failing.count(device) ? "guilty" : warning.count(device) ? "suspect" : "clean";
        return found->second == "breaks" ? "guilty" : found->second == "degrades" ? "degraded" : "suspect";
    }
};

// A box with a bold name (cut to fit, the whole name in its tooltip) and up to two small lines.
void draw_box(std::ostringstream& svg, int x, int y, const std::string& css, const std::string& name,
              const std::vector<std::string>& lines) {
    svg << "<g class=\"node " << css << "\"><title>" << html_escape(name) << "</title><rect x=\"" << x << "\" y=\"" << y
        << "\" width=\"" << kBoxWidth << "\" height=\"" << kBoxHeight << "\" rx=\"8\"/>\n<text x=\"" << x + kBoxWidth / 2
        << "\" y=\"" << y + (lines.empty() ? 37 : 26) << "\" text-anchor=\"middle\" font-weight=\"bold\">"
        << html_escape(shorten(name, kNameColumns)) << "</text>";
    for (std::size_t i = 0; i < lines.size() && i < 2; ++i)
        svg << "<text x=\"" << x + kBoxWidth / 2 << "\" y=\"" << y + 43 + 14 * static_cast<int>(i)
            << "\" text-anchor=\"middle\" font-size=\"11\">" << html_escape(shorten(lines[i], 22)) << "</text>";
    svg << "</g>\n";
}

// The server's lines: its targets, the third and later ones counted ("+1 more").
std::vector<std::string> target_lines(const RunResult& result, Language language) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < result.targets.size(); ++i) {
        if (i == 1 && result.targets.size() > 2) {
            lines.push_back(fill_text(word("more", language), {{"n", result.targets.size() - 1}}, language));
            break;
        }
        lines.push_back(result.targets[i]);
    }
    return lines;
}

// A device's checkpoint labels, failures first; beyond five, four and "+N more".
void draw_labels(std::ostringstream& svg, const Layout& layout, int index, const std::string& device,
                 const Marks& marks, Language language) {
    std::vector<std::pair<std::string, const char*>> labels;
    if (auto found = marks.failing.find(device); found != marks.failing.end())
        for (const auto& label : found->second) labels.emplace_back(label, "fail");
    if (auto found = marks.warning.find(device); found != marks.warning.end())
        for (const auto& label : found->second) labels.emplace_back(label, "warn");
    const std::size_t shown = labels.size() > kMaxLabels ? kMaxLabels - 1 : labels.size();
    for (std::size_t line = 0; line <= shown && line < labels.size(); ++line) {
        const auto [x, y] = layout.label(index, static_cast<int>(line));
        const bool more = line == shown;
        svg << "<text x=\"" << x << "\" y=\"" << y << "\" text-anchor=\"" << (layout.across ? "middle" : "start")
            << "\" font-size=\"11\" class=\"" << (more ? "more" : labels[line].second) << "\">"
            << html_escape(more ? fill_text(word("more", language), {{"n", labels.size() - shown}}, language)
                                : labels[line].first)
            << "</text>\n";
    }
}

void draw_taps(std::ostringstream& svg, const Layout& layout, int index, const std::string& device,
               const RunResult& result, Language language) {
    for (const bool in : {true, false}) {
        const std::string name = device + (in ? ".in" : ".out");
        auto tap = std::find_if(result.taps.begin(), result.taps.end(), [&](const TapSummary& t) { return t.name == name; });
        if (tap == result.taps.end()) continue;
        const auto lost = tap->kernel_drops + tap->interface_drops;
        const auto [x, y] = layout.tap(index, in);
        svg << "<circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"6\" class=\"tap" << (lost ? " lost" : "") << "\"><title>"
            << html_escape(fill_text(word("tap-title", language), {{"tap", tap->name}, {"frames", tap->frames}, {"lost", lost}},
                                     language))
            << (tap->pcapng.empty() ? "" : " — " + html_escape(tap->pcapng)) << "</title></circle>\n";
    }
}

std::string draw(const RunResult& result, Language language, Layout layout) {
    const auto devices = path_devices(result);
    const Marks marks(result);
    layout.label_lines = marks.most_labels();
    const int nodes = static_cast<int>(devices.size()) + 2;
    std::ostringstream svg;
    svg << "<svg class=\"path " << (layout.across ? "path-across" : "path-down") << "\" viewBox=\"0 0 "
        << layout.width(nodes) << " " << layout.height(nodes) << "\" width=\"" << layout.width(nodes) << "\" height=\""
        << layout.height(nodes) << "\" role=\"img\" aria-label=\"" << html_escape(word("section:path", language)) << "\">\n";
    for (int i = 0; i + 1 < nodes; ++i) svg << "<line " << layout.link(i) << " class=\"link\"/>\n";
    draw_box(svg, layout.x(0), layout.y(0), "host", word("probe", language), {});
    for (int i = 1; i + 1 < nodes; ++i) {
        const std::string& device = devices[static_cast<std::size_t>(i - 1)];
        draw_box(svg, layout.x(i), layout.y(i), "device " + marks.css(device), device, {});
        draw_labels(svg, layout, i, device, marks, language);
        draw_taps(svg, layout, i, device, result, language);
    }
    draw_box(svg, layout.x(nodes - 1), layout.y(nodes - 1), "host", word("server", language), target_lines(result, language));
    svg << "</svg>\n";
    return svg.str();
}

// What the colors mean, as HTML so it wraps in a narrow window.
std::string legend(Language language) {
    std::ostringstream html;
    html << "<p class=\"legend\">";
    for (const char* key : {"guilty", "degraded", "suspect", "clean"})
        html << "<span><i class=\"swatch " << key << "\"></i>" << html_escape(word("legend:" + std::string(key), language))
             << "</span>";
    html << "<span><i class=\"dot\"></i>" << html_escape(word("legend:tap", language)) << "</span>"
         << "<span><i class=\"dot lost\"></i>" << html_escape(word("legend:tap-lost", language)) << "</span></p>\n";
    return html.str();
}

}  // namespace

std::string html_path_diagram(const RunResult& result, Language language) {
    return "<div class=\"diagram\">" + draw(result, language, Layout{true}) + draw(result, language, Layout{false}) +
           "</div>\n" + legend(language);
}

}  // namespace dnspath::reports
