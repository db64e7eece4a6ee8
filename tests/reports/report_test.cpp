#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include <span>
#include <set>
#include <sstream>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "probe/judge/judge.h"
#include "reports/messages.h"
#include "reports/report.h"

namespace dnspath::reports {
namespace {

using model::CauseCode;
using model::FindingRule;

model::Verdict verdict(std::string_view checkpoint, Family family, Status status, model::Cause cause,
                       std::vector<std::string> probes = {}, std::vector<model::Blame> blame = {}) {
    model::Verdict made;
    made.checkpoint = model::checkpoint_from(checkpoint).value();
    made.family = family;
    made.status = status;
    made.cause = std::move(cause);
    made.probes = std::move(probes);
    made.blame = std::move(blame);
    return made;
}

RunResult sample() {
    RunResult result;
    result.tool_version = "0.1.0";
    result.started_at = "2026-11-22T00:00:00Z";
    result.targets = {"198.18.2.2"};
    result.verdicts.push_back(verdict("udp-large", Family::ipv4, Status::fail,
                                      {CauseCode::size_cap, {{"size", 1480}, {"advertised", 4096}, {"largest", 1472}}},
                                      {"p1"},
                                      {{"cpe", {"p1"}, FindingRule::answer_dropped,
                                        {CauseCode::size_cap, {{"size", 1480}, {"advertised", 4096}}}}}));
    result.verdicts.push_back(verdict("tcp-direct", Family::ipv6, Status::pass, {CauseCode::ok, {{"size", 4000}}}));
    result.ipv4.largest_udp_answer = 1472;
    result.ipv4.nat = true;
    model::ProbeRecord probe;
    probe.id = "p1";
    probe.kind = "edns-size";
    probe.requested_size = 1480;
    probe.bufsize = 4096;
    probe.outcome = model::Outcome::timeout;
    probe.attempts = 3;
    result.probes.push_back(probe);
    judge::judge_standards(result);
    return result;
}

TEST(Report, JsonRoundTripKeepsTheTypedModel) {
    auto path = std::filesystem::temp_directory_path() / "dnspath-report-test.json";
    auto written = sample();
    written.verdicts[0].findings.push_back(
        {FindingRule::fragments_dropped, "p1", "cpe", {{"cpe.in", 4, std::nullopt}, {"cpe.out", 3, 9}}, {{"passed", 1}}});
    ASSERT_TRUE(write_json(written, path.string()));
    auto back = read_json(path.string());
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->verdicts.size(), 2u);
    EXPECT_EQ(back->verdicts[0].checkpoint, model::Checkpoint::udp_large);
    EXPECT_EQ(back->verdicts[0].cause.code, CauseCode::size_cap);
    EXPECT_EQ(back->verdicts[0].cause.params["size"], 1480);
    ASSERT_EQ(back->verdicts[0].blame.size(), 1u);
    EXPECT_EQ(back->verdicts[0].blame[0].device, "cpe");
    EXPECT_EQ(back->verdicts[0].blame[0].rule, FindingRule::answer_dropped);
    ASSERT_EQ(back->verdicts[0].findings.size(), 1u);
    EXPECT_EQ(back->verdicts[0].findings[0].taps[1].answer_frame, 9u);
    EXPECT_FALSE(back->verdicts[0].findings[0].taps[0].answer_frame);
    EXPECT_EQ(back->verdicts[0].status, Status::fail);
    EXPECT_TRUE(back->verdicts[1].blame.empty());
    EXPECT_EQ(back->ipv4.largest_udp_answer, 1472);
    EXPECT_EQ(back->ipv4.nat, true);
    EXPECT_FALSE(back->ipv6.path_mtu);
    ASSERT_EQ(back->probes.size(), 1u);
    EXPECT_EQ(back->probes[0].outcome, model::Outcome::timeout);
    EXPECT_EQ(back->probes[0].requested_size, 1480u);
    EXPECT_FALSE(back->probes[0].answer_size);
    EXPECT_EQ(to_json(*back), to_json(written));  // nothing lost or reordered
    std::filesystem::remove(path);
}

TEST(Report, JsonCarriesSchemaSeedItemsAndNulls) {
    auto text = to_json(sample());
    EXPECT_NE(text.find("\"schema_version\": 1"), std::string::npos);
    EXPECT_NE(text.find("\"JPRS A-86\""), std::string::npos);
    EXPECT_NE(text.find("\"standards\""), std::string::npos);
    EXPECT_NE(text.find("\"answer_size\": null"), std::string::npos);
    EXPECT_NE(text.find("\"path_mtu\": null"), std::string::npos);
    EXPECT_NE(text.find("\"code\": \"size-cap\""), std::string::npos);
    EXPECT_EQ(text.find("\"reason\""), std::string::npos);  // no prose in machine output
}

TEST(Report, ExitCodeFollowsFailures) {
    auto result = sample();
    EXPECT_EQ(exit_code(result), 1);
    result.verdicts[0].status = Status::warn;
    EXPECT_EQ(exit_code(result), 0);
}

TEST(Report, TextNamesTheDeviceTheCauseAndSummary) {
    auto text = render_text(sample(), TextOptions{});
    EXPECT_NE(text.find("FAIL"), std::string::npos);
    EXPECT_NE(text.find("cpe"), std::string::npos);
    EXPECT_NE(text.find("UDP answers of 1480 octets (DNS message) and more vanish"), std::string::npos);
    EXPECT_NE(text.find("largest UDP answer 1472 octets"), std::string::npos);
    EXPECT_EQ(text.find("\033["), std::string::npos);  // no colors when asked for none
}

// Line breaking by Japanese rules, which read right in English too: no number split, no unit torn
// from its number, no opening bracket at a line's end, no closing punctuation at a line's start.
TEST(Report, WrappingKeepsNumbersUnitsAndBracketsWhole) {
    auto lines = [](const std::string& wrapped) {
        std::vector<std::string> out;
        std::istringstream in(wrapped);
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    };
    // Each width puts the natural break inside "65001", between "1" and "ms", or after "（".
    for (std::size_t width = 20; width <= 60; ++width) {
        const auto wrapped = lines(wrap("未知のオプション（65001）、DO=1 とバッファサイズが変更されずに届いた（1 ms）", 0, width));
        for (std::size_t i = 0; i + 1 < wrapped.size(); ++i) {
            const std::string& line = wrapped[i];
            const std::string& next = wrapped[i + 1];
            EXPECT_FALSE(std::isdigit(static_cast<unsigned char>(line.back())) && std::isdigit(static_cast<unsigned char>(next.front())))
                << width << ": a number split: " << line << " / " << next;
            EXPECT_FALSE(line.size() >= 3 && line.compare(line.size() - 3, 3, "（") == 0) << width << ": " << line;
            EXPECT_FALSE(next.rfind("ms", 0) == 0) << width << ": a unit torn from its number: " << line << " / " << next;
            EXPECT_FALSE(next.rfind("、", 0) == 0 || next.rfind("）", 0) == 0) << width << ": " << next;
        }
    }
    EXPECT_EQ(wrap("answers of 1232, 1500, 4000 octets arrive", 0, 32), "answers of 1232, 1500,\n4000 octets arrive");
}

TEST(Report, ReadingGarbageIsAnError) {
    auto path = std::filesystem::temp_directory_path() / "dnspath-garbage.json";
    std::ofstream(path) << "{not json";
    EXPECT_FALSE(read_json(path.string()));
    std::ofstream(path) << "{\"tool\": \"other\"}";
    EXPECT_FALSE(read_json(path.string()));
    std::ofstream(path) << "{\"tool\": \"dnspath\", \"schema_version\": 1, \"verdicts\": [{\"checkpoint\": 5}]}";
    auto mistyped = read_json(path.string());
    ASSERT_FALSE(mistyped);
    // Where, in words: the library's own tag ("[json.exception.type_error.302]") is not shown.
    EXPECT_NE(mistyped.error().message.find("verdicts[0]: a field has the wrong type"), std::string::npos)
        << mistyped.error().message;
    EXPECT_EQ(mistyped.error().message.find("json.exception"), std::string::npos);
    std::ofstream(path) << "{\"tool\": \"dnspath\", \"schema_version\": 1, \"verdicts\": [{\"checkpoint\": \"pmtu\", "
                           "\"family\": \"ipv4\", \"status\": \"fail\", \"cause\": {\"code\": \"no-such-code\"}}]}";
    auto unknown = read_json(path.string());
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("no-such-code"), std::string::npos);
    // Parameters that are not an object are refused, not carried to a renderer that looks keys up.
    std::ofstream(path) << "{\"tool\": \"dnspath\", \"schema_version\": 1, \"verdicts\": [{\"checkpoint\": \"pmtu\", "
                           "\"family\": \"ipv4\", \"status\": \"fail\", \"cause\": {\"code\": \"mtu\", \"params\": null}}]}";
    auto null_params = read_json(path.string());
    ASSERT_FALSE(null_params);
    EXPECT_NE(null_params.error().message.find("must be an object"), std::string::npos);
    // A float where a whole number belongs is refused in words; one far out of range is never cast
    // (nlohmann would, and a float out of an integer's range is undefined: found by fuzz_result).
    std::ofstream(path) << "{\"tool\": \"dnspath\", \"schema_version\": 1, \"probes\": [{\"id\": \"p1\", "
                           "\"family\": \"ipv4\", \"outcome\": \"timeout\", \"dns_id\": 8.66667e+123}]}";
    auto huge = read_json(path.string());
    ASSERT_FALSE(huge);
    EXPECT_NE(huge.error().message.find("probes[0]: \"dns_id\" must be a whole number from 0 to 65535"), std::string::npos)
        << huge.error().message;
    std::ofstream(path) << "{\"tool\": \"dnspath\", \"schema_version\": 1, \"probes\": [{\"id\": \"p1\", "
                           "\"family\": \"ipv4\", \"outcome\": \"timeout\", \"dns_id\": 70000}]}";
    EXPECT_FALSE(read_json(path.string()));
    // A cause's figure out of range reads (parameters are the cause's own) and renders as written.
    std::ofstream(path) << "{\"tool\": \"dnspath\", \"schema_version\": 1, \"verdicts\": [{\"checkpoint\": \"udp-large\", "
                           "\"family\": \"ipv4\", \"status\": \"fail\", \"cause\": {\"code\": \"size-cap\", "
                           "\"params\": {\"largest\": 8.66667e+123, \"limit\": -1e300}}}]}";
    auto far = read_json(path.string());
    ASSERT_TRUE(far) << far.error().message;
    EXPECT_FALSE(render_text(*far, {false, 60, false}).empty());
    EXPECT_FALSE(model::whole_param(far->verdicts.at(0).cause.params, "largest"));
    // A result from before schema versions says which version it needs.
    std::ofstream(path) << "{\"tool\": \"dnspath\", \"verdicts\": []}";
    auto old = read_json(path.string());
    ASSERT_FALSE(old);
    EXPECT_NE(old.error().message.find("reads version 1"), std::string::npos);
    std::filesystem::remove(path);
    EXPECT_FALSE(read_json("/nonexistent/result.json"));
    auto folder = read_json(std::filesystem::temp_directory_path().string());
    ASSERT_FALSE(folder);
    EXPECT_NE(folder.error().message.find("a folder with no result.json in it"), std::string::npos);
}

