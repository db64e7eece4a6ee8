// The run request: built from a profile, and carried as JSON to a child run in a namespace.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "probe/peers/peers.h"
#include "probe/run/run.h"

namespace dnspath::profile {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Plan, probes, sizes, families, repetitions, timeout_ms, retries, port_samples,
                                                max_ttl, answer_trace, sessions, sessions_max, sessions_min, load_seconds, timeout_max_s,
                                                mapping_timeout_min_s, user)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TargetName, name, type, dnssec)
}  // namespace dnspath::profile

namespace dnspath::model {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DeviceIdentity, name, model, firmware)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Addressing, device, wan_ipv4, wan_ipv6, delegated_prefix, lan_ipv4, lan_ipv6,
                                                lan_in_delegation)
}  // namespace dnspath::model

namespace dnspath::capture {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DeviceSpec, name, tap_in, tap_out)
}  // namespace dnspath::capture

namespace dnspath::run {
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ResolverAddress, name, address, port)

namespace {

using nlohmann::json;

// The engine's configuration without its key: the key stays in its file, never on a pipe.
json config_json(const probe::RunConfig& config) {
    return {{"targets", config.targets},   {"proxies", config.proxies}, {"proxy_upstream_unseen", config.proxy_upstream_unseen},
            {"proxy_wan", config.proxy_wan},
            {"baseline", config.baseline}, {"port", config.port},       {"zone", config.zone},
            {"plan", config.plan},         {"target_names", config.target_names}, {"seed", config.seed}};
}

void config_from_json(const json& in, probe::RunConfig& config) {
    const probe::RunConfig defaults;
    config.targets = in.value("targets", defaults.targets);
    config.proxies = in.value("proxies", defaults.proxies);
    config.proxy_upstream_unseen = in.value("proxy_upstream_unseen", defaults.proxy_upstream_unseen);
    config.proxy_wan = in.value("proxy_wan", defaults.proxy_wan);
    config.baseline = in.value("baseline", defaults.baseline);
    config.port = in.value("port", defaults.port);
    config.zone = in.value("zone", defaults.zone);
    config.plan = in.value("plan", defaults.plan);
    config.target_names = in.value("target_names", defaults.target_names);
    config.seed = in.value("seed", defaults.seed);
}

// Whether `value` holds a fraction anywhere: no field of a request is one, and converting one
// that does not fit (1e112 into an octet count) is undefined behaviour, not an error.
bool holds_fraction(const json& value, int depth = 0) {
    if (value.is_number_float()) return true;
    if (depth > 8 || !value.is_structured()) return false;  // deeper than any field of a request
    for (const auto& element : value) if (holds_fraction(element, depth + 1)) return true;
    return false;
}

bool whole_in(const json& value, std::int64_t low, std::int64_t high) {
    return value.is_number_integer() && value.get<std::int64_t>() >= low && value.get<std::int64_t>() <= high;
}

// What the JSON types cannot say: a port that fits, known kinds and families, sane counts (a
// profile's plan is checked by its loader; a request's is checked here).
Result<void> check_config(const json& in) {
    if (in.contains("port") && !(in["port"].is_number_integer() && in["port"].get<std::int64_t>() >= 1 &&
                                 in["port"].get<std::int64_t>() <= 65535))
        return fail("a run request's config.port is 1..65535");
    if (!in.contains("plan")) return Ok{};
    const auto& plan = in["plan"];
    if (!plan.is_object()) return fail("a run request's config.plan is an object");
    for (const auto& [key, value] : plan.items())
        if (value.is_number() && !(value.is_number_integer() && value.get<std::int64_t>() >= 0 &&
                                   value.get<std::int64_t>() <= 100'000'000))
            return fail("a run request's config.plan." + key + " is a whole number from 0 to 100000000");
    if (plan.contains("sizes") && plan["sizes"].is_array())
        for (const auto& size : plan["sizes"])
            if (!whole_in(size, 0, 65535)) return fail("a run request's config.plan.sizes holds " + size.dump().substr(0, 40));
    const auto kinds = model::plan_kinds();
    if (plan.contains("probes") && plan["probes"].is_array())
        for (const auto& kind : plan["probes"])
            if (!kind.is_string() || std::find(kinds.begin(), kinds.end(), kind.get<std::string>()) == kinds.end())
                return fail("a run request's config.plan.probes lists " + kind.dump() + ", not a probe kind");
    if (plan.contains("families") && plan["families"].is_array())
        for (const auto& family : plan["families"])
            if (family != "ipv4" && family != "ipv6") return fail("a run request's config.plan.families lists " + family.dump());
    return Ok{};
}

}  // namespace

