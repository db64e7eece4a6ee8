// The reports component's public face: result.json written and read back, and every sentence a
// person reads, made from cause codes and parameters through one message catalogue.
#pragma once

#include <optional>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "probe/model/model.h"
#include "probe/wire/wire.h"

namespace dnspath::reports {

using model::Family;
using model::FamilySummary;
using model::ProbeRecord;
using model::RunResult;
using model::Status;
using model::TapSummary;
using model::Verdict;

// The language every sentence is rendered in; English is the default.
enum class Language { en, ja };
Result<Language> parse_language(std::string_view text);  // "en", "ja"
std::string_view to_string(Language language);

// The checkpoint catalogue: every id a plan can decide, its title and the seed-document items it
// answers (JPRS, DNSSEC Japan). Ids are a stable interface: add, never rename.
struct CheckpointInfo {
    model::Checkpoint checkpoint;
    std::string_view id;
    std::string_view title;
    std::vector<std::string> sources;  // item ids ("JPRS A-86")
};
const std::vector<CheckpointInfo>& checkpoints();
// The standards items a checkpoint answers, each named in `language` with its label
// ("JPRS A-86 (1220-octet UDP messages)", "JPRS 確認項目 A-86（1220 バイトの UDP メッセージ）").
std::vector<std::string> checkpoint_sources(model::Checkpoint checkpoint, Language language = Language::en);
// One item id named and labelled the same way.
std::string item_title(const std::string& item, Language language = Language::en);
std::string checkpoint_title(model::Checkpoint checkpoint, Language language = Language::en);

// The catalogue's sentence for a verdict's cause (or a capture finding).
std::string render_cause(const Verdict& verdict, Language language = Language::en);
std::string render_finding(const model::CaptureFinding& finding, Language language = Language::en);
// "probe p0001abc (edns-size udp, size 1500, bufsize 4096 DO=0): timeout after 3 tries"
// A profile's problem by its code and arguments (profile::ProfileError) in `language`; "" for a
// code the catalogue does not know.
std::string describe_profile_problem(std::string_view code, const std::vector<std::pair<std::string, std::string>>& args,
                                     Language language);
// A local error (a code with its argument) in `language`; an error without a code by its words.
std::string describe_error(const model::LocalError& error, Language language = Language::en);
std::string render_probe(const ProbeRecord& probe, Language language = Language::en);
// Every catalogue key of one table ("sentences", "titles", "cause_names", "fixes", "words",
// "values", "help") in one language, and its text: for the tests that both languages say everything.
std::vector<std::pair<std::string, std::string>> catalogue_entries(std::string_view table, Language language);
// The --help line of `option` ("--port", or a positional's name) of `command` ("lab run"), or of
// the command itself when `option` is empty: the command's own sentence, else the one every
// command shares for that option; "[help: KEY]" when the catalogue has neither.
std::string option_help(std::string_view command, std::string_view option, Language language);
std::vector<std::string> catalogue_keys();
// A template filled from parameters: {name} takes a value, [… {name} …] is left out unless every
// name in it has a value (not null, false or empty). Exposed for its unit test.
std::string fill_template(std::string_view text, const model::Params& params);

std::string to_json(const RunResult& result);
Result<void> write_json(const RunResult& result, const std::string& path);
// Reads a result.json back (report, analyze --result): a missing file, a folder, a malformed
// document or another schema version is an Error.
Result<RunResult> read_json(const std::string& path);
Result<RunResult> parse_json(std::string_view text, const std::string& path);

// Writes DIR/result.json (for machines) and DIR/report.html (for people, in `language`); returns
// both paths.
Result<std::pair<std::string, std::string>> write_outputs(const RunResult& result, const std::string& dir,
                                                         Language language = Language::en);

// A finding for one guilty device, first in every human format: what it does (one line per cause,
// with the checkpoints that show it), how bad that is given the fallbacks the run saw working, the
// checklist items it fails, and the fixes an operator applies.
enum class Severity { broken, degraded, notice };  // worst first
std::string_view to_string(Severity severity);
struct CauseLine {
    std::string sentence;
    std::vector<std::string> checkpoints;  // "udp-large/ipv4"
};
struct Finding {
    std::string device;
    Severity severity = Severity::notice;
    std::vector<CauseLine> causes;
    std::vector<std::string> items;
    std::vector<std::string> fixes;
};
std::vector<Finding> findings(const RunResult& result, Language language = Language::en);

// The run's one severity and each guilty device's, from the findings and the verdicts (result.json
// `overall` and `devices[]`): "breaks" (no fallback worked), "degrades" (a failure a fallback
// carried), "warns" (warnings only), "clean". A failing verdict that blames nobody makes the run
// degrade at least.
struct DeviceSeverity {
    std::string name, severity;
    std::vector<std::string> causes;       // cause codes its blame entries carry, first seen first
    std::vector<std::string> checkpoints;  // "udp-large/ipv4"
};
struct RunSeverity {
    std::string overall = "clean";
    std::vector<DeviceSeverity> devices;
};
RunSeverity severity_of(const RunResult& result);
// A finding's severity as the word result.json's `overall` and `devices[].severity` use.
std::string_view severity_word(Severity severity);
// The colour every format paints a severity word ("breaks", "degrades", "warns", "clean") in.
const char* severity_color(std::string_view severity);

// What a warning is in JUnit (`--junit-warn`): a skip with its message (default), or a failure.
enum class JunitWarnings { skip, fail };

// How the terminal report is laid out: colors (off for NO_COLOR or a pipe), the width reasons
// wrap at (the terminal's, or COLUMNS), or each verdict on one line (`wide`).
struct TextOptions {
    bool color = false;
    std::size_t width = 100;
    bool wide = false;
    Language language = Language::en;
    JunitWarnings junit_warnings = JunitWarnings::skip;  // --junit-warn
};
// The layout for standard output: colors unless `no_color`, NO_COLOR is set or stdout is not a
// terminal; the width from COLUMNS, else the terminal's.
TextOptions terminal_text_options(bool no_color, bool wide, Language language);
// Writes a rendered report to the file `out` (a regular file or a new one), or to standard output
// when `out` is "".
Result<void> write_output(const std::string& text, const std::string& out);
// The terminal columns `text` takes: East Asian wide characters count two.
std::size_t display_width(const std::string& text);
// The findings, then the verdicts (failures first) fitted to the width, a totals line and the
// per-family summary.
std::string render_text(const RunResult& result, const TextOptions& options);
// Where an HTML page will stand and where its result.json came from, so the page links each tap's
// pcapng by a path relative to itself (taps/ beside the page, else beside the result, else where
// the run wrote it); empty: the taps are linked by the paths the run wrote.
struct PagePlace {
    std::string page_dir;
    std::string result_dir;
    bool taps_beside_page = false;  // a bundle: every tap is in taps/ beside the page
};
// One self-contained HTML page: the path with the guilty devices marked, charts, every verdict.
std::string render_html(const RunResult& result, Language language = Language::en, const PagePlace& place = {});
// Markdown for a ticket: findings, the verdict table, the summary.
std::string render_markdown(const RunResult& result, Language language = Language::en);
// JUnit XML: one suite per checkpoint group, one test case per verdict under a stable English name
// (`udp-large.ipv4`); a warning is a skip with its message, or a failure with JunitWarnings::fail.
std::string render_junit(const RunResult& result, Language language = Language::en,
                         JunitWarnings warnings = JunitWarnings::skip);

// A tarball for a ticket (`report --bundle OUT.tar.gz`): result.json as read, the report in every
// format (report.txt, report.html linking taps/, report.md, report.xml, in `language`) and every
// tap's pcapng under taps/. The taps it could not find, by name (the bundle is made without them).
Result<std::vector<std::string>> write_bundle(const RunResult& result, const std::string& result_path,
                                              const std::string& bundle_path, Language language);

// One of the CLI's own status lines in the report's language: `key` names a "cli:" word of the
// catalogue ("cli:result", "cli:report", …), filled from `params`.
std::string cli_line(std::string_view key, const model::Params& params, Language language);

// Every format a result renders in, by the name `report --format` takes.
enum class Format { text, html, md, junit, json };
Result<Format> parse_format(std::string_view text);  // "text", "html", "md", "junit", "json"
std::string render(const RunResult& result, Format format, const TextOptions& options);

// Two runs side by side (before and after a firmware change, or two models): for each checkpoint ×
// family, what changed — status, the devices blamed, the cause — and the per-family figures.
enum class Direction { worse, better, changed };
struct VerdictChange {
    model::Checkpoint checkpoint = model::Checkpoint::reachability;
    Family family = Family::ipv4;
    model::Via via = model::Via::path;
    std::optional<Verdict> before, after;  // absent when the run did not decide it
    Direction direction = Direction::changed;
};
struct FigureChange {
    Family family = Family::ipv4;
    std::string figure;  // "largest_udp_answer", "path_mtu", "nat"
    std::string from, to;
    Direction direction = Direction::changed;
};
// A real resolver's answer to one question in either run, when it differs in outcome, rcode or AD.
struct ResolverChange {
    std::string resolver;  // "unbound"
    std::string question;  // its role: "dnskey", "s3000"
    std::optional<model::ResolverAnswer> before, after;
    Direction direction = Direction::changed;
};
struct Comparison {
    std::string before_name, after_name;
    std::vector<VerdictChange> verdicts;
    std::vector<FigureChange> figures;
    std::vector<ResolverChange> resolvers;
    int unchanged = 0;
    bool worse() const;  // anything got worse: `compare` exits 1
};
Comparison compare(const RunResult& before, const RunResult& after, std::string before_name, std::string after_name);
std::string render_comparison(const Comparison& comparison, Format format, const TextOptions& options);

// 0 when no checkpoint failed, 1 when one did (the CLI's documented exit codes).
int exit_code(const RunResult& result);

// Where a saved result is: `path` itself, or the result.json inside the run folder `path` names.
std::string result_file(const std::string& path);
// `dnspath report`: a saved result (file or run folder) rendered as `format` to `out` (standard
// output when ""), and when asked the HTML page to `html` and a bundle to `bundle`; what was
// written is said through `say`. The run's exit code (0 or 1).
struct SavedReport {
    std::string path, out, html, bundle;
    Format format = Format::text;
    TextOptions text;
};
Result<int> report_saved(const SavedReport& job, const std::function<void(const std::string&)>& say);
// `dnspath compare`: two saved results (files or run folders) compared and rendered to `out`;
// 1 when anything got worse, else 0.
Result<int> compare_saved(const std::string& before, const std::string& after, Format format, const TextOptions& text,
                          const std::string& out);
// A command-line parser's message about a mistake, in `language`: the catalogue's sentence for the
// kinds of mistake CLI11 reports, anything else its own words inside the catalogue's frame.
std::string usage_message(const std::string& parser_message, Language language);

}  // namespace dnspath::reports
