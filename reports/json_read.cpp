// Reading result.json back (report, analyze --result): outside bytes, so every field is checked
// and a wrong file, a folder or another schema version is an error value, never an exception.
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include "reports/report.h"

namespace dnspath::reports {
namespace {

using nlohmann::json;

// A number where a whole number belongs, or one outside its field's range: nlohmann would cast it
// (undefined for a float out of range), so it is refused like any field of the wrong type.
struct FieldError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

template <typename T>
T field_as(const json& value, const char* key) {
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
        using Limits = std::numeric_limits<T>;
        if (value.is_number_unsigned() && value.get<std::uint64_t>() <= static_cast<std::uint64_t>(Limits::max()))
            return static_cast<T>(value.get<std::uint64_t>());
        if (value.is_number_integer() && !value.is_number_unsigned() && value.get<std::int64_t>() >= static_cast<std::int64_t>(Limits::min()) &&
            (value.get<std::int64_t>() < 0 || static_cast<std::uint64_t>(value.get<std::int64_t>()) <= static_cast<std::uint64_t>(Limits::max())))
            return static_cast<T>(value.get<std::int64_t>());
        throw FieldError(std::string("\"") + key + "\" must be a whole number from " + std::to_string(Limits::min()) + " to " +
                         std::to_string(Limits::max()));
    } else {
        return value.get<T>();  // a bool, a double or a string: nlohmann refuses a mismatch itself
    }
}

template <typename T>
std::optional<T> optional_of(const json& object, const char* key) {
    auto found = object.find(key);
    if (found == object.end() || found->is_null()) return std::nullopt;
    return field_as<T>(*found, key);
}

template <typename T>
T value_or(const json& object, const char* key, T fallback) {
    return optional_of<T>(object, key).value_or(fallback);
}

std::vector<int> whole_numbers(const json& object, const char* key) {
    std::vector<int> numbers;
    auto found = object.find(key);
    if (found == object.end() || found->is_null()) return numbers;
    if (!found->is_array()) throw FieldError(std::string("\"") + key + "\" must be a list");
    for (const auto& number : *found) numbers.push_back(field_as<int>(number, key));
    return numbers;
}

FamilySummary summary_of(const json& value) {
    FamilySummary summary;
    if (!value.is_object()) return summary;
    summary.largest_udp_answer = optional_of<int>(value, "largest_udp_answer");
    summary.path_mtu = optional_of<int>(value, "path_mtu");
    summary.nat = optional_of<bool>(value, "nat");
    summary.load_qps_through = optional_of<double>(value, "load_qps_through");
    summary.load_qps_baseline = optional_of<double>(value, "load_qps_baseline");
    summary.load_p99_ms_through = optional_of<double>(value, "load_p99_ms_through");
    summary.load_p99_ms_baseline = optional_of<double>(value, "load_p99_ms_baseline");
    summary.loss_rate = optional_of<double>(value, "loss_rate");
    summary.state_table_tested_to = optional_of<int>(value, "state_table_tested_to");
    summary.state_table_capacity = optional_of<int>(value, "state_table_capacity");
    summary.state_table_policy = optional_of<std::string>(value, "state_table_policy").value_or("");
    summary.loss_samples = optional_of<int>(value, "loss_samples");
    summary.udp_mapping_tested_to_s = optional_of<double>(value, "udp_mapping_tested_to_s");
    summary.udp_mapping_timeout_s = optional_of<double>(value, "udp_mapping_timeout_s");
    return summary;
}

// result.standards; an entry naming an unknown status is an error, unknown checkpoints are skipped.
Result<std::vector<model::StandardEntry>> standards_of(const json& document) {
    std::vector<model::StandardEntry> standards;
    auto found = document.find("standards");
    if (found == document.end() || !found->is_array()) return standards;
    for (const auto& entry : *found) {
        if (!entry.is_object()) return fail("standards: an entry is not an object");
        model::StandardEntry standard;
        standard.item = entry.value("item", "");
        auto status = model::status_from(entry.value("status", ""));
        if (!status) return fail("standards " + standard.item + ": unknown status");
        standard.status = *status;
        standard.probes = entry.value("probes", std::vector<std::string>{});
        for (const auto& name : entry.value("checkpoints", std::vector<std::string>{}))
            if (auto checkpoint = model::checkpoint_from(name)) standard.checkpoints.push_back(*checkpoint);
        standard.why = optional_of<std::string>(entry, "why");
        standard.largest = optional_of<int>(entry, "largest");
        standards.push_back(std::move(standard));
    }
    return standards;
}

// Parameters are always an object: every reader of them looks keys up.
Result<json> params_of(const json& value) {
    json params = value.value("params", json::object());
    if (!params.is_object()) return fail("\"params\" must be an object");
    return params;
}

Result<model::Cause> cause_of(const json& value) {
    auto code = model::cause_from(value.at("code").get<std::string>());
    if (!code) return fail("unknown cause code '" + value.at("code").get<std::string>() + "'");
    DNSPATH_TRY(json params, params_of(value));
    return model::Cause{*code, std::move(params)};
}

Result<model::CaptureFinding> finding_of(const json& value) {
    auto rule = model::finding_rule_from(value.at("rule").get<std::string>());
    if (!rule) return fail("unknown finding rule '" + value.at("rule").get<std::string>() + "'");
    DNSPATH_TRY(json params, params_of(value));
    model::CaptureFinding finding{*rule, value.at("probe").get<std::string>(), optional_of<std::string>(value, "device"),
                                  {}, std::move(params)};
    for (const auto& tap : value.value("taps", json::array()))
        finding.taps.push_back({tap.at("tap").get<std::string>(), optional_of<std::uint64_t>(tap, "query_frame"),
                                optional_of<std::uint64_t>(tap, "answer_frame")});
    return finding;
}

Result<Verdict> verdict_of(const json& entry) {
    Verdict verdict;
    const std::string name = entry.at("checkpoint").get<std::string>();
    auto checkpoint = model::checkpoint_from(name);
    if (!checkpoint) return fail("verdict: unknown checkpoint '" + name + "'");
    verdict.checkpoint = *checkpoint;
    auto family = model::family_from(entry.at("family").get<std::string>());
    auto status = model::status_from(entry.at("status").get<std::string>());
    if (!family || !status) return fail("verdict " + name + ": unknown family or status");
    verdict.family = *family;
    verdict.status = *status;
    const auto via = model::via_from(entry.value("via", "path"));  // results before `via` were all path
    if (!via) return fail("verdict " + name + ": unknown via");
    verdict.via = *via;
    DNSPATH_TRY(verdict.cause, cause_of(entry.at("cause")));
    if (auto found = entry.find("probe_cause"); found != entry.end() && !found->is_null()) {
        DNSPATH_TRY(auto probe_cause, cause_of(*found));
        verdict.probe_cause = probe_cause;
    }
    verdict.probes = entry.value("probes", std::vector<std::string>{});
    for (const auto& blame : entry.value("blame", json::array())) {
        auto rule = model::finding_rule_from(blame.at("rule").get<std::string>());
        if (!rule) return fail("verdict " + name + ": unknown blame rule");
        DNSPATH_TRY(model::Cause cause, cause_of(blame.at("cause")));
        verdict.blame.push_back({blame.at("device").get<std::string>(),
                                 blame.value("probes", std::vector<std::string>{}), *rule, std::move(cause)});
    }
    for (const auto& finding : entry.value("findings", json::array())) {
        DNSPATH_TRY(auto typed, finding_of(finding));
        verdict.findings.push_back(std::move(typed));
    }
    return verdict;
}

std::optional<model::Echo> echo_of(const json& value) {
    if (!value.is_object()) return std::nullopt;
    model::Echo echo;
    echo.source = optional_of<std::string>(value, "source");
    echo.source_port = optional_of<std::uint32_t>(value, "source_port");
    echo.transport = optional_of<std::string>(value, "transport");
    echo.query_size = optional_of<std::uint32_t>(value, "query_size");
    echo.dns_id = optional_of<std::uint32_t>(value, "dns_id");
    echo.edns = optional_of<bool>(value, "edns");
    echo.bufsize = optional_of<std::uint32_t>(value, "bufsize");
    echo.dnssec_ok = optional_of<bool>(value, "do");
    echo.server = optional_of<std::string>(value, "server");
    echo.ad = optional_of<bool>(value, "ad");
    echo.cd = optional_of<bool>(value, "cd");
    echo.qname = optional_of<std::string>(value, "qname");
    echo.alt_port = optional_of<std::uint32_t>(value, "altport");
    echo.dot_port = optional_of<std::uint32_t>(value, "dot");
    return echo;
}

std::optional<model::HeaderBits> bits_of(const json& entry, const char* key) {
    const auto found = entry.find(key);
    if (found == entry.end() || !found->is_object()) return std::nullopt;
    return model::HeaderBits{found->value("ad", false), found->value("cd", false), found->value("z", false)};
}

Result<ProbeRecord> probe_of(const json& entry) {
    ProbeRecord probe;
    probe.id = entry.at("id").get<std::string>();
    probe.kind = entry.value("kind", "");
    auto family = model::family_from(entry.at("family").get<std::string>());
    auto outcome = model::outcome_from(entry.at("outcome").get<std::string>());
    if (!family || !outcome) return fail("probe " + probe.id + ": unknown family or outcome");
    probe.family = *family;
    probe.outcome = *outcome;
    probe.transport = entry.value("transport", "udp");
    probe.qname = entry.value("qname", "");
    probe.qtype = value_or<std::uint16_t>(entry, "qtype", 16);
    probe.dns_id = value_or<std::uint16_t>(entry, "dns_id", 0);
    probe.id_in_qname = entry.value("id_in_qname", true);
    probe.requested_size = optional_of<std::uint32_t>(entry, "requested_size");
    probe.bufsize = optional_of<std::uint16_t>(entry, "bufsize");
    probe.dnssec_ok = entry.value("do", false);
    probe.edns_version = value_or<std::uint8_t>(entry, "edns_version", 0);
    probe.question_count = optional_of<int>(entry, "question_count");
    probe.opcode = optional_of<std::uint8_t>(entry, "opcode");
    probe.query_bits = bits_of(entry, "query_bits");
    probe.answer_bits_asked = bits_of(entry, "answer_bits_asked");
    probe.answer_bits = bits_of(entry, "answer_bits");
    probe.mixed_case = entry.value("mixed_case", false);
    probe.case_kept = optional_of<bool>(entry, "case_kept");
    probe.dont_fragment = entry.value("df", false);
    probe.df_answer = entry.value("df_answer", false);
    probe.small_fragments_answer = entry.value("small_fragments_answer", false);
    probe.answer_fragment_size = optional_of<std::uint32_t>(entry, "answer_fragment_size");
    probe.tcp_mss = optional_of<int>(entry, "tcp_mss");
    probe.reproduce = optional_of<std::string>(entry, "reproduce");
    probe.fragment_size = optional_of<std::uint32_t>(entry, "fragment_size");
    probe.via_proxy = entry.value("via_proxy", false);
    probe.non_dns = entry.value("non_dns", false);
    probe.tsig = entry.value("tsig", false);
    probe.port = optional_of<std::uint16_t>(entry, "port");
    probe.query_size = value_or<std::uint32_t>(entry, "query_size", 0);
    probe.rcode = optional_of<std::uint16_t>(entry, "rcode");
    probe.answer_size = optional_of<std::uint32_t>(entry, "answer_size");
    probe.rtt_ms = optional_of<double>(entry, "rtt_ms");
    probe.attempts = value_or<int>(entry, "attempts", 0);
    probe.ra = entry.value("ra", false);
    probe.aa = entry.value("aa", false);
    probe.icmp_mtu = optional_of<int>(entry, "icmp_mtu");
    probe.icmp_from = entry.value("icmp_from", "");
    probe.ede = whole_numbers(entry, "ede");
    probe.echo = echo_of(entry.value("echo", json()));
    probe.source = entry.value("source", "");
    probe.tcp_connected = entry.value("tcp_connected", false);
    if (auto error = entry.find("error"); error != entry.end() && error->is_object())
        probe.error = model::local_error_from(*error);
    else if (auto detail = entry.value("detail", std::string()); !detail.empty())
        probe.error = model::LocalError{.text = detail};  // a result written before errors had codes
    return probe;
}

// The diagnosis section, leniently: a field of the wrong type reads as absent.
// The resolvers' answers, field by field with defaults: the file may come from anywhere.
std::vector<model::ResolverExperience> resolvers_of(const json& document) {
    std::vector<model::ResolverExperience> resolvers;
    auto found = document.find("resolvers");
    if (found == document.end() || !found->is_array()) return resolvers;
    for (const auto& entry : *found) {
        if (!entry.is_object()) continue;
        model::ResolverExperience resolver{entry.value("name", ""), entry.value("address", ""), {}};
        for (const auto& item : entry.value("answers", json::array())) {
            if (!item.is_object()) continue;
            model::ResolverAnswer answer{item.value("question", ""), item.value("name", ""),
                                         value_or<std::uint16_t>(item, "qtype", 0), value_or<std::uint32_t>(item, "size", 0),
                                         model::outcome_from(item.value("outcome", "")).value_or(model::Outcome::error)};
            if (auto rcode = optional_of<int>(item, "rcode")) answer.rcode = *rcode;
            answer.authenticated = item.value("ad", false);
            for (const auto& error : item.value("ede", json::array()))
                if (error.is_object()) answer.errors.push_back({value_or<int>(error, "code", 0), error.value("text", "")});
            answer.ms = item.value("ms", 0.0);
            answer.over_tcp = item.value("tcp", false);
            resolver.answers.push_back(std::move(answer));
        }
        resolver.self_rcode = optional_of<std::string>(entry, "self_rcode");
        resolver.self_resinfo = optional_of<std::string>(entry, "self_resinfo");
        resolvers.push_back(std::move(resolver));
    }
    return resolvers;
}

std::optional<model::Diagnosis> diagnosis_of(const json& document) {
    auto found = document.find("diagnosis");
    if (found == document.end() || !found->is_object()) return std::nullopt;
    auto text = [&](const char* key) {
        auto value = found->find(key);
        return value != found->end() && value->is_string() ? value->get<std::string>() : std::string();
    };
    model::Diagnosis diagnosis{text("name"), text("server"), text("parent"), text("resolver"), {}, {}, {}};
    if (auto symptom = found->find("symptom"); symptom != found->end() && symptom->is_number_integer())
        diagnosis.symptom = symptom->get<int>();
    if (auto chain = found->find("chain"); chain != found->end() && chain->is_array())
        for (const auto& entry : *chain)
            if (auto checkpoint = entry.is_string() ? model::checkpoint_from(entry.get<std::string>()) : std::nullopt)
                diagnosis.chain.push_back(*checkpoint);
    if (auto stopped = found->find("stopped_at"); stopped != found->end() && stopped->is_string())
        diagnosis.stopped_at = model::checkpoint_from(stopped->get<std::string>());
    return diagnosis;
}

// `at` names the part being read, for the message when a field has the wrong type.
Result<RunResult> result_of(const json& document, std::string& at) {
    RunResult result;
    result.tool_version = document.value("version", "");
    if (auto profile = document.find("profile"); profile != document.end() && profile->is_object())
        result.profile = model::ProfileInfo{profile->value("name", ""), profile->value("path", ""),
                                            profile->value("sha256", "")};
    result.command_line = document.value("command_line", std::vector<std::string>{});
    result.started_at = document.value("started_at", "");
    result.ended_at = document.value("ended_at", "");
    result.host_kernel = document.value("host", json::object()).value("kernel", "");
    result.duration_s = document.value("duration_s", 0.0);
    result.interrupted = document.value("interrupted", false);
    result.targets = document.value("targets", std::vector<std::string>{});
    result.path = document.value("path", std::vector<std::string>{});
    for (const auto& entry : document.value("verdicts", json::array())) {
        at = "verdicts[" + std::to_string(result.verdicts.size()) + "]";
        DNSPATH_TRY(auto verdict, verdict_of(entry));
        result.verdicts.push_back(std::move(verdict));
    }
    at = "summary";
    const json summary = document.value("summary", json::object());
    result.ipv4 = summary_of(summary.value("ipv4", json()));
    result.ipv6 = summary_of(summary.value("ipv6", json()));
    for (const auto& entry : document.value("probes", json::array())) {
        at = "probes[" + std::to_string(result.probes.size()) + "]";
        DNSPATH_TRY(auto probe, probe_of(entry));
        result.probes.push_back(std::move(probe));
    }
    at = "taps";
    for (const auto& entry : document.value("taps", json::array()))
        result.taps.push_back({entry.value("name", ""), entry.value("source", ""), entry.value("frames", std::size_t{0}),
                               value_or<std::uint64_t>(entry, "kernel_drops", 0),
                               value_or<std::uint64_t>(entry, "interface_drops", 0), entry.value("pcapng", ""),
                               value_or<std::uint64_t>(entry, "malformed", 0),
                               value_or<std::uint64_t>(entry, "fragment_overflows", 0),
                               value_or<std::uint64_t>(entry, "stream_overflows", 0)});
    at = "standards";
    DNSPATH_TRY(result.standards, standards_of(document));
    at = "diagnosis, resolvers, device_identity or addressing";
    result.diagnosis = diagnosis_of(document);
    result.resolvers = resolvers_of(document);
    if (auto identities = document.find("device_identity"); identities != document.end() && identities->is_array())
        for (const auto& entry : *identities)
            if (entry.is_object())
                result.identities.push_back({entry.value("name", ""), entry.value("model", ""), entry.value("firmware", "")});
    if (auto found = document.find("addressing"); found != document.end() && found->is_object())
        result.addressing = model::Addressing{found->value("device", ""),           found->value("wan_ipv4", ""),
                                              found->value("wan_ipv6", ""),         found->value("delegated_prefix", ""),
                                              found->value("lan_ipv4", ""),         found->value("lan_ipv6", ""),
                                              found->value("lan_in_delegation", false)};
    return result;
}

}  // namespace

