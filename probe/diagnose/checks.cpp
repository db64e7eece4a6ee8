// The dnssec-data checks (JPRS manual items A-27 … A-248). Every one reads the server's truth
// (TCP's answer, else UDP's); the ones that can be spoiled on the way compare UDP with TCP, so a
// device that strips or alters records over UDP is reported as a path fault, not as the zone's.
#include "probe/diagnose/checks.h"

#include <algorithm>
#include <ctime>

namespace dnspath::diagnose {
namespace {

using model::CauseCode;
using model::Checkpoint;
using model::Params;
using model::Status;
using wire::ResourceRecord;

// An RRSIG with the RRset it covers, taken from one message.
struct Signed {
    wire::Rrsig rrsig;
    std::vector<ResourceRecord> rrset;
};

std::vector<const ResourceRecord*> records_of(const wire::Message& message) {
    std::vector<const ResourceRecord*> all;
    for (const auto& record : message.answers) all.push_back(&record);
    for (const auto& record : message.authorities) all.push_back(&record);
    return all;
}

std::vector<ResourceRecord> rrset_of(const wire::Message& message, const wire::Name& owner, std::uint16_t type) {
    std::vector<ResourceRecord> rrset;
    for (const auto* record : records_of(message))
        if (record->type == type && record->name == owner) rrset.push_back(*record);
    return rrset;
}

std::vector<Signed> signatures_in(const wire::Message& message) {
    std::vector<Signed> found;
    for (const auto* record : records_of(message)) {
        if (record->type != wire::rr_type::rrsig) continue;
        auto rrsig = wire::parse_rrsig(record->rdata);
        if (!rrsig) continue;
        found.push_back({*rrsig, rrset_of(message, record->name, rrsig->type_covered)});
    }
    return found;
}

bool has_rrsig_for(const wire::Message& message, std::uint16_t type) {
    for (const auto& signature : signatures_in(message))
        if (signature.rrsig.type_covered == type) return true;
    return false;
}

// Every lookup whose signatures the zone (or, for the parent's, its parent) answers for.
std::vector<const Lookup*> lookups_of(const ZoneEvidence& evidence) {
    std::vector<const Lookup*> all{&evidence.dnskey, &evidence.soa, &evidence.nsec3param, &evidence.nonexistent};
    if (evidence.parent_ds) all.push_back(&*evidence.parent_ds);
    return all;
}

std::string type_text(std::uint16_t type) { return wire::type_name(type); }

Params signature_params(const Signed& signature, const ZoneEvidence& evidence, const char* item) {
    const auto& rrsig = signature.rrsig;
    return {{"item", item},
            {"fault", "zone"},
            {"type", type_text(rrsig.type_covered)},
            {"key_tag", rrsig.key_tag},
            {"signer", rrsig.signer.to_string()},
            {"inception", iso_time(rrsig.inception)},
            {"expiration", iso_time(rrsig.expiration)},
            {"now", iso_time(evidence.now)}};
}

// RFC 4034 3.1.5: serial number arithmetic, so a window that wraps 2106 still compares right.
bool before(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) < 0; }

model::Verdict not_measured(model::Checkpoint checkpoint, const char* why, const char* item) {
    return diagnose_verdict(checkpoint, Status::na, CauseCode::not_measured, {{"why", why}, {"item", item}});
}

}  // namespace

model::Verdict diagnose_verdict(model::Checkpoint checkpoint, Status status, CauseCode code, Params params) {
    model::Verdict verdict;
    verdict.checkpoint = checkpoint;
    verdict.family = model::Family::both;
    verdict.status = status;
    verdict.cause = {code, std::move(params)};
    return verdict;
}

