// The diagnose checks on hand-built answers: each JPRS item's finding from the evidence that
// selects it, and the path/zone split (UDP spoiled while TCP is whole is the path's doing).
// Real BIND zones with real faults are in tests/lab/diagnose_test.sh.
#include <gtest/gtest.h>

#include "probe/diagnose/checks.h"
#include "reports/report.h"

namespace dnspath::diagnose {
namespace {

using model::CauseCode;
using model::Status;
using wire::Message;
using wire::ResourceRecord;
namespace rr = wire::rr_type;

constexpr std::uint32_t kNow = 1'800'000'000;

wire::Name name(const char* text) { return wire::Name::parse(text).value(); }

// A key of the test zone that signs like a real signer: its own DNSKEY rdata, tag and RRSIGs.
struct TestKey {
    wire::EcdsaKey key = wire::EcdsaKey::generate().value();
    std::uint16_t flags = 257;
    wire::Bytes rdata() const { return wire::encode_dnskey({flags, 3, wire::kAlgorithmEcdsaP256, key.public_key()}); }
    std::uint16_t tag() const { return wire::key_tag(rdata()); }
    ResourceRecord dnskey(const wire::Name& zone) const { return {zone, rr::dnskey, wire::class_in, 3600, rdata()}; }
    ResourceRecord sign(const std::vector<ResourceRecord>& rrset, const wire::Name& signer, std::uint32_t inception = kNow - 3600,
                        std::uint32_t expiration = kNow + 30 * 86400) const {
        wire::Rrsig rrsig;
        rrsig.type_covered = rrset[0].type;
        rrsig.labels = static_cast<std::uint8_t>(rrset[0].name.labels().size());
        rrsig.original_ttl = rrset[0].ttl;
        rrsig.inception = inception;
        rrsig.expiration = expiration;
        rrsig.key_tag = tag();
        rrsig.signer = signer;
        rrsig.signature = key.sign(wire::signed_data(rrsig, rrset)).value();
        return {rrset[0].name, rr::rrsig, wire::class_in, rrset[0].ttl, wire::encode_rrsig(rrsig)};
    }
};

Reply reply(Message message) {
    message.header.qr = true;
    message.header.aa = true;
    return {std::move(message), "", 100, 1.0};
}
Lookup both(const Message& message) { return {reply(message), reply(message)}; }

// A correct signed zone with NSEC denial and a parent holding a matching DS.
struct Zone {
    wire::Name apex = name("sub.example.test");
    wire::Name parent = name("example.test");
    TestKey ksk, zsk, parent_key;
    ZoneEvidence evidence;

