// result.json, schema version 1 (docs/result.schema.json): the typed model written and read back.
// Machine output carries codes and parameters only; sentences are made by the renderers.
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reports/report.h"

namespace dnspath::reports {
namespace {

using nlohmann::json;

template <typename T>
json optional_json(const std::optional<T>& value) {
    return value ? json(*value) : json(nullptr);
}

json summary_json(const FamilySummary& summary) {
    json out = {{"largest_udp_answer", optional_json(summary.largest_udp_answer)},
            {"path_mtu", optional_json(summary.path_mtu)},
            {"nat", optional_json(summary.nat)},
            {"load_qps_through", optional_json(summary.load_qps_through)},
            {"load_qps_baseline", optional_json(summary.load_qps_baseline)},
            {"load_p99_ms_through", optional_json(summary.load_p99_ms_through)},
            {"load_p99_ms_baseline", optional_json(summary.load_p99_ms_baseline)},
            {"loss_rate", optional_json(summary.loss_rate)},
            {"loss_samples", optional_json(summary.loss_samples)}};
    // Only where the sessions kind measured the table (capacity null: it never filled).
    if (summary.state_table_tested_to) {
        out["state_table_tested_to"] = *summary.state_table_tested_to;
        out["state_table_capacity"] = optional_json(summary.state_table_capacity);
        out["state_table_policy"] = summary.state_table_policy.empty() ? json(nullptr) : json(summary.state_table_policy);
    }
    // Only where the udp-mapping-timeout kind ran (timeout null: no expiry up to tested_to).
    if (summary.udp_mapping_tested_to_s) {
        out["udp_mapping_tested_to_s"] = *summary.udp_mapping_tested_to_s;
        out["udp_mapping_timeout_s"] = optional_json(summary.udp_mapping_timeout_s);
    }
    return out;
}

// A checkpoint's standards items by id ("JPRS A-86"), as result.json carries them.
json item_ids(model::Checkpoint checkpoint) {
    json ids = json::array();
    for (auto item : model::entry_of(checkpoint).items) ids.push_back(model::spec_of(item).id);
    return ids;
}

json standards_json(const RunResult& result) {
    json standards = json::array();
    for (const auto& entry : result.standards) {
        json checkpoints = json::array();
        for (auto checkpoint : entry.checkpoints) checkpoints.push_back(model::to_string(checkpoint));
        json item{{"item", entry.item}, {"status", to_string(entry.status)}, {"probes", entry.probes},
                  {"checkpoints", checkpoints}};
        if (entry.why) item["why"] = *entry.why;
        if (entry.largest) item["largest"] = *entry.largest;
        standards.push_back(item);
    }
    return standards;
}

json cause_json(const model::Cause& cause) { return {{"code", to_string(cause.code)}, {"params", cause.params}}; }

json finding_json(const model::CaptureFinding& finding) {
    json taps = json::array();
    for (const auto& tap : finding.taps)
        taps.push_back({{"tap", tap.tap}, {"query_frame", optional_json(tap.query_frame)},
                        {"answer_frame", optional_json(tap.answer_frame)}});
    return {{"rule", to_string(finding.rule)}, {"probe", finding.probe}, {"device", optional_json(finding.device)},
            {"blames", model::blames(finding.rule)}, {"taps", taps}, {"params", finding.params}};
}

json verdict_json(const Verdict& verdict) {
    json blame = json::array();
    for (const auto& entry : verdict.blame)
        blame.push_back({{"device", entry.device}, {"probes", entry.probes}, {"rule", to_string(entry.rule)},
                         {"cause", cause_json(entry.cause)}});
    json findings = json::array();
    for (const auto& finding : verdict.findings) findings.push_back(finding_json(finding));
    return {{"checkpoint", model::to_string(verdict.checkpoint)},
            {"family", to_string(verdict.family)},
            {"via", to_string(verdict.via)},
            {"status", to_string(verdict.status)},
            {"cause", cause_json(verdict.cause)},
            {"probe_cause", verdict.probe_cause ? cause_json(*verdict.probe_cause) : json(nullptr)},
            {"sources", item_ids(verdict.checkpoint)},
            {"probes", verdict.probes},
            {"blame", blame},
            {"findings", findings}};
}

json echo_json(const std::optional<model::Echo>& echo) {
    if (!echo) return nullptr;
    return {{"source", optional_json(echo->source)},       {"source_port", optional_json(echo->source_port)},
            {"transport", optional_json(echo->transport)}, {"query_size", optional_json(echo->query_size)},
            {"dns_id", optional_json(echo->dns_id)},       {"edns", optional_json(echo->edns)},
            {"bufsize", optional_json(echo->bufsize)},     {"do", optional_json(echo->dnssec_ok)},
            {"server", optional_json(echo->server)},       {"ad", optional_json(echo->ad)},
            {"cd", optional_json(echo->cd)},               {"qname", optional_json(echo->qname)},
            {"altport", optional_json(echo->alt_port)},     {"dot", optional_json(echo->dot_port)}};
}

json bits_json(const std::optional<model::HeaderBits>& bits) {
    if (!bits) return nullptr;
    return {{"ad", bits->ad}, {"cd", bits->cd}, {"z", bits->z}};
}

json probe_json(const ProbeRecord& probe) {
    json out{{"id", probe.id},
             {"kind", probe.kind},
             {"family", to_string(probe.family)},
             {"transport", probe.transport},
             {"qname", probe.qname},
             {"qtype", probe.qtype},
             {"dns_id", probe.dns_id},
             {"id_in_qname", probe.id_in_qname},
             {"requested_size", optional_json(probe.requested_size)},
             {"bufsize", optional_json(probe.bufsize)},
             {"do", probe.dnssec_ok},
             {"edns_version", probe.edns_version},
             {"question_count", optional_json(probe.question_count)},
             {"opcode", optional_json(probe.opcode)},
             {"query_bits", bits_json(probe.query_bits)},
             {"answer_bits_asked", bits_json(probe.answer_bits_asked)},
             {"answer_bits", bits_json(probe.answer_bits)},
             {"mixed_case", probe.mixed_case},
             {"case_kept", optional_json(probe.case_kept)},
             {"df", probe.dont_fragment},
             {"df_answer", probe.df_answer},
             {"small_fragments_answer", probe.small_fragments_answer},
             {"answer_fragment_size", optional_json(probe.answer_fragment_size)},
             {"tcp_mss", optional_json(probe.tcp_mss)},
             {"reproduce", optional_json(probe.reproduce)},
             {"fragment_size", optional_json(probe.fragment_size)},
             {"via_proxy", probe.via_proxy},
             {"non_dns", probe.non_dns},
             {"tsig", probe.tsig},
             {"port", optional_json(probe.port)},
             {"query_size", probe.query_size},
             {"outcome", to_string(probe.outcome)},
             {"rcode", optional_json(probe.rcode)},
             {"answer_size", optional_json(probe.answer_size)},
             {"rtt_ms", optional_json(probe.rtt_ms)},
             {"attempts", probe.attempts},
             {"ra", probe.ra},
             {"aa", probe.aa},
             {"icmp_mtu", optional_json(probe.icmp_mtu)},
             {"icmp_from", probe.icmp_from},
             {"ede", probe.ede},
             {"echo", echo_json(probe.echo)},
             {"source", probe.source},
             {"tcp_connected", probe.tcp_connected}};
    if (probe.error) out["error"] = model::to_params(*probe.error);
    return out;
}

// `diagnose`: what it was asked, and its findings (failures, then warnings, each in chain order)
// with the manual item that failed first: a reader takes findings[0] as the answer.
void add_diagnosis(json& document, const RunResult& result) {
    const auto& diagnosis = *result.diagnosis;
    json chain = json::array();
    for (auto checkpoint : diagnosis.chain) chain.push_back(model::to_string(checkpoint));
    document["diagnosis"] = {{"name", diagnosis.name},
                             {"server", diagnosis.server},
                             {"parent", diagnosis.parent},
                             {"resolver", diagnosis.resolver},
                             {"symptom", optional_json(diagnosis.symptom)},
                             {"chain", chain},
                             {"stopped_at", diagnosis.stopped_at ? json(model::to_string(*diagnosis.stopped_at)) : json(nullptr)}};
    json findings = json::array();
    for (auto status : {Status::fail, Status::warn})
        for (const auto& verdict : result.verdicts) {
            if (verdict.status != status) continue;
            json item = verdict.cause.params.is_object() ? verdict.cause.params.value("item", json()) : json();
            findings.push_back({{"item", item},
                                {"checkpoint", model::to_string(verdict.checkpoint)},
                                {"status", to_string(verdict.status)},
                                {"family", to_string(verdict.family)},
                                {"cause", cause_json(verdict.cause)}});
        }
    document["findings"] = findings;
}

// What each real resolver behind the path answered (`run --resolver`); absent when none was asked.
json resolvers_json(const RunResult& result) {
    json resolvers = json::array();
    for (const auto& resolver : result.resolvers) {
        json answers = json::array();
        for (const auto& answer : resolver.answers) {
            json errors = json::array();
            for (const auto& error : answer.errors) errors.push_back({{"code", error.code}, {"text", error.text}});
            answers.push_back({{"question", answer.question},
                               {"name", answer.name},
                               {"qtype", answer.qtype},
                               {"size", answer.size},
                               {"outcome", to_string(answer.outcome)},
                               {"rcode", optional_json(answer.rcode)},
                               {"ad", answer.authenticated},
                               {"ede", errors},
                               {"ms", answer.ms},
                               {"tcp", answer.over_tcp}});
        }
        resolvers.push_back({{"name", resolver.name},
                             {"address", resolver.address},
                             {"failures", resolver.failures()},
                             {"answers", answers},
                             {"self_rcode", optional_json(resolver.self_rcode)},
                             {"self_resinfo", optional_json(resolver.self_resinfo)}});
    }
    return resolvers;
}

}  // namespace

std::string to_json(const RunResult& result) {
    json verdicts = json::array();
    for (const auto& verdict : result.verdicts) verdicts.push_back(verdict_json(verdict));
    json probes = json::array();
    for (const auto& probe : result.probes) probes.push_back(probe_json(probe));
    json taps = json::array();
    for (const auto& tap : result.taps)
        taps.push_back({{"name", tap.name},
                        {"source", tap.source},
                        {"frames", tap.frames},
                        {"kernel_drops", tap.kernel_drops},
                        // What the tap missed, all told: a tap that dropped any blames nobody for a
                        // probe it may have missed (capture's tap-lost-packets).
                        {"dropped", tap.kernel_drops + tap.interface_drops},
                        {"interface_drops", tap.interface_drops},
                        {"malformed", tap.malformed},
                        {"fragment_overflows", tap.fragment_overflows},
                        {"stream_overflows", tap.stream_overflows},
                        {"pcapng", tap.pcapng}});
    json profile = nullptr;
    if (result.profile)
        profile = {{"name", result.profile->name}, {"path", result.profile->path}, {"sha256", result.profile->sha256}};
    json document = {
        {"schema_version", result.schema_version},
        {"tool", "dnspath"},
        {"version", result.tool_version},
        {"profile", profile},
        {"command_line", result.command_line},
        {"started_at", result.started_at},
        {"ended_at", result.ended_at},
        {"host", {{"kernel", result.host_kernel}}},
        {"duration_s", result.duration_s},
        {"interrupted", result.interrupted},
        {"targets", result.targets},
        {"path", result.path},
        {"verdicts", verdicts},
        {"summary", {{"ipv4", summary_json(result.ipv4)}, {"ipv6", summary_json(result.ipv6)}}},
        {"probes", probes},
        {"taps", taps},
        {"standards", standards_json(result)},
    };
    // One severity, from the data: every format derives its title and colours from the same figures.
    const RunSeverity severity = severity_of(result);
    document["overall"] = severity.overall;
    json devices = json::array();
    for (const auto& device : severity.devices)
        devices.push_back({{"name", device.name}, {"severity", device.severity}, {"causes", device.causes},
                           {"checkpoints", device.checkpoints}});
    document["devices"] = devices;
    if (result.diagnosis) add_diagnosis(document, result);
    if (!result.resolvers.empty()) document["resolvers"] = resolvers_json(result);
    if (!result.identities.empty()) {
        json identities = json::array();
        for (const auto& identity : result.identities)
            identities.push_back({{"name", identity.name}, {"model", identity.model}, {"firmware", identity.firmware}});
        document["device_identity"] = identities;
    }
    if (const auto& addressing = result.addressing)
        document["addressing"] = {{"device", addressing->device},
                                  {"wan_ipv4", addressing->wan_ipv4},
                                  {"wan_ipv6", addressing->wan_ipv6},
                                  {"delegated_prefix", addressing->delegated_prefix},
                                  {"lan_ipv4", addressing->lan_ipv4},
                                  {"lan_ipv6", addressing->lan_ipv6},
                                  {"lan_in_delegation", addressing->lan_in_delegation}};
    return document.dump(2) + "\n";
}

Result<void> write_json(const RunResult& result, const std::string& path) {
    // Write beside and rename, so an interrupted write never leaves half a result.json.
    const std::string temporary = path + ".partial";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out) return fail("cannot write " + temporary);
        out << to_json(result);
        if (!out.flush()) return fail("cannot write " + temporary);
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) return fail("cannot rename " + temporary + " to " + path);
    return Ok{};
}

}  // namespace dnspath::reports
