// JUnit XML for a CI pipeline: one test suite per checkpoint group (the probe kind that decides
// it), one test case per verdict, named in English whatever the language (`udp-large.ipv4`, so a
// CI server's history survives --lang); the language shows only in messages. A failing verdict is
// a failure, `na` a skip, a warning a skip or a failure as `--junit-warn` says; the devices it
// blames are properties. `time` is the round trips of the verdict's probes (the run's duration on
// the whole). Real resolvers asked after the plan get a "resolvers" suite, one case per resolver ×
// question, failed when it was not NOERROR with AD. No clock is read: the same result gives the
// same bytes.
#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "reports/messages.h"

namespace dnspath::reports {
namespace {

std::string xml(std::string_view text) { return escape_markup(text); }

struct Case {
    std::string name, title, failure_type, failure_message, details, output;
    std::vector<std::string> devices;
    double seconds = 0;
    bool skipped = false;
};

std::string seconds_text(double seconds) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", seconds);
    return text;
}

// The round trips of the verdict's probes, in seconds.
double probe_seconds(const Verdict& verdict, const std::map<std::string, const model::ProbeRecord*>& probes) {
    double total_ms = 0;
    for (const auto& id : verdict.probes)
        if (auto found = probes.find(id); found != probes.end() && found->second->rtt_ms) total_ms += *found->second->rtt_ms;
    return total_ms / 1000;
}

Case case_for(const Verdict& verdict, Language language, bool warnings_fail, double seconds) {
    Case test;
    test.name = std::string(model::to_string(verdict.checkpoint)) + (verdict.via == model::Via::proxy ? ".proxy." : ".") + std::string(to_string(verdict.family));
    test.title = checkpoint_title(verdict.checkpoint, language);
    test.devices = model::blamed_devices(verdict);
    test.seconds = seconds;
    const bool fails = verdict.status == Status::fail || (verdict.status == Status::warn && warnings_fail);
    if (fails) {
        test.failure_type = std::string(to_string(verdict.cause.code));
        test.failure_message = render_cause(verdict, language);
        for (const auto& item : checkpoint_sources(verdict.checkpoint, language)) test.details += item + "\n";
        if (test.devices.empty() && verdict.status == Status::fail) test.details += word("junit:unattributed", language) + "\n";
    } else if (verdict.status == Status::na || verdict.status == Status::warn) {
        test.skipped = true;
        test.output = render_cause(verdict, language);
    }
    return test;
}

std::string suite(const std::string& name, const std::vector<Case>& cases) {
    int failures = 0, skipped = 0;
    double seconds = 0;
    for (const auto& test : cases) {
        failures += !test.failure_type.empty();
        skipped += test.skipped;
        seconds += test.seconds;
    }
    std::ostringstream out;
    out << "  <testsuite name=\"" << xml(name) << "\" tests=\"" << cases.size() << "\" failures=\"" << failures
        << "\" errors=\"0\" skipped=\"" << skipped << "\" time=\"" << seconds_text(seconds) << "\">\n";
    for (const auto& test : cases) {
        out << "    <testcase classname=\"dnspath." << xml(name) << "\" name=\"" << xml(test.name) << "\" time=\""
            << seconds_text(test.seconds) << "\">\n";
        out << "      <properties><property name=\"title\" value=\"" << xml(test.title) << "\"/>";
        for (const auto& device : test.devices) out << "<property name=\"device\" value=\"" << xml(device) << "\"/>";
        out << "</properties>\n";
        if (!test.failure_type.empty())
            out << "      <failure type=\"" << xml(test.failure_type) << "\" message=\"" << xml(test.failure_message) << "\">"
                << xml(test.details) << "</failure>\n";
        if (test.skipped) out << "      <skipped message=\"" << xml(test.output) << "\"/>\n";
        out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
    return out.str();
}

}  // namespace

std::string render_junit(const RunResult& result, Language language, JunitWarnings warnings) {
    std::map<std::string, const model::ProbeRecord*> probes;
    for (const auto& probe : result.probes) probes.emplace(probe.id, &probe);
    // Suites in the registry's order of kinds, cases in the order of the verdicts.
    std::map<model::KindId, std::vector<Case>> by_kind;
    for (const auto& verdict : result.verdicts)
        by_kind[model::entry_of(verdict.checkpoint).kind].push_back(
            case_for(verdict, language, warnings == JunitWarnings::fail, probe_seconds(verdict, probes)));
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dnspath\" time=\""
        << seconds_text(result.duration_s) << "\">\n";
    for (const auto& [kind, cases] : by_kind) out << suite(std::string(model::to_string(kind)), cases);
    // Real resolvers behind the path: a suite of their own, one case per resolver × question.
    const auto block = resolver_block(result, language);
    const auto english = resolver_block(result, Language::en);  // the cases' names, whatever the language
    std::vector<Case> asked;
    for (std::size_t r = 0; r < block.rows.size(); ++r)
        for (std::size_t c = 0; c < block.rows[r].cells.size(); ++c) {
            const auto& cell = block.rows[r].cells[c];
            Case test;
            test.name = block.rows[r].name + "." + english.rows[r].cells[c].question;
            test.title = cell.question;
            if (cell.status == Status::fail) {
                test.failure_type = "resolver-failed";
                test.failure_message = cell.text;
                test.details = block.consequence + "\n";
            }
            asked.push_back(std::move(test));
        }
    if (!asked.empty()) out << suite("resolvers", asked);
    out << "</testsuites>\n";
    return out.str();
}

}  // namespace dnspath::reports
