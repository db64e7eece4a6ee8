// libFuzzer target: what `dnspath diagnose` reads from servers it does not control — DS, DNSKEY
// (RFC 3110 RSA, ECDSA, Ed25519 keys), RRSIG, NSEC3 and NSEC3PARAM rdata, EDE options — through
// every dnssec-data, path and resolver check. The input is up to sixteen DNS messages, each behind
// a two-octet length; they stand in for the answers of every lookup. Nothing may crash or throw.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "probe/diagnose/checks.h"
#include "probe/wire/wire.h"

namespace {

using namespace dnspath;

std::vector<wire::ByteView> split(const std::uint8_t* data, std::size_t size) {
    std::vector<wire::ByteView> parts;
    while (size >= 2 && parts.size() < 16) {
        const std::size_t length = std::min<std::size_t>(static_cast<std::size_t>(data[0] << 8 | data[1]), size - 2);
        parts.emplace_back(data + 2, length);
        data += 2 + length;
        size -= 2 + length;
    }
    return parts;
}

diagnose::Reply reply_of(wire::ByteView bytes) {
    diagnose::Reply reply;
    reply.size = bytes.size();
    if (auto message = wire::decode(bytes)) reply.message = std::move(message).value();
    else reply.failure = "undecodable";
    return reply;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto parts = split(data, size);
    if (parts.empty()) return 0;
    auto part = [&](std::size_t i) { return parts[i % parts.size()]; };
    diagnose::ZoneEvidence evidence;
    evidence.zone = wire::Name::parse("sub.dpd.test").value();
    if (auto first = wire::decode(part(0)); first && !first->questions.empty()) evidence.zone = first->questions[0].name;
    evidence.now = 1'800'000'000;
    evidence.opt_out = size % 2 == 0;
    diagnose::Lookup* lookups[] = {&evidence.dnskey, &evidence.soa, &evidence.nsec3param, &evidence.apex_nsec,
                                   &evidence.apex_ds, &evidence.nonexistent};
    std::size_t next = 0;
    for (auto* lookup : lookups) *lookup = {reply_of(part(next++)), reply_of(part(next++))};
    evidence.parent_ds = diagnose::Lookup{reply_of(part(next++)), reply_of(part(next++))};
    evidence.referral = diagnose::Lookup{reply_of(part(next++)), reply_of(part(next++))};
    for (auto* check : {diagnose::check_zone_signed, diagnose::check_signature_validity, diagnose::check_signing_keys,
                        diagnose::check_signature_crypto, diagnose::check_ds_delegation, diagnose::check_ds_ttl,
                        diagnose::check_referral_ds, diagnose::check_ds_not_at_apex, diagnose::check_denial})
        (void)check(evidence);
    (void)diagnose::check_server_reach(evidence.soa.udp, evidence.soa.tcp, "x");
    (void)diagnose::check_server_edns(evidence.soa);
    (void)diagnose::check_server_large_udp({&evidence.dnskey, &evidence.nonexistent}, evidence.apex_ds.udp);
    (void)diagnose::check_resolver(evidence.referral->udp, evidence.referral->tcp, "x");
    // The raw rdata parsers, on the bytes as they are.
    (void)wire::parse_ds(part(0));
    (void)wire::parse_nsec3param(part(0));
    (void)wire::nsec3_flags(part(0));
    for (int algorithm : {8, 10, 13, 14, 15})
        (void)wire::verify_signature(static_cast<std::uint8_t>(algorithm), part(0), part(1), part(2));
    return 0;
}
