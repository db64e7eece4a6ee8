// Signing with our own key and verifying, and the zone signer's DS (checked against BIND's delv in
// the lab test; here the pieces).
#include <gtest/gtest.h>

#include "probe/responder/answer.h"
#include "probe/responder/signer.h"
#include "probe/wire/dnssec.h"

namespace dnspath::wire {
namespace {

TEST(Dnssec, SignThenVerifyAndDetectTampering) {
    auto zone = Name::parse("probe.dnspath.test").value();
    auto signer = responder::ZoneSigner::open("", zone);
    ASSERT_TRUE(signer) << signer.error().message;
    auto owner = Name::parse("p1.probe.dnspath.test").value();
    std::vector<ResourceRecord> rrset{{owner, rr_type::txt, class_in, 0, make_txt_rdata({"b"})},
                                      {owner, rr_type::txt, class_in, 0, make_txt_rdata({"a"})}};
    auto rrsig_record = signer->sign(rrset, 1'800'000'000);
    ASSERT_TRUE(rrsig_record);
    EXPECT_EQ(rrsig_record->rdata.size(), signer->rrsig_rdata_size());
    auto rrsig = parse_rrsig(rrsig_record->rdata);
    ASSERT_TRUE(rrsig);
    EXPECT_EQ(rrsig->labels, 4);
    EXPECT_EQ(rrsig->key_tag, signer->key_tag());
    EXPECT_EQ(rrsig->inception, 1'800'000'000u - 3600);
    auto key = parse_dnskey(signer->dnskey_rdata());
    ASSERT_TRUE(key);
    EXPECT_EQ(key->public_key.size(), 64u);
    EXPECT_EQ(key->flags, 257);
    EXPECT_TRUE(verify_rrsig(*rrsig, rrset, *key));
    // Order of the RRset does not matter (canonical order), but content does.
    std::vector<ResourceRecord> reordered{rrset[1], rrset[0]};
    EXPECT_TRUE(verify_rrsig(*rrsig, reordered, *key));
    auto changed = rrset;
    changed[0].rdata = make_txt_rdata({"c"});
    EXPECT_FALSE(verify_rrsig(*rrsig, changed, *key));
    rrset.pop_back();  // a record removed from the RRset
    EXPECT_FALSE(verify_rrsig(*rrsig, rrset, *key));
    // Names compare case-insensitively in DNSSEC: 0x20-randomized owners still verify.
    std::vector<ResourceRecord> upper{reordered[0], reordered[1]};
    for (auto& record : upper) record.name = Name::parse("P1.Probe.DNSPATH.test").value();
    EXPECT_TRUE(verify_rrsig(*rrsig, upper, *key));
}

TEST(Dnssec, DsMatchesTheKey) {
    auto zone = Name::parse("probe.dnspath.test").value();
    auto signer = responder::ZoneSigner::open("", zone);
    ASSERT_TRUE(signer);
    auto ds = ds_rdata(zone, signer->dnskey_rdata());
    ASSERT_EQ(ds.size(), 4u + 32u);
    EXPECT_EQ(load_u16(ds.data()), signer->key_tag());
    EXPECT_EQ(ds[2], 13);
    EXPECT_EQ(ds[3], 2);
    EXPECT_NE(signer->ds_text().find(" IN DS " + std::to_string(signer->key_tag()) + " 13 2 "), std::string::npos);
}

TEST(Dnssec, KeyFileRoundTrip) {
    auto zone = Name::parse("probe.dnspath.test").value();
    std::string path = ::testing::TempDir() + "/dnspath-zone-key.pem";
    std::remove(path.c_str());
    auto created = responder::ZoneSigner::open(path, zone);
    ASSERT_TRUE(created);
    auto loaded = responder::ZoneSigner::open(path, zone);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(created->dnskey_rdata(), loaded->dnskey_rdata());
    std::remove(path.c_str());
    EXPECT_FALSE(EcdsaKey::load_pem("/nonexistent.pem"));
}

TEST(Dnssec, MalformedRdataIsRejected) {
    EXPECT_FALSE(parse_rrsig(Bytes{0, 1, 13}));
    EXPECT_FALSE(parse_dnskey(Bytes{1, 1}));
    EXPECT_FALSE(verify_ecdsa_p256(Bytes(10, 1), Bytes{1}, Bytes(64, 0)));
    EXPECT_FALSE(verify_ecdsa_p256(Bytes(64, 1), Bytes{1}, Bytes(63, 0)));
}

}  // namespace
}  // namespace dnspath::wire

namespace dnspath::wire {
namespace {

// A DS query below the apex (a validator looking for zone cuts) gets a signed NODATA whose NSEC,
// at the name itself, leaves DS out of its bitmap and verifies with the zone's key.
TEST(Dnssec, DsBelowTheApexIsDeniedWithAVerifiableNsec) {
    auto zone = Name::parse("probe.dnspath.test").value();
    auto signer = responder::ZoneSigner::open("", zone);
    ASSERT_TRUE(signer);
    responder::AnswerConfig config{zone, Bytes(32, 7), &*signer, 1'800'000'000};
    for (const char* asked : {"t0123.probe.dnspath.test", "x1.do.t0123.probe.dnspath.test"}) {
        Edns edns;
        edns.dnssec_ok = true;
        const auto name = Name::parse(asked).value();
        auto query = encode(make_query(7, name, rr_type::ds, edns)).value();
        auto answer = responder::answer_query(query, {"198.18.0.1", 4000, true}, config);
        ASSERT_TRUE(answer);
        auto reply = decode(answer->bytes);
        ASSERT_TRUE(reply);
        EXPECT_EQ(reply->full_rcode(), 0) << asked;
        EXPECT_TRUE(reply->answers.empty());
        std::vector<ResourceRecord> nsec;
        std::optional<Rrsig> covering;
        for (const auto& record : reply->authorities) {
            if (record.type == rr_type::nsec) nsec.push_back(record);
            if (auto rrsig = record.type == rr_type::rrsig ? parse_rrsig(record.rdata) : std::nullopt;
                rrsig && rrsig->type_covered == rr_type::nsec)
                covering = rrsig;
        }
        ASSERT_EQ(nsec.size(), 1u) << asked;
        EXPECT_TRUE(nsec[0].name.equals(name));
        // Window 0, six octets: RRSIG (46) and NSEC (47) set, DS (43) clear.
        const auto& rdata = nsec[0].rdata;
        ASSERT_GE(rdata.size(), 8u);
        const std::uint8_t* bitmap = rdata.data() + rdata.size() - 6;
        EXPECT_EQ(bitmap[43 / 8] & (0x80 >> (43 % 8)), 0);
        EXPECT_NE(bitmap[46 / 8] & (0x80 >> (46 % 8)), 0);
        EXPECT_NE(bitmap[47 / 8] & (0x80 >> (47 % 8)), 0);
        ASSERT_TRUE(covering);
        EXPECT_TRUE(verify_rrsig(*covering, nsec, *parse_dnskey(signer->dnskey_rdata())));
    }
}

}  // namespace
}  // namespace dnspath::wire
