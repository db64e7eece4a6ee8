#include "probe/wire/dnssec.h"
#include "probe/wire/file.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cstdio>

namespace dnspath::wire {
namespace {

EVP_PKEY* as_key(void* key) { return static_cast<EVP_PKEY*>(key); }

// The canonical (lowercase, uncompressed) wire form of a name: its lowercase key and the root.
Bytes canonical_name(const Name& name) {
    std::string key = name.lowercase_key();
    Bytes out(key.begin(), key.end());
    out.push_back(0);
    return out;
}

}  // namespace

Bytes encode_rrsig(const Rrsig& rrsig) {
    ByteWriter out;
    out.u16(rrsig.type_covered);
    out.u8(rrsig.algorithm);
    out.u8(rrsig.labels);
    out.u32(rrsig.original_ttl);
    out.u32(rrsig.expiration);
    out.u32(rrsig.inception);
    out.u16(rrsig.key_tag);
    out.bytes(canonical_name(rrsig.signer));
    out.bytes(rrsig.signature);
    return out.take();
}

std::optional<Rrsig> parse_rrsig(ByteView rdata) {
    ByteReader reader(rdata);
    Rrsig rrsig;
    auto type = reader.u16();
    auto algorithm = reader.u8();
    auto labels = reader.u8();
    auto ttl = reader.u32();
    auto expiration = reader.u32();
    auto inception = reader.u32();
    auto tag = reader.u16();
    // Every field checked: a reader that failed on a long field may still read a shorter one after
    // it (three octets left fail the TTL and then pass the key tag).
    if (!type || !algorithm || !labels || !ttl || !expiration || !inception || !tag) return std::nullopt;
    rrsig.type_covered = *type;
    rrsig.algorithm = *algorithm;
    rrsig.labels = *labels;
    rrsig.original_ttl = *ttl;
    rrsig.expiration = *expiration;
    rrsig.inception = *inception;
    rrsig.key_tag = *tag;
    // The signer name is never compressed (RFC 4034 3.1.7); decode it within the rdata alone.
    auto signer = decode_name(reader);
    if (!signer) return std::nullopt;
    rrsig.signer = std::move(signer).value();
    auto signature = reader.bytes(reader.remaining());
    rrsig.signature.assign(signature->begin(), signature->end());
    return rrsig;
}

Bytes encode_dnskey(const Dnskey& key) {
    ByteWriter out;
    out.u16(key.flags);
    out.u8(key.protocol);
    out.u8(key.algorithm);
    out.bytes(key.public_key);
    return out.take();
}

std::optional<Dnskey> parse_dnskey(ByteView rdata) {
    if (rdata.size() < 4) return std::nullopt;
    Dnskey key;
    key.flags = load_u16(rdata.data());
    key.protocol = rdata[2];
    key.algorithm = rdata[3];
    key.public_key.assign(rdata.begin() + 4, rdata.end());
    return key;
}

std::uint16_t key_tag(ByteView rdata) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < rdata.size(); ++i) sum += (i & 1) ? rdata[i] : static_cast<std::uint32_t>(rdata[i]) << 8;
    sum += (sum >> 16) & 0xffff;
    return static_cast<std::uint16_t>(sum & 0xffff);
}

Bytes ds_rdata(const Name& owner, ByteView dnskey_rdata) {
    ByteWriter out;
    out.u16(key_tag(dnskey_rdata));
    out.u8(kAlgorithmEcdsaP256);
    out.u8(2);  // SHA-256
    out.bytes(ds_digest(owner, dnskey_rdata, 2).value_or(Bytes{}));
    return out.take();
}

Bytes signed_data(const Rrsig& rrsig, const std::vector<ResourceRecord>& rrset) {
    Rrsig unsigned_part = rrsig;
    unsigned_part.signature.clear();
    Bytes data = encode_rrsig(unsigned_part);
    std::vector<const ResourceRecord*> ordered;
    for (const auto& record : rrset) ordered.push_back(&record);
    // Canonical order: by rdata as left-justified unsigned octet strings.
    std::sort(ordered.begin(), ordered.end(), [](const ResourceRecord* a, const ResourceRecord* b) {
        return std::lexicographical_compare(a->rdata.begin(), a->rdata.end(), b->rdata.begin(), b->rdata.end());
    });
    for (const auto* record : ordered) {
        ByteWriter out;
        out.bytes(canonical_name(record->name));
        out.u16(record->type);
        out.u16(record->klass);
        out.u32(rrsig.original_ttl);
        out.u16(static_cast<std::uint16_t>(record->rdata.size()));
        out.bytes(record->rdata);
        data.insert(data.end(), out.data().begin(), out.data().end());
    }
    return data;
}

