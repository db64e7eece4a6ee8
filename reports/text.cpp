// The terminal report: findings first, then the verdicts — failures first — fitted to the
// terminal's width (reasons wrap under their column unless wide), a totals line, and the
// per-family summary.
#include <algorithm>
#include <cctype>
#include <cstdio>

#include <sstream>

#include "reports/messages.h"

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

// The columns a code point takes on a terminal: 2 for East Asian wide and full-width forms (the
// Japanese catalogue), 1 otherwise. Ranges from Unicode's EastAsianWidth W/F, the common blocks.
std::size_t columns_of(char32_t c) {
    const bool wide = (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
                      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
                      (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x2460 && c <= 0x24ff);
    return wide ? 2 : 1;
}

// The length in octets of the UTF-8 sequence starting with `lead` (1 for a stray byte).
std::size_t sequence_length(unsigned char lead) {
    return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}

char32_t decode_at(const std::string& text, std::size_t at, std::size_t length) {
    char32_t c = length == 1 ? static_cast<unsigned char>(text[at]) : static_cast<unsigned char>(text[at]) & (0x7f >> length);
    for (std::size_t i = 1; i < length && at + i < text.size(); ++i) c = c << 6 | (static_cast<unsigned char>(text[at + i]) & 0x3f);
    return c;
}

}  // namespace

std::size_t display_width(const std::string& text) {
    std::size_t width = 0;
    for (std::size_t at = 0; at < text.size();) {
        const auto length = sequence_length(static_cast<unsigned char>(text[at]));
        width += columns_of(decode_at(text, at, length));
        at += length;
    }
    return width;
}

// `text` in lines of at most `width` terminal columns, broken at a space when the line has one,
// else between two characters (Japanese has no spaces); never inside a UTF-8 sequence. Every line
// after the first starts with `indent` spaces.
namespace {

// Whether a line may end at `at` (the next line starting there, or after the space there), by
// Japanese line-breaking rules that read right in English too: closing punctuation never starts a
// line, an opening bracket never ends one, a number is never split nor torn from its unit
// ("1232 octets", "1 ms"), and two narrow characters are never parted except at a space.
bool may_break_at(const std::string& text, std::size_t at) {
    if (at == 0 || at >= text.size()) return true;
    std::size_t before = at - 1;
    while (before > 0 && (static_cast<unsigned char>(text[before]) & 0xC0) == 0x80) --before;
    if (text[before] == ' ') return false;  // the space itself is the break
    const std::string_view previous(text.data() + before, at - before);
    for (std::string_view opening : {"（", "(", "「", "["})
        if (previous == opening) return false;
    if (text[at] == ' ') {
        const std::size_t next = at + 1;
        const bool unit_follows = next < text.size() && (std::isalpha(static_cast<unsigned char>(text[next])) ||
                                                         text[next] == '%' || (static_cast<unsigned char>(text[next]) & 0x80));
        return !(std::isdigit(static_cast<unsigned char>(text[before])) && unit_follows);
    }
    for (std::string_view closing : {"、", "。", "）", "：", ")", ",", ".", "」", "・"})
        if (text.compare(at, closing.size(), closing) == 0) return false;
    const bool narrow_before = (static_cast<unsigned char>(text[before]) & 0x80) == 0 && text[before] != ' ';
    const bool narrow_after = (static_cast<unsigned char>(text[at]) & 0x80) == 0;
    return !(narrow_before && narrow_after);
}

// The last break at or before `end` (after `start`) the rules allow; `end` itself when none does.
std::size_t allowed_break(const std::string& text, std::size_t start, std::size_t end) {
    for (std::size_t at = end; at > start; --at) {
        if ((static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) continue;  // inside a character
        if (may_break_at(text, at)) return at;
    }
    return end;
}

}  // namespace

std::string wrap(const std::string& text, std::size_t indent, std::size_t width) {
    const std::size_t room = width > indent + 20 ? width - indent : 20;
    auto length_at = [&](std::size_t at) { return sequence_length(static_cast<unsigned char>(text[at])); };
    auto wide_at = [&](std::size_t at) { return at < text.size() && columns_of(decode_at(text, at, length_at(at))) == 2; };
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t at = start, used = 0, last_space = std::string::npos, used_at_space = 0, previous = start;
        while (at < text.size()) {
            const auto columns = columns_of(decode_at(text, at, length_at(at)));
            if (used + columns > room) break;
            if (text[at] == ' ') last_space = at, used_at_space = used;
            used += columns;
            previous = at;
            at += length_at(at);
        }
        std::size_t end = at;
        if (at < text.size()) {
            // Japanese breaks between any two characters; English only at a space. A space far
            // back would leave a short line, so Japanese text breaks at the character instead.
            const bool between_wide = wide_at(at) || wide_at(previous);
            const bool space_near = last_space != std::string::npos && last_space > start && room - used_at_space <= 12;
            if (last_space != std::string::npos && last_space > start && (!between_wide || space_near)) end = last_space;
            end = allowed_break(text, start, end);
        }
        if (end == start) end = start + length_at(start);
        if (!out.empty()) out += "\n" + std::string(indent, ' ');
        out += text.substr(start, end - start);
        start = end;
        while (start < text.size() && text[start] == ' ') ++start;
    }
    return out;
}

