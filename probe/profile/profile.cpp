#include "probe/profile/profile.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "probe/model/model.h"
#include "probe/wire/wire.h"

namespace dnspath::profile {
namespace {

enum class Kind { table, table_array, string, integer, boolean, string_array, integer_array };

// The one table of limits: every key a profile may hold, its type, and its range or choices.
// Arrays of tables use the same path for every element ("topology.device.name").
struct Rule {
    std::string_view path;
    Kind kind;
    std::int64_t min = 0;
    std::int64_t max = 0;
    std::string_view choices = {};  // '|'-separated, for strings and string arrays
};

// Not constexpr: the probe kinds come from the registry (probe/model), built on first use.
const Rule kRules[] = {
    {"profile", Kind::table},
    {"profile.name", Kind::string},
    {"profile.description", Kind::string},
    {"target", Kind::table},
    {"target.addresses", Kind::string_array, 0, 16},
    {"target.port", Kind::integer, 1, 65535},
    {"target.zone", Kind::string},
    {"target.key_file", Kind::string},
    {"target.mode", Kind::string, 0, 0, "responder|target"},
    {"target.proxies", Kind::string_array, 0, 2},
    {"target.baseline", Kind::string_array, 0, 2},
    {"target.names", Kind::table_array},
    {"target.names.name", Kind::string},
    {"target.names.type", Kind::string, 0, 0, "TXT|DNSKEY|DS|SOA|NS|A|AAAA"},
    {"target.names.dnssec", Kind::boolean},
    {"plan", Kind::table},
    {"plan.probes", Kind::string_array, 0, 16, model::plan_kind_choices()},
    {"plan.sizes", Kind::integer_array, 64, 65535},
    {"plan.families", Kind::string_array, 0, 2, "ipv4|ipv6"},
    {"plan.repetitions", Kind::integer, 1, 100},
    {"plan.timeout_ms", Kind::integer, 50, 60000},
    {"plan.retries", Kind::integer, 0, 10},
    {"plan.port_samples", Kind::integer, 8, 4096},
    {"plan.max_ttl", Kind::integer, 1, 64},
    {"plan.sessions", Kind::integer, 8, 4096},
    {"plan.load_seconds", Kind::integer, 1, 60},
    {"topology", Kind::table},
    {"topology.device", Kind::table_array},
    {"topology.device.name", Kind::string},
    {"topology.device.kind", Kind::string, 0, 0, "router|nat|cgn|lb|cpe|firewall"},
    {"topology.device.tap_in", Kind::string},
    {"topology.device.tap_out", Kind::string},
    {"topology.device.edns_packet_max", Kind::integer, 512, 4096},
    {"topology.device.intercept_dns", Kind::boolean},
    {"topology.device.backends", Kind::integer, 1, 8},
    {"topology.device.proxy_cache", Kind::boolean},
    {"topology.device.faults", Kind::table},
    {"topology.device.faults.drop_ipv4_fragments", Kind::string, 0, 0, "non-first|all"},
    {"topology.device.faults.drop_ipv6_fragments", Kind::boolean},
    {"topology.device.faults.udp_size_cap", Kind::integer, 512, 65535},
    {"topology.device.faults.tcp53", Kind::string, 0, 0, "drop|reset"},
    // Below 1280 an interface loses IPv6; 576 is the smallest IPv4 datagram every host takes.
    {"topology.device.faults.mtu", Kind::integer, 576, 9000},
    {"topology.device.faults.drop_icmp_too_big", Kind::boolean},
    {"topology.device.faults.drop_icmp_too_big_family", Kind::string, 0, 0, "both|ipv4|ipv6"},
    {"topology.device.faults.loss_percent", Kind::integer, 0, 100},
    {"topology.device.faults.state_limit", Kind::integer, 1, 1000000},
    {"topology.device.faults.rate_limit", Kind::integer, 1, 1000000},
    {"topology.device.faults.udp_timeout", Kind::integer, 1, 3600},
    {"topology.device.faults.family", Kind::string, 0, 0, "both|ipv4|ipv6"},
    {"lab", Kind::table},
    {"lab.prefix", Kind::string},
    {"lab.ipv4", Kind::boolean},
    {"lab.ipv6", Kind::boolean},
};

constexpr std::size_t kMaxArrayItems = 64;

const Rule* find_rule(std::string_view path) {
    for (const auto& rule : kRules)
        if (rule.path == path) return &rule;
    return nullptr;
}

std::string_view kind_name(Kind kind) {
    switch (kind) {
        case Kind::table: return "a table";
        case Kind::table_array: return "an array of tables ([[...]])";
        case Kind::string: return "a string";
        case Kind::integer: return "an integer";
        case Kind::boolean: return "true or false";
        case Kind::string_array: return "an array of strings";
        case Kind::integer_array: return "an array of integers";
    }
    return "a value";
}

std::string_view node_type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::table: return "a table";
        case toml::node_type::array: return "an array";
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a float";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::date:
        case toml::node_type::time:
        case toml::node_type::date_time: return "a date/time";
        default: return "nothing";
    }
}