TEST(Report, FindingsComeFirstWithSeverityFixAndItems) {
    auto result = sample();  // cpe drops UDP answers over 1480 (size-cap), udp-large/ipv4 fails
    auto found = findings(result);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].device, "cpe");
    EXPECT_EQ(found[0].severity, Severity::broken);  // no tcp-fallback pass in this result
    ASSERT_EQ(found[0].causes.size(), 1u);
    EXPECT_EQ(found[0].causes[0].checkpoints, (std::vector<std::string>{"udp-large/ipv4"}));
    ASSERT_EQ(found[0].fixes.size(), 1u);
    EXPECT_NE(found[0].fixes[0].find("let UDP DNS answers up to 4096 octets through cpe"), std::string::npos);
    // A 1480-octet answer lost: A-87 (4000 octets, a "should") falls short — a warning in
    // standards[], not a failed item; A-86 was not exercised (na), so neither is listed. LB-1
    // (large UDP packets pass) is the checkpoint's own failure, and is.
    EXPECT_EQ(std::count(found[0].items.begin(), found[0].items.end(), "JPRS A-87"), 0);
    EXPECT_EQ(std::count(found[0].items.begin(), found[0].items.end(), "JPRS A-86"), 0);
    EXPECT_EQ(std::count(found[0].items.begin(), found[0].items.end(), "DNSSEC Japan ⑤ LB-1"), 1);
    auto a87 = std::find_if(result.standards.begin(), result.standards.end(), [](const auto& e) { return e.item == "JPRS A-87"; });
    ASSERT_NE(a87, result.standards.end());
    EXPECT_EQ(a87->status, Status::warn);
    // TCP rescues lost UDP answers: the same cause only degrades resolution.
    result.verdicts.push_back(verdict("tcp-fallback", Family::ipv4, Status::pass, {CauseCode::ok, {}}));
    EXPECT_EQ(findings(result)[0].severity, Severity::degraded);
    // Unless the cause takes TCP with it.
    result.verdicts[0].blame[0].cause = {CauseCode::pmtud_blackhole, {{"transports", {"udp-df", "tcp"}}}};
    EXPECT_EQ(findings(result)[0].severity, Severity::broken);
    const auto text = render_text(result, TextOptions{});
    EXPECT_EQ(text.rfind("Findings\n", 0), 0u);  // first
    EXPECT_NE(text.find("  cpe — breaks DNS here"), std::string::npos);
}

