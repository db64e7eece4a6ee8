#include "probe/responder/signer.h"

#include <cstdlib>
#include <filesystem>

namespace dnspath::responder {

using namespace dnspath::wire;

namespace {
constexpr std::uint32_t kClockSkew = 3600;
constexpr std::uint32_t kValidity = 7 * 24 * 3600;
}  // namespace

ZoneSigner::ZoneSigner(EcdsaKey key, Name zone) : key_(std::move(key)), zone_(std::move(zone)) {
    dnskey_rdata_ = encode_dnskey(Dnskey{257, 3, kAlgorithmEcdsaP256, key_.public_key()});
    key_tag_ = wire::key_tag(dnskey_rdata_);
}

Result<ZoneSigner> ZoneSigner::open(const std::string& path, const Name& zone) {
    if (path.empty()) {
        DNSPATH_TRY(EcdsaKey key, EcdsaKey::generate());
        return ZoneSigner(std::move(key), zone);
    }
    if (!std::filesystem::exists(path)) {
        DNSPATH_TRY(EcdsaKey key, EcdsaKey::generate());
        DNSPATH_TRY_VOID(key.save_pem(path));
        return ZoneSigner(std::move(key), zone);
    }
    DNSPATH_TRY(EcdsaKey key, EcdsaKey::load_pem(path));
    return ZoneSigner(std::move(key), zone);
}

void ZoneSigner::add_standby_keys(int count) {
    for (int i = 0; i < count; ++i) {
        // Exponent 65537 and a 4096-bit "modulus" that is random: a placeholder of the right size,
        // which validators ignore because no RRSIG names its key tag.
        Bytes key{3, 0x01, 0x00, 0x01};
        Bytes modulus(512);
        for (auto& byte : modulus) byte = static_cast<std::uint8_t>(std::rand());
        modulus[0] |= 0x80;
        key.insert(key.end(), modulus.begin(), modulus.end());
        standby_rdata_.push_back(encode_dnskey(Dnskey{256, 3, 8, key}));
    }
}

std::vector<Bytes> ZoneSigner::dnskey_rrset_rdata() const {
    std::vector<Bytes> all{dnskey_rdata_};
    all.insert(all.end(), standby_rdata_.begin(), standby_rdata_.end());
    return all;
}

std::string ZoneSigner::ds_text() const {
    Bytes ds = ds_rdata(zone_, dnskey_rdata_);
    std::string digest = hex(ByteView(ds).subspan(4));
    for (auto& c : digest) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return zone_.to_string() + " IN DS " + std::to_string(key_tag_) + " 13 2 " + digest;
}

std::size_t ZoneSigner::rrsig_rdata_size() const { return 18 + zone_.wire_length() + 64; }

Result<ResourceRecord> ZoneSigner::sign(const std::vector<ResourceRecord>& rrset, std::uint32_t now) const {
    if (rrset.empty()) return fail("nothing to sign");
    Rrsig rrsig;
    rrsig.type_covered = rrset.front().type;
    rrsig.labels = static_cast<std::uint8_t>(rrset.front().name.labels().size());
    rrsig.original_ttl = rrset.front().ttl;
    rrsig.inception = now - kClockSkew;
    rrsig.expiration = now + kValidity;
    rrsig.key_tag = key_tag_;
    rrsig.signer = zone_;
    DNSPATH_TRY(rrsig.signature, key_.sign(signed_data(rrsig, rrset)));
    return ResourceRecord{rrset.front().name, rr_type::rrsig, class_in, rrset.front().ttl, encode_rrsig(rrsig)};
}

}  // namespace dnspath::responder
