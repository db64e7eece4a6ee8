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

// A verdict of a diagnose checkpoint (family both) with item and fault in its params.
model::Verdict diagnose_verdict(std::string checkpoint, model::Status status, model::CauseCode code,
                                model::Params params);
// "2026-11-30T10:00:00Z" for a DNSSEC time.
std::string iso_time(std::uint32_t seconds);

}  // namespace dnspath::diagnose