std::string pretty_choices(std::string_view choices) {
    std::string out;
    std::size_t start = 0;
    while (start <= choices.size()) {
        auto end = choices.find('|', start);
        if (end == std::string_view::npos) end = choices.size();
        if (!out.empty()) out += ", ";
        out += "\"" + std::string(choices.substr(start, end - start)) + "\"";
        start = end + 1;
    }
    return out;
}

bool in_choices(std::string_view value, std::string_view choices) {
    std::size_t start = 0;
    while (start <= choices.size()) {
        auto end = choices.find('|', start);
        if (end == std::string_view::npos) end = choices.size();
        if (choices.substr(start, end - start) == value) return true;
        start = end + 1;
    }
    return false;
}

class Validator {
public:
    explicit Validator(std::string file) : file_(std::move(file)) {}

    void error(const toml::source_region& where, std::string message) {
        errors_.errors.push_back(ProfileError{file_, static_cast<int>(where.begin.line),
                                              static_cast<int>(where.begin.column), std::move(message)});
    }

    void check_table(const toml::table& table, const std::string& prefix) {
        for (auto&& [key, node] : table) {
            std::string path = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
            const Rule* rule = find_rule(path);
            if (rule == nullptr) {
                error(key.source(), "unknown key '" + std::string(key.str()) + "'" +
                                        (prefix.empty() ? std::string(" at top level") : " in [" + prefix + "]") +
                                        "; expected one of: " + allowed_keys(prefix));
                continue;
            }
            check_value(node, *rule, path);
        }
    }

    ProfileErrors take() { return std::move(errors_); }
    bool failed() const { return !errors_.errors.empty(); }

private:
    std::string allowed_keys(const std::string& prefix) {
        std::string out;
        for (const auto& rule : kRules) {
            std::string_view path = rule.path;
            if (!prefix.empty()) {
                if (path.size() <= prefix.size() + 1 || path.substr(0, prefix.size()) != prefix ||
                    path[prefix.size()] != '.')
                    continue;
                path.remove_prefix(prefix.size() + 1);
            }
            if (path.find('.') != std::string_view::npos) continue;
            if (!out.empty()) out += ", ";
            out += path;
        }
        return out;
    }

    void check_scalar(const toml::node& node, const Rule& rule, Kind kind, const std::string& path) {
        if (kind == Kind::string) {
            if (!node.is_string()) return mismatch(node, "a string", path);
            const auto& value = node.as_string()->get();
            if (!rule.choices.empty() && !in_choices(value, rule.choices))
                error(node.source(),
                      path + " must be one of " + pretty_choices(rule.choices) + ", got \"" + value + "\"");
        } else if (kind == Kind::integer) {
            if (!node.is_integer()) return mismatch(node, "an integer", path);
            auto value = node.as_integer()->get();
            if (value < rule.min || value > rule.max)
                error(node.source(), path + " must be within " + std::to_string(rule.min) + " - " +
                                         std::to_string(rule.max) + ", got " + std::to_string(value));
        } else if (kind == Kind::boolean) {
            if (!node.is_boolean()) return mismatch(node, "true or false", path);
        }
    }

