// DNSSEC records and signatures: DNSKEY, DS, NSEC3 and NSEC3PARAM rdata, key tags, DS digests, the
// canonical data an RRSIG covers, signing with algorithm 13 (the responder's) and verifying with
// OpenSSL for algorithms 8, 10, 13, 14 and 15 (what zones in the wild are signed with).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "probe/wire/message.h"

namespace dnspath::wire {

inline constexpr std::uint8_t kAlgorithmEcdsaP256 = 13;

struct Rrsig {
    std::uint16_t type_covered = 0;
    std::uint8_t algorithm = kAlgorithmEcdsaP256;
    std::uint8_t labels = 0;
    std::uint32_t original_ttl = 0;
    std::uint32_t expiration = 0;
    std::uint32_t inception = 0;
    std::uint16_t key_tag = 0;
    Name signer;
    Bytes signature;
};
Bytes encode_rrsig(const Rrsig& rrsig);
std::optional<Rrsig> parse_rrsig(ByteView rdata);

struct Dnskey {
    std::uint16_t flags = 257;  // zone key + secure entry point
    std::uint8_t protocol = 3;
    std::uint8_t algorithm = kAlgorithmEcdsaP256;
    Bytes public_key;  // for algorithm 13: X || Y, 64 octets
};
Bytes encode_dnskey(const Dnskey& key);
std::optional<Dnskey> parse_dnskey(ByteView rdata);
std::uint16_t key_tag(ByteView dnskey_rdata);  // RFC 4034 appendix B
// DS rdata with a SHA-256 digest (type 2) over the owner and the DNSKEY rdata.
Bytes ds_rdata(const Name& owner, ByteView dnskey_rdata);

// What an RRSIG signs: its own rdata without the signature, then the RRset in canonical form
// and order (RFC 4034 3.1.8.1, 6.2, 6.3).
Bytes signed_data(const Rrsig& rrsig, const std::vector<ResourceRecord>& rrset);

// An ECDSA P-256 key pair that owns its OpenSSL handle.
class EcdsaKey {
public:
    static Result<EcdsaKey> generate();
    static Result<EcdsaKey> load_pem(const std::string& path);
    Result<void> save_pem(const std::string& path) const;
    Bytes public_key() const;  // X || Y
    // The 64-octet r || s signature DNSSEC wants (not DER).
    Result<Bytes> sign(ByteView data) const;

private:
    struct Free {
        void operator()(void* key) const;
    };
    std::unique_ptr<void, Free> key_;
};

// Algorithms and digest types the verifier knows (RFC 5702, 6605, 8080; RFC 3658, 4509, 6605).
inline constexpr std::uint8_t kAlgorithmRsaSha256 = 8, kAlgorithmRsaSha512 = 10, kAlgorithmEcdsaP384 = 14,
                              kAlgorithmEd25519 = 15;
bool algorithm_supported(std::uint8_t algorithm);
inline constexpr std::uint16_t kDnskeyZoneFlag = 0x0100, kDnskeySepFlag = 0x0001;

struct Ds {
    std::uint16_t key_tag = 0;
    std::uint8_t algorithm = 0;
    std::uint8_t digest_type = 0;
    Bytes digest;
};
std::optional<Ds> parse_ds(ByteView rdata);
// The digest a DS of `digest_type` (1 SHA-1, 2 SHA-256, 4 SHA-384) carries for this key; nullopt
// for another digest type.
std::optional<Bytes> ds_digest(const Name& owner, ByteView dnskey_rdata, std::uint8_t digest_type);

struct Nsec3Param {
    std::uint8_t hash_algorithm = 1;
    std::uint8_t flags = 0;
    std::uint16_t iterations = 0;
    Bytes salt;
};
std::optional<Nsec3Param> parse_nsec3param(ByteView rdata);
// An NSEC3's flags octet (bit 0: opt-out, RFC 5155 3.1.2.1); nullopt when the rdata is too short.
std::optional<std::uint8_t> nsec3_flags(ByteView rdata);

// Checks a signature of any supported algorithm over `data` with a DNSKEY's public key field.
bool verify_signature(std::uint8_t algorithm, ByteView public_key, ByteView data, ByteView signature);

// Checks an algorithm-13 signature over `data` with a DNSKEY public key (X || Y).
bool verify_ecdsa_p256(ByteView public_key, ByteView data, ByteView signature);

// Verifies `rrsig` over `rrset` with `key`; the reason when it does not.
Result<void> verify_rrsig(const Rrsig& rrsig, const std::vector<ResourceRecord>& rrset, const Dnskey& key);

}  // namespace dnspath::wire