namespace {

std::string render_findings(const RunResult& result, const TextOptions& options) {
    const Language language = options.language;
    const auto all = findings(result, language);
    if (all.empty()) return "";
    std::string out = word("findings", language) + "\n";
    for (const auto& finding : all) {
        const Status tone = finding.severity == Severity::broken ? Status::fail : Status::warn;
        out += "  " + paint(options.color, tone, finding.device) + " — " +
               word("severity:" + std::string(to_string(finding.severity)), language) + "\n";
        for (const auto& cause : finding.causes) {
            std::string where;
            for (const auto& checkpoint : cause.checkpoints) where += (where.empty() ? "" : ", ") + checkpoint;
            out += "    " + wrap(cause.sentence + " [" + where + "]", 4, options.width) + "\n";
        }
        const std::string fix_label = word("fix", language) + ": ";
        for (const auto& fix : finding.fixes)
            out += "    " + fix_label + wrap(fix, 4 + display_width(fix_label), options.width) + "\n";
        if (!finding.items.empty()) {
            std::string items;
            for (const auto& item : finding.items) items += (items.empty() ? "" : "; ") + item;
            const std::string label = word("fails", language) + ": ";
            out += "    " + label + wrap(items, 4 + display_width(label), options.width) + "\n";
        }
    }
    return out + "\n";
}

// `dnspath diagnose`: what was asked, then the first finding with its manual item, whether the
// path, the zone or the resolver is at fault, the sentence and the manual's remedy.
std::string render_diagnosis(const RunResult& result, const TextOptions& options) {
    const Language language = options.language;
    const auto head = diagnosis_head(result, language);
    std::string out = head.asked + "\n";
    if (head.first == nullptr) return out + "  " + paint(options.color, Status::pass, head.headline) + "\n\n";
    out += "  " + paint(options.color, head.first->status, head.headline) + "\n";
    out += "    " + wrap(head.sentence, 4, options.width) + "\n";
    if (!head.fix.empty()) {
        const std::string label = word("fix", language) + ": ";
        out += "    " + label + wrap(head.fix, 4 + display_width(label), options.width) + "\n";
    }
    if (head.stopped) out += "    " + wrap(word("chain-stopped", language), 4, options.width) + "\n";
    return out + "\n";
}

// Real resolvers behind the path: the consequence, then each resolver's answers on wrapped lines.
std::string render_resolvers(const RunResult& result, const TextOptions& options) {
    const auto block = resolver_block(result, options.language);
    if (block.heading.empty()) return "";
    std::string out = block.heading + "\n  " + paint(options.color, block.status, wrap(block.consequence, 2, options.width)) + "\n";
    for (const auto& row : block.rows) {
        std::string cells;
        for (const auto& cell : row.cells)
            cells += (cells.empty() ? "" : " · ") + cell.question + ": " + cell.text;
        out += "  " + paint(options.color, row.status, row.name) + " (" + row.address + ")\n    " + wrap(cells, 4, options.width) + "\n";
    }
    return out + "\n";
}

// `text` padded with spaces to `columns` terminal columns.
std::string pad(const std::string& text, std::size_t columns) {
    const auto width = display_width(text);
    return width >= columns ? text : text + std::string(columns - width, ' ');
}

std::string blamed_text(const Verdict& verdict) {
    std::string blamed;
    for (const auto& device : model::blamed_devices(verdict)) blamed += (blamed.empty() ? "" : "+") + device;
    return blamed.empty() ? "-" : blamed;
}

// The verdicts as blocks for a narrow terminal: "udp-large ipv4 FAIL core", then the reason.
std::string render_stacked(const std::vector<const Verdict*>& ordered, const TextOptions& options) {
    std::string out;
    for (const auto* verdict : ordered) {
        const std::string status = word("status:" + std::string(to_string(verdict->status)), options.language);
        out += model::verdict_name(*verdict) + " " + std::string(to_string(verdict->family)) + "  " +
               paint(options.color, verdict->status, status) + "  " + blamed_text(*verdict) + "\n    " +
               wrap(render_cause(*verdict, options.language), 4, options.width) + "\n";
    }
    return out;
}

std::string render_table(const RunResult& result, const TextOptions& options) {
    const Language language = options.language;
    const auto ordered = failures_first(result);
    const std::string headers[] = {word("column:checkpoint", language), word("column:family", language),
                                   word("column:verdict", language), word("column:device", language),
                                   word("column:reason", language)};
    std::size_t widths[4] = {display_width(headers[0]), std::max<std::size_t>(4, display_width(headers[1])),
                             display_width(headers[2]), display_width(headers[3])};
    for (const auto* verdict : ordered) {
        widths[0] = std::max(widths[0], model::verdict_name(*verdict).size());
        widths[2] = std::max(widths[2], display_width(word("status:" + std::string(to_string(verdict->status)), language)));
        widths[3] = std::max(widths[3], blamed_text(*verdict).size());
    }
    const std::size_t reason_column = widths[0] + widths[1] + widths[2] + widths[3] + 5;
    // A narrow terminal leaves the reason too little room beside the columns: each verdict is
    // then a block, its reason on the lines under it.
    if (!options.wide && options.width < reason_column + 32) return render_stacked(ordered, options);
    std::string out = pad(headers[0], widths[0]) + "  " + pad(headers[1], widths[1]) + " " + pad(headers[2], widths[2]) +
                      " " + pad(headers[3], widths[3]) + " " + headers[4] + "\n";
    for (const auto* verdict : ordered) {
        const std::string status = word("status:" + std::string(to_string(verdict->status)), language);
        out += pad(model::verdict_name(*verdict), widths[0]) + "  " + pad(std::string(to_string(verdict->family)), widths[1]) + " " +
               paint(options.color, verdict->status, pad(status, widths[2])) + " " + pad(blamed_text(*verdict), widths[3]) +
               " ";
        const std::string reason = render_cause(*verdict, language);
        out += (options.wide ? reason : wrap(reason, reason_column, options.width)) + "\n";
    }
    return out;
}

std::string totals(const RunResult& result, Language language) {
    int counts[4] = {};
    for (const auto& verdict : result.verdicts) ++counts[status_rank(verdict.status)];
    model::Params params{{"failed", counts[0]}, {"warn", counts[1]}, {"passed", counts[2]}};
    if (counts[3] > 0) params["na"] = counts[3];
    return fill_text(word("totals", language), params, language) + "\n";
}

std::string summary_line(std::string_view family, const FamilySummary& summary, Language language) {
    model::Params params{{"family", family}};
    params["largest"] = summary.largest_udp_answer
                            ? fill_text(word("octets", language), {{"n", *summary.largest_udp_answer}}, language)
                            : word("unknown", language);
    params["mtu"] = summary.path_mtu ? std::to_string(*summary.path_mtu) : word("unknown", language);
    params["nat"] = summary.nat ? word(*summary.nat ? "yes" : "no", language) : word("unknown", language);
    if (summary.loss_rate) {
        char loss[32];
        std::snprintf(loss, sizeof loss, "%.1f %%", *summary.loss_rate * 100);
        params["loss"] = loss;
    }
    if (summary.load_qps_through && summary.load_qps_baseline) {
        char figures[4][32];
        std::snprintf(figures[0], sizeof figures[0], "%.0f", *summary.load_qps_through);
        std::snprintf(figures[1], sizeof figures[1], "%.0f", *summary.load_qps_baseline);
        std::snprintf(figures[2], sizeof figures[2], "%.2f", summary.load_p99_ms_through.value_or(0));
        std::snprintf(figures[3], sizeof figures[3], "%.2f", summary.load_p99_ms_baseline.value_or(0));
        params["through"] = figures[0];
        params["baseline"] = figures[1];
        params["p99_through"] = figures[2];
        params["p99_baseline"] = figures[3];
    }
    return fill_text(word("summary", language), params, language) + "\n";
}

}  // namespace

