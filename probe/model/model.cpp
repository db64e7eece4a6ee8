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

constexpr std::array<std::pair<CauseCode, std::string_view>, 47> kCauses{{
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
    {CauseCode::dnskey_missing, "dnskey-missing"},
    {CauseCode::rrsig_missing, "rrsig-missing"},
    {CauseCode::signature_expired, "signature-expired"},
    {CauseCode::signature_not_yet_valid, "signature-not-yet-valid"},
    {CauseCode::signature_expiring, "signature-expiring"},
    {CauseCode::signing_key_missing, "signing-key-missing"},
    {CauseCode::sep_key_missing, "sep-key-missing"},
    {CauseCode::ds_missing, "ds-missing"},
    {CauseCode::ds_algorithm_mismatch, "ds-algorithm-mismatch"},
    {CauseCode::ds_digest_mismatch, "ds-digest-mismatch"},
    {CauseCode::ds_key_not_zone_key, "ds-key-not-zone-key"},
    {CauseCode::dnskey_not_signed_by_ds_key, "dnskey-not-signed-by-ds-key"},
    {CauseCode::ds_ttl_mismatch, "ds-ttl-mismatch"},
    {CauseCode::referral_without_ds, "referral-without-ds"},
    {CauseCode::ds_at_apex, "ds-at-apex"},
    {CauseCode::nsec3param_missing, "nsec3param-missing"},
    {CauseCode::opt_out_mismatch, "opt-out-mismatch"},
    {CauseCode::denial_missing, "denial-missing"},
    {CauseCode::ad_missing, "ad-missing"},
    {CauseCode::validation_failed, "validation-failed"},
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

const std::vector<KindEntry>& kind_registry() {
    static const std::vector<KindEntry> kinds = {
        {"reachability", {{"reachability", {"JPRS scenario 1 step 1 (always fails)"}}}, false},
        {"edns-size",
         {{"udp-large",
           {"DNSSEC Japan ⑤ LB-1 (large UDP)", "JPRS A-85/F-85", "JPRS A-86/F-86 (1220 octets)",
            "JPRS A-87/F-87 (4000 octets)", "JPRS scenario 1 step 3"}},
          {"udp-no-edns", {"RFC 1035 4.2.1", "JPRS A-85/F-85"}},
          {"edns-truncation", {"RFC 6891 7", "JPRS scenario 2"}}}},
        {"tcp",
         {{"tcp-direct", {"JPRS common-1", "DNSSEC Japan: TCP port 53 filtering"}},
          {"tcp-fallback", {"DNSSEC Japan ⑤ LB-3 (TCP fallback)", "JPRS scenario 1 step 3"}}}},
        {"options",
         {{"edns-options", {"RFC 8914 EDE (seeds 000/001)", "RFC 9567 Report-Channel (seed 002)"}},
          {"edns-version", {"RFC 6891 6.1.3", "DNSSEC Japan: EDNS0 handling"}},
          {"qdcount", {"RFC 9619 (seed 002)"}}}},
        {"nat",
         {{"nat", {"DNSSEC Japan ⑤ LB-4 (global reachability vs NAT)"}},
          {"port-randomness", {"DNSSEC Japan: UDP state handling"}}}},
        {"fragments", {{"udp-fragments", {"DNSSEC Japan ⑤ LB-2 (UDP fragments)", "JPRS F-147"}}}},
        {"pmtu", {{"pmtu", {"JPRS common-4"}}}},
        {"dnssec", {{"dnssec-passthrough", {"JPRS A-95", "JPRS F-130"}}}},
        {"ttl", {{"path-trace", {"tracebox-style localization", "JPRS scenario 2"}}}},
        {"proxy",
         {{"dns-proxy", {"DNSSEC Japan: DNS proxy functions", "JPRS F-85/F-86/F-87", "JPRS A-95"}}}},
        {"sessions", {{"udp-sessions", {"DNSSEC Japan ⑤ (number of UDP sessions)"}}}},
        {"load", {{"device-load", {"DNSSEC Japan lab: load test through router and LB"}}}},
        {"interception",
         {{"dns-interception", {"DNSSEC Japan: DNS proxy functions", "JPRS scenario 5 (full resolver fails)"}}}},
        // `dnspath diagnose` only: the path to the zone's server, the zone's own data, then a
        // validating resolver's view of it.
        {"dnssec-path",
         {{"server-reach", {"JPRS scenario 1 steps 1-2", "JPRS common-2"}},
          {"server-edns", {"JPRS A-85"}},
          {"server-tcp", {"JPRS common-1"}},
          {"server-large-udp", {"JPRS A-86 (1220 octets)", "JPRS A-87 (4000 octets)", "JPRS scenario 1 step 3"}}},
         false},
        {"dnssec-data",
         {{"zone-signed", {"JPRS A-95", "JPRS A-229", "JPRS common-2", "JPRS common-3"}},
          {"signature-validity", {"JPRS A-27", "JPRS A-28"}},
          {"signing-keys", {"JPRS A-58", "JPRS A-61"}},
          {"signature-crypto", {"RFC 4034 3.1.8.1 (each RRSIG verified with OpenSSL)", "JPRS A-80"}},
          {"ds-delegation", {"JPRS A-47", "JPRS A-49", "JPRS A-50", "JPRS A-68", "JPRS A-76", "JPRS A-79", "JPRS A-80"}},
          {"ds-ttl", {"JPRS A-81"}},
          {"referral-ds", {"JPRS A-115"}},
          {"ds-not-at-apex", {"JPRS A-78"}},
          {"denial", {"JPRS A-229", "JPRS A-246", "JPRS A-248"}}},
         false},
        {"resolver-dnssec",
         {{"resolver-reach", {"JPRS scenario 5 steps 1-2"}},
          {"resolver-ad", {"JPRS F-2"}},
          {"resolver-validation", {"JPRS F-154", "JPRS F-27", "JPRS F-28"}},
          {"resolver-do", {"JPRS F-130"}}},
         false},
    };
    return kinds;
}

const CheckpointEntry* find_checkpoint(std::string_view checkpoint) {
    for (const auto& kind : kind_registry())
        for (const auto& entry : kind.checkpoints)
            if (entry.id == checkpoint) return &entry;
    return nullptr;
}

std::vector<std::string> plan_kinds() {
    std::vector<std::string> kinds;
    for (const auto& kind : kind_registry())
        if (kind.in_plan) kinds.emplace_back(kind.id);
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
        return answer.outcome != "answer" || answer.rcode.value_or(-1) != 0 || !answer.authenticated;
    }));
}

}  // namespace dnspath::model