    Zone() {
        zsk.flags = 256;
        std::vector<ResourceRecord> keys{ksk.dnskey(apex), zsk.dnskey(apex)};
        Message dnskey;
        dnskey.answers = keys;
        dnskey.answers.push_back(ksk.sign(keys, apex));
        std::vector<ResourceRecord> soa{{apex, rr::soa, wire::class_in, 3600, wire::Bytes{0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}}};
        Message soa_answer;
        soa_answer.answers = soa;
        soa_answer.answers.push_back(zsk.sign(soa, apex));
        Message nx;
        nx.set_rcode(wire::rcode::nxdomain);
        std::vector<ResourceRecord> nsec{{apex, rr::nsec, wire::class_in, 300, wire::Bytes{0, 0, 6, 0x62, 0x01, 0x80, 0x08, 0x00, 0x03}}};
        nx.authorities = nsec;
        nx.authorities.push_back(zsk.sign(nsec, apex));
        Message nsec3param;  // NODATA: an NSEC zone has none
        Message apex_nsec;
        apex_nsec.answers = nsec;
        evidence.zone = apex;
        evidence.now = kNow;
        evidence.dnskey = both(dnskey);
        evidence.soa = both(soa_answer);
        evidence.nonexistent = both(nx);
        evidence.nsec3param = both(nsec3param);
        evidence.apex_nsec = both(apex_nsec);
        evidence.apex_ds = both(Message{});
        set_parent_ds({ds_for(ksk, 2)});
    }
    ResourceRecord ds_for(const TestKey& key, std::uint8_t digest_type, std::uint8_t algorithm = 13) const {
        wire::ByteWriter out;
        out.u16(key.tag());
        out.u8(algorithm);
        out.u8(digest_type);
        out.bytes(wire::ds_digest(apex, key.rdata(), digest_type).value());
        return {apex, rr::ds, wire::class_in, 3600, out.take()};
    }
    void set_parent_ds(std::vector<ResourceRecord> ds, std::uint32_t ns_ttl = 3600) {
        Message answer;
        answer.answers = ds;
        if (!ds.empty()) answer.answers.push_back(parent_key.sign(ds, parent));
        evidence.parent_ds = both(answer);
        Message referral;
        referral.header.aa = false;
        referral.authorities.push_back({apex, rr::ns, wire::class_in, ns_ttl, wire::Bytes{2, 'n', 's', 0}});
        for (const auto& record : answer.answers) referral.authorities.push_back(record);
        evidence.referral = both(referral);
    }
};

model::Verdict run_all(const ZoneEvidence& evidence) {
    for (auto* check : {check_zone_signed, check_signature_validity, check_signing_keys, check_signature_crypto,
                        check_ds_delegation, check_ds_ttl, check_referral_ds, check_ds_not_at_apex, check_denial}) {
        auto verdict = check(evidence);
        if (verdict.status == Status::fail || verdict.status == Status::warn) return verdict;
    }
    return diagnose_verdict(model::Checkpoint::reachability, Status::pass, CauseCode::ok, {});
}

std::string item(const model::Verdict& verdict) { return verdict.cause.params.value("item", ""); }
std::string fault(const model::Verdict& verdict) { return verdict.cause.params.value("fault", ""); }

TEST(DiagnoseChecks, ACorrectZonePassesEveryCheck) {
    Zone zone;
    for (auto* check : {check_zone_signed, check_signature_validity, check_signing_keys, check_signature_crypto,
                        check_ds_delegation, check_ds_ttl, check_referral_ds, check_ds_not_at_apex, check_denial}) {
        auto verdict = check(zone.evidence);
        EXPECT_EQ(verdict.status, Status::pass) << model::to_string(verdict.checkpoint) << " " << verdict.cause.params.dump();
    }
    EXPECT_EQ(check_signature_crypto(zone.evidence).cause.params.value("verified", 0), 6);  // 3 RRSIGs × UDP and TCP
}

TEST(DiagnoseChecks, SignatureWindowAndExpiryWarning) {
    Zone zone;
    zone.evidence.now = kNow + 31 * 86400;
    auto expired = run_all(zone.evidence);
    EXPECT_EQ(expired.cause.code, CauseCode::signature_expired);
    EXPECT_EQ(item(expired), "A-27");
    zone.evidence.now = kNow - 7200;
    auto early = run_all(zone.evidence);
    EXPECT_EQ(early.cause.code, CauseCode::signature_not_yet_valid);
    EXPECT_EQ(item(early), "A-28");
    zone.evidence.now = kNow + 25 * 86400;
    auto soon = check_signature_validity(zone.evidence);
    EXPECT_EQ(soon.status, Status::warn);
    EXPECT_EQ(soon.cause.code, CauseCode::signature_expiring);
    EXPECT_EQ(soon.cause.params.value("days", 0), 5);
}

TEST(DiagnoseChecks, RrsigsMissingOnUdpOnlyIsThePath) {
    Zone zone;
    auto stripped = *zone.evidence.soa.udp.message;
    std::erase_if(stripped.answers, [](const ResourceRecord& record) { return record.type == rr::rrsig; });
    zone.evidence.soa.udp = reply(stripped);
    auto verdict = check_zone_signed(zone.evidence);
    EXPECT_EQ(verdict.cause.code, CauseCode::rrsig_stripped);
    EXPECT_EQ(fault(verdict), "path");
    zone.evidence.soa.tcp = reply(stripped);  // the server itself sends none: the zone's fault
    verdict = check_zone_signed(zone.evidence);
    EXPECT_EQ(verdict.cause.code, CauseCode::rrsig_missing);
    EXPECT_EQ(fault(verdict), "zone");
    EXPECT_EQ(item(verdict), "A-95");
}

TEST(DiagnoseChecks, AlteredDataOnUdpIsThePathOnBothIsTheZone) {
    Zone zone;
    auto altered = *zone.evidence.soa.udp.message;
    altered.answers[0].rdata.back() ^= 1;
    zone.evidence.soa.udp = reply(altered);
    auto verdict = check_signature_crypto(zone.evidence);
    EXPECT_EQ(verdict.cause.code, CauseCode::signature_invalid);
    EXPECT_EQ(fault(verdict), "path");
    zone.evidence.soa.tcp = reply(altered);
    EXPECT_EQ(fault(check_signature_crypto(zone.evidence)), "zone");
}

TEST(DiagnoseChecks, KeysAtTheApex) {
    Zone zone;
    auto without_ksk = *zone.evidence.dnskey.tcp.message;
    std::erase_if(without_ksk.answers, [&](const ResourceRecord& record) { return record.rdata == zone.ksk.rdata(); });
    zone.evidence.dnskey = both(without_ksk);  // the ZSK's signatures stay valid; the KSK's RRSIG names a key not there
    auto verdict = run_all(zone.evidence);
    EXPECT_EQ(verdict.cause.code, CauseCode::signing_key_missing);
    EXPECT_EQ(item(verdict), "A-58");
    Zone zsk_only;
    Message keys;
    keys.answers = {zsk_only.zsk.dnskey(zsk_only.apex)};
    keys.answers.push_back(zsk_only.zsk.sign({zsk_only.zsk.dnskey(zsk_only.apex)}, zsk_only.apex));
    zsk_only.evidence.dnskey = both(keys);
    verdict = check_signing_keys(zsk_only.evidence);
    EXPECT_EQ(verdict.cause.code, CauseCode::sep_key_missing);
    EXPECT_EQ(item(verdict), "A-61");
}

TEST(DiagnoseChecks, DelegationItems) {
    Zone zone;
    zone.set_parent_ds({});
    EXPECT_EQ(item(check_ds_delegation(zone.evidence)), "A-76");
    TestKey stranger;
    zone.set_parent_ds({zone.ds_for(stranger, 2)});
    auto wrong = check_ds_delegation(zone.evidence);
    EXPECT_EQ(wrong.cause.code, CauseCode::ds_digest_mismatch);
    EXPECT_EQ(item(wrong), "A-79");
    auto other_algorithm = zone.ds_for(zone.ksk, 2, 8);
    zone.set_parent_ds({other_algorithm});
    EXPECT_EQ(item(check_ds_delegation(zone.evidence)), "A-68");
    auto bad_digest = zone.ds_for(zone.ksk, 4);
    bad_digest.rdata.back() ^= 1;
    zone.set_parent_ds({bad_digest});
    EXPECT_EQ(item(check_ds_delegation(zone.evidence)), "A-49");
    zone.set_parent_ds({zone.ds_for(zone.zsk, 1)});  // the ZSK does not sign the DNSKEY RRset
    auto unsigned_by = check_ds_delegation(zone.evidence);
    EXPECT_EQ(unsigned_by.cause.code, CauseCode::dnskey_not_signed_by_ds_key);
    EXPECT_EQ(item(unsigned_by), "A-80");
    zone.set_parent_ds({zone.ds_for(zone.ksk, 2)}, 86400);
    auto ttl = check_ds_ttl(zone.evidence);
    EXPECT_EQ(ttl.status, Status::warn);
    EXPECT_EQ(item(ttl), "A-81");
    auto referral = *zone.evidence.referral->tcp.message;
    std::erase_if(referral.authorities, [](const ResourceRecord& record) { return record.type == rr::rrsig; });
    zone.evidence.referral = both(referral);
    auto bare = check_referral_ds(zone.evidence);
    EXPECT_EQ(item(bare), "A-115");
    EXPECT_EQ(bare.cause.params.value("what", ""), "rrsig");
}

TEST(DiagnoseChecks, DsAtTheChildApexAndDenial) {
    Zone zone;
    Message apex_ds;
    apex_ds.answers = {zone.ds_for(zone.ksk, 2)};
    zone.evidence.apex_ds = both(apex_ds);
    EXPECT_EQ(item(check_ds_not_at_apex(zone.evidence)), "A-78");
    zone.evidence.parent_is_server = true;
    EXPECT_EQ(check_ds_not_at_apex(zone.evidence).status, Status::na);

    Message nx3;
    nx3.set_rcode(wire::rcode::nxdomain);
    std::vector<ResourceRecord> nsec3{{zone.apex.prepend("hash"), rr::nsec3, wire::class_in, 300, wire::Bytes{1, 1, 0, 0, 0, 20}}};
    nx3.authorities = nsec3;
    nx3.authorities.push_back(zone.zsk.sign(nsec3, zone.apex));
    zone.evidence.nonexistent = both(nx3);
    EXPECT_EQ(check_denial(zone.evidence).cause.code, CauseCode::nsec3param_missing);
    Message param;
    param.answers = {{zone.apex, rr::nsec3param, wire::class_in, 0, wire::Bytes{1, 0, 0, 0, 0}}};
    zone.evidence.nsec3param = both(param);
    EXPECT_EQ(check_denial(zone.evidence).status, Status::pass);
    zone.evidence.opt_out = false;  // the NSEC3 above has the opt-out bit
    auto opt_out = check_denial(zone.evidence);
    EXPECT_EQ(opt_out.cause.code, CauseCode::opt_out_mismatch);
    EXPECT_EQ(item(opt_out), "A-246");
    Message bare;
    bare.set_rcode(wire::rcode::nxdomain);
    zone.evidence.nonexistent = both(bare);
    EXPECT_EQ(check_denial(zone.evidence).cause.code, CauseCode::denial_missing);
}

TEST(DiagnoseChecks, PathAndResolver) {
    Reply lost{std::nullopt, "timeout", 0, 0};
    auto reach = check_server_reach(lost, reply(Message{}), "198.18.1.4");
    EXPECT_EQ(reach.cause.code, CauseCode::no_answer);
    EXPECT_EQ(reach.cause.params.value("what", ""), "udp");
    EXPECT_EQ(fault(reach), "path");
    Lookup big{lost, reply(Message{})};
    big.tcp.size = 1500;
    Message truncated;
    truncated.header.tc = true;
    auto capped = check_server_large_udp({&big}, reply(truncated));
    EXPECT_EQ(capped.cause.code, CauseCode::size_cap);
    EXPECT_EQ(item(capped), "A-87");
    EXPECT_EQ(fault(capped), "path");

    Message servfail;
    servfail.set_rcode(wire::rcode::servfail);
    servfail.edns = wire::Edns{};
    servfail.edns->options.push_back(wire::make_extended_error({7, ""}));
    auto expired = check_resolver(reply(servfail), {}, "198.18.1.5");
    ASSERT_EQ(expired.size(), 3u);
    EXPECT_EQ(item(expired[2]), "F-27");
    EXPECT_EQ(fault(expired[2]), "resolver");
    servfail.edns->options = {wire::make_extended_error({9, ""})};
    EXPECT_EQ(item(check_resolver(reply(servfail), {}, "x")[2]), "F-154");
    servfail.edns->options = {wire::make_extended_error({22, ""})};  // No Reachable Authority
    auto upstream = check_resolver(reply(servfail), {}, "x")[2];
    EXPECT_EQ(upstream.cause.code, CauseCode::no_answer);
    EXPECT_EQ(fault(upstream), "path");
    auto no_ad = check_resolver(reply(Message{}), {}, "x");
    EXPECT_EQ(no_ad[3].cause.code, CauseCode::ad_missing);
    EXPECT_EQ(item(no_ad[3]), "F-2");
    EXPECT_EQ(no_ad[1].status, Status::na);  // F-130 needs an echo name
    Message echoed;
    echoed.answers.push_back({name("x.test"), rr::txt, wire::class_in, 0, wire::make_txt_rdata({"src=198.18.1.5", "do=0"})});
    auto without_do = check_resolver(reply(Message{}), {}, "x", reply(echoed));
    ASSERT_EQ(without_do.size(), 4u);  // F-130 comes first in scenario 8; the chain stops there
    EXPECT_EQ(without_do[1].cause.code, CauseCode::do_cleared);
    EXPECT_EQ(item(without_do[1]), "F-130");
    echoed.answers[0].rdata = wire::make_txt_rdata({"src=198.18.1.5", "do=1"});
    EXPECT_EQ(check_resolver(reply(Message{}), {}, "x", reply(echoed))[1].status, Status::pass);
}

}  // namespace
}  // namespace dnspath::diagnose