std::string iso_time(std::uint32_t seconds) {
    std::time_t time = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&time, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

std::vector<ResourceRecord> section_rrset(const std::vector<ResourceRecord>& section, const wire::Name& owner,
                                          std::uint16_t type) {
    std::vector<ResourceRecord> rrset;
    for (const auto& record : section)
        if (record.type == type && record.name == owner) rrset.push_back(record);
    return rrset;
}

std::vector<ApexKey> apex_keys(const ZoneEvidence& evidence) {
    std::vector<ApexKey> keys;
    if (const auto* message = evidence.dnskey.truth())
        for (const auto& record : section_rrset(message->answers, evidence.zone, wire::rr_type::dnskey))
            if (auto key = wire::parse_dnskey(record.rdata)) keys.push_back({*key, record.rdata, wire::key_tag(record.rdata)});
    return keys;
}

Params key_list(const std::vector<ApexKey>& keys) {
    Params list = Params::array();
    for (const auto& key : keys)
        list.push_back({{"key_tag", key.tag}, {"flags", key.key.flags}, {"algorithm", key.key.algorithm}});
    return list;
}

Params key_tags(const std::vector<ApexKey>& keys) {
    Params tags = Params::array();
    for (const auto& key : keys) tags.push_back(key.tag);
    return tags;
}

model::Verdict check_zone_signed(const ZoneEvidence& evidence) {
    const auto* dnskey = evidence.dnskey.truth();
    if (dnskey == nullptr) return not_measured(Checkpoint::zone_signed, "unreachable", "A-95");
    if (rrset_of(*dnskey, evidence.zone, wire::rr_type::dnskey).empty())
        return diagnose_verdict(Checkpoint::zone_signed, Status::fail, CauseCode::dnskey_missing,
                                {{"item", "common-2"}, {"fault", "zone"}, {"zone", evidence.zone.to_string()},
                                 {"rcode", wire::rcode_name(dnskey->full_rcode())}});
    for (const Lookup* lookup : {&evidence.dnskey, &evidence.soa}) {
        const auto* truth = lookup->truth();
        if (truth == nullptr || truth->answers.empty()) continue;
        const auto type = truth->answers.front().type;
        const bool udp_signed = lookup->udp.message && !lookup->udp.message->header.tc && has_rrsig_for(*lookup->udp.message, type);
        const bool tcp_signed = lookup->tcp.message && has_rrsig_for(*lookup->tcp.message, type);
        if (lookup->udp.message && !lookup->udp.message->header.tc && !udp_signed && tcp_signed)
            return diagnose_verdict(Checkpoint::zone_signed, Status::fail, CauseCode::rrsig_stripped,
                                    {{"item", "A-95"}, {"fault", "path"}, {"type", type_text(type)}, {"transport", "udp"},
                                     {"records", type_text(type)}});
        if (!udp_signed && !tcp_signed) {
            // Keys without any chain of denial at the apex (no NSEC, no NSEC3PARAM): BIND then takes
            // the zone as unsigned and withholds every RRSIG, so the missing NSEC3PARAM is the cause.
            const auto* param = evidence.nsec3param.truth();
            const auto* nsec = evidence.apex_nsec.truth();
            if (param != nullptr && nsec != nullptr && rrset_of(*param, evidence.zone, wire::rr_type::nsec3param).empty() &&
                rrset_of(*nsec, evidence.zone, wire::rr_type::nsec).empty())
                return diagnose_verdict(Checkpoint::zone_signed, Status::fail, CauseCode::nsec3param_missing,
                                        {{"item", "A-229"}, {"fault", "zone"}, {"zone", evidence.zone.to_string()},
                                         {"effect", "rrsigs-withheld"}});
            return diagnose_verdict(Checkpoint::zone_signed, Status::fail, CauseCode::rrsig_missing,
                                    {{"item", "A-95"}, {"fault", "zone"}, {"type", type_text(type)}});
        }
    }
    return diagnose_verdict(Checkpoint::zone_signed, Status::pass, CauseCode::ok,
                            {{"item", "A-95"}, {"key_count", apex_keys(evidence).size()}});
}

model::Verdict check_signature_validity(const ZoneEvidence& evidence) {
    std::optional<Params> expiring;
    std::size_t checked = 0;
    for (const Lookup* lookup : lookups_of(evidence)) {
        const auto* truth = lookup->truth();
        if (truth == nullptr) continue;
        for (const auto& signature : signatures_in(*truth)) {
            ++checked;
            if (before(evidence.now, signature.rrsig.inception))
                return diagnose_verdict(Checkpoint::signature_validity, Status::fail, CauseCode::signature_not_yet_valid,
                                        signature_params(signature, evidence, "A-28"));
            if (before(signature.rrsig.expiration, evidence.now))
                return diagnose_verdict(Checkpoint::signature_validity, Status::fail, CauseCode::signature_expired,
                                        signature_params(signature, evidence, "A-27"));
            const auto window = static_cast<std::uint32_t>(evidence.expiry_warning_days) * 86400u;
            if (!expiring && before(signature.rrsig.expiration, evidence.now + window)) {
                expiring = signature_params(signature, evidence, "A-27");
                (*expiring)["days"] = (signature.rrsig.expiration - evidence.now) / 86400u;
                (*expiring)["warning_days"] = evidence.expiry_warning_days;
            }
        }
    }
    if (checked == 0) return not_measured(Checkpoint::signature_validity, "no-signatures", "A-27");
    if (expiring) return diagnose_verdict(Checkpoint::signature_validity, Status::warn, CauseCode::signature_expiring, *expiring);
    return diagnose_verdict(Checkpoint::signature_validity, Status::pass, CauseCode::ok, {{"item", "A-27"}, {"signatures", checked}});
}

model::Verdict check_signing_keys(const ZoneEvidence& evidence) {
    const auto keys = apex_keys(evidence);
    if (keys.empty()) return not_measured(Checkpoint::signing_keys, "no-dnskey", "A-58");
    for (const Lookup* lookup : {&evidence.dnskey, &evidence.soa, &evidence.nsec3param, &evidence.nonexistent}) {
        const auto* truth = lookup->truth();
        if (truth == nullptr) continue;
        for (const auto& signature : signatures_in(*truth)) {
            if (!(signature.rrsig.signer == evidence.zone)) continue;
            const bool known = std::any_of(keys.begin(), keys.end(), [&](const ApexKey& key) {
                return key.tag == signature.rrsig.key_tag && key.key.algorithm == signature.rrsig.algorithm;
            });
            if (!known) {
                auto params = signature_params(signature, evidence, "A-58");
                params["keys"] = key_list(keys);
                params["key_tags"] = key_tags(keys);
                return diagnose_verdict(Checkpoint::signing_keys, Status::fail, CauseCode::signing_key_missing, params);
            }
        }
    }
    const bool has_sep = std::any_of(keys.begin(), keys.end(), [](const ApexKey& key) { return key.key.flags & wire::kDnskeySepFlag; });
    if (!has_sep)
        return diagnose_verdict(Checkpoint::signing_keys, Status::fail, CauseCode::sep_key_missing,
                                {{"item", "A-61"}, {"fault", "zone"}, {"keys", key_list(keys)}, {"key_tags", key_tags(keys)}});
    return diagnose_verdict(Checkpoint::signing_keys, Status::pass, CauseCode::ok, {{"item", "A-58"}, {"keys", key_list(keys)}});
}

model::Verdict check_signature_crypto(const ZoneEvidence& evidence) {
    const auto keys = apex_keys(evidence);
    if (keys.empty()) return not_measured(Checkpoint::signature_crypto, "no-dnskey", "A-80");
    std::size_t verified = 0, skipped = 0;
    auto verifies = [&](const Signed& signature) -> std::optional<bool> {
        for (const auto& key : keys)
            if (key.tag == signature.rrsig.key_tag && key.key.algorithm == signature.rrsig.algorithm) {
                if (!wire::algorithm_supported(key.key.algorithm)) return std::nullopt;
                return static_cast<bool>(wire::verify_rrsig(signature.rrsig, signature.rrset, key.key));
            }
        return std::nullopt;  // no key: signing-keys reports it
    };
    for (const Lookup* lookup : {&evidence.dnskey, &evidence.soa, &evidence.nsec3param, &evidence.nonexistent}) {
        // UDP's copy first: when it fails and TCP's verifies, a device changed it on the way.
        for (const auto* reply : {&lookup->udp, &lookup->tcp}) {
            if (!reply->message || reply->message->header.tc) continue;
            for (const auto& signature : signatures_in(*reply->message)) {
                if (!(signature.rrsig.signer == evidence.zone)) continue;
                auto ok = verifies(signature);
                if (!ok) {
                    ++skipped;
                    continue;
                }
                if (*ok) {
                    ++verified;
                    continue;
                }
                const bool on_udp = reply == &lookup->udp;
                bool tcp_fine = false;
                if (on_udp && lookup->tcp.message)
                    for (const auto& other : signatures_in(*lookup->tcp.message))
                        if (other.rrsig.type_covered == signature.rrsig.type_covered && verifies(other) == true) tcp_fine = true;
                Params params{{"item", "A-80"}, {"fault", on_udp && tcp_fine ? "path" : "zone"},
                              {"records", type_text(signature.rrsig.type_covered)}, {"key_tag", signature.rrsig.key_tag},
                              {"algorithm", signature.rrsig.algorithm}, {"transport", on_udp ? "udp" : "tcp"},
                              {"name", signature.rrset.empty() ? evidence.zone.to_string() : signature.rrset[0].name.to_string()}};
                return diagnose_verdict(Checkpoint::signature_crypto, Status::fail, CauseCode::signature_invalid, params);
            }
        }
    }
    if (verified == 0) return not_measured(Checkpoint::signature_crypto, skipped > 0 ? "unsupported-algorithm" : "no-signatures", "A-80");
    return diagnose_verdict(Checkpoint::signature_crypto, Status::pass, CauseCode::ok,
                            {{"item", "A-80"}, {"verified", verified}, {"skipped", skipped}});
}

}  // namespace dnspath::diagnose
