#include "probe/model/model.h"

#include <algorithm>
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

constexpr std::array<std::pair<CauseCode, std::string_view>, 27> kCauses{{
    {CauseCode::ok, "ok"},
    {CauseCode::not_measured, "not-measured"},
    {CauseCode::no_answer, "no-answer"},
    {CauseCode::size_cap, "size-cap"},
    {CauseCode::edns_buffer_cap, "edns-buffer-cap"},
    {CauseCode::truncated_without_tc, "truncated-without-tc"},
    {CauseCode::fragment_filter, "fragment-filter"},
    {CauseCode::mtu, "mtu"},
    {CauseCode::pmtud_blackhole, "pmtud-blackhole"},
    {CauseCode::tcp_filter, "tcp-filter"},
    {CauseCode::interception, "interception"},
    {CauseCode::proxy_rewrite, "proxy-rewrite"},
    {CauseCode::option_stripped, "option-stripped"},
    {CauseCode::do_cleared, "do-cleared"},
    {CauseCode::rrsig_stripped, "rrsig-stripped"},
    {CauseCode::signature_invalid, "signature-invalid"},
    {CauseCode::nat, "nat"},
    {CauseCode::port_rewrite, "port-rewrite"},
    {CauseCode::random_loss, "random-loss"},
    {CauseCode::rate_limit, "rate-limit"},
    {CauseCode::state_table_full, "state-table-full"},
    {CauseCode::refused, "refused"},
    {CauseCode::wrong_rcode, "wrong-rcode"},
    {CauseCode::loss_located, "loss-located"},
    {CauseCode::query_changed, "query-changed"},
    {CauseCode::overload, "overload"},
    {CauseCode::probe_error, "probe-error"},
}};

constexpr std::array<std::pair<FindingRule, std::string_view>, 28> kRules{{
    {FindingRule::query_dropped, "query-dropped"},
    {FindingRule::answer_dropped, "answer-dropped"},
    {FindingRule::fragments_dropped, "fragments-dropped"},
    {FindingRule::icmp_too_big, "icmp-too-big"},
    {FindingRule::icmp_time_exceeded, "icmp-time-exceeded"},
    {FindingRule::icmp_unreachable, "icmp-unreachable"},
    {FindingRule::icmp_dropped, "icmp-dropped"},
    {FindingRule::answered_locally, "answered-locally"},
    {FindingRule::opt_removed, "opt-removed"},
    {FindingRule::bufsize_rewritten, "bufsize-rewritten"},
    {FindingRule::do_cleared, "do-cleared"},
    {FindingRule::options_stripped, "options-stripped"},
    {FindingRule::tc_set, "tc-set"},
    {FindingRule::answer_cut, "answer-cut"},
    {FindingRule::rrsig_stripped, "rrsig-stripped"},
    {FindingRule::tcp_syn_dropped, "tcp-syn-dropped"},
    {FindingRule::tcp_syn_reset, "tcp-syn-reset"},
    {FindingRule::tcp_synack_dropped, "tcp-synack-dropped"},
    {FindingRule::tcp_data_dropped, "tcp-data-dropped"},
    {FindingRule::reoriginated, "reoriginated"},
    {FindingRule::destination_changed, "destination-changed"},
    {FindingRule::source_translated, "source-translated"},
    {FindingRule::ttl_lowered, "ttl-lowered"},
    {FindingRule::ttl_raised, "ttl-raised"},
    {FindingRule::reassembled, "reassembled"},
    {FindingRule::not_at_first_tap, "not-at-first-tap"},
    {FindingRule::lost_between_taps, "lost-between-taps"},
    {FindingRule::tap_lost_packets, "tap-lost-packets"},
}};

constexpr std::array<std::pair<Outcome, std::string_view>, 7> kOutcomes{
    {{Outcome::answer, "answer"},
     {Outcome::truncated, "truncated"},
     {Outcome::timeout, "timeout"},
     {Outcome::refused, "refused"},
     {Outcome::reset, "reset"},
     {Outcome::error, "error"},
     {Outcome::undecodable, "undecodable"}}};

}  // namespace

std::string_view to_string(Status status) { return name_of(kStatuses, status); }
std::string_view to_string(Family family) { return name_of(kFamilies, family); }
std::string_view to_string(CauseCode code) { return name_of(kCauses, code); }
std::string_view to_string(FindingRule rule) { return name_of(kRules, rule); }
std::string_view to_string(Outcome outcome) { return name_of(kOutcomes, outcome); }
std::optional<Status> status_from(std::string_view text) { return value_of(kStatuses, text); }
std::optional<Family> family_from(std::string_view text) { return value_of(kFamilies, text); }
std::optional<CauseCode> cause_from(std::string_view text) { return value_of(kCauses, text); }
std::optional<FindingRule> finding_rule_from(std::string_view text) { return value_of(kRules, text); }
std::optional<Outcome> outcome_from(std::string_view text) { return value_of(kOutcomes, text); }

const std::vector<CauseCode>& cause_codes() {
    static const std::vector<CauseCode> codes = [] {
        std::vector<CauseCode> all;
        for (const auto& [code, name] : kCauses) all.push_back(code);
        return all;
    }();
    return codes;
}

bool blames(FindingRule rule) {
    switch (rule) {
        case FindingRule::icmp_too_big:
        case FindingRule::icmp_time_exceeded:
        case FindingRule::reoriginated:
        case FindingRule::destination_changed:
        case FindingRule::source_translated:
        case FindingRule::ttl_lowered:
        case FindingRule::ttl_raised:
        case FindingRule::reassembled:
        case FindingRule::not_at_first_tap:
        case FindingRule::lost_between_taps:
        case FindingRule::tap_lost_packets:
            return false;
        default:
            return true;
    }
}

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