namespace dnspath::diagnose {
namespace {

// The reports lead a diagnosis with its first finding: the item, path or zone, and the remedy,
// in English and Japanese, and no per-family path figures.
TEST(DiagnoseReports, LeadWithTheFirstFinding) {
    model::RunResult result;
    result.diagnosis = model::Diagnosis{"sub.example.test.", "198.18.1.4", "198.18.1.3", "", 4, {model::Checkpoint::server_reach, model::Checkpoint::ds_delegation},
                                        model::Checkpoint::ds_delegation};
    result.verdicts.push_back(diagnose_verdict(model::Checkpoint::server_reach, model::Status::pass, model::CauseCode::ok, {{"item", "scenario-1"}}));
    result.verdicts.push_back(diagnose_verdict(model::Checkpoint::ds_delegation, model::Status::fail, model::CauseCode::ds_digest_mismatch,
                                               {{"item", "A-79"}, {"fault", "zone"}, {"ds_tags", {6661}}, {"key_tags", {1, 2}}}));
    const auto text = reports::render_text(result, reports::TextOptions{false, 100, false});
    EXPECT_NE(text.find("first finding: JPRS A-79, a fault in the zone"), std::string::npos) << text;
    EXPECT_NE(text.find("fix: replace the DS at the parent"), std::string::npos) << text;
    EXPECT_EQ(text.find("largest UDP answer"), std::string::npos) << text;
    const auto markdown = reports::render_markdown(result, reports::Language::ja);
    EXPECT_NE(markdown.find("JPRS 確認項目 A-79"), std::string::npos) << markdown;
    EXPECT_EQ(markdown.find("# dnspath:"), std::string::npos) << markdown;
    const auto html = reports::render_html(result, reports::Language::en);
    EXPECT_NE(html.find("first finding: JPRS A-79"), std::string::npos);
    EXPECT_EQ(html.find("dnspath: this path"), std::string::npos);
    const auto json = nlohmann::json::parse(reports::to_json(result));
    EXPECT_EQ(json["findings"][0]["item"], "A-79");
    EXPECT_EQ(json["diagnosis"]["stopped_at"], "ds-delegation");
}

}  // namespace
}  // namespace dnspath::diagnose
