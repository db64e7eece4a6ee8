// The reports' edges: the output folder a run leaves, the format dispatch and the exit code.
#include "reports/messages.h"

#include <algorithm>
#include <sstream>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace dnspath::reports {

Result<std::pair<std::string, std::string>> write_outputs(const RunResult& result, const std::string& dir,
                                                         Language language) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) return fail("cannot create output folder " + dir + ": " + error.message());
    const std::string json_path = (std::filesystem::path(dir) / "result.json").string();
    const std::string html_path = (std::filesystem::path(dir) / "report.html").string();
    DNSPATH_TRY_VOID(write_json(result, json_path));
    std::ofstream html(html_path);
    html << render_html(result, language, PagePlace{dir, dir});
    if (!html.flush()) return fail("cannot write " + html_path);
    return std::pair{json_path, html_path};
}

std::string escape_markup(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '&': out += "&amp;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default:
                if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') out += c;
        }
    }
    return out;
}

int status_rank(Status status) {
    return status == Status::fail ? 0 : status == Status::warn ? 1 : status == Status::pass ? 2 : 3;
}

std::vector<const Verdict*> failures_first(const RunResult& result) {
    std::vector<const Verdict*> ordered;
    for (const auto& verdict : result.verdicts) ordered.push_back(&verdict);
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const Verdict* a, const Verdict* b) { return status_rank(a->status) < status_rank(b->status); });
    return ordered;
}

std::vector<Reproduction> reproductions(const RunResult& result) {
    std::vector<Reproduction> found;
    for (const auto* verdict : failures_first(result)) {
        if (verdict->status != Status::fail && verdict->status != Status::warn) continue;
        // A TC=1 answer is often the expected first leg (tcp-fallback): what failed after it, first.
        const model::ProbeRecord* chosen = nullptr;
        for (const auto& id : verdict->probes) {
            const auto* probe = model::find_probe(result, id);
            if (!probe || !probe->reproduce) continue;
            if (!chosen || (chosen->outcome == model::Outcome::truncated && probe->outcome != model::Outcome::truncated))
                chosen = probe;
        }
        if (chosen) found.push_back({verdict, *chosen->reproduce});
    }
    return found;
}

std::vector<std::string> shell_lines(const std::string& command, std::size_t width) {
    const auto comment = command.find("  #");
    const std::string words = command.substr(0, comment);
    std::vector<std::string> lines{""};
    std::istringstream in(words);
    for (std::string part; in >> part;) {
        if (!lines.back().empty() && lines.back().size() + 1 + part.size() + 2 > width) {
            lines.back() += " \\";
            lines.push_back("");
        }
        lines.back() += (lines.back().empty() ? "" : " ") + part;
    }
    if (comment != std::string::npos) lines.push_back(command.substr(comment + 2));
    return lines;
}

Result<Format> parse_format(std::string_view text) {
    if (text == "text") return Format::text;
    if (text == "html") return Format::html;
    if (text == "md" || text == "markdown") return Format::md;
    if (text == "junit") return Format::junit;
    if (text == "json") return Format::json;
    return fail("unknown format '" + std::string(text) + "' (expected text, html, md, junit or json)");
}

std::string render(const RunResult& result, Format format, const TextOptions& options) {
    switch (format) {
        case Format::text: return render_text(result, options);
        case Format::html: return render_html(result, options.language);
        case Format::md: return render_markdown(result, options.language);
        case Format::junit: return render_junit(result, options.language, options.junit_warnings);
        case Format::json: return to_json(result);
    }
    return render_text(result, options);
}

int exit_code(const RunResult& result) {
    // From the run's one severity (result.json's `overall`): a failing checkpoint makes it at
    // least "degrades", so 1 means a checkpoint failed, as the CLI promises.
    const auto overall = severity_of(result).overall;
    return overall == "breaks" || overall == "degrades" ? 1 : 0;
}

}  // namespace dnspath::reports
