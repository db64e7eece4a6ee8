// The vocabulary's specs, made from the .def declarations, and what follows from them: names both
// ways, parameter checks, recasting a cause, the JSON Schema of causes and findings, and the
// parameter column of docs/causes.md.
#include <algorithm>
#include <array>
#include <map>

#include "probe/model/model.h"

namespace dnspath::model {
namespace {

// Each code's parameters as a static array with one empty entry at its end, so a code without
// parameters still has an array; spans below leave that entry out.
namespace cause_params {
#define CAUSE(id, name, selector, meaning) constexpr ParamSpec id[] = {
#define PARAM(name, type, presence, ...) {#name, ParamType::type, Presence::presence, "" __VA_ARGS__},
#define END_CAUSE ParamSpec{}};
#include "probe/model/causes.def"
#undef CAUSE
#undef PARAM
#undef END_CAUSE
}  // namespace cause_params

namespace rule_params {
#define RULE(id, name, blames, meaning) constexpr ParamSpec id[] = {
#define PARAM(name, type, presence, ...) {#name, ParamType::type, Presence::presence, "" __VA_ARGS__},
#define END_RULE ParamSpec{}};
#include "probe/model/findings.def"
#undef RULE
#undef PARAM
#undef END_RULE
}  // namespace rule_params

template <std::size_t N>
constexpr std::span<const ParamSpec> declared(const ParamSpec (&params)[N]) {
    return std::span<const ParamSpec>(params, N - 1);
}

constexpr CauseSpec kCauses[] = {
#define CAUSE(id, name, selector, meaning) {CauseCode::id, name, selector, meaning, declared(cause_params::id)},
#define PARAM(...)
#define END_CAUSE
#include "probe/model/causes.def"
#undef CAUSE
#undef PARAM
#undef END_CAUSE
};

constexpr RuleSpec kRules[] = {
#define RULE(id, name, blames, meaning) {FindingRule::id, name, blames, meaning, declared(rule_params::id)},
#define PARAM(...)
#define END_RULE
#include "probe/model/findings.def"
#undef RULE
#undef PARAM
#undef END_RULE
};

constexpr ItemSpec kItems[] = {
#define ITEM(id, name, rule) {Item::id, name, StandardRule::rule},
#include "probe/model/items.def"
#undef ITEM
};

// The tables are in enum order, so a code's spec is at its value.
static_assert([] {
    for (std::size_t i = 0; i < std::size(kCauses); ++i)
        if (static_cast<std::size_t>(kCauses[i].code) != i) return false;
    for (std::size_t i = 0; i < std::size(kRules); ++i)
        if (static_cast<std::size_t>(kRules[i].rule) != i) return false;
    for (std::size_t i = 0; i < std::size(kItems); ++i)
        if (static_cast<std::size_t>(kItems[i].item) != i) return false;
    return true;
}());

// A declared parameter list may not name a parameter twice.
static_assert([] {
    auto unique = [](std::span<const ParamSpec> params) {
        for (std::size_t i = 0; i < params.size(); ++i)
            for (std::size_t j = i + 1; j < params.size(); ++j)
                if (params[i].name == params[j].name) return false;
        return true;
    };
    for (const auto& spec : kCauses)
        if (!unique(spec.params)) return false;
    for (const auto& spec : kRules)
        if (!unique(spec.params)) return false;
    return true;
}());

constexpr std::pair<ParamType, std::string_view> kTypeNames[] = {
    {ParamType::octets, "octets"},           {ParamType::count, "count"},
    {ParamType::number, "number"},           {ParamType::milliseconds, "milliseconds"},
    {ParamType::seconds, "seconds"},         {ParamType::fraction, "fraction"},
    {ParamType::device, "device"},           {ParamType::address, "address"},
    {ParamType::text, "text"},               {ParamType::word, "word"},
    {ParamType::flag, "flag"},               {ParamType::family, "family"},
    {ParamType::cause, "cause"},             {ParamType::rule, "rule"},
    {ParamType::item, "item"},               {ParamType::octets_list, "octets list"},
    {ParamType::number_list, "number list"}, {ParamType::device_list, "device list"},
    {ParamType::address_list, "address list"}, {ParamType::text_list, "text list"},
    {ParamType::words, "words"},             {ParamType::cause_list, "cause list"},
    {ParamType::figures, "figures"},         {ParamType::error, "error"},
};

const ParamSpec* find_param(std::span<const ParamSpec> params, std::string_view name) {
    for (const auto& param : params)
        if (param.name == name) return &param;
    return nullptr;
}

bool is_count(const Params& value) {
    return value.is_number_unsigned() || (value.is_number_integer() && value.get<std::int64_t>() >= 0);
}

// Whether one (non-null) value has the parameter's type.
bool fits_one(const ParamSpec& spec, ParamType type, const Params& value) {
    switch (type) {
        case ParamType::octets:
        case ParamType::count: return is_count(value);
        case ParamType::number:
        case ParamType::milliseconds:
        case ParamType::seconds: return value.is_number();
        case ParamType::fraction: return value.is_number() && value.get<double>() >= 0 && value.get<double>() <= 1;
        case ParamType::device:
        case ParamType::address:
        case ParamType::text:
        case ParamType::item: return value.is_string();
        case ParamType::word: return value.is_string() && spec.allows(value.get<std::string>());
        case ParamType::flag: return value.is_boolean();
        case ParamType::family:
            return value.is_string() && family_from(value.get<std::string>()).has_value();
        case ParamType::cause: return value.is_string() && cause_from(value.get<std::string>()).has_value();
        case ParamType::rule: return value.is_string() && finding_rule_from(value.get<std::string>()).has_value();
        case ParamType::figures: return value.is_object() || value.is_array();
        case ParamType::error: return value.is_object() && value.contains("code") && value["code"].is_string();
        default: return false;
    }
}

std::optional<ParamType> element_type(ParamType type) {
    switch (type) {
        case ParamType::octets_list: return ParamType::octets;
        case ParamType::number_list: return ParamType::number;
        case ParamType::device_list: return ParamType::device;
        case ParamType::address_list: return ParamType::address;
        case ParamType::text_list: return ParamType::text;
        case ParamType::words: return ParamType::word;
        case ParamType::cause_list: return ParamType::cause;
        default: return std::nullopt;
    }
}

bool fits(const ParamSpec& spec, const Params& value) {
    if (auto element = element_type(spec.type)) {
        if (!value.is_array()) return false;
        return std::all_of(value.begin(), value.end(), [&](const Params& item) { return fits_one(spec, *element, item); });
    }
    return fits_one(spec, spec.type, value);
}

// The JSON Schema of one parameter's value.
nlohmann::json value_schema(const ParamSpec& spec, ParamType type) {
    using json = nlohmann::json;
    auto values = [&] {
        json list = json::array();
        for (auto value : spec.value_list()) list.push_back(value);
        return list;
    };
    switch (type) {
        case ParamType::octets:
        case ParamType::count: return {{"type", "integer"}, {"minimum", 0}};
        case ParamType::number:
        case ParamType::milliseconds:
        case ParamType::seconds: return {{"type", "number"}};
        case ParamType::fraction: return {{"type", "number"}, {"minimum", 0}, {"maximum", 1}};
        case ParamType::device:
        case ParamType::address:
        case ParamType::text:
        case ParamType::item: return {{"type", "string"}};
        case ParamType::word: return {{"enum", values()}};
        case ParamType::flag: return {{"type", "boolean"}};
        case ParamType::family: return {{"enum", {"ipv4", "ipv6", "both"}}};
        case ParamType::cause: return {{"$ref", "#/$defs/cause_code"}};
        case ParamType::rule: return {{"$ref", "#/$defs/finding_rule"}};
        case ParamType::figures: return {{"type", {"object", "array"}}};
        case ParamType::error: return {{"$ref", "#/$defs/local_error"}};
        default: break;
    }
    if (auto element = element_type(type)) return {{"type", "array"}, {"items", value_schema(spec, *element)}};
    return json::object();
}

nlohmann::json params_schema(std::span<const ParamSpec> params) {
    nlohmann::json properties = nlohmann::json::object();
    nlohmann::json required = nlohmann::json::array();
    for (const auto& param : params) {
        auto schema = value_schema(param, param.type);
        if (param.presence == Presence::nullable) schema = {{"anyOf", {schema, {{"type", "null"}}}}};
        properties[std::string(param.name)] = schema;
        if (param.presence == Presence::required) required.push_back(param.name);
    }
    nlohmann::json schema{{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
    if (!required.empty()) schema["required"] = required;
    return schema;
}

}  // namespace

std::string_view to_string(ParamType type) {
    for (const auto& [entry, name] : kTypeNames)
        if (entry == type) return name;
    return "?";
}

bool ParamSpec::allows(std::string_view value) const {
    for (auto allowed : value_list())
        if (allowed == value) return true;
    return false;
}

std::vector<std::string_view> ParamSpec::value_list() const {
    std::vector<std::string_view> list;
    std::string_view rest = values;
    while (!rest.empty()) {
        auto bar = rest.find('|');
        list.push_back(rest.substr(0, bar));
        if (bar == std::string_view::npos) break;
        rest.remove_prefix(bar + 1);
    }
    return list;
}

const ParamSpec* CauseSpec::param(std::string_view wanted) const { return find_param(params, wanted); }
const ParamSpec* RuleSpec::param(std::string_view wanted) const { return find_param(params, wanted); }

std::span<const CauseSpec> cause_specs() { return kCauses; }
std::span<const RuleSpec> rule_specs() { return kRules; }
const CauseSpec& spec_of(CauseCode code) { return kCauses[static_cast<std::size_t>(code)]; }
const RuleSpec& spec_of(FindingRule rule) { return kRules[static_cast<std::size_t>(rule)]; }
std::span<const ItemSpec> item_specs() { return kItems; }
const ItemSpec& spec_of(Item item) { return kItems[static_cast<std::size_t>(item)]; }

std::string_view to_string(CauseCode code) { return spec_of(code).name; }
std::string_view to_string(FindingRule rule) { return spec_of(rule).name; }
bool blames(FindingRule rule) { return spec_of(rule).blames; }

std::optional<CauseCode> cause_from(std::string_view text) {
    for (const auto& spec : kCauses)
        if (spec.name == text) return spec.code;
    return std::nullopt;
}

std::optional<FindingRule> finding_rule_from(std::string_view text) {
    for (const auto& spec : kRules)
        if (spec.name == text) return spec.rule;
    return std::nullopt;
}

std::optional<Item> item_from(std::string_view id) {
    for (const auto& spec : kItems)
        if (spec.id == id) return spec.item;
    return std::nullopt;
}

const std::vector<CauseCode>& cause_codes() {
    static const std::vector<CauseCode> codes = [] {
        std::vector<CauseCode> all;
        for (const auto& spec : kCauses) all.push_back(spec.code);
        return all;
    }();
    return codes;
}

std::string_view to_string(ParamProblem::What what) {
    switch (what) {
        case ParamProblem::What::unknown: return "not declared";
        case ParamProblem::What::missing: return "missing";
        case ParamProblem::What::mistyped: return "of the wrong type";
        case ParamProblem::What::not_a_value: return "not one of its values";
    }
    return "?";
}

std::vector<ParamProblem> check_params(std::span<const ParamSpec> specs, const Params& params) {
    std::vector<ParamProblem> problems;
    if (!params.is_object()) return {{ParamProblem::What::mistyped, "params"}};
    for (const auto& [name, value] : params.items()) {
        const ParamSpec* spec = find_param(specs, name);
        if (spec == nullptr) {
            problems.push_back({ParamProblem::What::unknown, name});
        } else if (value.is_null()) {
            if (spec->presence != Presence::nullable) problems.push_back({ParamProblem::What::mistyped, name});
        } else if (!fits(*spec, value)) {
            // A string (or list of strings) outside a word's values is "not a value"; anything else mistyped.
            const bool strings = value.is_string() ||
                                 (value.is_array() && std::all_of(value.begin(), value.end(), [](const Params& v) { return v.is_string(); }));
            const bool word = spec->type == ParamType::word || spec->type == ParamType::words;
            problems.push_back({word && strings ? ParamProblem::What::not_a_value : ParamProblem::What::mistyped, name});
        }
    }
    for (const auto& spec : specs)
        if (spec.presence == Presence::required && !params.contains(spec.name))
            problems.push_back({ParamProblem::What::missing, std::string(spec.name)});
    return problems;
}

std::vector<ParamProblem> check_cause(const Cause& cause) { return check_params(spec_of(cause.code).params, cause.params); }
std::vector<ParamProblem> check_finding(const CaptureFinding& finding) {
    return check_params(spec_of(finding.rule).params, finding.params);
}

Params declared_only(std::span<const ParamSpec> specs, const Params& params) {
    Params kept = Params::object();
    if (!params.is_object()) return kept;
    for (const auto& [name, value] : params.items())
        if (find_param(specs, name)) kept[name] = value;
    return kept;
}

Cause recast(const Cause& from, CauseCode code, const Params& extra) {
    const auto& spec = spec_of(code);
    Cause to{code, declared_only(spec.params, from.params)};
    if (from.code != code && spec.param("instead_of")) to.params["instead_of"] = to_string(from.code);
    if (extra.is_object())
        for (const auto& [name, value] : extra.items()) to.params[name] = value;
    return to;
}

nlohmann::json cause_schema() {
    nlohmann::json branches = nlohmann::json::array();
    for (const auto& spec : kCauses)
        branches.push_back({{"if", {{"properties", {{"code", {{"const", spec.name}}}}}}},
                            {"then", {{"properties", {{"params", params_schema(spec.params)}}}}}});
    return {{"type", "object"},
            {"required", {"code", "params"}},
            {"additionalProperties", false},
            {"properties", {{"code", {{"$ref", "#/$defs/cause_code"}}}, {"params", {{"type", "object"}}}}},
            {"allOf", branches}};
}

nlohmann::json finding_params_schema() {
    nlohmann::json branches = nlohmann::json::array();
    for (const auto& spec : kRules)
        branches.push_back({{"if", {{"properties", {{"rule", {{"const", spec.name}}}}}}},
                            {"then", {{"properties", {{"params", params_schema(spec.params)}}}}}});
    return {{"allOf", branches}};
}

std::string param_column(CauseCode code) {
    std::string column;
    for (const auto& param : spec_of(code).params) {
        column += column.empty() ? "" : ", ";
        column += "`" + std::string(param.name) + "`";
        if (param.presence == Presence::required) column += "*";
    }
    return column.empty() ? "—" : column;
}

// Kinds and checkpoints.
namespace {

struct CheckpointDeclaration {
    Checkpoint id;
    std::string_view name;
    KindId kind;
    std::string_view items;
};
struct KindDeclaration {
    KindId id;
    std::string_view name;
    bool in_plan;
};

constexpr KindDeclaration kKinds[] = {
#define KIND(id, name, in_plan) {KindId::id, name, in_plan},
#define CHECKPOINT(...)
#define END_KIND
#include "probe/model/checkpoints.def"
#undef KIND
#undef CHECKPOINT
#undef END_KIND
};

std::vector<CheckpointDeclaration> checkpoint_declarations() {
    std::vector<CheckpointDeclaration> all;
    KindId current = KindId::reachability;
#define KIND(id, name, in_plan) current = KindId::id;
#define CHECKPOINT(id, name, items) all.push_back({Checkpoint::id, name, current, items});
#define END_KIND
#include "probe/model/checkpoints.def"
#undef KIND
#undef CHECKPOINT
#undef END_KIND
    return all;
}

// The items a checkpoint declares; an id items.def lacks is a declaration error, caught by the
// registry's unit test (unknown_items) rather than dropped in silence.
std::vector<Item> items_of(std::string_view list) {
    std::vector<Item> items;
    while (!list.empty()) {
        auto bar = list.find('|');
        if (auto item = item_from(list.substr(0, bar))) items.push_back(*item);
        if (bar == std::string_view::npos) break;
        list.remove_prefix(bar + 1);
    }
    return items;
}

}  // namespace

std::vector<std::string> unknown_items() {
    std::vector<std::string> unknown;
    for (const auto& checkpoint : checkpoint_declarations()) {
        std::string_view list = checkpoint.items;
        while (!list.empty()) {
            auto bar = list.find('|');
            if (!item_from(list.substr(0, bar))) unknown.emplace_back(list.substr(0, bar));
            if (bar == std::string_view::npos) break;
            list.remove_prefix(bar + 1);
        }
    }
    return unknown;
}

const std::vector<KindEntry>& kind_registry() {
    static const std::vector<KindEntry> kinds = [] {
        std::vector<KindEntry> built;
        for (const auto& kind : kKinds) built.push_back({kind.id, kind.name, {}, kind.in_plan});
        for (const auto& checkpoint : checkpoint_declarations())
            built[static_cast<std::size_t>(checkpoint.kind)].checkpoints.push_back(
                {checkpoint.id, checkpoint.name, checkpoint.kind, items_of(checkpoint.items)});
        return built;
    }();
    return kinds;
}

const CheckpointEntry& entry_of(Checkpoint checkpoint) {
    static const std::vector<const CheckpointEntry*> by_id = [] {
        std::vector<const CheckpointEntry*> table(checkpoint_declarations().size(), nullptr);
        for (const auto& kind : kind_registry())
            for (const auto& entry : kind.checkpoints) table[static_cast<std::size_t>(entry.id)] = &entry;
        return table;
    }();
    return *by_id[static_cast<std::size_t>(checkpoint)];
}

const KindEntry& entry_of(KindId kind) { return kind_registry()[static_cast<std::size_t>(kind)]; }

std::string_view to_string(KindId kind) { return kKinds[static_cast<std::size_t>(kind)].name; }
std::string_view to_string(Checkpoint checkpoint) { return entry_of(checkpoint).name; }

std::optional<KindId> kind_from(std::string_view text) {
    for (const auto& kind : kKinds)
        if (kind.name == text) return kind.id;
    return std::nullopt;
}

std::optional<Checkpoint> checkpoint_from(std::string_view text) {
    for (const auto& kind : kind_registry())
        for (const auto& entry : kind.checkpoints)
            if (entry.name == text) return entry.id;
    return std::nullopt;
}

std::vector<std::string> plan_kinds() {
    std::vector<std::string> kinds;
    for (const auto& kind : kind_registry())
        if (kind.in_plan) kinds.emplace_back(kind.name);
    return kinds;
}

std::string_view plan_kind_choices() {
    static const std::string choices = [] {
        std::string joined;
        for (const auto& kind : plan_kinds()) joined += (joined.empty() ? "" : "|") + kind;
        return joined;
    }();
    return choices;
}

}  // namespace dnspath::model
