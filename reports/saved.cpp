// The report and compare subcommands' work on saved results: read back, rendered, written.
#include <filesystem>
#include <regex>

#include "reports/report.h"

namespace dnspath::reports {

std::string result_file(const std::string& path) {
    std::error_code error;
    const auto inside = std::filesystem::path(path) / "result.json";
    if (std::filesystem::is_directory(path, error) && std::filesystem::is_regular_file(inside, error)) return inside.string();
    return path;
}

Result<int> report_saved(const SavedReport& job, const std::function<void(const std::string&)>& say) {
    const std::string path = result_file(job.path);
    const auto language = job.text.language;
    DNSPATH_TRY(RunResult result, read_json(path));
    if (!job.html.empty()) {
        const PagePlace place{std::filesystem::path(job.html).parent_path().string(), std::filesystem::path(path).parent_path().string()};
        DNSPATH_TRY_VOID(write_output(render_html(result, language, place), job.html));
        say(cli_line("cli:report", {{"path", job.html}}, language));
    }
    if (!job.bundle.empty()) {
        DNSPATH_TRY(auto missing, write_bundle(result, path, job.bundle, language));
        say(cli_line("cli:bundle", {{"path", job.bundle}, {"taps", result.taps.size() - missing.size()}}, language));
        for (const auto& tap : missing) say(cli_line("cli:bundle-missing", {{"tap", tap}}, language));
        // A bundle alone is what was asked: no report on standard output as well.
        if (job.out.empty()) return exit_code(result);
    }
    DNSPATH_TRY_VOID(write_output(render(result, job.format, job.text), job.out));
    return exit_code(result);
}

Result<int> compare_saved(const std::string& before, const std::string& after, Format format, const TextOptions& text,
                          const std::string& out) {
    DNSPATH_TRY(RunResult earlier, read_json(result_file(before)));
    DNSPATH_TRY(RunResult later, read_json(result_file(after)));
    const auto comparison = compare(earlier, later, before, after);
    DNSPATH_TRY_VOID(write_output(render_comparison(comparison, format, text), out));
    return comparison.worse() ? 1 : 0;
}

std::string usage_message(const std::string& parser_message, Language language) {
    struct Kind {
        std::regex pattern;
        const char* key;
        std::vector<const char*> names;
    };
    static const std::vector<Kind> kinds{
        {std::regex(R"(^(\S+) is required$)"), "cli:usage-required", {"name"}},
        {std::regex(R"(^A subcommand is required$)"), "cli:usage-subcommand", {}},
        {std::regex(R"(^The following arguments? (?:was|were) not expected: (.*)$)"), "cli:usage-unexpected", {"what"}},
        {std::regex(R"(^(\S+): Value (.*) not in range (\S+) to (\S+)$)"), "cli:usage-range", {"flag", "value", "low", "high"}},
        {std::regex(R"(^(\S+): (.*) not in \{(.*)\}$)"), "cli:usage-not-one-of", {"flag", "value", "choices"}},
        {std::regex(R"(^(\S+) excludes (\S+)$)"), "cli:usage-excludes", {"flag", "other"}},
        {std::regex(R"(^(\S+): \d+ required .* missing$)"), "cli:usage-missing-value", {"flag"}},
        {std::regex(R"(^(\S+): '(.*)' is not a whole number.*$)"), "cli:usage-not-whole", {"flag", "value"}},
        {std::regex(R"(^(\S+): '(.*)' is not a finite number$)"), "cli:usage-not-finite", {"flag", "value"}},
        {std::regex(R"(^(\S+): '(.*)' is not a server id.*$)"), "cli:usage-server-id", {"flag", "value"}},
        {std::regex(R"(^--lang: unknown language '(.*)'.*$)"), "cli:usage-language", {"value"}}};
    if (language == Language::en) return parser_message;
    std::smatch match;
    for (const auto& kind : kinds)
        if (std::regex_match(parser_message, match, kind.pattern)) {
            model::Params params = model::Params::object();
            for (std::size_t i = 0; i < kind.names.size(); ++i) params[kind.names[i]] = match[i + 1].str();
            return cli_line(kind.key, params, language);
        }
    return cli_line("cli:usage-other", {{"message", parser_message}}, language);
}

}  // namespace dnspath::reports
