#include "probe/model/model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <array>
#include <utility>

namespace dnspath::model {
namespace {

// One name table per enum; to_string and from_string both read it, so they cannot drift apart.
template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
    for (const auto& [entry, name] : table)
        if (entry == value) return name;
    return "?";
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& table, std::string_view text) {
    for (const auto& [entry, name] : table)
        if (name == text) return entry;
    return std::nullopt;
}

constexpr std::array<std::pair<Status, std::string_view>, 4> kStatuses{
    {{Status::pass, "pass"}, {Status::fail, "fail"}, {Status::warn, "warn"}, {Status::na, "na"}}};

constexpr std::array<std::pair<Family, std::string_view>, 3> kFamilies{
    {{Family::ipv4, "ipv4"}, {Family::ipv6, "ipv6"}, {Family::both, "both"}}};

constexpr std::array<std::pair<Outcome, std::string_view>, 7> kOutcomes{
    {{Outcome::answer, "answer"},
     {Outcome::truncated, "truncated"},
     {Outcome::timeout, "timeout"},
     {Outcome::refused, "refused"},
     {Outcome::reset, "reset"},
     {Outcome::error, "error"},
     {Outcome::undecodable, "undecodable"}}};

constexpr std::array<std::pair<Via, std::string_view>, 2> kVias{{{Via::path, "path"}, {Via::proxy, "proxy"}}};

}  // namespace

std::string_view to_string(Via via) { return name_of(kVias, via); }
std::optional<Via> via_from(std::string_view text) { return value_of(kVias, text); }
std::string verdict_name(const Verdict& verdict) {
    std::string name(to_string(verdict.checkpoint));
    return verdict.via == Via::proxy ? name + " (proxy)" : name;
}

std::string_view to_string(Status status) { return name_of(kStatuses, status); }
std::string_view to_string(Family family) { return name_of(kFamilies, family); }
std::string_view to_string(Outcome outcome) { return name_of(kOutcomes, outcome); }
std::optional<Status> status_from(std::string_view text) { return value_of(kStatuses, text); }
std::optional<Family> family_from(std::string_view text) { return value_of(kFamilies, text); }
std::optional<Outcome> outcome_from(std::string_view text) { return value_of(kOutcomes, text); }

std::vector<std::string> blamed_devices(const Verdict& verdict) {
    std::vector<std::string> devices;
    for (const auto& blame : verdict.blame)
        if (std::find(devices.begin(), devices.end(), blame.device) == devices.end()) devices.push_back(blame.device);
    return devices;
}

const ProbeRecord* find_probe(const RunResult& result, std::string_view id) {
    for (const auto& probe : result.probes)
        if (probe.id == id) return &probe;
    return nullptr;
}

}  // namespace dnspath::model

namespace dnspath::model {

std::size_t ResolverExperience::failures() const {
    return static_cast<std::size_t>(std::count_if(answers.begin(), answers.end(), [](const ResolverAnswer& answer) {
        return answer.outcome != Outcome::answer || answer.rcode.value_or(-1) != 0 || !answer.authenticated;
    }));
}

void overlay(FamilySummary& into, const FamilySummary& from) {
    // A field added to FamilySummary needs its line here, or lanes lose it: the size says when.
    // (192 octets on LP64 with libstdc++: 5 optional ints, an optional bool, 7 optional doubles, a string.)
    static_assert(sizeof(void*) != 8 || sizeof(FamilySummary) == 192,
                  "FamilySummary changed: give the new field its line in overlay()");
    auto take = [](auto& to, const auto& value) {
        if (value) to = value;
    };
    take(into.largest_udp_answer, from.largest_udp_answer);
    take(into.path_mtu, from.path_mtu);
    take(into.nat, from.nat);
    take(into.load_qps_through, from.load_qps_through);
    take(into.load_qps_baseline, from.load_qps_baseline);
    take(into.load_p99_ms_through, from.load_p99_ms_through);
    take(into.load_p99_ms_baseline, from.load_p99_ms_baseline);
    take(into.loss_rate, from.loss_rate);
    take(into.loss_samples, from.loss_samples);
    take(into.state_table_tested_to, from.state_table_tested_to);
    take(into.state_table_capacity, from.state_table_capacity);
    if (!from.state_table_policy.empty()) into.state_table_policy = from.state_table_policy;
    take(into.udp_mapping_timeout_s, from.udp_mapping_timeout_s);
    take(into.udp_mapping_tested_to_s, from.udp_mapping_tested_to_s);
}

Params to_params(const LocalError& error) {
    Params params{{"code", error.code}};
    if (!error.call.empty()) params["call"] = error.call;
    if (error.os_error != 0) params["errno"] = error.os_error;
    if (!error.argument.empty()) params["argument"] = error.argument;
    if (!error.text.empty()) params["text"] = error.text;
    return params;
}

std::optional<std::int64_t> whole_param(const Params& params, std::string_view name) {
    if (!params.is_object()) return std::nullopt;
    const auto found = params.find(name);
    if (found == params.end()) return std::nullopt;
    // Kept within int's range: every reader stores these figures in an int.
    constexpr std::int64_t kLimit = std::numeric_limits<int>::max();
    if (found->is_number_unsigned()) {
        const auto number = found->get<std::uint64_t>();
        return number <= static_cast<std::uint64_t>(kLimit) ? std::optional<std::int64_t>(number) : std::nullopt;
    }
    if (found->is_number_integer()) {
        const auto number = found->get<std::int64_t>();
        return number >= -kLimit && number <= kLimit ? std::optional(number) : std::nullopt;
    }
    if (!found->is_number_float()) return std::nullopt;
    const double number = found->get<double>();
    if (!std::isfinite(number) || number != std::floor(number) || std::fabs(number) > static_cast<double>(kLimit)) return std::nullopt;
    return static_cast<std::int64_t>(number);
}

LocalError local_error_from(const Params& params) {
    LocalError error;
    if (!params.is_object()) return error;
    auto text = [&](const char* key) { return params.contains(key) && params[key].is_string() ? params[key].get<std::string>() : ""; };
    error.code = text("code");
    error.call = text("call");
    if (auto number = whole_param(params, "errno")) error.os_error = static_cast<int>(*number);
    error.argument = text("argument");
    error.text = text("text");
    return error;
}

}  // namespace dnspath::model
