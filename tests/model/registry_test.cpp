// The vocabulary's one declaration and everything made from it: each code's parameters checked by
// type, the JSON Schema's per-code params, docs/causes.md's parameter column, and the recorded
// results. With DNSPATH_REGENERATE=1 the schema's generated parts and the docs column are written
// back instead of compared (then review the diff).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "probe/model/model.h"
#include "reports/report.h"

namespace dnspath::model {
namespace {

std::string source(const std::string& relative) { return std::string(DNSPATH_SOURCE_DIR) + "/" + relative; }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool regenerating() {
    const char* value = std::getenv("DNSPATH_REGENERATE");
    return value != nullptr && std::string(value) == "1";
}

// A value of the parameter's declared type, for building every cause whole.
Params sample(const ParamSpec& param) {
    switch (param.type) {
        case ParamType::octets:
        case ParamType::count: return 1232;
        case ParamType::number:
        case ParamType::milliseconds:
        case ParamType::seconds: return 1.5;
        case ParamType::fraction: return 0.05;
        case ParamType::word: return std::string(param.value_list().front());
        case ParamType::words: return Params::array({std::string(param.value_list().front())});
        case ParamType::flag: return true;
        case ParamType::family: return "ipv4";
        case ParamType::cause: return "size-cap";
        case ParamType::rule: return "answer-dropped";
        case ParamType::octets_list: return Params::array({512, 1232});
        case ParamType::number_list: return Params::array({1, 2});
        case ParamType::device_list:
        case ParamType::address_list:
        case ParamType::text_list: return Params::array({"a", "b"});
        case ParamType::cause_list: return Params::array({"mtu"});
        case ParamType::figures: return Params::object();
        case ParamType::error: return Params{{"code", "os"}, {"call", "connect"}, {"errno", 113}};
        default: return "x";
    }
}

// A value no declared type of this parameter accepts.
Params mistyped(const ParamSpec& param) {
    switch (param.type) {
        case ParamType::device:
        case ParamType::address:
        case ParamType::text:
        case ParamType::item:
        case ParamType::flag:
        case ParamType::figures:
        case ParamType::error: return 7;
        default: return Params::object({{"not", "this"}});
    }
}

TEST(Registry, EveryCauseBuiltWholeIsValidAndAMissingOrMistypedParameterIsNot) {
    for (const auto& spec : cause_specs()) {
        Cause cause{spec.code, Params::object()};
        for (const auto& param : spec.params) cause.params[std::string(param.name)] = sample(param);
        EXPECT_TRUE(check_cause(cause).empty()) << spec.name << ": " << check_cause(cause).front().param;
        for (const auto& param : spec.params) {
            Cause wrong = cause;
            wrong.params[std::string(param.name)] = mistyped(param);
            ASSERT_FALSE(check_cause(wrong).empty()) << spec.name << "." << param.name << " took a wrong type";
            if (param.type != ParamType::figures) {
                EXPECT_EQ(check_cause(wrong).front().what, ParamProblem::What::mistyped) << spec.name << "." << param.name;
            }
            if (param.presence == Presence::required) {
                Cause missing = cause;
                missing.params.erase(std::string(param.name));
                ASSERT_EQ(check_cause(missing).size(), 1u) << spec.name;
                EXPECT_EQ(check_cause(missing).front().what, ParamProblem::What::missing);
            }
            if (param.presence != Presence::nullable) {
                Cause null = cause;
                null.params[std::string(param.name)] = nullptr;
                EXPECT_FALSE(check_cause(null).empty()) << spec.name << "." << param.name << " took null";
            }
        }
        Cause unknown = cause;
        unknown.params["no_such_parameter"] = 1;
        ASSERT_EQ(check_cause(unknown).size(), 1u);
        EXPECT_EQ(check_cause(unknown).front().what, ParamProblem::What::unknown);
    }
}

TEST(Registry, AWordOutsideItsValuesIsRejected) {
    Cause cause{CauseCode::fragment_filter, {{"direction", "sideways"}}};
    ASSERT_EQ(check_cause(cause).size(), 1u);
    EXPECT_EQ(check_cause(cause).front().what, ParamProblem::What::not_a_value);
}

TEST(Registry, SelectorsAreDeclaredWordParameters) {
    for (const auto& spec : cause_specs()) {
        if (spec.selector.empty()) continue;
        const auto* param = spec.param(spec.selector);
        ASSERT_NE(param, nullptr) << spec.name << " selects on an undeclared " << spec.selector;
        EXPECT_EQ(param->type, ParamType::word) << spec.name;
    }
}

TEST(Registry, NamesRoundTripAndEveryKindAndCheckpointIsDeclaredOnce) {
    for (auto code : cause_codes()) EXPECT_EQ(cause_from(to_string(code)), code);
    for (const auto& spec : rule_specs()) EXPECT_EQ(finding_rule_from(spec.name), spec.rule);
    for (const auto& kind : kind_registry()) {
        EXPECT_EQ(kind_from(kind.name), kind.id);
        for (const auto& checkpoint : kind.checkpoints) {
            EXPECT_EQ(checkpoint_from(checkpoint.name), checkpoint.id);
            EXPECT_EQ(entry_of(checkpoint.id).kind, kind.id);
        }
    }
    for (const auto& item : item_specs()) EXPECT_EQ(item_from(item.id), item.item);
    EXPECT_TRUE(unknown_items().empty());
}

TEST(Registry, RecastKeepsOnlyWhatTheNewCodeDeclares) {
    Cause cap{CauseCode::size_cap, {{"size", 1240}, {"gap", 2856}, {"largest", 1232}}};
    Cause loss = recast(cap, CauseCode::random_loss, {{"answered_after_retry", 4}});
    EXPECT_EQ(loss.code, CauseCode::random_loss);
    EXPECT_FALSE(loss.params.contains("gap"));
    EXPECT_EQ(loss.params["largest"], 1232);
    EXPECT_EQ(loss.params["instead_of"], "size-cap");
    EXPECT_TRUE(check_cause(loss).empty());
}

// docs/result.schema.json holds the generated vocabulary: the code and rule enums, the cause with
// a params schema per code, and each finding rule's params.
TEST(Registry, TheSchemaHoldsTheGeneratedVocabulary) {
    const std::string path = source("docs/result.schema.json");
    auto schema = nlohmann::json::parse(read_file(path));
    nlohmann::json codes = nlohmann::json::array(), rules = nlohmann::json::array();
    for (const auto& spec : cause_specs()) codes.push_back(spec.name);
    for (const auto& spec : rule_specs()) rules.push_back(spec.name);
    nlohmann::json expected_finding = schema["$defs"]["finding"];
    expected_finding["allOf"] = finding_params_schema()["allOf"];
    if (regenerating()) {
        // Written in the file's own key order, so only the generated parts change.
        auto ordered = nlohmann::ordered_json::parse(read_file(path));
        auto as_ordered = [](const nlohmann::json& value) { return nlohmann::ordered_json::parse(value.dump()); };
        ordered["$defs"]["cause_code"]["enum"] = as_ordered(codes);
        ordered["$defs"]["finding_rule"]["enum"] = as_ordered(rules);
        ordered["$defs"]["cause"] = as_ordered(cause_schema());
        ordered["$defs"]["finding"]["allOf"] = as_ordered(finding_params_schema()["allOf"]);
        std::ofstream(path) << ordered.dump(2) << "\n";
        return;
    }
    EXPECT_EQ(schema["$defs"]["cause_code"]["enum"], codes);
    EXPECT_EQ(schema["$defs"]["finding_rule"]["enum"], rules);
    EXPECT_EQ(schema["$defs"]["cause"], cause_schema()) << "run the registry test with DNSPATH_REGENERATE=1";
    EXPECT_EQ(schema["$defs"]["finding"], expected_finding) << "run the registry test with DNSPATH_REGENERATE=1";
    EXPECT_EQ(schema["properties"]["schema_version"]["const"], kSchemaVersion);
}

// docs/causes.md: one row per code, its parameter column as the registry declares it.
TEST(Registry, TheDocsParameterColumnIsTheDeclaration) {
    const std::string path = source("docs/causes.md");
    std::string docs = read_file(path);
    std::ostringstream rewritten;
    std::istringstream lines(docs);
    std::set<std::string> rows;
    bool in_matrix = false;  // the fault matrix's table names faults, some of them like causes
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("<!-- fault-matrix -->")) in_matrix = true;
        if (line.starts_with("<!-- /fault-matrix -->")) in_matrix = false;
        // A row starts "| `code` |"; plain string matching, because GCC's std::regex trips
        // -Wmaybe-uninitialized in the sanitizer build.
        std::string name;
        if (line.starts_with("| `")) {
            auto close = line.find("` |", 3);
            if (close != std::string::npos) name = line.substr(3, close - 3);
        }
        auto code = name.empty() || in_matrix ? std::nullopt : cause_from(name);
        if (!code || line.find("| code |") != std::string::npos) {
            rewritten << line << "\n";
            continue;
        }
        rows.insert(name);
        // | code | meaning | selected by | changed or confirmed by | params | asserted in |
        std::vector<std::string> cells;
        std::size_t start = 1;
        for (std::size_t bar = line.find(" |", start); bar != std::string::npos; bar = line.find(" |", start)) {
            cells.push_back(line.substr(start, bar - start));
            start = bar + 2;
        }
        ASSERT_EQ(cells.size(), 6u) << line;
        EXPECT_TRUE(regenerating() || cells[4] == " " + param_column(*code))
            << name << ": docs say" << cells[4] << ", the registry " << param_column(*code);
        cells[4] = " " + param_column(*code);
        std::string joined = "|";
        for (const auto& cell : cells) joined += cell + " |";
        rewritten << joined << "\n";
    }
    for (const auto& spec : cause_specs()) EXPECT_TRUE(rows.count(std::string(spec.name))) << spec.name << " has no row";
    if (regenerating()) std::ofstream(path) << rewritten.str();
}

// Every cause and finding of the recorded results is what the registry declares.
TEST(Registry, RecordedResultsFollowTheDeclarations) {
    for (const auto& entry : std::filesystem::directory_iterator(source("tests/reports/golden"))) {
        if (entry.path().extension() != ".json") continue;
        auto result = reports::read_json(entry.path().string());
        ASSERT_TRUE(result) << entry.path() << ": " << result.error().message;
        for (const auto& verdict : result->verdicts) {
            for (const auto& problem : check_cause(verdict.cause))
                ADD_FAILURE() << entry.path().filename() << " " << to_string(verdict.checkpoint) << " "
                              << to_string(verdict.cause.code) << "." << problem.param << " " << to_string(problem.what);
            for (const auto& finding : verdict.findings)
                for (const auto& problem : check_finding(finding))
                    ADD_FAILURE() << entry.path().filename() << " " << to_string(finding.rule) << "." << problem.param << " "
                                  << to_string(problem.what);
        }
    }
}

}  // namespace
}  // namespace dnspath::model