RunRequest request_from_profile(const profile::Profile& profile, const std::string& profile_path) {
    RunRequest request;
    auto from_profile = probe::run_from_profile(profile, profile_path);
    request.config = std::move(from_profile.config);
    request.key_file = std::move(from_profile.key_file);
    for (const auto& device : profile.devices) {
        if (!device.tap_in.empty() || !device.tap_out.empty())
            request.devices.push_back({device.name, device.tap_in, device.tap_out});
        if (!device.model.empty() || !device.firmware.empty())
            request.identities.push_back({device.name, device.model, device.firmware});
    }
    request.user = profile.plan.user;
    request.profile_path = profile_path;
    request.profile_name = profile.name;
    return request;
}

Result<ResolverAddress> parse_resolver_address(const std::string& text) {
    auto resolver = peers::parse_resolver(text);
    if (!resolver) return unexpected(resolver.error());
    return ResolverAddress{resolver->name, resolver->server.address(), resolver->server.port()};
}

std::string to_json(const RunRequest& request) {
    json out{{"config", config_json(request.config)},
             {"key_file", request.key_file},
             {"devices", request.devices},
             {"identities", request.identities},
             {"addressing", request.addressing ? json(*request.addressing) : json(nullptr)},
             {"resolvers", request.resolvers},
             {"out_dir", request.out_dir},
             {"user", request.user},
             {"language", reports::to_string(request.language)},
             {"profile_path", request.profile_path},
             {"profile_name", request.profile_name ? json(*request.profile_name) : json(nullptr)},
             {"command_line", request.command_line}};
    return out.dump();
}

Result<RunRequest> request_from_json(std::string_view text) {
    const json in = json::parse(text, nullptr, false);
    if (in.is_discarded() || !in.is_object()) return fail("a run request is a JSON object");
    static const char* const known[] = {"config", "key_file", "devices", "identities", "addressing", "resolvers",
                                        "out_dir", "user", "language", "profile_path", "profile_name", "command_line"};
    for (const auto& [key, value] : in.items())
        if (std::find(std::begin(known), std::end(known), key) == std::end(known))
            return fail("a run request has no field '" + key + "'");
    if (holds_fraction(in)) return fail("a run request holds a fraction where only whole numbers go");
    if (in.contains("config") && in["config"].is_object() && in["config"].contains("seed") &&
        !(in["config"]["seed"].is_number_unsigned() || whole_in(in["config"]["seed"], 0, INT64_MAX)))
        return fail("a run request's config.seed is a whole number from 0");
    if (in.contains("resolvers") && in["resolvers"].is_array())
        for (const auto& resolver : in["resolvers"])
            if (resolver.is_object() && resolver.contains("port") && !whole_in(resolver["port"], 1, 65535))
                return fail("a run request's resolvers[].port is 1..65535");
    RunRequest request;
    if (in.contains("config")) {
        if (!in["config"].is_object()) return fail("a run request's config is an object");
        DNSPATH_TRY_VOID(check_config(in["config"]));
    }
    // Each field is read on its own, so an error names the one of the wrong type.
    std::string failed;
    auto read = [&](const char* key, auto& into) {
        if (!failed.empty() || !in.contains(key) || in[key].is_null()) return;
        try {
            in[key].get_to(into);
        } catch (const json::exception& error) {
            failed = std::string(key) + ": " + error.what();
        }
    };
    try {
        config_from_json(in.value("config", json::object()), request.config);
    } catch (const json::exception& error) {
        failed = std::string("config: ") + error.what();
    }
    read("key_file", request.key_file);
    read("devices", request.devices);
    read("identities", request.identities);
    model::Addressing addressing;
    read("addressing", addressing);
    if (in.contains("addressing") && !in["addressing"].is_null()) request.addressing = addressing;
    read("resolvers", request.resolvers);
    read("out_dir", request.out_dir);
    read("user", request.user);
    std::string language = "en", profile_name;
    read("language", language);
    read("profile_path", request.profile_path);
    read("profile_name", profile_name);
    if (in.contains("profile_name") && !in["profile_name"].is_null()) request.profile_name = profile_name;
    read("command_line", request.command_line);
    // nlohmann's own words say what type it wanted ("type must be string, but is number").
    if (!failed.empty()) return fail("a run request's field has the wrong type (" + failed + ")");
    auto parsed_language = reports::parse_language(language);
    if (!parsed_language) return fail("a run request's language: " + parsed_language.error().message);
    request.language = *parsed_language;
    return request;
}

}  // namespace dnspath::run