    void mismatch(const toml::node& node, std::string_view expected, const std::string& path) {
        error(node.source(), path + ": expected " + std::string(expected) + ", got " + std::string(node_type_name(node)));
    }

    void check_value(const toml::node& node, const Rule& rule, const std::string& path) {
        switch (rule.kind) {
            case Kind::table:
                if (!node.is_table()) return mismatch(node, kind_name(rule.kind), path);
                return check_table(*node.as_table(), path);
            case Kind::table_array: {
                if (!node.is_array_of_tables()) return mismatch(node, kind_name(rule.kind), path);
                const auto& array = *node.as_array();
                if (array.size() > kMaxArrayItems)
                    return error(node.source(), path + " has " + std::to_string(array.size()) + " entries; at most " +
                                                    std::to_string(kMaxArrayItems) + " are allowed");
                for (const auto& element : array) check_table(*element.as_table(), path);
                return;
            }
            case Kind::string_array:
            case Kind::integer_array: {
                if (!node.is_array()) return mismatch(node, kind_name(rule.kind), path);
                const auto& array = *node.as_array();
                std::size_t limit = rule.kind == Kind::string_array && rule.max > 0 ? static_cast<std::size_t>(rule.max)
                                                                                      : kMaxArrayItems;
                if (array.size() > limit)
                    return error(node.source(), path + " has " + std::to_string(array.size()) + " entries; at most " +
                                                    std::to_string(limit) + " are allowed");
                Kind element_kind = rule.kind == Kind::string_array ? Kind::string : Kind::integer;
                Rule element_rule = rule;
                if (rule.kind == Kind::string_array) element_rule.max = 0;
                for (const auto& element : array) check_scalar(element, element_rule, element_kind, path + "[]");
                return;
            }
            default:
                return check_scalar(node, rule, rule.kind, path);
        }
    }

