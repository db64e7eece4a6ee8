// Signing with our own key and verifying, and the zone signer's DS (checked against BIND's delv in
// the lab test; here the pieces).
#include <gtest/gtest.h>

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
