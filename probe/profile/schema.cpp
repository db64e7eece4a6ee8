#include "probe/profile/schema.h"

#include <string_view>

#include "probe/model/model.h"

namespace dnspath::profile {

// One key of the schema: its type, and its range or choices.
// Arrays of tables use the same path for every element ("topology.device.name").
struct Rule {
    std::string_view path;
    Kind kind;
    std::int64_t min = 0;
    std::int64_t max = 0;
    std::string_view choices = {};  // '|'-separated, for strings and string arrays
};

namespace {

// The one table of limits: every key a profile may hold, its type, and its range or choices.
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
    {"plan.answer_trace", Kind::string, 0, 0, "auto|always|off"},
    {"plan.sessions", Kind::integer, 8, 4096},
    {"plan.sessions_max", Kind::integer, 8, 60000},
    {"plan.sessions_min", Kind::integer, 0, 60000},
    {"plan.load_seconds", Kind::integer, 1, 60},
    {"plan.timeout_max_s", Kind::integer, 5, 900},
    {"plan.mapping_timeout_min_s", Kind::integer, 0, 900},
    {"plan.user", Kind::string},
    {"topology", Kind::table},
    {"topology.device", Kind::table_array},
    {"topology.device.name", Kind::string},
    {"topology.device.kind", Kind::string, 0, 0, "router|nat|cgn|lb|cpe|firewall"},
    {"topology.device.tap_in", Kind::string},
    {"topology.device.tap_out", Kind::string},
    {"topology.device.edns_packet_max", Kind::integer, 512, 4096},
    {"topology.device.intercept_dns", Kind::boolean},
    {"topology.device.backends", Kind::integer, 1, 8},
    {"topology.device.balancer", Kind::string, 0, 0, "nftables|dnsdist"},
    {"topology.device.balancers", Kind::string_array, 0, 2, "nftables|dnsdist"},
    {"topology.device.proxy_cache", Kind::boolean},
    {"topology.device.proxy_dnssec", Kind::boolean},
    {"topology.device.proxy_wan_open", Kind::boolean},
    {"topology.device.nxdomain_address", Kind::string},
    // dnsmasq's own ceiling for --min-cache-ttl.
    {"topology.device.min_cache_ttl", Kind::integer, 1, 3600},
    {"topology.device.model", Kind::string},
    {"topology.device.firmware", Kind::string},
    {"topology.device.faults", Kind::table},
    {"topology.device.faults.drop_ipv4_fragments", Kind::string, 0, 0, "non-first|all"},
    {"topology.device.faults.drop_ipv6_fragments", Kind::boolean},
    {"topology.device.faults.udp_size_cap", Kind::integer, 512, 65535},
    {"topology.device.faults.tcp53", Kind::string, 0, 0, "drop|reset"},
    {"topology.device.faults.tcp853", Kind::string, 0, 0, "drop|reset"},
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
    {"lab.resolvers", Kind::string_array, 0, 4, "unbound|bind|knot-resolver|powerdns"},
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

// The type words ProfileError's codes use, from the English phrases above.
std::string type_word(std::string_view phrase) {
    static constexpr std::pair<std::string_view, std::string_view> kWords[] = {
        {"a table", "table"},           {"an array of tables ([[...]])", "table-array"},
        {"a string", "string"},         {"an integer", "integer"},
        {"true or false", "boolean"},   {"a boolean", "boolean"},
        {"an array of strings", "string-array"}, {"an array of integers", "integer-array"},
        {"an array", "array"},          {"a float", "float"},
        {"a date/time", "date"},
    };
    for (const auto& [english, word] : kWords)
        if (english == phrase) return std::string(word);
    return "nothing";
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

}  // namespace


void Validator::error(const toml::source_region& where, std::string message) {
    errors_.errors.push_back(ProfileError{file_, static_cast<int>(where.begin.line),
                                          static_cast<int>(where.begin.column), std::move(message)});
}

void Validator::coded_error(const toml::source_region& where, std::string message, std::string code,
                            std::vector<std::pair<std::string, std::string>> args) {
    error(where, std::move(message));
    errors_.errors.back().code = std::move(code);
    errors_.errors.back().args = std::move(args);
}

void Validator::check_table(const toml::table& table, const std::string& prefix) {
    for (auto&& [key, node] : table) {
        std::string path = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
        const Rule* rule = find_rule(path);
        if (rule == nullptr) {
            coded_error(key.source(),
                        "unknown key '" + std::string(key.str()) + "'" +
                            (prefix.empty() ? std::string(" at top level") : " in [" + prefix + "]") +
                            "; expected one of: " + allowed_keys(prefix),
                        "unknown-key", {{"key", std::string(key.str())}, {"section", prefix}, {"expected", allowed_keys(prefix)}});
            continue;
        }
        check_value(node, *rule, path);
    }
}



void Validator::check_scalar(const toml::node& node, const Rule& rule, Kind kind, const std::string& path) {
    if (kind == Kind::string) {
        if (!node.is_string()) return mismatch(node, "a string", path);
        const auto& value = node.as_string()->get();
        if (!rule.choices.empty() && !in_choices(value, rule.choices))
            coded_error(node.source(), path + " must be one of " + pretty_choices(rule.choices) + ", got \"" + value + "\"",
                        "not-one-of", {{"path", path}, {"choices", pretty_choices(rule.choices)}, {"value", value}});
    } else if (kind == Kind::integer) {
        if (!node.is_integer()) return mismatch(node, "an integer", path);
        auto value = node.as_integer()->get();
        if (value < rule.min || value > rule.max)
            coded_error(node.source(),
                        path + " must be within " + std::to_string(rule.min) + " - " + std::to_string(rule.max) + ", got " +
                            std::to_string(value),
                        "out-of-range",
                        {{"path", path}, {"min", std::to_string(rule.min)}, {"max", std::to_string(rule.max)},
                         {"value", std::to_string(value)}});
    } else if (kind == Kind::boolean) {
        if (!node.is_boolean()) return mismatch(node, "true or false", path);
    }
}

void Validator::mismatch(const toml::node& node, std::string_view expected, const std::string& path) {
    coded_error(node.source(), path + ": expected " + std::string(expected) + ", got " + std::string(node_type_name(node)),
                "wrong-type", {{"path", path}, {"expected", type_word(expected)}, {"got", type_word(node_type_name(node))}});
}

void Validator::check_value(const toml::node& node, const Rule& rule, const std::string& path) {
    switch (rule.kind) {
        case Kind::table:
            if (!node.is_table()) return mismatch(node, kind_name(rule.kind), path);
            return check_table(*node.as_table(), path);
        case Kind::table_array: {
            if (!node.is_array_of_tables()) return mismatch(node, kind_name(rule.kind), path);
            const auto& array = *node.as_array();
            if (array.size() > kMaxArrayItems)
                return coded_error(node.source(),
                                   path + " has " + std::to_string(array.size()) + " entries; at most " +
                                       std::to_string(kMaxArrayItems) + " are allowed",
                                   "too-many", {{"path", path}, {"count", std::to_string(array.size())},
                                                {"limit", std::to_string(kMaxArrayItems)}});
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
                return coded_error(node.source(),
                                   path + " has " + std::to_string(array.size()) + " entries; at most " + std::to_string(limit) +
                                       " are allowed",
                                   "too-many", {{"path", path}, {"count", std::to_string(array.size())}, {"limit", std::to_string(limit)}});
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

}  // namespace dnspath::profile
