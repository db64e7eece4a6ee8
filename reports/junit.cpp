// JUnit XML for a CI pipeline: one test suite per device in path order, one test case per device ×
// checkpoint × family. A verdict fails the devices it blames; a failing verdict that names nobody
// fails a case in the "path" suite; a verdict not measured is skipped; a warning passes with its
// reason in system-out. Real resolvers asked after the plan get a "resolvers" suite, one case per
// resolver × question, failed when it was not NOERROR with AD. No clock is read: the same result
// gives the same bytes.
#include <algorithm>
#include <sstream>

#include "reports/messages.h"

namespace dnspath::reports {
namespace {

std::string xml(std::string_view text) { return escape_markup(text); }

struct Case {
    std::string name, title, failure_type, failure_message, details, output;
    bool skipped = false;
};

bool blames(const Verdict& verdict, const std::string& device) {
    for (const auto& blame : verdict.blame)
        if (blame.device == device) return true;
    return false;
}

Case case_for(const Verdict& verdict, const std::string& device, Language language) {
    Case test;
    test.name = std::string(model::to_string(verdict.checkpoint)) + "/" + std::string(to_string(verdict.family));
    test.title = checkpoint_title(verdict.checkpoint, language);
    const bool guilty = device == "path" ? verdict.blame.empty() : blames(verdict, device);
    if (verdict.status == Status::na) {
        test.skipped = true;
        test.output = render_cause(verdict, language);
    } else if (guilty && verdict.status == Status::fail) {
        test.failure_type = std::string(to_string(verdict.cause.code));
        test.failure_message = render_cause(verdict, language);
        for (const auto& item : checkpoint_sources(verdict.checkpoint, language)) test.details += item + "\n";
        if (device == "path") test.details += word("junit:unattributed", language) + "\n";
    } else if (guilty && verdict.status == Status::warn) {
        test.output = render_cause(verdict, language);
    }
    return test;
}

std::string suite(const std::string& name, const std::vector<Case>& cases) {
    int failures = 0, skipped = 0;
    for (const auto& test : cases) {
        failures += !test.failure_type.empty();
        skipped += test.skipped;
    }
    std::ostringstream out;
    out << "  <testsuite name=\"" << xml(name) << "\" tests=\"" << cases.size() << "\" failures=\"" << failures
        << "\" errors=\"0\" skipped=\"" << skipped << "\">\n";
    for (const auto& test : cases) {
        out << "    <testcase classname=\"dnspath." << xml(name) << "\" name=\"" << xml(test.name + " — " + test.title) << "\"";
        if (test.failure_type.empty() && !test.skipped && test.output.empty()) {
            out << "/>\n";
            continue;
        }
        out << ">\n";
        if (!test.failure_type.empty())
            out << "      <failure type=\"" << xml(test.failure_type) << "\" message=\"" << xml(test.failure_message) << "\">"
                << xml(test.details) << "</failure>\n";
        if (test.skipped) out << "      <skipped message=\"" << xml(test.output) << "\"/>\n";
        else if (!test.output.empty()) out << "      <system-out>" << xml(test.output) << "</system-out>\n";
        out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
    return out.str();
}

}  // namespace

std::string render_junit(const RunResult& result, Language language) {
    std::vector<std::string> devices = result.path;
    for (const auto& verdict : result.verdicts)
        for (const auto& device : model::blamed_devices(verdict))
            if (std::find(devices.begin(), devices.end(), device) == devices.end()) devices.push_back(device);
    devices.push_back("path");  // failing verdicts that name no device, and every verdict when there is no topology
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dnspath\">\n";
    for (const auto& device : devices) {
        std::vector<Case> cases;
        for (const auto& verdict : result.verdicts) {
            if (device == "path" && devices.size() > 1 && !(verdict.blame.empty() && verdict.status == Status::fail)) continue;
            cases.push_back(case_for(verdict, device, language));
        }
        if (!cases.empty()) out << suite(device, cases);
    }
    // Real resolvers behind the path: a suite of their own, one case per resolver × question.
    const auto block = resolver_block(result, language);
    std::vector<Case> asked;
    for (const auto& row : block.rows)
        for (const auto& cell : row.cells) {
            Case test;
            test.name = row.name;
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