// A fix follows the figures: under a 512-octet cap the 1232 buffer would not fit, so the fix
// advises the size that arrived and TCP for the rest, in both languages.
TEST(Report, ASizeCapsFixFollowsTheMeasuredCap) {
    auto result = sample();
    result.verdicts[0].blame[0].cause = {CauseCode::size_cap, {{"size", 600}, {"largest", 512}, {"advertised", 4096}}};
    const auto fixes = findings(result)[0].fixes;
    ASSERT_EQ(fixes.size(), 1u);
    EXPECT_NE(fixes[0].find("EDNS buffer size to 512 octets or less"), std::string::npos) << fixes[0];
    EXPECT_EQ(fixes[0].find("1232"), std::string::npos) << fixes[0];
    EXPECT_NE(findings(result, Language::ja)[0].fixes[0].find("512 オクテット以下"), std::string::npos);
    // A cap that lets 1232 through keeps the usual advice.
    result.verdicts[0].blame[0].cause = {CauseCode::size_cap, {{"size", 1480}, {"largest", 1472}, {"advertised", 4096}}};
    EXPECT_NE(findings(result)[0].fixes[0].find("set the servers' EDNS buffer size to 1232"), std::string::npos);
}

// A verdict blamed on two devices for different causes says what each did; one cause, nothing added.
TEST(Report, AVerdictBlamingTwoDevicesSaysWhatEachDid) {
    auto result = sample();
    auto& verdict = result.verdicts[0];
    model::Blame second;
    second.device = "isp-router";
    second.cause = {CauseCode::fragment_filter, {{"direction", "answers"}}};
    verdict.blame.push_back(second);
    EXPECT_NE(render_cause(verdict).find("(by device: cpe: a size limit; isp-router: a fragment filter)"), std::string::npos)
        << render_cause(verdict);
    EXPECT_NE(render_cause(verdict, Language::ja).find("（機器ごと：cpe：サイズ制限；isp-router：フラグメントのフィルタ）"),
              std::string::npos)
        << render_cause(verdict, Language::ja);
    verdict.blame[1].cause = verdict.blame[0].cause;
    EXPECT_EQ(render_cause(verdict).find("by device"), std::string::npos);
}

TEST(Report, TheTableFitsTheWidthFailuresFirstWithTotals) {
    auto result = sample();
    result.verdicts.push_back(verdict("pmtu", Family::ipv6, Status::warn,
                                      {CauseCode::mtu, {{"direction", "answers"}, {"back", 1280}}}));
    const auto text = render_text(result, TextOptions{false, 80, false});
    std::size_t longest = 0, start = 0;
    for (std::size_t end = text.find('\n'); end != std::string::npos; start = end + 1, end = text.find('\n', start))
        longest = std::max(longest, end - start);
    EXPECT_LE(longest, 80u + 4);  // "—" and "→" are 3 octets in UTF-8
    const auto table = text.find("checkpoint");
    ASSERT_NE(table, std::string::npos);
    EXPECT_LT(text.find("udp-large", table), text.find("pmtu", table));  // fail, then warn,
    EXPECT_LT(text.find("pmtu", table), text.find("tcp-direct", table));  // then pass
    EXPECT_NE(text.find("1 failed, 1 warn, 1 passed\n"), std::string::npos);
    // Wide: each verdict on one line, however long.
    const auto wide = render_text(result, TextOptions{false, 80, true});
    const auto line = wide.find("udp-large  ");
    EXPECT_GT(wide.find('\n', line) - line, 80u);
}

}  // namespace
}  // namespace dnspath::reports

