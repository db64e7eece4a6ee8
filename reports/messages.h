// The message catalogue's tables for one language: sentences by key, checkpoint titles, cause
// names as they read inside other sentences, fixes, the words of the reports' frames (headings,
// column names, statuses) and parameter values as they read in that language. Internal to reports/.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "reports/report.h"

namespace dnspath::reports {

using Table = std::map<std::string, std::string, std::less<>>;

struct Messages {
    const Table& sentences;
    const Table& titles;
    const Table& cause_names;
    const Table& fixes;
    const Table& words;
    const Table& values;
    const Table& item_labels;  // standards items by id: what each asks, in a few words
    const Table& help;         // the command line's --help (catalogue_<lang>_help.cpp)
};

// Each language's frame words, values and item labels (catalogue_<lang>_words.cpp), which its
// Messages hold beside the sentences.
const Table& english_words();
const Table& english_help();
const Table& japanese_help();
const Table& english_values();
const Table& english_item_labels();
const Table& japanese_words();
const Table& japanese_values();
const Table& japanese_item_labels();

const Messages& english_messages();   // catalogue_en.cpp
const Messages& japanese_messages();  // catalogue_ja.cpp
const Messages& messages(Language language);

// A frame word ("findings", "fix", "PASS") in `language`; English when a table lacks it.
std::string word(std::string_view key, Language language);
// A parameter value as it reads in `language` ("answers" → "応答"); unchanged when not listed.
std::string value_word(const std::string& value, Language language);
// A checklist item under its name in `language` ("JPRS A-87/F-87" → "JPRS 確認項目 A-87/F-87").
std::string item_name(const std::string& source, Language language);

// A catalogue template filled from parameters in `language` (see fill_template in report.h).
std::string fill_text(std::string_view text, const model::Params& params, Language language);
// `text` wrapped at `width` terminal columns, continuation lines indented by `indent` (text.cpp).
std::string wrap(const std::string& text, std::size_t indent, std::size_t width);

// `text` safe inside HTML or XML text and attribute values; control characters XML 1.0 cannot
// carry are dropped.
std::string escape_markup(std::string_view text);

// Failures first, then warnings, passes, not measured (0..3): the order every format lists in.
int status_rank(Status status);
// The run's verdicts in that order, stable within a status.
std::vector<const Verdict*> failures_first(const RunResult& result);

// For each failing or warning verdict, the dig line of its first probe that got no answer (else of
// its first TC=1 answer) (`probes[].reproduce`): what a person runs to see the failure again.
// Failures first.
struct Reproduction {
    const Verdict* verdict;
    std::string command;
};
std::vector<Reproduction> reproductions(const RunResult& result);
// A command line cut at spaces into lines of at most `width` columns, each but the last ending
// in " \" so the lines paste into a shell as one command (a trailing comment stays whole).
std::vector<std::string> shell_lines(const std::string& command, std::size_t width);

// The head of a diagnosis (`dnspath diagnose`): the question, then the first finding (or none).
struct DiagnosisHead {
    std::string asked;     // "Diagnosis of example.jp. — server …"
    std::string headline;  // "first finding: JPRS A-79, a fault in the zone's data …" or "no finding: …"
    std::string sentence;  // the finding's cause, with its checkpoint
    std::string fix;       // the manual's remedy ("" when none)
    const Verdict* first = nullptr;
    bool stopped = false;  // the chain stopped at it (no --all)
};
DiagnosisHead diagnosis_head(const RunResult& result, Language language);

// What real resolvers behind the path experienced (`run --resolver`), ready for any format.
struct ResolverCell {
    std::string question;  // "DNSKEY set"
    std::string text;      // "SERVFAIL EDE 22, 5.1 s"
    Status status = Status::pass;
    std::vector<model::ExtendedError> errors;  // for formats that show the EDE's extra text
};
struct ResolverRow {
    std::string name, address;
    std::string self;  // what it said of itself (RESINFO for resolver.arpa): "NOERROR: qnamemin exterr=…", "" when it did not answer
    Status status = Status::pass;  // fail when any answer was not NOERROR with AD
    std::vector<ResolverCell> cells;
};
struct ResolverBlock {
    std::string heading;      // "" when no resolver was asked
    std::string consequence;  // "2 of 4 resolvers failed: DNSKEY set, 3000 octets"
    Status status = Status::pass;
    std::vector<ResolverRow> rows;
};
ResolverBlock resolver_block(const RunResult& result, Language language);  // resolvers.cpp
// One resolver answer as a cell reads ("SERVFAIL EDE 22, 5.1 s"), and whether it was NOERROR with AD.
std::string resolver_answer_text(const model::ResolverAnswer& answer, Language language);
bool resolver_answer_ok(const model::ResolverAnswer& answer);
// A question's label ("dnskey" → "DNSKEY set"); the role itself when the catalogue lacks it.
std::string question_label(const std::string& role, Language language);

// "home-router: Buffalo WXR-1750DHP, firmware 2.60" for each device whose model or firmware is
// known, joined with "; " ("" when none is).
std::string identities_text(const RunResult& result, Language language);  // devices.cpp
// "Addressing: home-router WAN 198.18.200.100 fd00:200::100, delegated prefix fd00:7700::/56; …"
// with whether the LAN is numbered from the delegation ("" without a bench's addressing).
std::string addressing_text(const RunResult& result, Language language);

// The standards items a run touched (result.standards), failures first, for every human format.
struct StandardsRow {
    std::string title;  // "JPRS A-86 (1220-octet UDP messages, authoritative side)"
    Status status = Status::na;
    std::string note;   // why it was not exercised, or the largest answer it saw ("" for none)
};
struct StandardsBlock {
    std::string heading;  // "" when the run touched no item
    std::vector<StandardsRow> rows;
};
StandardsBlock standards_block(const RunResult& result, Language language);  // standards.cpp
// The block as terminal lines: items that failed, fell short or were not exercised, then how many
// passed ("" when none was touched).
std::string standards_text(const RunResult& result, Language language, std::size_t width);

// The per-family summary lines (largest UDP answer, path MTU, NAT, load), one per family.
std::string render_text_summary(const RunResult& result, Language language);

}  // namespace dnspath::reports