void EcdsaKey::Free::operator()(void* key) const { EVP_PKEY_free(as_key(key)); }

Result<EcdsaKey> EcdsaKey::generate() {
    EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    if (key == nullptr) return fail("OpenSSL could not generate a P-256 key");
    EcdsaKey result;
    result.key_.reset(key);
    return result;
}

Result<EcdsaKey> EcdsaKey::load_pem(const std::string& path) {
    auto text = read_regular_file(path, 64u << 10);  // a PEM key is a few hundred octets
    if (!text) return fail("cannot read zone key: " + text.error().message);
    BIO* memory = BIO_new_mem_buf(text->data(), static_cast<int>(text->size()));
    if (memory == nullptr) return fail("OpenSSL could not read " + path);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(memory, nullptr, nullptr, nullptr);
    BIO_free(memory);
    if (key == nullptr) return fail(path + " is not a PEM private key");
    if (EVP_PKEY_get_bits(key) != 256 || !EVP_PKEY_is_a(key, "EC")) {
        EVP_PKEY_free(key);
        return fail(path + " is not an ECDSA P-256 key (DNSSEC algorithm 13)");
    }
    EcdsaKey result;
    result.key_.reset(key);
    return result;
}

Result<void> EcdsaKey::save_pem(const std::string& path) const {
    FILE* file = std::fopen(path.c_str(), "w");
    if (file == nullptr) return fail("cannot write zone key " + path);
    int written = PEM_write_PrivateKey(file, as_key(key_.get()), nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(file);
    if (written != 1) return fail("cannot write zone key " + path);
    return Ok{};
}

Bytes EcdsaKey::public_key() const {
    unsigned char point[65];
    std::size_t length = 0;
    if (EVP_PKEY_get_octet_string_param(as_key(key_.get()), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &length) != 1 ||
        length != 65)
        return {};
    return Bytes(point + 1, point + 65);  // drop the 0x04 "uncompressed" marker
}

Result<Bytes> EcdsaKey::sign(ByteView data) const {
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    std::size_t length = 0;
    Bytes der;
    bool ok = EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, as_key(key_.get())) == 1 &&
              EVP_DigestSign(context, nullptr, &length, data.data(), data.size()) == 1;
    if (ok) {
        der.resize(length);
        ok = EVP_DigestSign(context, der.data(), &length, data.data(), data.size()) == 1;
        der.resize(length);
    }
    EVP_MD_CTX_free(context);
    if (!ok) return fail("ECDSA signing failed");
    const unsigned char* cursor = der.data();
    ECDSA_SIG* signature = d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size()));
    if (signature == nullptr) return fail("ECDSA signature did not parse");
    Bytes raw(64);
    BN_bn2binpad(ECDSA_SIG_get0_r(signature), raw.data(), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(signature), raw.data() + 32, 32);
    ECDSA_SIG_free(signature);
    return raw;
}

bool verify_ecdsa_p256(ByteView public_key, ByteView data, ByteView signature) {
    return verify_signature(kAlgorithmEcdsaP256, public_key, data, signature);
}

Result<void> verify_rrsig(const Rrsig& rrsig, const std::vector<ResourceRecord>& rrset, const Dnskey& key) {
    if (!algorithm_supported(rrsig.algorithm) || key.algorithm != rrsig.algorithm)
        return fail("algorithm " + std::to_string(rrsig.algorithm) + " is not checked here (8, 10, 13, 14, 15)");
    if (rrset.empty()) return fail("the RRset it covers is missing");
    if (!verify_signature(rrsig.algorithm, key.public_key, signed_data(rrsig, rrset), rrsig.signature))
        return fail("the signature does not verify: the records were changed after signing");
    return Ok{};
}

}  // namespace dnspath::wire