namespace dnspath::reports {
namespace {

// The catalogue: every cause code and every finding rule has its sentence, and templates fill
// from parameters without leaving a placeholder behind.
TEST(Catalogue, EveryCodeAndRuleHasASentence) {
    auto keys = catalogue_keys();
    auto has = [&](const std::string& key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); };
    for (auto code : model::cause_codes()) EXPECT_TRUE(has(std::string(to_string(code)))) << to_string(code);
    for (int rule = 0; rule <= static_cast<int>(FindingRule::tap_lost_packets); ++rule) {
        auto name = std::string(to_string(static_cast<FindingRule>(rule)));
        EXPECT_TRUE(has("finding:" + name)) << name;
    }
    for (const auto& info : checkpoints()) EXPECT_NE(info.title, info.id) << "no title for " << info.id;
}

// The registry is the one list: every checkpoint it has is in the docs' table, and the profile
// loader accepts exactly its plan kinds.
TEST(Registry, DocsAndReportsFollowIt) {
    std::ifstream in(std::string(DNSPATH_SOURCE_DIR) + "/docs/checkpoints.md");
    std::string docs((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const auto& kind : model::kind_registry())
        for (const auto& checkpoint : kind.checkpoints) {
            EXPECT_NE(docs.find("| `" + std::string(checkpoint.name) + "` |"), std::string::npos)
                << checkpoint.name << " is missing from docs/checkpoints.md";
            EXPECT_FALSE(checkpoint_sources(checkpoint.id).empty()) << checkpoint.name;
        }
    EXPECT_EQ(model::plan_kind_choices().find("reachability"), std::string_view::npos);
    EXPECT_NE(model::plan_kind_choices().find("interception"), std::string_view::npos);
    EXPECT_TRUE(model::unknown_items().empty()) << model::unknown_items().front();
}

TEST(Catalogue, OptionalPartsNeedTheirValues) {
    EXPECT_EQ(fill_template("lost {size}[, largest {largest}]", {{"size", 1480}}), "lost 1480");
    EXPECT_EQ(fill_template("lost {size}[, largest {largest}]", {{"size", 1480}, {"largest", 1472}}),
              "lost 1480, largest 1472");
    EXPECT_EQ(fill_template("[x {flag}]", {{"flag", false}}), "");
    EXPECT_EQ(fill_template("{list}", {{"list", {"udp-df", "tcp"}}}), "udp-df, tcp");
    EXPECT_EQ(fill_template("unclosed {name", {{"name", 1}}), "unclosed {name");
}

// A local error is a code with its argument: each language words it, nothing English leaks into
// Japanese but the call's own name; an error written before codes keeps its words.
TEST(Catalogue, LocalErrorsAreWordedInTheReadersLanguage) {
    const model::LocalError unreachable{"os", "connect", EHOSTUNREACH, "", "connect 198.18.0.2:53: No route to host"};
    auto failed = verdict("tcp-direct", Family::ipv4, Status::fail, {CauseCode::probe_error, {{"error", model::to_params(unreachable)}}});
    EXPECT_EQ(render_cause(failed), "the probe could not run: connect failed: no route to host");
    EXPECT_EQ(render_cause(failed, Language::ja), "プローブを実行できなかった：connect が失敗した：ホストに到達できない");
    const model::LocalError raw{"needs-capability", "", 0, "CAP_NET_RAW", "crafting fragments needs CAP_NET_RAW"};
    auto capability = verdict("udp-fragments", Family::ipv4, Status::fail, {CauseCode::probe_error, {{"error", model::to_params(raw)}}});
    EXPECT_NE(render_cause(capability, Language::ja).find("CAP_NET_RAW が必要"), std::string::npos) << render_cause(capability, Language::ja);
    const model::LocalError rare{"os", "send", EDQUOT, "", ""};
    auto quota = verdict("tcp-direct", Family::ipv4, Status::fail, {CauseCode::probe_error, {{"error", model::to_params(rare)}}});
    EXPECT_NE(render_cause(quota).find(std::strerror(EDQUOT)), std::string::npos) << render_cause(quota);
    EXPECT_NE(render_cause(quota, Language::ja).find("EDQUOT"), std::string::npos) << render_cause(quota, Language::ja);
    ProbeRecord probe;
    probe.id = "p7";
    probe.kind = "udp";
    probe.outcome = model::Outcome::undecodable;
    probe.error = model::LocalError{"decode", "", 0, "compression-loop", "answer does not decode: compression-loop at offset 40"};
    EXPECT_NE(render_probe(probe).find("the answer did not decode (compression-loop)"), std::string::npos) << render_probe(probe);
    EXPECT_NE(render_probe(probe, Language::ja).find("応答を解読できなかった（compression-loop）"), std::string::npos);
    // A result.json written before errors had codes: its probe's "detail" reads as the words alone.
    std::ifstream file(std::string(DNSPATH_SOURCE_DIR) + "/tests/reports/golden/clean.result.json");
    auto document = nlohmann::json::parse(file);
    document["probes"][0]["outcome"] = "error";
    document["probes"][0]["detail"] = "an old error";
    auto legacy = parse_json(document.dump(), "old.json");
    ASSERT_TRUE(legacy) << legacy.error().message;
    ASSERT_TRUE(legacy->probes.at(0).error);
    EXPECT_EQ(legacy->probes.at(0).error->text, "an old error");
    EXPECT_NE(render_probe(legacy->probes.at(0), Language::ja).find("an old error"), std::string::npos);
}

// A profile's problems by their codes: the Japanese reader gets Japanese, names and values as given.
TEST(Catalogue, ProfileProblemsAreWordedInTheReadersLanguage) {
    EXPECT_EQ(describe_profile_problem("wrong-type", {{"path", "plan.retries"}, {"expected", "integer"}, {"got", "string"}},
                                       Language::ja),
              "plan.retries：整数のはずが文字列だった");
    EXPECT_EQ(describe_profile_problem("out-of-range", {{"path", "plan.retries"}, {"min", "0"}, {"max", "10"}, {"value", "99"}},
                                       Language::ja),
              "plan.retries は 0 から 10 の範囲。指定は 99");
    EXPECT_EQ(describe_profile_problem("unknown-key", {{"key", "prob"}, {"section", ""}, {"expected", "profile, plan"}}, Language::ja),
              "不明なキー「prob」。使えるキー：profile, plan");
    EXPECT_EQ(describe_profile_problem("unknown-key", {{"key", "x"}, {"section", "plan"}, {"expected", "probes"}}, Language::ja),
              "不明なキー「x」（plan の中）。使えるキー：probes");
    EXPECT_EQ(describe_profile_problem("no-such-code", {}, Language::ja), "");
}

TEST(Catalogue, SentencesFollowCheckpointAndQualifier) {
    auto pmtu = verdict("pmtu", Family::ipv6, Status::fail,
                        {CauseCode::pmtud_blackhole,
                         {{"direction", "queries"}, {"forward", 1280}, {"transports", {"udp-df", "tcp"}}, {"icmp_dropped_by", "tunnel"}}});
    EXPECT_EQ(render_cause(pmtu), "PMTUD black hole toward the server: DF packets above 1280 octets vanish and no ICMP too "
                                  "big comes back (tunnel drops it); it hits udp-df and tcp");
    auto tcp = verdict("tcp-direct", Family::ipv4, Status::fail, {CauseCode::tcp_filter, {{"action", "reset"}, {"stage", "syn"}}});
    EXPECT_NE(render_cause(tcp).find("TCP/53 refused"), std::string::npos);
    auto filter = verdict("udp-large", Family::ipv4, Status::fail,
                          {CauseCode::fragment_filter, {{"direction", "answers"}, {"family", "ipv4"}}});
    EXPECT_NE(render_cause(filter).find("fragmented answers are dropped (ipv4)"), std::string::npos);
    for (auto code : model::cause_codes())
        EXPECT_EQ(render_cause(verdict("udp-large", Family::ipv4, Status::fail, {code, {}})).find("{"), std::string::npos);
}

TEST(Catalogue, FindingsNameDeviceAndFrames) {
    model::CaptureFinding finding{FindingRule::icmp_dropped, "p9", "tunnel", {{"bras.in", 3, std::nullopt}},
                                  {{"sender", "bras"}, {"direction", "answer"}, {"mtu", 1280}}};
    EXPECT_EQ(render_finding(finding), "probe p9: tunnel dropped the ICMP too big bras sent about the answer (MTU 1280): "
                                       "a PMTUD black hole [bras.in: query #3, no answer]");
}

TEST(HtmlReport, MarksTheGuiltyDeviceAndDrawsTheSizes) {
    RunResult result = sample();
    result.taps.push_back({"cpe.in", "netns:x-cpe/in", 10, 0, 0, "taps/cpe.in.pcapng"});
    result.taps.push_back({"cpe.out", "netns:x-cpe/out", 9, 3, 0, "taps/cpe.out.pcapng"});
    result.taps.push_back({"router.in", "netns:x-router/in", 9, 0, 0, ""});
    result.verdicts.push_back(verdict("udp-fragments", Family::ipv6, Status::fail,
                                      {CauseCode::probe_error, {{"error", {{"code", ""}, {"text", "<lost> & gone"}}}}}, {},
                                      {{"cpe", {"p2"}, FindingRule::query_dropped}, {"router", {"p3"}, FindingRule::query_dropped}}));
    result.ipv4.load_qps_through = 50000;
    result.ipv4.load_qps_baseline = 70000;
    const std::string html = render_html(result);
    // The path in order, the guilty device marked, the clean one not, a lossy tap red.
    const auto cpe = html.find(">cpe</text>"), router = html.find(">router</text>");
    ASSERT_NE(cpe, std::string::npos);
    ASSERT_NE(router, std::string::npos);
    EXPECT_LT(cpe, router);
    EXPECT_NE(html.find("<g class=\"node device guilty\"><title>cpe</title><rect"), std::string::npos);
    EXPECT_NE(html.find("udp-large/ipv4"), std::string::npos);
    EXPECT_NE(html.find("cpe.out: 9 frames, 3 lost"), std::string::npos);
    // A verdict on two devices names both; text is escaped.
    EXPECT_NE(html.find("cpe + router"), std::string::npos);
    EXPECT_NE(html.find("&lt;lost&gt; &amp; gone"), std::string::npos);
    EXPECT_EQ(html.find("<lost>"), std::string::npos);
    // The size ladder has the lost 1480-octet probe; the load chart both figures; the evidence
    // line is made from the typed probe record.
    EXPECT_NE(html.find("p1: 1480 octets, timeout"), std::string::npos);
    EXPECT_NE(html.find("probe p1 (edns-size udp, size 1480, bufsize 4096 DO=0): timeout after 3 tries"), std::string::npos);
    EXPECT_NE(html.find("50000 q/s"), std::string::npos);
    EXPECT_NE(html.find("70000 q/s"), std::string::npos);
    // Seed items cited where the checkpoint has them.
    EXPECT_NE(html.find("JPRS A-87 (4000-octet UDP messages recommended"), std::string::npos);
    // The findings come before the path: the guilty device, its severity and the fix.
    const auto findings_at = html.find("<h2>Findings</h2>");
    ASSERT_NE(findings_at, std::string::npos);
    EXPECT_LT(findings_at, html.find("<h2>The path</h2>"));
    EXPECT_NE(html.find("<b>fix:</b> let UDP DNS answers up to 4096 octets through cpe", findings_at), std::string::npos);
}

// Counts of `needle` in `text`.
std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
    return count;
}

TEST(HtmlReport, PathDiagramCopesWithLongNamesManyLabelsAndSeveralTargets) {
    RunResult result = sample();
    result.targets = {"198.18.2.2", "fd00:2::2", "198.18.9.9"};
    const std::string long_name = "a-load-balancer-with-a-very-long-name";
    result.path = {"cpe", long_name};
    for (const char* checkpoint : {"udp-fragments", "tcp-direct", "udp-no-edns", "dnssec-passthrough", "path-trace", "edns-options"})
        result.verdicts.push_back(verdict(checkpoint, Family::ipv4, Status::fail, {CauseCode::probe_error, {}}, {},
                                          {{long_name, {"p1"}, FindingRule::query_dropped}}));
    const std::string html = render_html(result);
    // Drawn twice (across and down), each node once per drawing, the long name cut with its whole
    // name in the tooltip.
    EXPECT_EQ(occurrences(html, "<svg class=\"path path-across\""), 1u);
    EXPECT_EQ(occurrences(html, "<svg class=\"path path-down\""), 1u);
    EXPECT_EQ(occurrences(html, "<title>" + long_name + "</title>"), 2u);
    EXPECT_EQ(html.find(">" + long_name + "</text>"), std::string::npos);
    EXPECT_NE(html.find(">a-load-balancer…</text>"), std::string::npos);
    // Six labels: four shown, "+2 more"; the server lists the first target and counts the others.
    EXPECT_EQ(occurrences(html, ">+2 more</text>"), 4u);  // two labels lines and two target lines
    EXPECT_NE(html.find(">198.18.2.2</text>"), std::string::npos);
    // A legend that says what the colours mean; the per-family summary.
    EXPECT_NE(html.find("<p class=\"legend\">"), std::string::npos);
    EXPECT_NE(html.find("breaks DNS here"), std::string::npos);
    EXPECT_NE(html.find("<td>ipv4</td><td>1472 octets</td><td>unknown</td><td>yes</td><td>not measured</td>"),
              std::string::npos);
}

TEST(HtmlReport, SizeChartGivesEachBufferItsOwnRowAndFailingProbesTheirFrames) {
    RunResult result = sample();
    model::ProbeRecord small = result.probes[0];
    small.id = "p2";
    small.bufsize = std::nullopt;  // the same size without EDNS: its own row, not on top of p1
    small.outcome = model::Outcome::truncated;
    result.probes.push_back(small);
    result.verdicts[0].findings.push_back(
        {FindingRule::answer_dropped, "p1", "cpe", {{"cpe.in", 4, std::nullopt}, {"cpe.out", 3, 9}}, {}});
    const std::string html = render_html(result);
    EXPECT_NE(html.find(">ipv4 udp buffer 4096</text>"), std::string::npos);
    EXPECT_NE(html.find(">ipv4 udp no EDNS</text>"), std::string::npos);
    // The failing probe tap by tap: frame numbers where seen, a dash where not, and the filter.
    const auto matrix = html.find("<h2>Failing probes, tap by tap</h2>");
    ASSERT_NE(matrix, std::string::npos);
    EXPECT_NE(html.find("<th></th><th>cpe.in</th><th>cpe.out</th></tr>", matrix), std::string::npos);
    EXPECT_NE(html.find("<th>query</th><td class=\"seen\">#4</td><td class=\"seen\">#3</td>", matrix), std::string::npos);
    EXPECT_NE(html.find("<th>answer</th><td class=\"missing\">—</td><td class=\"seen\">#9</td>", matrix), std::string::npos);
    EXPECT_NE(html.find("<code>dns.qry.name contains &quot;p1&quot;</code>", matrix), std::string::npos);
}

}  // namespace
}  // namespace dnspath::reports