// The dig line of each failing or warning verdict, cut to the terminal in lines a shell takes.
std::string render_reproductions(const RunResult& result, const TextOptions& options) {
    const auto found = reproductions(result);
    if (found.empty()) return "";
    std::string out = (options.wide ? word("section:reproduce", options.language)
                                    : wrap(word("section:reproduce", options.language), 0, options.width)) + "\n";
    for (const auto& [verdict, command] : found) {
        // The command and its continuation lines at one indent: a query name is one word, and
        // a narrow terminal must still hold it.
        out += "# " + model::verdict_name(*verdict) + " " + std::string(to_string(verdict->family)) + "\n";
        const std::size_t width = options.wide ? std::string::npos : (options.width > 6 ? options.width - 2 : 4);
        for (const auto& line : shell_lines(command, width)) out += "  " + line + "\n";
    }
    return out;
}

std::string render_text_summary(const RunResult& result, Language language) {
    return summary_line("ipv4", result.ipv4, language) + summary_line("ipv6", result.ipv6, language);
}

std::string render_text(const RunResult& result, const TextOptions& options) {
    const Language language = options.language;
    if (result.diagnosis) {
        std::string out = render_diagnosis(result, options) + render_table(result, options) + totals(result, language);
        return out + (result.interrupted ? word("interrupted", language) + "\n" : "");
    }
    std::string out;
    for (const auto& line : {identities_text(result, language), addressing_text(result, language)})
        if (!line.empty()) out += wrap(line, 2, options.width) + "\n";
    if (!out.empty()) out += "\n";
    out += render_findings(result, options) + render_resolvers(result, options) + render_table(result, options) +
           totals(result, language) + "\n";
    std::istringstream summary(render_text_summary(result, language));
    for (std::string line; std::getline(summary, line);) out += wrap(line, 2, options.width) + "\n";
    if (const auto standards = standards_text(result, language, options.width); !standards.empty()) out += "\n" + standards;
    if (const auto reproduce = render_reproductions(result, options); !reproduce.empty()) out += "\n" + reproduce;
    if (result.interrupted) out += word("interrupted", language) + "\n";
    return out;
}

}  // namespace dnspath::reports
