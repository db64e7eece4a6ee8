// Markdown for a ticket: the heading and counts, the findings, the verdict table (failures first)
// and the per-family summary. Table cells escape '|' so a reason never breaks its row.
#include <algorithm>
#include <sstream>

#include "reports/messages.h"

namespace dnspath::reports {
namespace {

std::string cell(std::string text) {
    std::string out;
    for (char c : text) {
        if (c == '|') out += "\\|";
        else if (c == '\n') out += ' ';
        else out += c;
    }
    return out;
}

std::string findings_markdown(const RunResult& result, Language language) {
    const auto all = findings(result, language);
    if (all.empty()) return "";
    std::ostringstream md;
    md << "## " << word("findings", language) << "\n\n";
    for (const auto& finding : all) {
        md << "### " << finding.device << " — " << word("severity:" + std::string(to_string(finding.severity)), language)
           << "\n\n";
        for (const auto& cause : finding.causes) {
            md << "- " << cause.sentence << " (";
            for (std::size_t i = 0; i < cause.checkpoints.size(); ++i) md << (i ? ", " : "") << "`" << cause.checkpoints[i] << "`";
            md << ")\n";
        }
        for (const auto& fix : finding.fixes) md << "- **" << word("fix", language) << ":** " << fix << "\n";
        if (!finding.items.empty()) {
            md << "- **" << word("fails", language) << ":** ";
            for (std::size_t i = 0; i < finding.items.size(); ++i) md << (i ? "; " : "") << finding.items[i];
            md << "\n";
        }
        md << "\n";
    }
    return md.str();
}

// Real resolvers behind the path: the consequence, then a row per resolver, a column per question.
std::string resolvers_markdown(const RunResult& result, Language language) {
    const auto block = resolver_block(result, language);
    if (block.heading.empty()) return "";
    std::ostringstream md;
    md << "## " << block.heading << "\n\n" << (block.status == Status::fail ? "**" + block.consequence + "**" : block.consequence)
       << "\n\n| " << word("column:resolver", language) << " |";
    for (const auto& cell_of_row : block.rows.front().cells) md << " " << cell(cell_of_row.question) << " |";
    md << "\n|---|";
    for (std::size_t i = 0; i < block.rows.front().cells.size(); ++i) md << "---|";
    md << "\n";
    for (const auto& row : block.rows) {
        md << "| " << cell(row.name) << " (`" << cell(row.address) << "`) |";
        for (const auto& answer : row.cells)
            md << " " << (answer.status == Status::fail ? "**" + cell(answer.text) + "**" : cell(answer.text)) << " |";
        md << "\n";
    }
    return md.str() + "\n";
}

}  // namespace

std::string render_markdown(const RunResult& result, Language language) {
    int counts[4] = {};
    for (const auto& verdict : result.verdicts) ++counts[status_rank(verdict.status)];
    std::ostringstream md;
    const std::string heading = "overall:" + severity_of(result).overall;  // result.json's `overall`
    if (result.diagnosis) {
        // A diagnosis leads with its question and first finding, not a path's headline.
        const auto head = diagnosis_head(result, language);
        md << "# " << head.asked << "\n\n**" << head.headline << "**\n\n";
        if (!head.sentence.empty()) md << "- " << head.sentence << "\n";
        if (!head.fix.empty()) md << "- **" << word("fix", language) << ":** " << head.fix << "\n";
        if (head.stopped) md << "- " << word("chain-stopped", language) << "\n";
        md << "\n";
    } else {
        md << "# dnspath: " << word(heading, language) << "\n\n";
    }
    model::Params totals{{"failed", counts[0]}, {"warn", counts[1]}, {"passed", counts[2]}};
    if (counts[3] > 0) totals["na"] = counts[3];
    md << fill_text(word("totals", language), totals, language) << " · " << result.started_at << " · "
       << word("targets", language);
    for (const auto& target : result.targets) md << " " << target;
    md << "\n\n";
    for (const auto& line : {identities_text(result, language), addressing_text(result, language)})
        if (!line.empty()) md << line << "\n\n";
    if (result.interrupted) md << "**" << word("interrupted", language) << "**\n\n";
    md << findings_markdown(result, language) << resolvers_markdown(result, language) << "## "
       << word("section:verdicts", language) << "\n\n|";
    for (const char* column : {"column:checkpoint", "column:family", "column:verdict", "column:device", "column:reason"})
        md << " " << word(column, language) << " |";
    md << "\n|---|---|---|---|---|\n";
    const auto ordered = failures_first(result);
    for (const auto* verdict : ordered) {
        std::string blamed;
        for (const auto& device : model::blamed_devices(*verdict)) blamed += (blamed.empty() ? "" : " + ") + device;
        const std::string status = word("status:" + std::string(to_string(verdict->status)), language);
        md << "| `" << model::verdict_name(*verdict) << "` | " << to_string(verdict->family) << " | "
           << (verdict->status == Status::fail ? "**" + status + "**" : status) << " | " << cell(blamed) << " | "
           << cell(render_cause(*verdict, language)) << " |\n";
    }
    if (result.diagnosis) return md.str();  // no per-family path figures in a diagnosis
    md << "\n## " << word("section:summary", language) << "\n\n";
    std::string summary = render_text_summary(result, language);
    std::istringstream lines(summary);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) md << "- " << line << "\n";
    const auto standards = standards_block(result, language);
    if (!standards.rows.empty()) {
        md << "\n## " << standards.heading << "\n\n| " << word("column:item", language) << " | "
           << word("column:verdict", language) << " | " << word("column:note", language) << " |\n| --- | --- | --- |\n";
        for (const auto& row : standards.rows)
            md << "| " << cell(row.title) << " | " << word("status:" + std::string(to_string(row.status)), language) << " | "
               << cell(row.note) << " |\n";
    }
    if (const auto found = reproductions(result); !found.empty()) {
        md << "\n## " << word("section:reproduce", language) << "\n\n";
        for (const auto& [verdict, command] : found)
            md << "- `" << model::verdict_name(*verdict) << "` " << to_string(verdict->family) << "\n\n  ```sh\n  "
               << command << "\n  ```\n";
    }
    return md.str();
}

}  // namespace dnspath::reports
