// The vocabulary's declarations as data: for each cause code, finding rule, kind, checkpoint and
// standards item what causes.def, findings.def, checkpoints.def and items.def declare, so the
// enums, the JSON Schema, the docs and every check are made from one list. Part of probe/model,
// reached through probe/model/model.h.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace dnspath::model {

// What a parameter holds; reports format each type its own way (a device's name or an address is
// never translated, a count takes a plural, a word is looked up).
enum class ParamType {
    octets,        // a size in octets (a DNS message or an IP packet; the code's sentence says which)
    count,         // how many
    number,        // a figure without unit (a ratio, bits, a key tag, an ICMP code)
    milliseconds,  // a duration
    seconds,       // a duration
    fraction,      // 0 to 1 (a loss rate)
    device,        // a device's name on the path
    address,       // an IP address, or address:port
    text,          // outside text shown as it is: an OS error, a domain name, an RCODE's mnemonic
    word,          // one of the declared values; reports translate it
    flag,          // true or false
    family,        // ipv4, ipv6 or both
    cause,         // a cause code's wire name
    rule,          // a finding rule's wire name
    item,          // a standards item
    octets_list,
    number_list,
    device_list,
    address_list,
    text_list,
    words,         // a list of declared values
    cause_list,
    figures,       // structured figures (hops, load figures, per-backend counts): reports derive text
    error,         // a local error: {code, call, errno, argument, text} (model::LocalError)
};
std::string_view to_string(ParamType type);

enum class Presence { required, optional, nullable };

struct ParamSpec {
    std::string_view name;
    ParamType type = ParamType::text;
    Presence presence = Presence::optional;
    std::string_view values;  // "a|b|c": the closed values of a word or words parameter
    bool allows(std::string_view value) const;
    std::vector<std::string_view> value_list() const;
};

enum class CauseCode;
enum class FindingRule;

struct CauseSpec {
    CauseCode code;
    std::string_view name;
    std::string_view selector;  // the parameter whose value picks the sentence ("" when none)
    std::string_view meaning;
    std::span<const ParamSpec> params;
    const ParamSpec* param(std::string_view name) const;
};

struct RuleSpec {
    FindingRule rule;
    std::string_view name;
    bool blames = true;
    std::string_view meaning;
    std::span<const ParamSpec> params;
    const ParamSpec* param(std::string_view name) const;
};

std::span<const CauseSpec> cause_specs();
std::span<const RuleSpec> rule_specs();
const CauseSpec& spec_of(CauseCode code);
const RuleSpec& spec_of(FindingRule rule);

// Kinds and checkpoints (checkpoints.def).
enum class KindId {
#define KIND(id, name, in_plan) id,
#define CHECKPOINT(...)
#define END_KIND
#include "probe/model/checkpoints.def"
#undef KIND
#undef CHECKPOINT
#undef END_KIND
};

enum class Checkpoint {
#define KIND(...)
#define CHECKPOINT(id, name, items) id,
#define END_KIND
#include "probe/model/checkpoints.def"
#undef KIND
#undef CHECKPOINT
#undef END_KIND
};

std::string_view to_string(KindId kind);
std::string_view to_string(Checkpoint checkpoint);
std::optional<KindId> kind_from(std::string_view text);
std::optional<Checkpoint> checkpoint_from(std::string_view text);

// Standards items (items.def) and the rule that decides each one's status.
enum class StandardRule { verdicts, edns_over_udp, udp_1220, udp_4000, rrsig_with_do, do_upstream, fragments_pass };

enum class Item {
#define ITEM(id, name, rule) id,
#include "probe/model/items.def"
#undef ITEM
};

struct ItemSpec {
    Item item;
    std::string_view id;  // "JPRS A-86"
    StandardRule rule;
};
std::span<const ItemSpec> item_specs();
const ItemSpec& spec_of(Item item);
std::optional<Item> item_from(std::string_view id);

struct CheckpointEntry {
    Checkpoint id;
    std::string_view name;
    KindId kind;
    std::vector<Item> items;  // the standards items it answers, in declaration order
};
struct KindEntry {
    KindId id;
    std::string_view name;
    std::vector<CheckpointEntry> checkpoints;
    bool in_plan = true;  // false: run before every plan (reachability) or by diagnose only
};
const std::vector<KindEntry>& kind_registry();
// Item ids checkpoints.def names that items.def does not declare (a unit test wants none).
std::vector<std::string> unknown_items();
const CheckpointEntry& entry_of(Checkpoint checkpoint);
const KindEntry& entry_of(KindId kind);
// The kinds a plan may list, in registry order, and the same as "a|b|c" for validation messages.
std::vector<std::string> plan_kinds();
std::string_view plan_kind_choices();

}  // namespace dnspath::model
