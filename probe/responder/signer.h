// The probe zone's one signing key (ECDSA P-256, algorithm 13): its DNSKEY, its DS for a
// validator's trust anchor, and RRSIGs over the RRsets the responder serves.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "probe/wire/wire.h"

namespace dnspath::responder {

class ZoneSigner {
public:
    // Loads the PEM key at `path`, or creates and saves one there when the file does not exist;
    // an empty path gives a key that lives as long as the process.
    static Result<ZoneSigner> open(const std::string& path, const wire::Name& zone);

    // Adds RSA-4096-sized standby keys (algorithm 8, never used to sign), as a zone in an algorithm
    // rollover publishes: DNSKEY answers grow past 1232 octets the way real ones do.
    void add_standby_keys(int count);
    // Every DNSKEY rdata to publish: the signing key first.
    std::vector<wire::Bytes> dnskey_rrset_rdata() const;

    const wire::Name& zone() const { return zone_; }
    const wire::Bytes& dnskey_rdata() const { return dnskey_rdata_; }
    std::uint16_t key_tag() const { return key_tag_; }
    // "probe.dnspath.test. IN DS 12345 13 2 ABCDEF…", ready for a trust-anchor line.
    std::string ds_text() const;
    // The RRSIG record over `rrset` (all of one owner and type), valid from an hour ago for a week.
    Result<wire::ResourceRecord> sign(const std::vector<wire::ResourceRecord>& rrset, std::uint32_t now) const;
    // The RRSIG rdata size for this key, so padding can be solved before signing.
    std::size_t rrsig_rdata_size() const;

private:
    ZoneSigner(wire::EcdsaKey key, wire::Name zone);
    wire::EcdsaKey key_;
    wire::Name zone_;
    wire::Bytes dnskey_rdata_;
    std::vector<wire::Bytes> standby_rdata_;
    std::uint16_t key_tag_ = 0;
};

}  // namespace dnspath::responder