namespace dnspath::reports {
namespace {

// Every {placeholder} of a cause's or a finding's sentence, in both languages, is a parameter
// its code declares (causes.def, findings.def) or one the catalogue derives from them.
TEST(Catalogue, PlaceholdersAreDeclaredParameters) {
    const std::set<std::string> derived = {"through_text", "baseline_text", "route", "answer_route", "change_list", "no_raw", "device"};
    for (auto language : {Language::en, Language::ja})
        for (const auto& [key, text] : catalogue_entries("sentences", language)) {
            std::span<const model::ParamSpec> specs;
            bool typed = false;
            std::istringstream parts(key);
            for (std::string part; std::getline(parts, part, ':');) {
                if (auto code = model::cause_from(part)) specs = model::spec_of(*code).params, typed = true;
                if (auto rule = model::finding_rule_from(part); rule && key.rfind("finding:", 0) == 0)
                    specs = model::spec_of(*rule).params, typed = true;
            }
            if (!typed) continue;
            for (std::size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
                const auto close = text.find_first_of("}|", open);
                const std::string name = text.substr(open + 1, close - open - 1);
                const bool declared = std::any_of(specs.begin(), specs.end(), [&](const auto& spec) { return spec.name == name; });
                EXPECT_TRUE(declared || derived.count(name)) << to_string(language) << " " << key << ": {" << name << "}";
            }
        }
}

// Device names, addresses and outside text are never translated, whatever they are called.
TEST(Catalogue, ADeviceNamedLikeAWordStaysItsName) {
    auto blamed = verdict("dns-interception", Family::ipv4, Status::fail,
                          {CauseCode::interception, {{"device", "target"}, {"evidence", {"ra"}}}});
    EXPECT_NE(render_cause(blamed, Language::ja).find("target"), std::string::npos) << render_cause(blamed, Language::ja);
    model::CaptureFinding finding{FindingRule::answer_dropped, "p1", "upstream", {}, {{"direction", "answer"}}};
    EXPECT_NE(render_finding(finding, Language::ja).find("upstream"), std::string::npos) << render_finding(finding, Language::ja);
}

TEST(Catalogue, CountsTakeTheirPluralInEnglish) {
    EXPECT_EQ(fill_template("{n|key|keys}", {{"n", 1}}), "1 key");
    EXPECT_EQ(fill_template("{n|key|keys}", {{"n", 2}}), "2 keys");
    EXPECT_EQ(fill_template("[{n|hop|hops}]", {{"n", 0}}), "0 hops");
    EXPECT_EQ(fill_template("[{n|hop|hops}]", model::Params::object()), "");
}

}  // namespace
}  // namespace dnspath::reports