Result<RunResult> parse_json(std::string_view text, const std::string& path) {
    json document = json::parse(text.begin(), text.end(), nullptr, false);
    if (document.is_discarded() || !document.is_object()) return fail(path + ": not a JSON document");
    if (document.value("tool", json()) != "dnspath")
        return fail_code(path + ": not a dnspath result (no \"tool\": \"dnspath\")", "not-a-result", path);
    const json version = document.value("schema_version", json());
    if (!version.is_number_integer() || version.get<int>() != model::kSchemaVersion)
        return fail(path + ": result schema version " + (version.is_number_integer() ? std::to_string(version.get<int>()) : "0 (before versions)") +
                    "; this dnspath reads version " + std::to_string(model::kSchemaVersion) +
                    " (run the probe again, or use the dnspath that wrote it)");
    std::string at = "the top level";
    try {
        auto result = result_of(document, at);
        if (!result) return fail(path + ": " + result.error().message);
        return result;
    } catch (const FieldError& error) {
        return fail(path + ": " + at + ": " + error.what() + "; is this a dnspath result.json?");
    } catch (const json::exception& error) {
        // nlohmann's text after its "[json.exception.type_error.302] " tag says what was found.
        std::string what = error.what();
        if (auto tag = what.find("] "); what.rfind("[json.exception.", 0) == 0 && tag != std::string::npos)
            what = what.substr(tag + 2);
        return fail(path + ": " + at + ": a field has the wrong type (" + what + "); is this a dnspath result.json?");
    }
}

Result<RunResult> read_json(const std::string& path) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (error || !std::filesystem::exists(status)) return fail_code(path + ": no such file", "no-such-file", path);
    if (std::filesystem::is_directory(status))
        return fail_code(path + ": a folder with no result.json in it (give a run folder or its result.json)", "folder-without-result", path);
    if (!std::filesystem::is_regular_file(status)) return fail(path + ": not a regular file");
    if (std::filesystem::file_size(path, error) > (256u << 20)) return fail(path + ": over 256 MiB, not a result.json");
    DNSPATH_TRY(std::string text, wire::read_regular_file(path, 256u << 20));
    return parse_json(text, path);
}

}  // namespace dnspath::reports