    std::string file_;
    ProfileErrors errors_;
};

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
                validator.error(element.source(), "target.addresses: \"" + *text +
                                                      "\" is not an IPv4 or IPv6 address literal");
    profile.target.port = static_cast<std::uint16_t>(target["port"].value_or(std::int64_t{53}));
    profile.target.zone = target["zone"].value_or(profile.target.zone);
    if (auto zone = wire::Name::parse(profile.target.zone); !zone)
        validator.error(target["zone"].node() ? target["zone"].node()->source() : root.source(),
                        "target.zone: " + zone.error().message);
    if (auto key = target["key_file"].value<std::string>()) profile.target.key_file = *key;
    profile.target.mode = target["mode"].value_or(profile.target.mode);
    for (const auto* key : {"proxies", "baseline"}) {
        auto& into = std::string_view(key) == "proxies" ? profile.target.proxies : profile.target.baseline;
        into = read_array<std::string>(target[key]);
        if (const auto* addresses = target[key].as_array())
            for (const auto& element : *addresses)
                if (auto text = element.value<std::string>(); text && !valid_address(*text))
                    validator.error(element.source(), "target." + std::string(key) + ": \"" + *text +
                                                          "\" is not an IPv4 or IPv6 address literal");
    }
    if (const auto* names = target["names"].as_array()) {
        for (const auto& element : *names) {
            const auto& entry = *element.as_table();
            TargetName name;
            name.name = entry["name"].value_or(std::string{});
            name.type = entry["type"].value_or(name.type);
            name.dnssec = entry["dnssec"].value_or(false);
            if (name.name.empty()) validator.error(entry.source(), "target.names: each entry needs a name");
            profile.target.names.push_back(std::move(name));
        }
    }
    if (profile.target.mode == "target" && profile.target.names.empty())
        validator.error(target.node() ? target.node()->source() : root.source(),
                        "target.mode = \"target\" needs at least one [[target.names]] entry to ask about");

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
    profile.plan.sessions = static_cast<int>(plan["sessions"].value_or(std::int64_t{defaults.sessions}));
    profile.plan.load_seconds = static_cast<int>(plan["load_seconds"].value_or(std::int64_t{defaults.load_seconds}));
    if (plan["probes"] && profile.plan.probes.empty())
        validator.error(plan["probes"].node()->source(), "plan.probes is empty: list at least one probe kind");

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
    device.proxy_cache = entry["proxy_cache"].value_or(false);
    auto faults = entry["faults"];
    device.faults.drop_ipv4_fragments = faults["drop_ipv4_fragments"].value_or(std::string{});
    device.faults.drop_ipv6_fragments = faults["drop_ipv6_fragments"].value_or(false);
    if (auto v = faults["udp_size_cap"].value<std::int64_t>()) device.faults.udp_size_cap = static_cast<int>(*v);
    device.faults.tcp53 = faults["tcp53"].value_or(std::string{});
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
        validator.error(entry.source(), "topology.device: each device needs a name");
    } else if (!name_ok) {
        // The name becomes a namespace name and a pcap file name in the lab.
        validator.error(entry["name"].node()->source(),
                        "topology.device.name must be 1 to 15 lowercase letters, digits or '-', got \"" +
                            device.name + "\"");
    } else if (!device_names.insert(device.name).second) {
        validator.error(entry["name"].node()->source(), "topology.device: the name \"" + device.name +
                                                            "\" is used twice; device names must be unique");
    }
    for (const auto* key : {"tap_in", "tap_out"}) {
        auto tap = entry[key].value_or(std::string{});
        if (!valid_tap(tap))
            validator.error(entry[key].node()->source(),
                            std::string("topology.device.") + key + ": \"" + tap +
                                "\" is not an interface, netns:NAMESPACE/INTERFACE or a file path");
    }
    for (const auto* key : {"edns_packet_max", "proxy_cache", "intercept_dns"})
        if (entry[key] && device.kind != "cpe")
            validator.error(entry[key].node()->source(), std::string("topology.device.") + key +
                                                             " only applies to kind = \"cpe\" (the dnsmasq proxy)");
    if (entry["backends"] && device.kind != "lb")
        validator.error(entry["backends"].node()->source(),
                        "topology.device.backends only applies to kind = \"lb\" (responders behind it)");
    if (device.kind == "lb" && !last)
        validator.error(entry.source(), "topology.device: a load balancer (kind = \"lb\") must be the last "
                                        "device, in front of its responders");
}

// [lab]: the namespace prefix and the families a lab builds.
void build_lab(const toml::table& root, Profile& profile, Validator& validator) {
    if (const auto* lab = root["lab"].as_table()) {
        Lab settings;
        settings.prefix = (*lab)["prefix"].value_or(settings.prefix);
        settings.ipv4 = (*lab)["ipv4"].value_or(true);
        settings.ipv6 = (*lab)["ipv6"].value_or(true);
        if (!valid_prefix(settings.prefix))
            validator.error((*lab)["prefix"].node()->source(),
                            "lab.prefix must be 1 to 6 lowercase letters or digits, got \"" + settings.prefix + "\"");
        if (!settings.ipv4 && !settings.ipv6)
            validator.error(lab->source(), "lab: at least one of ipv4 and ipv6 must be true");
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
        validator.error(root.source(), "no target: set target.addresses or add a [lab] section that builds one");
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
        errors.errors.push_back(ProfileError{source_name, static_cast<int>(where.begin.line),
                                             static_cast<int>(where.begin.column),
                                             std::string(parse_error.description())});
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
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        ProfileErrors errors;
        errors.errors.push_back(ProfileError{path, 0, 0, "cannot open the profile (does the file exist and is it readable?)"});
        return unexpected(std::move(errors));
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return parse_profile(buffer.str(), path);
}

}  // namespace dnspath::profile
