// The verifier and DS digests against BIND: zones signed by dnssec-signzone with algorithms 8, 10,
// 13, 14 and 15 (tests/wire/dnssec-algorithms.txt, made by make-dnssec-fixtures.sh). A verifier
// checked only against our own signer would share its mistakes; BIND's output does not.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <fstream>
#include <map>
#include <sstream>

#include "probe/wire/dnssec.h"

namespace dnspath::wire {
namespace {

Bytes base64(const std::string& text) {
    Bytes out(text.size());
    int length = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (length < 0) return {};
    std::size_t padding = text.size() - text.find_last_not_of('=') - 1;
    out.resize(static_cast<std::size_t>(length) - padding);
    return out;
}

Bytes hex(const std::string& text) {
    Bytes out;
    for (std::size_t i = 0; i + 1 < text.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
    return out;
}

std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> out;
    for (std::string word; in >> word;) out.push_back(word);
    return out;
}

std::uint32_t dnssec_time(const std::string& text) {  // YYYYMMDDHHmmSS, UTC
    std::tm tm{};
    tm.tm_year = std::stoi(text.substr(0, 4)) - 1900;
    tm.tm_mon = std::stoi(text.substr(4, 2)) - 1;
    tm.tm_mday = std::stoi(text.substr(6, 2));
    tm.tm_hour = std::stoi(text.substr(8, 2));
    tm.tm_min = std::stoi(text.substr(10, 2));
    tm.tm_sec = std::stoi(text.substr(12, 2));
    return static_cast<std::uint32_t>(timegm(&tm));
}

struct Zone {
    std::vector<ResourceRecord> dnskeys, txts;
    std::vector<Rrsig> rrsigs;
    std::vector<Ds> ds;
    Name apex;
};

// "owner ttl IN TYPE rdata…" lines, presentation format, one record a line (-O full).
std::map<std::string, Zone> load_fixture() {
    std::ifstream in(std::string(DNSPATH_SOURCE_DIR) + "/tests/wire/dnssec-algorithms.txt");
    std::map<std::string, Zone> zones;
    for (std::string line; std::getline(in, line);) {
        auto w = words(line);
        if (w.empty() || w[0][0] == ';') continue;
        bool has_ttl = w[1] != "IN";
        std::size_t t = has_ttl ? 3 : 2;
        auto owner = Name::parse(w[0]).value();
        std::string apex = w[0].substr(w[0].find('a'));  // "www.a8.test." -> "a8.test."
        Zone& zone = zones[apex];
        zone.apex = Name::parse(apex).value();
        if (w[t] == "DNSKEY") {
            Dnskey key{static_cast<std::uint16_t>(std::stoi(w[t + 1])), static_cast<std::uint8_t>(std::stoi(w[t + 2])),
                       static_cast<std::uint8_t>(std::stoi(w[t + 3])), {}};
            std::string b64;
            for (std::size_t i = t + 4; i < w.size(); ++i) b64 += w[i];
            key.public_key = base64(b64);
            zone.dnskeys.push_back({owner, rr_type::dnskey, class_in, 300, encode_dnskey(key)});
        } else if (w[t] == "TXT") {
            zone.txts.push_back({owner, rr_type::txt, class_in, 300, make_txt_rdata({"hello"})});
        } else if (w[t] == "RRSIG") {
            Rrsig rrsig;
            rrsig.type_covered = w[t + 1] == "DNSKEY" ? rr_type::dnskey : rr_type::txt;
            rrsig.algorithm = static_cast<std::uint8_t>(std::stoi(w[t + 2]));
            rrsig.labels = static_cast<std::uint8_t>(std::stoi(w[t + 3]));
            rrsig.original_ttl = static_cast<std::uint32_t>(std::stoul(w[t + 4]));
            rrsig.expiration = dnssec_time(w[t + 5]);
            rrsig.inception = dnssec_time(w[t + 6]);
            rrsig.key_tag = static_cast<std::uint16_t>(std::stoi(w[t + 7]));
            rrsig.signer = Name::parse(w[t + 8]).value();
            std::string b64;
            for (std::size_t i = t + 9; i < w.size(); ++i) b64 += w[i];
            rrsig.signature = base64(b64);
            zone.rrsigs.push_back(rrsig);
        } else if (w[t] == "DS") {
            zone.ds.push_back({static_cast<std::uint16_t>(std::stoi(w[t + 1])), static_cast<std::uint8_t>(std::stoi(w[t + 2])),
                               static_cast<std::uint8_t>(std::stoi(w[t + 3])), hex(w[t + 4])});
        }
    }
    return zones;
}

TEST(DnssecAlgorithms, BindSignaturesVerifyForEveryAlgorithm) {
    auto zones = load_fixture();
    ASSERT_EQ(zones.size(), 5u);
    for (const auto& [name, zone] : zones) {
        SCOPED_TRACE(name);
        ASSERT_EQ(zone.dnskeys.size(), 1u);
        ASSERT_EQ(zone.rrsigs.size(), 2u);
        auto key = parse_dnskey(zone.dnskeys[0].rdata).value();
        EXPECT_TRUE(algorithm_supported(key.algorithm));
        EXPECT_EQ(key_tag(zone.dnskeys[0].rdata), zone.rrsigs[0].key_tag);
        for (const auto& rrsig : zone.rrsigs) {
            const auto& rrset = rrsig.type_covered == rr_type::dnskey ? zone.dnskeys : zone.txts;
            auto verified = verify_rrsig(rrsig, rrset, key);
            EXPECT_TRUE(verified) << verified.error().message;
            // One octet changed in the signed data, then in the signature: both must fail.
            auto changed = rrset;
            changed[0].rdata.back() ^= 1;
            EXPECT_FALSE(verify_rrsig(rrsig, changed, key));
            auto forged = rrsig;
            forged.signature[forged.signature.size() / 2] ^= 0x40;
            EXPECT_FALSE(verify_rrsig(forged, rrset, key));
        }
    }
}

TEST(DnssecAlgorithms, DsDigestsMatchBindForTypes124) {
    auto zones = load_fixture();
    for (const auto& [name, zone] : zones) {
        SCOPED_TRACE(name);
        ASSERT_EQ(zone.ds.size(), 3u);
        for (const auto& ds : zone.ds) {
            EXPECT_EQ(ds.key_tag, key_tag(zone.dnskeys[0].rdata));
            auto digest = ds_digest(zone.apex, zone.dnskeys[0].rdata, ds.digest_type);
            ASSERT_TRUE(digest) << int(ds.digest_type);
            EXPECT_EQ(*digest, ds.digest) << int(ds.digest_type);
            auto round = parse_ds(ByteView(std::vector<std::uint8_t>{0xab, 0xcd, ds.algorithm, ds.digest_type, 1}));
            ASSERT_TRUE(round);
            EXPECT_EQ(round->key_tag, 0xabcd);
        }
    }
    EXPECT_FALSE(ds_digest(Name::parse("x.test").value(), Bytes{1, 2, 3}, 3));  // GOST: not ours
}

TEST(DnssecAlgorithms, Nsec3RdataParsesAndRejectsShortInput) {
    Bytes param{1, 0, 0, 10, 2, 0xaa, 0xbb};
    auto parsed = parse_nsec3param(param);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->iterations, 10);
    EXPECT_EQ(parsed->salt, (Bytes{0xaa, 0xbb}));
    EXPECT_FALSE(parse_nsec3param(Bytes{1, 0, 0, 10, 5, 0xaa}));
    EXPECT_FALSE(parse_nsec3param(Bytes{1, 0, 7}));  // iterations cut short, yet a salt length readable
    // An RRSIG cut inside its TTL with three octets left: the key tag would still read.
    EXPECT_FALSE(parse_rrsig(Bytes{0, 1, 13, 2, 0, 0, 1}));
    EXPECT_EQ(nsec3_flags(Bytes{1, 1, 0, 0, 0}), std::optional<std::uint8_t>(1));
    EXPECT_FALSE(nsec3_flags(Bytes{1, 1}));
    EXPECT_FALSE(verify_signature(kAlgorithmRsaSha256, Bytes{0}, Bytes{1}, Bytes{2}));
    EXPECT_FALSE(verify_signature(kAlgorithmEd25519, Bytes(31), Bytes{1}, Bytes(64)));
    EXPECT_FALSE(verify_signature(7, Bytes(64), Bytes{1}, Bytes(64)));
}

}  // namespace
}  // namespace dnspath::wire
