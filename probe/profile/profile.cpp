#include "probe/profile/profile.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "probe/model/model.h"
#include "probe/profile/schema.h"
#include "probe/wire/wire.h"

namespace dnspath::profile {
namespace {

bool valid_address(const std::string& text) {
    in6_addr buffer{};
    return inet_pton(AF_INET, text.c_str(), &buffer) == 1 || inet_pton(AF_INET6, text.c_str(), &buffer) == 1;
}

bool valid_prefix(const std::string& text) {
    // Interface names are at most 15 characters: the prefix leaves room for "-devicename-x".
    return !text.empty() && text.size() <= 6 &&
           std::all_of(text.begin(), text.end(), [](char c) {
               return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
           });
}

bool valid_tap(const std::string& text) {
    if (text.empty()) return true;
    if (text.rfind("netns:", 0) == 0) {
        auto slash = text.find('/', 6);
        return slash != std::string::npos && slash > 6 && slash + 1 < text.size();
    }
    return text.find_first_of(" \t") == std::string::npos;
}

template <typename T>
std::vector<T> read_array(const toml::node_view<const toml::node>& view) {
    std::vector<T> out;
    if (const auto* array = view.as_array())
        for (const auto& element : *array)
            if (auto value = element.value<T>()) out.push_back(*value);
    return out;
}

// [target]: addresses, port, zone, key, mode and the names target mode asks about.
void build_target(const toml::table& root, Profile& profile, Validator& validator) {
    auto target = root["target"];
    profile.target.addresses = read_array<std::string>(target["addresses"]);
    if (const auto* addresses = target["addresses"].as_array())
        for (const auto& element : *addresses)
            if (auto text = element.value<std::string>(); text && !valid_address(*text))
                validator.coded_error(element.source(), "target.addresses: \"" + *text + "\" is not an IPv4 or IPv6 address literal",
                                      "not-an-address", {{"path", "target.addresses"}, {"value", *text}});
    profile.target.port = static_cast<std::uint16_t>(target["port"].value_or(std::int64_t{53}));
    profile.target.zone = target["zone"].value_or(profile.target.zone);
    if (auto zone = wire::Name::parse(profile.target.zone); !zone)
        validator.coded_error(target["zone"].node() ? target["zone"].node()->source() : root.source(),
                              "target.zone: " + zone.error().message, "bad-zone", {{"value", profile.target.zone}, {"reason", zone.error().message}});
    if (auto key = target["key_file"].value<std::string>()) profile.target.key_file = *key;
    profile.target.mode = target["mode"].value_or(profile.target.mode);
    for (const auto* key : {"proxies", "baseline"}) {
        auto& into = std::string_view(key) == "proxies" ? profile.target.proxies : profile.target.baseline;
        into = read_array<std::string>(target[key]);
        if (const auto* addresses = target[key].as_array())
            for (const auto& element : *addresses)
                if (auto text = element.value<std::string>(); text && !valid_address(*text))
                    validator.coded_error(element.source(), "target." + std::string(key) + ": \"" + *text + "\" is not an IPv4 or IPv6 address literal",
                                          "not-an-address", {{"path", "target." + std::string(key)}, {"value", *text}});
    }
    if (const auto* names = target["names"].as_array()) {
        for (const auto& element : *names) {
            const auto& entry = *element.as_table();
            TargetName name;
            name.name = entry["name"].value_or(std::string{});
            name.type = entry["type"].value_or(name.type);
            name.dnssec = entry["dnssec"].value_or(false);
            if (name.name.empty()) validator.coded_error(entry.source(), "target.names: each entry needs a name", "needs-name", {{"path", "target.names"}});
            profile.target.names.push_back(std::move(name));
        }
    }
    if (profile.target.mode == "target" && profile.target.names.empty())
        validator.coded_error(target.node() ? target.node()->source() : root.source(),
                              "target.mode = \"target\" needs at least one [[target.names]] entry to ask about", "target-mode-needs-names", {});

}

// [plan]: the probe kinds and their parameters, each defaulting to the built-in plan.
void build_plan(const toml::table& root, Profile& profile, Validator& validator) {
    auto plan = root["plan"];
    Plan defaults = default_plan();
    profile.plan = defaults;
    if (plan["probes"]) profile.plan.probes = read_array<std::string>(plan["probes"]);
    if (plan["sizes"]) {
        profile.plan.sizes.clear();
        for (auto size : read_array<std::int64_t>(plan["sizes"]))
            profile.plan.sizes.push_back(static_cast<std::uint32_t>(size));
    }
    if (plan["families"]) profile.plan.families = read_array<std::string>(plan["families"]);
    profile.plan.repetitions = static_cast<int>(plan["repetitions"].value_or(std::int64_t{defaults.repetitions}));
    profile.plan.timeout_ms = static_cast<int>(plan["timeout_ms"].value_or(std::int64_t{defaults.timeout_ms}));
    profile.plan.retries = static_cast<int>(plan["retries"].value_or(std::int64_t{defaults.retries}));
    profile.plan.port_samples = static_cast<int>(plan["port_samples"].value_or(std::int64_t{defaults.port_samples}));
    profile.plan.max_ttl = static_cast<int>(plan["max_ttl"].value_or(std::int64_t{defaults.max_ttl}));
    profile.plan.answer_trace = plan["answer_trace"].value_or(defaults.answer_trace);
    profile.plan.sessions = static_cast<int>(plan["sessions"].value_or(std::int64_t{defaults.sessions}));
    profile.plan.sessions_max = static_cast<int>(plan["sessions_max"].value_or(std::int64_t{defaults.sessions_max}));
    profile.plan.sessions_min = static_cast<int>(plan["sessions_min"].value_or(std::int64_t{defaults.sessions_min}));
    profile.plan.load_seconds = static_cast<int>(plan["load_seconds"].value_or(std::int64_t{defaults.load_seconds}));
    profile.plan.timeout_max_s = static_cast<int>(plan["timeout_max_s"].value_or(std::int64_t{defaults.timeout_max_s}));
    profile.plan.mapping_timeout_min_s =
        static_cast<int>(plan["mapping_timeout_min_s"].value_or(std::int64_t{defaults.mapping_timeout_min_s}));
    profile.plan.user = plan["user"].value_or(std::string{});
    if (plan["probes"] && profile.plan.probes.empty())
        validator.coded_error(plan["probes"].node()->source(), "plan.probes is empty: list at least one probe kind", "no-probes", {});

}

// One [[topology.device]] entry's fields, as written.
Device read_device(const toml::table& entry) {
    Device device;
    device.name = entry["name"].value_or(std::string{});
    device.kind = entry["kind"].value_or(device.kind);
    device.tap_in = entry["tap_in"].value_or(std::string{});
    device.tap_out = entry["tap_out"].value_or(std::string{});
    if (auto value = entry["edns_packet_max"].value<std::int64_t>()) device.edns_packet_max = static_cast<int>(*value);
    device.intercept_dns = entry["intercept_dns"].value_or(false);
    device.backends = static_cast<int>(entry["backends"].value_or(std::int64_t{2}));
    device.balancer = entry["balancer"].value_or(device.balancer);
    if (const auto* balancers = entry["balancers"].as_array())
        for (const auto& balancer : *balancers) device.balancers.push_back(balancer.value_or(std::string{}));
    device.proxy_cache = entry["proxy_cache"].value_or(false);
    device.proxy_dnssec = entry["proxy_dnssec"].value_or(true);
    device.nxdomain_address = entry["nxdomain_address"].value_or(std::string{});
    if (auto value = entry["min_cache_ttl"].value<std::int64_t>()) device.min_cache_ttl = static_cast<int>(*value);
    device.proxy_wan_open = entry["proxy_wan_open"].value_or(false);
    device.model = entry["model"].value_or(std::string{});
    device.firmware = entry["firmware"].value_or(std::string{});
    auto faults = entry["faults"];
    device.faults.drop_ipv4_fragments = faults["drop_ipv4_fragments"].value_or(std::string{});
    device.faults.drop_ipv6_fragments = faults["drop_ipv6_fragments"].value_or(false);
    if (auto v = faults["udp_size_cap"].value<std::int64_t>()) device.faults.udp_size_cap = static_cast<int>(*v);
    device.faults.tcp53 = faults["tcp53"].value_or(std::string{});
    device.faults.tcp853 = faults["tcp853"].value_or(std::string{});
    if (auto v = faults["mtu"].value<std::int64_t>()) device.faults.mtu = static_cast<int>(*v);
    device.faults.drop_icmp_too_big = faults["drop_icmp_too_big"].value_or(false);
    device.faults.drop_icmp_too_big_family =
        faults["drop_icmp_too_big_family"].value_or(device.faults.drop_icmp_too_big_family);
    if (auto v = faults["loss_percent"].value<std::int64_t>()) device.faults.loss_percent = static_cast<int>(*v);
    if (auto v = faults["state_limit"].value<std::int64_t>()) device.faults.state_limit = static_cast<int>(*v);
    if (auto v = faults["rate_limit"].value<std::int64_t>()) device.faults.rate_limit = static_cast<int>(*v);
    if (auto v = faults["udp_timeout"].value<std::int64_t>()) device.faults.udp_timeout = static_cast<int>(*v);
    device.faults.family = faults["family"].value_or(device.faults.family);

    return device;
}

// What a device entry's types alone do not check: its name (a namespace and file name in the
// lab), unique names, tap syntax, options that belong to another kind, an lb last on the path.
void check_device(const toml::table& entry, bool last, const Device& device, std::set<std::string>& device_names,
                  Validator& validator) {
    const bool name_ok = !device.name.empty() && device.name.size() <= 15 &&
                         std::isalnum(static_cast<unsigned char>(device.name[0])) &&
                         std::all_of(device.name.begin(), device.name.end(), [](char c) {
                             return std::islower(static_cast<unsigned char>(c)) ||
                                    std::isdigit(static_cast<unsigned char>(c)) || c == '-';
                         });
    if (device.name.empty()) {
        validator.coded_error(entry.source(), "topology.device: each device needs a name", "needs-name", {{"path", "topology.device"}});
    } else if (!name_ok) {
        // The name becomes a namespace name and a pcap file name in the lab.
        validator.coded_error(entry["name"].node()->source(),
                              "topology.device.name must be 1 to 15 lowercase letters, digits or '-', got \"" + device.name + "\"",
                              "bad-device-name", {{"value", device.name}});
    } else if (!device_names.insert(device.name).second) {
        validator.coded_error(entry["name"].node()->source(),
                              "topology.device: the name \"" + device.name + "\" is used twice; device names must be unique",
                              "listed-twice", {{"path", "topology.device.name"}, {"value", device.name}});
    }
    for (const auto* key : {"tap_in", "tap_out"}) {
        auto tap = entry[key].value_or(std::string{});
        if (!valid_tap(tap))
            validator.coded_error(entry[key].node()->source(),
                                  std::string("topology.device.") + key + ": \"" + tap + "\" is not an interface, netns:NAMESPACE/INTERFACE or a file path",
                                  "bad-tap", {{"path", std::string("topology.device.") + key}, {"value", tap}});
    }
    if (entry["nxdomain_address"] && !valid_address(device.nxdomain_address))
        validator.coded_error(entry["nxdomain_address"].node()->source(),
                              "topology.device.nxdomain_address: \"" + device.nxdomain_address + "\" is not an IPv4 or IPv6 address literal",
                              "not-an-address", {{"path", "topology.device.nxdomain_address"}, {"value", device.nxdomain_address}});
    for (const auto* key : {"edns_packet_max", "proxy_cache", "proxy_dnssec", "intercept_dns", "nxdomain_address", "min_cache_ttl", "proxy_wan_open"})
        if (entry[key] && device.kind != "cpe")
            validator.coded_error(entry[key].node()->source(),
                                  std::string("topology.device.") + key + " only applies to kind = \"cpe\" (the dnsmasq proxy)", "only-for-kind",
                                  {{"path", std::string("topology.device.") + key}, {"kind", "cpe"}});
    if (entry["balancer"] && entry["balancers"])
        validator.coded_error(entry["balancers"].node()->source(),
                              "topology.device: give balancer (one) or balancers (each in its own pass), not both", "balancer-and-balancers", {});
    if (device.balancers.size() == 2 && device.balancers[0] == device.balancers[1])
        validator.coded_error(entry["balancers"].node()->source(), "topology.device.balancers: \"" + device.balancers[0] + "\" is listed twice",
                              "listed-twice", {{"path", "topology.device.balancers"}, {"value", device.balancers[0]}});
    for (const auto* key : {"backends", "balancer", "balancers"})
        if (entry[key] && device.kind != "lb")
            validator.coded_error(entry[key].node()->source(),
                                  std::string("topology.device.") + key + " only applies to kind = \"lb\" (responders behind it)", "only-for-kind",
                                  {{"path", std::string("topology.device.") + key}, {"kind", "lb"}});
    if (device.kind == "lb" && !last)
        validator.coded_error(entry.source(), "topology.device: a load balancer (kind = \"lb\") must be the last device, in front of its responders",
                              "lb-not-last", {});
}

// [lab]: the namespace prefix and the families a lab builds.
void build_lab(const toml::table& root, Profile& profile, Validator& validator) {
    if (const auto* lab = root["lab"].as_table()) {
        Lab settings;
        settings.prefix = (*lab)["prefix"].value_or(settings.prefix);
        settings.ipv4 = (*lab)["ipv4"].value_or(true);
        settings.ipv6 = (*lab)["ipv6"].value_or(true);
        if (const auto* resolvers = (*lab)["resolvers"].as_array())
            for (const auto& resolver : *resolvers) {
                const std::string software = resolver.value_or(std::string{});
                if (std::find(settings.resolvers.begin(), settings.resolvers.end(), software) != settings.resolvers.end())
                    validator.coded_error(resolver.source(), "lab.resolvers: \"" + software + "\" is listed twice", "listed-twice",
                                          {{"path", "lab.resolvers"}, {"value", software}});
                else
                    settings.resolvers.push_back(software);
            }
        if (!valid_prefix(settings.prefix))
            validator.coded_error((*lab)["prefix"].node()->source(),
                                  "lab.prefix must be 1 to 6 lowercase letters or digits, got \"" + settings.prefix + "\"", "bad-prefix",
                                  {{"value", settings.prefix}});
        if (!settings.ipv4 && !settings.ipv6)
            validator.coded_error(lab->source(), "lab: at least one of ipv4 and ipv6 must be true", "lab-no-family", {});
        profile.lab = settings;
    }

}

// Builds the model from a tree the Validator accepted, then checks what types alone cannot.
void build(const toml::table& root, Profile& profile, Validator& validator) {
    profile.name = root["profile"]["name"].value_or(std::string{});
    profile.description = root["profile"]["description"].value_or(std::string{});
    build_target(root, profile, validator);
    build_plan(root, profile, validator);
    std::set<std::string> device_names;
    if (const auto* devices = root["topology"]["device"].as_array()) {
        for (const auto& element : *devices) {
            const auto& entry = *element.as_table();
            Device device = read_device(entry);
            check_device(entry, &element == &devices->back(), device, device_names, validator);
            profile.devices.push_back(std::move(device));
        }
    }
    build_lab(root, profile, validator);
    if (profile.target.addresses.empty() && !profile.lab)
        validator.coded_error(root.source(), "no target: set target.addresses or add a [lab] section that builds one", "no-target", {});
}

}  // namespace

std::string ProfileError::describe() const {
    if (line == 0) return file + ": " + message;
    return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

std::string ProfileErrors::describe() const {
    std::string out;
    for (const auto& error : errors) {
        if (!out.empty()) out += "\n";
        out += error.describe();
    }
    return out;
}

Plan default_plan() {
    Plan plan;
    plan.probes = {"edns-size", "tcp", "fragments", "pmtu", "dnssec", "options", "nat", "ttl", "interception"};
    plan.sizes = {512, 1220, 1232, 1280, 1400, 1410, 1432, 1452, 1472, 1480, 1500, 1800, 2048, 3000, 4000, 4096};
    plan.families = {"ipv4", "ipv6"};
    return plan;
}

std::vector<std::string> known_probe_kinds() { return model::plan_kinds(); }

Result<Profile, ProfileErrors> parse_profile(std::string_view text, const std::string& source_name) {
    toml::table root;
    try {
        root = toml::parse(text, source_name);
    } catch (const toml::parse_error& parse_error) {
        const auto& where = parse_error.source();
        ProfileErrors errors;
        // toml++ says what is wrong in English; the code lets a report frame it in the reader's language.
        const std::string detail(parse_error.description());
        errors.errors.push_back(ProfileError{source_name, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column),
                                             detail, "toml-syntax", {{"detail", detail}}});
        return unexpected(std::move(errors));
    }
    Validator validator(source_name);
    validator.check_table(root, "");
    if (validator.failed()) return unexpected(validator.take());
    Profile profile;
    profile.source = source_name;
    build(root, profile, validator);
    if (validator.failed()) return unexpected(validator.take());
    return profile;
}

Result<Profile, ProfileErrors> load_profile_file(const std::string& path) {
    // A profile is a page of TOML: 1 MiB is far beyond any real one, and bounds what is read.
    auto text = wire::read_regular_file(path, 1u << 20);
    if (!text) {
        ProfileErrors errors;
        // The reason alone ("is a folder"): describe() puts the path in front.
        std::string reason = text.error().message;
        if (reason.rfind(path + ": ", 0) == 0) reason.erase(0, path.size() + 2);
        // Its code (no-such-file, is-a-folder, ...) words it in another language.
        errors.errors.push_back(ProfileError{path, 0, 0, reason, text.error().code, {{"argument", text.error().argument}}});
        return unexpected(std::move(errors));
    }
    return parse_profile(*text, path);
}

}  // namespace dnspath::profile
