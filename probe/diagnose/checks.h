// Internal to probe/diagnose: the dnssec-data checks as pure functions of what the servers
// answered, so unit tests can feed them hand-built messages. Each returns one verdict whose cause
// params carry the manual item (`item`) and whether the fault lies on the path, in the zone or at
// the resolver (`fault`).
#pragma once

#include <cstdint>
#include <optional>

#include "probe/diagnose/lookup.h"
#include "probe/model/model.h"

namespace dnspath::diagnose {

struct ZoneEvidence {
    wire::Name zone;
    Lookup dnskey, soa, nsec3param, apex_nsec, apex_ds, nonexistent;
    std::optional<Lookup> parent_ds, referral;  // none without a parent server
    bool parent_is_server = false;               // one server holds both zones: A-78 cannot be told
    std::uint32_t now = 0;                       // seconds since the epoch, UTC
    int expiry_warning_days = 7;
    std::optional<bool> opt_out;
};

model::Verdict check_zone_signed(const ZoneEvidence& evidence);
model::Verdict check_signature_validity(const ZoneEvidence& evidence);
model::Verdict check_signing_keys(const ZoneEvidence& evidence);
model::Verdict check_signature_crypto(const ZoneEvidence& evidence);
model::Verdict check_ds_delegation(const ZoneEvidence& evidence);
model::Verdict check_ds_ttl(const ZoneEvidence& evidence);
model::Verdict check_referral_ds(const ZoneEvidence& evidence);
model::Verdict check_ds_not_at_apex(const ZoneEvidence& evidence);
model::Verdict check_denial(const ZoneEvidence& evidence);

// Path checks against the authoritative server, and the resolver's view (checks_path.cpp).
model::Verdict check_server_reach(const Reply& plain, const Reply& tcp, const std::string& target);
model::Verdict check_server_edns(const Lookup& soa);
model::Verdict check_server_tcp(const Lookup& soa);
model::Verdict check_server_large_udp(const std::vector<const Lookup*>& lookups, const Reply& small_buffer);
// Reach, F-130 (from `echo`: a dnspath echo name asked through the resolver; none: not measured),
// then F-154/F-27/F-28 and F-2 (the chain, not this, stops at the first finding).
std::vector<model::Verdict> check_resolver(const Reply& reply, const Reply& tcp, const std::string& target,
                                           const std::optional<Reply>& echo = std::nullopt);

// What both check files read answers with: one RRset of a section, and the apex keys (from the
// DNSKEY answer's truth) with their tags, as a list for params.
std::vector<wire::ResourceRecord> section_rrset(const std::vector<wire::ResourceRecord>& section, const wire::Name& owner,
                                                std::uint16_t type);
struct ApexKey {
    wire::Dnskey key;
    wire::Bytes rdata;
    std::uint16_t tag = 0;
};
std::vector<ApexKey> apex_keys(const ZoneEvidence& evidence);
model::Params key_list(const std::vector<ApexKey>& keys);
model::Params key_tags(const std::vector<ApexKey>& keys);

// A verdict of a diagnose checkpoint (family both) with item and fault in its params.
model::Verdict diagnose_verdict(model::Checkpoint checkpoint, model::Status status, model::CauseCode code,
                                model::Params params);
// "2026-11-30T10:00:00Z" for a DNSSEC time.
std::string iso_time(std::uint32_t seconds);

}  // namespace dnspath::diagnose
