// Verifying RRSIGs of every algorithm a zone is likely to use, DS digests, and the NSEC3 records a
// zone's denial of existence is checked by. OpenSSL does the cryptography; this file only turns
// DNSSEC's wire formats (RFC 3110 RSA keys, raw r||s ECDSA, raw Ed25519) into OpenSSL keys.
#include "probe/wire/dnssec.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

namespace dnspath::wire {
namespace {

struct KeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

KeyPtr key_from_params(const char* type, OSSL_PARAM_BLD* builder) {
    OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(builder);
    EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
    EVP_PKEY* key = nullptr;
    if (params && context && EVP_PKEY_fromdata_init(context) == 1)
        EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, params);
    EVP_PKEY_CTX_free(context);
    OSSL_PARAM_free(params);
    return KeyPtr(key);
}

// RFC 3110 2: a one-octet exponent length (or zero and two octets), the exponent, the modulus.
KeyPtr rsa_key(ByteView field) {
    ByteReader reader(field);
    auto first = reader.u8();
    if (!first) return nullptr;
    std::size_t exponent_length = *first;
    if (exponent_length == 0) {
        auto wide = reader.u16();
        if (!wide) return nullptr;
        exponent_length = *wide;
    }
    auto exponent = reader.bytes(exponent_length);
    if (!exponent || exponent_length == 0 || reader.remaining() == 0) return nullptr;
    auto modulus = reader.bytes(reader.remaining());
    BIGNUM* e = BN_bin2bn(exponent->data(), static_cast<int>(exponent->size()), nullptr);
    BIGNUM* n = BN_bin2bn(modulus->data(), static_cast<int>(modulus->size()), nullptr);
    OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
    KeyPtr key;
    if (e && n && builder && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, n) == 1 &&
        OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, e) == 1)
        key = key_from_params("RSA", builder);
    OSSL_PARAM_BLD_free(builder);
    BN_free(e);
    BN_free(n);
    return key;
}

KeyPtr ecdsa_key(ByteView xy, const char* group, std::size_t half) {
    if (xy.size() != 2 * half) return nullptr;
    Bytes point{0x04};
    point.insert(point.end(), xy.begin(), xy.end());
    OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
    KeyPtr key;
    if (builder && OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) == 1 &&
        OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1)
        key = key_from_params("EC", builder);
    OSSL_PARAM_BLD_free(builder);
    return key;
}

// DNSSEC carries ECDSA signatures as r || s; OpenSSL wants DER.
std::optional<Bytes> ecdsa_der(ByteView signature, std::size_t half) {
    if (signature.size() != 2 * half) return std::nullopt;
    ECDSA_SIG* parsed = ECDSA_SIG_new();
    if (parsed == nullptr) return std::nullopt;
    ECDSA_SIG_set0(parsed, BN_bin2bn(signature.data(), static_cast<int>(half), nullptr),
                   BN_bin2bn(signature.data() + half, static_cast<int>(half), nullptr));
    unsigned char* der = nullptr;
    int length = i2d_ECDSA_SIG(parsed, &der);
    ECDSA_SIG_free(parsed);
    if (length <= 0) return std::nullopt;
    Bytes out(der, der + length);
    OPENSSL_free(der);
    return out;
}

bool digest_verify(EVP_PKEY* key, const EVP_MD* md, ByteView data, ByteView signature) {
    if (key == nullptr) return false;
    EVP_MD_CTX* context = EVP_MD_CTX_new();
    bool valid = context && EVP_DigestVerifyInit(context, nullptr, md, nullptr, key) == 1 &&
                 EVP_DigestVerify(context, signature.data(), signature.size(), data.data(), data.size()) == 1;
    EVP_MD_CTX_free(context);
    return valid;
}

}  // namespace

bool algorithm_supported(std::uint8_t algorithm) {
    return algorithm == kAlgorithmRsaSha256 || algorithm == kAlgorithmRsaSha512 || algorithm == kAlgorithmEcdsaP256 ||
           algorithm == kAlgorithmEcdsaP384 || algorithm == kAlgorithmEd25519;
}

bool verify_signature(std::uint8_t algorithm, ByteView public_key, ByteView data, ByteView signature) {
    switch (algorithm) {
        case kAlgorithmRsaSha256: return digest_verify(rsa_key(public_key).get(), EVP_sha256(), data, signature);
        case kAlgorithmRsaSha512: return digest_verify(rsa_key(public_key).get(), EVP_sha512(), data, signature);
        case kAlgorithmEcdsaP256: {
            auto der = ecdsa_der(signature, 32);
            return der && digest_verify(ecdsa_key(public_key, "prime256v1", 32).get(), EVP_sha256(), data, *der);
        }
        case kAlgorithmEcdsaP384: {
            auto der = ecdsa_der(signature, 48);
            return der && digest_verify(ecdsa_key(public_key, "secp384r1", 48).get(), EVP_sha384(), data, *der);
        }
        case kAlgorithmEd25519: {
            if (public_key.size() != 32) return false;
            KeyPtr key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key.data(), public_key.size()));
            return digest_verify(key.get(), nullptr, data, signature);  // Ed25519 hashes internally
        }
        default: return false;
    }
}

std::optional<Ds> parse_ds(ByteView rdata) {
    if (rdata.size() < 5) return std::nullopt;
    Ds ds;
    ds.key_tag = load_u16(rdata.data());
    ds.algorithm = rdata[2];
    ds.digest_type = rdata[3];
    ds.digest.assign(rdata.begin() + 4, rdata.end());
    return ds;
}

std::optional<Bytes> ds_digest(const Name& owner, ByteView dnskey_rdata, std::uint8_t digest_type) {
    const EVP_MD* md = digest_type == 1 ? EVP_sha1() : digest_type == 2 ? EVP_sha256() : digest_type == 4 ? EVP_sha384() : nullptr;
    if (md == nullptr) return std::nullopt;
    std::string key = owner.lowercase_key();
    Bytes input(key.begin(), key.end());
    input.push_back(0);
    input.insert(input.end(), dnskey_rdata.begin(), dnskey_rdata.end());
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &length, md, nullptr) != 1) return std::nullopt;
    return Bytes(digest, digest + length);
}

std::optional<Nsec3Param> parse_nsec3param(ByteView rdata) {
    ByteReader reader(rdata);
    auto hash = reader.u8();
    auto flags = reader.u8();
    auto iterations = reader.u16();
    auto salt_length = reader.u8();
    // Every field checked: a reader that failed on one may still read a shorter one after it.
    if (!hash || !flags || !iterations || !salt_length) return std::nullopt;
    auto salt = reader.bytes(*salt_length);
    if (!salt) return std::nullopt;
    return Nsec3Param{*hash, *flags, *iterations, Bytes(salt->begin(), salt->end())};
}

std::optional<std::uint8_t> nsec3_flags(ByteView rdata) {
    if (rdata.size() < 5) return std::nullopt;
    return rdata[1];
}

}  // namespace dnspath::wire