namespace dnspath::reports {
namespace {

// What real resolvers experienced: rendered beside the verdicts in every format, and kept whole
// through result.json.
RunResult with_resolvers() {
    RunResult result;
    result.tool_version = "0.1.0";
    model::ResolverExperience unbound{"unbound", "127.0.0.11:53", {}};
    unbound.answers.push_back({"dnskey", "probe.dnspath.test.", 48, 0, model::Outcome::answer, 0, true, {}, 3.2, true});
    unbound.answers.push_back({"s3000", "x.s3000.do.t1.probe.dnspath.test.", 16, 3000, model::Outcome::answer, 2, false,
                               {{22, "<b>no reachable authority</b>"}}, 5100, false});
    model::ResolverExperience bind{"bind", "127.0.0.12:53", {}};
    bind.answers.push_back({"dnskey", "probe.dnspath.test.", 48, 0, model::Outcome::timeout, std::nullopt, false, {}, 6000, false});
    result.resolvers = {unbound, bind};
    return result;
}

TEST(Resolvers, EveryFormatShowsTheConsequenceAndEachAnswer) {
    const auto result = with_resolvers();
    EXPECT_EQ(result.resolvers[0].failures(), 1u);
    const auto text = render_text(result, TextOptions{false, 200, false});
    EXPECT_NE(text.find("2 of 2 resolvers could not resolve and validate: DNSKEY set, 3000 octets signed"), std::string::npos) << text;
    EXPECT_NE(text.find("DNSKEY set: AD, 3 ms"), std::string::npos) << text;
    EXPECT_NE(text.find("SERVFAIL EDE 22, 5.1 s"), std::string::npos) << text;
    EXPECT_NE(text.find("no answer (timeout), 6.0 s"), std::string::npos) << text;
    const auto markdown = render_markdown(result, Language::en);
    EXPECT_NE(markdown.find("| unbound (`127.0.0.11:53`) | AD, 3 ms | **SERVFAIL EDE 22, 5.1 s** |"), std::string::npos)
        << markdown;
    const auto html = render_html(result, Language::en);
    EXPECT_NE(html.find("EDE 22: &lt;b&gt;no reachable authority&lt;/b&gt;"), std::string::npos) << "extra text is data, escaped";
    const auto junit = render_junit(result, Language::en);
    EXPECT_NE(junit.find("<testsuite name=\"resolvers\" tests=\"3\" failures=\"2\""), std::string::npos) << junit;
    EXPECT_NE(junit.find("name=\"unbound.3000 octets signed\" time=\"0.000\">\n      <properties><property name=\"title\" "
                         "value=\"3000 octets signed\"/></properties>\n      <failure type=\"resolver-failed\" "
                         "message=\"SERVFAIL EDE 22, 5.1 s\""),
              std::string::npos) << junit;
    EXPECT_NE(render_junit(result, Language::ja).find("name=\"unbound.3000 octets signed\""), std::string::npos)
        << "the same name in Japanese";
    const auto ja = render_text(result, TextOptions{false, 200, false, Language::ja});
    EXPECT_NE(ja.find("2 台中 2 台のフルリゾルバ"), std::string::npos) << ja;
    EXPECT_NE(ja.find("6.0 秒"), std::string::npos) << ja;
}

TEST(Resolvers, AllValidatedSaysSoAndNoneMeansNoSection) {
    auto result = with_resolvers();
    result.resolvers.pop_back();
    result.resolvers[0].answers.pop_back();
    EXPECT_NE(render_text(result, TextOptions{}).find("Every resolver asked (1) resolved and validated"), std::string::npos);
    result.resolvers.clear();
    EXPECT_EQ(render_text(result, TextOptions{}).find("Real resolvers"), std::string::npos);
    EXPECT_EQ(to_json(result).find("\"resolvers\""), std::string::npos);
}

TEST(Resolvers, JsonRoundTrip) {
    const auto path = std::filesystem::temp_directory_path() / "dnspath-resolvers-test.json";
    ASSERT_TRUE(write_json(with_resolvers(), path.string()));
    auto back = read_json(path.string());
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->resolvers.size(), 2u);
    const auto& answer = back->resolvers[0].answers[1];
    EXPECT_EQ(answer.question, "s3000");
    EXPECT_EQ(answer.size, 3000u);
    EXPECT_EQ(answer.rcode, 2);
    EXPECT_FALSE(answer.authenticated);
    ASSERT_EQ(answer.errors.size(), 1u);
    EXPECT_EQ(answer.errors[0].code, 22);
    EXPECT_DOUBLE_EQ(answer.ms, 5100);
    EXPECT_TRUE(back->resolvers[0].answers[0].over_tcp);
    EXPECT_FALSE(back->resolvers[1].answers[0].rcode.has_value());
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace dnspath::reports

namespace dnspath::reports {
namespace {

// Which box the DUT is: said once near the top of every format, kept through result.json; the
// model and firmware are outside text, escaped in HTML.
TEST(Identity, EveryFormatNamesTheBoxAndJsonKeepsIt) {
    RunResult result;
    result.tool_version = "0.1.0";
    result.identities = {{"home-router", "WXR-1750DHP <b>", "2.60"}, {"lb", "", "1.7.3"}};
    const auto text = render_text(result, TextOptions{false, 200, false});
    EXPECT_EQ(text.rfind("Devices: home-router: WXR-1750DHP <b>, firmware 2.60; lb, firmware 1.7.3\n", 0), 0u) << text;
    EXPECT_NE(render_markdown(result, Language::en).find("Devices: home-router: WXR-1750DHP <b>, firmware 2.60"),
              std::string::npos);
    EXPECT_NE(render_html(result, Language::en).find("home-router: WXR-1750DHP &lt;b&gt;, firmware 2.60"), std::string::npos);
    EXPECT_NE(render_text(result, TextOptions{false, 200, false, Language::ja}).find("機器: home-router：WXR-1750DHP <b>、ファームウェア 2.60"),
              std::string::npos);
    const auto path = std::filesystem::temp_directory_path() / "dnspath-identity-test.json";
    ASSERT_TRUE(write_json(result, path.string()));
    auto back = read_json(path.string());
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->identities.size(), 2u);
    EXPECT_EQ(back->identities[0].model, "WXR-1750DHP <b>");
    EXPECT_EQ(back->identities[1].firmware, "1.7.3");
    std::filesystem::remove(path);
    result.identities.clear();
    EXPECT_EQ(render_text(result, TextOptions{}).find("Devices"), std::string::npos);
}

// A bench's addressing: the delegated prefix, and whether the LAN is numbered from it, in every
// format and language, kept by JSON.
TEST(Addressing, EveryFormatSaysWhatTheDeviceWasDelegatedAndWhetherItsLanUsesIt) {
    RunResult result;
    result.addressing = model::Addressing{"home-router", "198.18.200.100", "fd00:200::100", "fd00:7700::/56",
                                          "198.19.77.120/24", "fd00:7700::5/64", true};
    const auto text = render_text(result, TextOptions{false, 300, false});
    EXPECT_NE(text.find("Addressing: home-router WAN 198.18.200.100 fd00:200::100, delegated prefix fd00:7700::/56; LAN side "
                        "198.19.77.120/24 fd00:7700::5/64 (the LAN's IPv6 is numbered from the delegated prefix)"),
              std::string::npos)
        << text;
    EXPECT_NE(render_markdown(result, Language::en).find("delegated prefix fd00:7700::/56"), std::string::npos);
    EXPECT_NE(render_html(result, Language::ja).find("委任プレフィックス fd00:7700::/56"), std::string::npos);
    const auto path = std::filesystem::temp_directory_path() / "dnspath-addressing-test.json";
    ASSERT_TRUE(write_json(result, path.string()));
    auto back = read_json(path.string());
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_TRUE(back->addressing);
    EXPECT_EQ(back->addressing->delegated_prefix, "fd00:7700::/56");
    EXPECT_TRUE(back->addressing->lan_in_delegation);
    std::filesystem::remove(path);
    // A ULA behind NAT66 despite the delegation, then no IPv6 on the LAN at all.
    result.addressing->lan_ipv6 = "fd00:77::5/64";
    result.addressing->lan_in_delegation = false;
    EXPECT_NE(render_text(result, TextOptions{false, 300, false}).find("is not from the delegated prefix"), std::string::npos);
    result.addressing->lan_ipv6.clear();
    const auto bare = render_text(result, TextOptions{false, 300, false});
    EXPECT_NE(bare.find("LAN side 198.19.77.120/24 (no IPv6 address on the LAN side"), std::string::npos) << bare;
    result.addressing.reset();
    EXPECT_EQ(render_text(result, TextOptions{}).find("Addressing"), std::string::npos);
}

}  // namespace
}  // namespace dnspath::reports

namespace dnspath::reports {
namespace {

// Two runs' resolvers compared: an answer that stopped validating is worse, and compare exits 1.
TEST(Resolvers, CompareCallsALostValidationWorse) {
    RunResult before;
    model::ResolverExperience unbound{"unbound", "127.0.0.11:53", {}};
    unbound.answers.push_back({"dnskey", "probe.dnspath.test.", 48, 0, model::Outcome::answer, 0, true, {}, 3, false});
    unbound.answers.push_back({"s3000", "x.probe.dnspath.test.", 16, 3000, model::Outcome::answer, 0, true, {}, 4, false});
    before.resolvers = {unbound};
    RunResult after = before;
    after.resolvers[0].answers[1] = {"s3000", "y.probe.dnspath.test.", 16, 3000, model::Outcome::timeout, std::nullopt, false, {}, 6000, false};
    const auto comparison = compare(before, after, "nftables", "dnsdist");
    ASSERT_EQ(comparison.resolvers.size(), 1u);
    EXPECT_EQ(comparison.resolvers[0].direction, Direction::worse);
    EXPECT_TRUE(comparison.worse());
    const auto text = render_comparison(comparison, Format::text, TextOptions{false, 200, false});
    EXPECT_NE(text.find("unbound 3000 octets signed\n    - AD, 4 ms\n    + no answer (timeout), 6.0 s"), std::string::npos) << text;
    EXPECT_NE(render_comparison(comparison, Format::json, TextOptions{}).find("\"resolver\": \"unbound\""), std::string::npos);
    EXPECT_TRUE(compare(before, before, "a", "b").resolvers.empty());
}

}  // namespace
}  // namespace dnspath::reports
