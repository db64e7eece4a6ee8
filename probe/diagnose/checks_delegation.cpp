// The delegation and denial checks: DS at the parent against the child's keys (A-47 … A-81,
// A-115), no DS at the child apex, and NSEC/NSEC3 denial.
#include "probe/diagnose/checks.h"

#include <algorithm>

namespace dnspath::diagnose {
namespace {

using model::CauseCode;
using model::Checkpoint;
using model::Params;
using model::Status;
using wire::ResourceRecord;

bool covers(const std::vector<ResourceRecord>& section, const wire::Name& owner, std::uint16_t type) {
    for (const auto& record : section_rrset(section, owner, wire::rr_type::rrsig))
        if (auto rrsig = wire::parse_rrsig(record.rdata); rrsig && rrsig->type_covered == type) return true;
    return false;
}

std::vector<wire::Ds> parent_ds(const ZoneEvidence& evidence) {
    std::vector<wire::Ds> found;
    if (!evidence.parent_ds || evidence.parent_ds->truth() == nullptr) return found;
    for (const auto& record : section_rrset(evidence.parent_ds->truth()->answers, evidence.zone, wire::rr_type::ds))
        if (auto ds = wire::parse_ds(record.rdata)) found.push_back(*ds);
    return found;
}

Params ds_list(const std::vector<wire::Ds>& list) {
    Params out = Params::array();
    for (const auto& ds : list)
        out.push_back({{"key_tag", ds.key_tag}, {"algorithm", ds.algorithm}, {"digest_type", ds.digest_type}});
    return out;
}

model::Verdict fail(model::Checkpoint checkpoint, CauseCode code, Params params) {
    return diagnose_verdict(checkpoint, Status::fail, code, std::move(params));
}

}  // namespace

model::Verdict check_ds_delegation(const ZoneEvidence& evidence) {
    if (!evidence.parent_ds) return diagnose_verdict(Checkpoint::ds_delegation, Status::na, CauseCode::not_measured, {{"why", "no-parent"}, {"item", "A-76"}});
    // A parent that was named but does not answer is a finding of its own: the delegation cannot
    // be vouched for, and saying "nothing found" would hide it.
    if (evidence.parent_ds->truth() == nullptr)
        return fail(Checkpoint::ds_delegation, CauseCode::no_answer,
                    {{"item", "A-76"}, {"fault", "path"}, {"what", "parent"}, {"failure", evidence.parent_ds->udp.failure}});
    const auto ds_set = parent_ds(evidence);
    if (ds_set.empty())
        return fail(Checkpoint::ds_delegation, CauseCode::ds_missing, {{"item", "A-76"}, {"fault", "zone"}, {"zone", evidence.zone.to_string()}});
    const auto keys = apex_keys(evidence);
    // The DNSKEY RRset and the RRSIGs over it, for A-80.
    std::vector<ResourceRecord> dnskey_rrset;
    std::vector<wire::Rrsig> dnskey_rrsigs;
    if (const auto* message = evidence.dnskey.truth()) {
        dnskey_rrset = section_rrset(message->answers, evidence.zone, wire::rr_type::dnskey);
        for (const auto& record : section_rrset(message->answers, evidence.zone, wire::rr_type::rrsig))
            if (auto rrsig = wire::parse_rrsig(record.rdata); rrsig && rrsig->type_covered == wire::rr_type::dnskey)
                dnskey_rrsigs.push_back(*rrsig);
    }
    Params both{{"ds", ds_list(ds_set)}, {"keys", key_list(keys)}, {"key_tags", key_tags(keys)},
                {"fault", "zone"}, {"zone", evidence.zone.to_string()}};
    for (const auto& ds : ds_set) {
        both["ds_tags"].push_back(ds.key_tag);
        both["ds_algorithms"].push_back(ds.algorithm);
    }
    both["key_algorithms"] = Params::array();
    for (const auto& key : keys) {
        if (std::find(both["key_algorithms"].begin(), both["key_algorithms"].end(), key.key.algorithm) == both["key_algorithms"].end())
            both["key_algorithms"].push_back(key.key.algorithm);
    }
    // some DS names an algorithm the apex keys use at all.
    const bool algorithm_shared = std::any_of(ds_set.begin(), ds_set.end(), [&](const wire::Ds& ds) {
        return std::any_of(keys.begin(), keys.end(), [&](const ApexKey& key) { return key.key.algorithm == ds.algorithm; });
    });
    if (!algorithm_shared) {
        both["item"] = "A-68";
        return fail(Checkpoint::ds_delegation, CauseCode::ds_algorithm_mismatch, both);
    }
    // some DS is the digest of an apex key.
    const ApexKey* matched = nullptr;
    bool tag_seen = false;
    for (const auto& ds : ds_set)
        for (const auto& key : keys) {
            if (key.tag != ds.key_tag || key.key.algorithm != ds.algorithm) continue;
            tag_seen = true;
            if (wire::ds_digest(evidence.zone, key.rdata, ds.digest_type) == std::optional<wire::Bytes>(ds.digest)) matched = &key;
        }
    if (matched == nullptr) {
        both["item"] = tag_seen ? "A-49" : "A-79";
        return fail(Checkpoint::ds_delegation, CauseCode::ds_digest_mismatch, both);
    }
    if (!(matched->key.flags & wire::kDnskeyZoneFlag)) {
        both["item"] = "A-50";
        both["key_tag"] = matched->tag;
        return fail(Checkpoint::ds_delegation, CauseCode::ds_key_not_zone_key, both);
    }
    // the DS's key signs the DNSKEY RRset, and that signature verifies.
    const bool signs = std::any_of(dnskey_rrsigs.begin(), dnskey_rrsigs.end(), [&](const wire::Rrsig& rrsig) {
        return rrsig.key_tag == matched->tag && static_cast<bool>(wire::verify_rrsig(rrsig, dnskey_rrset, matched->key));
    });
    if (!signs) {
        both["item"] = "A-80";
        both["key_tag"] = matched->tag;
        return fail(Checkpoint::ds_delegation, CauseCode::dnskey_not_signed_by_ds_key, both);
    }
    return diagnose_verdict(Checkpoint::ds_delegation, Status::pass, CauseCode::ok, {{"item", "A-79"}, {"key_tag", matched->tag}});
}

model::Verdict check_ds_ttl(const ZoneEvidence& evidence) {
    if (!evidence.parent_ds || !evidence.referral) return diagnose_verdict(Checkpoint::ds_ttl, Status::na, CauseCode::not_measured, {{"why", "no-parent"}, {"item", "A-81"}});
    const auto* ds = evidence.parent_ds->truth();
    const auto* referral = evidence.referral->truth();
    if (ds == nullptr || referral == nullptr) return diagnose_verdict(Checkpoint::ds_ttl, Status::na, CauseCode::not_measured, {{"why", "unreachable"}, {"item", "A-81"}});
    auto ds_rrset = section_rrset(ds->answers, evidence.zone, wire::rr_type::ds);
    auto ns_rrset = section_rrset(referral->authorities, evidence.zone, wire::rr_type::ns);
    if (ds_rrset.empty() || ns_rrset.empty()) return diagnose_verdict(Checkpoint::ds_ttl, Status::na, CauseCode::not_measured, {{"why", "no-ds"}, {"item", "A-81"}});
    if (ds_rrset[0].ttl != ns_rrset[0].ttl)
        return diagnose_verdict(Checkpoint::ds_ttl, Status::warn, CauseCode::ds_ttl_mismatch,
                                {{"item", "A-81"}, {"fault", "zone"}, {"ds_ttl", ds_rrset[0].ttl}, {"ns_ttl", ns_rrset[0].ttl}});
    return diagnose_verdict(Checkpoint::ds_ttl, Status::pass, CauseCode::ok, {{"item", "A-81"}, {"ttl", ds_rrset[0].ttl}});
}

model::Verdict check_referral_ds(const ZoneEvidence& evidence) {
    if (!evidence.referral || evidence.referral->truth() == nullptr || parent_ds(evidence).empty())
        return diagnose_verdict(Checkpoint::referral_ds, Status::na, CauseCode::not_measured, {{"why", "no-parent"}, {"item", "A-115"}});
    const auto& authority = evidence.referral->truth()->authorities;
    if (section_rrset(authority, evidence.zone, wire::rr_type::ns).empty())
        return diagnose_verdict(Checkpoint::referral_ds, Status::na, CauseCode::not_measured, {{"why", "no-referral"}, {"item", "A-115"}});
    const bool ds = !section_rrset(authority, evidence.zone, wire::rr_type::ds).empty();
    if (!ds || !covers(authority, evidence.zone, wire::rr_type::ds))
        return fail(Checkpoint::referral_ds, CauseCode::referral_without_ds, {{"item", "A-115"}, {"fault", "zone"}, {"what", ds ? "rrsig" : "ds"}});
    return diagnose_verdict(Checkpoint::referral_ds, Status::pass, CauseCode::ok, {{"item", "A-115"}});
}

model::Verdict check_ds_not_at_apex(const ZoneEvidence& evidence) {
    if (evidence.parent_is_server)
        return diagnose_verdict(Checkpoint::ds_not_at_apex, Status::na, CauseCode::not_measured, {{"why", "same-server"}, {"item", "A-78"}});
    const auto* truth = evidence.apex_ds.truth();
    if (truth == nullptr) return diagnose_verdict(Checkpoint::ds_not_at_apex, Status::na, CauseCode::not_measured, {{"why", "unreachable"}, {"item", "A-78"}});
    if (!section_rrset(truth->answers, evidence.zone, wire::rr_type::ds).empty() && truth->header.aa)
        return fail(Checkpoint::ds_not_at_apex, CauseCode::ds_at_apex, {{"item", "A-78"}, {"fault", "zone"}, {"zone", evidence.zone.to_string()}});
    return diagnose_verdict(Checkpoint::ds_not_at_apex, Status::pass, CauseCode::ok, {{"item", "A-78"}});
}

model::Verdict check_denial(const ZoneEvidence& evidence) {
    const auto* truth = evidence.nonexistent.truth();
    if (truth == nullptr) return diagnose_verdict(Checkpoint::denial, Status::na, CauseCode::not_measured, {{"why", "unreachable"}, {"item", "A-229"}});
    if (truth->full_rcode() != wire::rcode::nxdomain)
        return diagnose_verdict(Checkpoint::denial, Status::na, CauseCode::not_measured, {{"why", "no-nxdomain"}, {"item", "A-229"}});
    std::size_t nsec3 = 0, nsec = 0, opted_out = 0;
    bool nsec3_signed = false, nsec_signed = false;
    for (const auto& record : truth->authorities) {
        if (record.type == wire::rr_type::nsec3) {
            ++nsec3;
            if (auto flags = wire::nsec3_flags(record.rdata); flags && (*flags & 1)) ++opted_out;
        }
        if (record.type == wire::rr_type::nsec) ++nsec;
        if (record.type == wire::rr_type::rrsig)
            if (auto rrsig = wire::parse_rrsig(record.rdata)) {
                nsec3_signed |= rrsig->type_covered == wire::rr_type::nsec3;
                nsec_signed |= rrsig->type_covered == wire::rr_type::nsec;
            }
    }
    if (nsec3 == 0 && nsec == 0)
        return fail(Checkpoint::denial, CauseCode::denial_missing, {{"item", "A-246"}, {"fault", "zone"}, {"what", "records"}});
    if (nsec3 > 0) {
        const auto* param = evidence.nsec3param.truth();
        if (param == nullptr || section_rrset(param->answers, evidence.zone, wire::rr_type::nsec3param).empty())
            return fail(Checkpoint::denial, CauseCode::nsec3param_missing, {{"item", "A-229"}, {"fault", "zone"}, {"zone", evidence.zone.to_string()}});
        if (!nsec3_signed) return fail(Checkpoint::denial, CauseCode::denial_missing, {{"item", "A-246"}, {"fault", "zone"}, {"what", "rrsig"}, {"records", "NSEC3"}});
        const bool observed = opted_out > 0;
        if (evidence.opt_out && *evidence.opt_out != observed)
            return fail(Checkpoint::denial, CauseCode::opt_out_mismatch,
                        {{"item", *evidence.opt_out ? "A-248" : "A-246"}, {"fault", "zone"}, {"expected", *evidence.opt_out}, {"observed", observed}});
        return diagnose_verdict(Checkpoint::denial, Status::pass, CauseCode::ok, {{"item", "A-229"}, {"records", "NSEC3"}, {"opt_out", observed}});
    }
    if (!nsec_signed) return fail(Checkpoint::denial, CauseCode::denial_missing, {{"item", "A-246"}, {"fault", "zone"}, {"what", "rrsig"}, {"records", "NSEC"}});
    return diagnose_verdict(Checkpoint::denial, Status::pass, CauseCode::ok, {{"item", "A-246"}, {"records", "NSEC"}});
}

}  // namespace dnspath::diagnose
