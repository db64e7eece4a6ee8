// Decoding real answers recorded from BIND 9, Knot and Unbound (tests/pcaps/README.md says how),
// through the capture component's file reader and dissector.
#include <gtest/gtest.h>

#include <filesystem>

#include "capture/capture.h"
#include "probe/wire/dnssec.h"
#include "probe/wire/wire.h"

namespace dnspath::capture {
namespace {

using namespace dnspath::wire;

struct Captured {
    std::uint64_t frame = 0;
    Bytes bytes;
    Message message;
};

// Every DNS message in a fixture: UDP payloads, and TCP segments that hold one whole framed message
// (true on loopback, where no segment is split).
std::vector<Captured> read_fixture(const std::string& name) {
    auto path = (std::filesystem::path(DNSPATH_SOURCE_DIR) / "tests" / "pcaps" / name).string();
    auto file = PcapFile::open(path);
    EXPECT_TRUE(file) << (file ? "" : file.error().message);
    std::vector<Captured> messages;
    if (!file) return messages;
    const int link = file->link_type();
    auto count = file->for_each([&](const Frame& frame) {
        Packet packet = dissect(frame.data, link);
        EXPECT_TRUE(packet.anomaly.empty()) << "frame " << frame.number << ": " << packet.anomaly;
        ByteView payload = packet.payload;
        if (packet.transport == Transport::tcp) {
            if (payload.size() < 2 || load_u16(payload.data()) != payload.size() - 2) return;
            payload = payload.subspan(2);
        } else if (packet.transport != Transport::udp) {
            return;
        }
        auto message = decode(payload);
        EXPECT_TRUE(message) << name << " frame " << frame.number << ": " << message.error().describe();
        if (message) messages.push_back({frame.number, Bytes(payload.begin(), payload.end()), std::move(message).value()});
    });
    EXPECT_TRUE(count);
    return messages;
}

const Message* answer_to(const std::vector<Captured>& messages, const std::string& qname, std::uint16_t qtype,
                         bool want_tc = false) {
    for (const auto& captured : messages) {
        const auto& m = captured.message;
        if (m.header.qr && m.questions.size() == 1 && m.questions[0].name.to_string() == qname &&
            m.questions[0].type == qtype && m.header.tc == want_tc)
            return &m;
    }
    return nullptr;
}

bool has_type(const std::vector<ResourceRecord>& section, std::uint16_t type) {
    return std::any_of(section.begin(), section.end(), [type](const ResourceRecord& r) { return r.type == type; });
}

TEST(PcapFixtures, BindSignedZone) {
    auto messages = read_fixture("bind.pcap");
    ASSERT_GE(messages.size(), 18u);
    const Message* dnskey = answer_to(messages, "example.test.", rr_type::dnskey);
    ASSERT_NE(dnskey, nullptr);
    EXPECT_TRUE(dnskey->header.aa);
    EXPECT_TRUE(has_type(dnskey->answers, rr_type::dnskey));
    EXPECT_TRUE(has_type(dnskey->answers, rr_type::rrsig));  // JPRS A-95: RRSIG with DO=1
    ASSERT_TRUE(dnskey->edns);
    EXPECT_TRUE(dnskey->edns->dnssec_ok);

    // 3000-octet TXT to a 1232-octet buffer: BIND truncates.
    const Message* truncated = answer_to(messages, "t3000.example.test.", rr_type::txt, true);
    ASSERT_NE(truncated, nullptr);
    EXPECT_TRUE(truncated->answers.empty());

    // EDNS version 1 gets BADVERS, with BIND's own version 0.
    const Message* badvers = answer_to(messages, "www.example.test.", rr_type::a);
    ASSERT_NE(badvers, nullptr);
    EXPECT_EQ(badvers->full_rcode(), rcode::badvers);

    // NXDOMAIN with the NSEC proof and the SOA.
    const Message* missing = answer_to(messages, "nothere.example.test.", rr_type::a);
    ASSERT_NE(missing, nullptr);
    EXPECT_EQ(missing->full_rcode(), rcode::nxdomain);
    EXPECT_TRUE(has_type(missing->authorities, rr_type::soa));
    EXPECT_TRUE(has_type(missing->authorities, rr_type::nsec));

    // The CNAME answer: BIND answered the cookie with a server cookie.
    const Message* alias = answer_to(messages, "alias.example.test.", rr_type::a);
    ASSERT_NE(alias, nullptr);
    EXPECT_TRUE(has_type(alias->answers, rr_type::cname));
    ASSERT_TRUE(alias->edns);
    const auto* cookie_option = alias->edns->find(option_code::cookie);
    ASSERT_NE(cookie_option, nullptr);
    auto cookie = parse_cookie(*cookie_option);
    ASSERT_TRUE(cookie);
    EXPECT_GE(cookie->server.size(), 8u);
}

TEST(PcapFixtures, KnotSignsAndSendsNsid) {
    auto messages = read_fixture("knot.pcap");
    ASSERT_GE(messages.size(), 18u);
    const Message* dnskey = answer_to(messages, "example.test.", rr_type::dnskey);
    ASSERT_NE(dnskey, nullptr);
    EXPECT_TRUE(has_type(dnskey->answers, rr_type::rrsig));
    const Message* alias = answer_to(messages, "alias.example.test.", rr_type::a);
    ASSERT_NE(alias, nullptr);
    ASSERT_TRUE(alias->edns);
    const auto* nsid = alias->edns->find(option_code::nsid);
    ASSERT_NE(nsid, nullptr);
    EXPECT_EQ(std::string(nsid->data.begin(), nsid->data.end()), "dnspath-fixture-knot");
    const Message* mx = answer_to(messages, "mail.example.test.", rr_type::mx);
    ASSERT_NE(mx, nullptr);
    ASSERT_EQ(mx->answers.size(), 1u);
    // The MX target was compressed on the wire and is stored expanded: preference + "www.example.test."
    EXPECT_EQ(mx->answers[0].rdata.size(), 2u + Name::parse("www.example.test").value().wire_length());
}

TEST(PcapFixtures, UnboundValidatesAndQueriesWithDo) {
    auto messages = read_fixture("unbound.pcap");
    ASSERT_GE(messages.size(), 10u);
    // Unbound's own queries to BIND carry DO=1 (JPRS F-130).
    bool resolver_sets_do = false;
    bool validated = false;
    for (const auto& captured : messages) {
        const auto& m = captured.message;
        if (!m.header.qr && !m.header.rd && m.edns && m.edns->dnssec_ok) resolver_sets_do = true;
        if (m.header.qr && m.header.ra && m.header.ad) validated = true;
    }
    EXPECT_TRUE(resolver_sets_do);
    EXPECT_TRUE(validated);  // AD=1 from the validating resolver
}

TEST(PcapFixtures, EveryTruncationOfEveryRealMessageIsAnError) {
    std::size_t checked = 0;
    for (const char* name : {"bind.pcap", "knot.pcap", "unbound.pcap"}) {
        for (const auto& captured : read_fixture(name)) {
            for (std::size_t length = 0; length < captured.bytes.size(); ++length) {
                auto result = decode(ByteView(captured.bytes.data(), length));
                EXPECT_FALSE(result) << name << " frame " << captured.frame << " prefix " << length;
                ++checked;
            }
        }
    }
    EXPECT_GT(checked, 10000u);
}

TEST(PcapFixtures, ReencodingKeepsEveryRecord) {
    for (const char* name : {"bind.pcap", "knot.pcap"}) {
        for (const auto& captured : read_fixture(name)) {
            auto bytes = encode(captured.message);
            ASSERT_TRUE(bytes);
            auto again = decode(*bytes);
            ASSERT_TRUE(again);
            EXPECT_EQ(again->answers.size(), captured.message.answers.size());
            EXPECT_EQ(again->edns, captured.message.edns);
            // Servers compress as we do, so a re-encoded answer is never longer than the original.
            EXPECT_LE(bytes->size(), captured.bytes.size()) << name << " frame " << captured.frame;
        }
    }
}

TEST(Dissect, MalformedFramesAreNamedNotFatal) {
    EXPECT_EQ(dissect(Bytes{}, link_type::ethernet).anomaly, "truncated-ethernet-header");
    Bytes ipv4_short = {0x45, 0, 0, 20};
    EXPECT_EQ(dissect(ipv4_short, link_type::raw).anomaly, "truncated-ipv4-header");
    Bytes bad_ihl(20, 0);
    bad_ihl[0] = 0x4f;  // header length 60 in a 20-octet packet
    EXPECT_EQ(dissect(bad_ihl, link_type::raw).anomaly, "bad-ipv4-header-length");
    Bytes v6(40, 0);
    v6[0] = 0x60;
    v6[6] = 0;  // hop-by-hop header that is not there
    v6[5] = 8;
    EXPECT_EQ(dissect(v6, link_type::raw).anomaly, "bad-ipv6-extension-headers");
    EXPECT_EQ(dissect(Bytes{0x10}, link_type::raw).anomaly, "not-ip");
    EXPECT_EQ(dissect(Bytes{1, 2, 3}, 9999).anomaly, "unsupported-link-type");
}

TEST(Dissect, Ipv4FragmentFacts) {
    Bytes fragment(28, 0);
    fragment[0] = 0x45;
    fragment[3] = 28;
    fragment[4] = 0x12;
    fragment[5] = 0x34;
    fragment[6] = 0x20 | 0x00;  // MF
    fragment[7] = 0xb9;         // offset 185 * 8 = 1480
    fragment[9] = 17;
    Packet packet = dissect(fragment, link_type::raw);
    EXPECT_TRUE(packet.anomaly.empty());
    EXPECT_TRUE(packet.is_fragment);
    EXPECT_TRUE(packet.more_fragments);
    EXPECT_EQ(packet.fragment_offset, 1480u);
    EXPECT_EQ(packet.fragment_id, 0x1234u);
    EXPECT_EQ(packet.source_port, 0);  // a non-first fragment has no UDP header
    EXPECT_EQ(packet.payload.size(), 8u);
}

TEST(PcapFile, MissingFileIsAnError) {
    auto file = PcapFile::open("/nonexistent.pcap");
    ASSERT_FALSE(file);
    EXPECT_NE(file.error().message.find("/nonexistent.pcap"), std::string::npos);
}

}  // namespace
}  // namespace dnspath::capture

// Our algorithm-13 verifier against signatures made by BIND's dnssec-signzone and by Knot: an
// independent check of canonical form, signed data, key tags and the r||s signature format.
namespace dnspath::capture {
namespace {

void expect_real_signatures_verify(const char* fixture) {
    auto messages = read_fixture(fixture);
    std::size_t verified = 0;
    for (const auto& captured : messages) {
        const auto& m = captured.message;
        if (!m.header.qr) continue;
        std::vector<Dnskey> keys;
        for (const auto& record : m.answers)
            if (record.type == rr_type::dnskey)
                if (auto key = parse_dnskey(record.rdata)) keys.push_back(*key);
        if (keys.empty()) continue;
        for (const auto& record : m.answers) {
            if (record.type != rr_type::rrsig) continue;
            auto rrsig = parse_rrsig(record.rdata);
            ASSERT_TRUE(rrsig);
            std::vector<ResourceRecord> rrset;
            for (const auto& other : m.answers)
                if (other.type == rrsig->type_covered) rrset.push_back(other);
            bool any = false;
            for (const auto& key : keys) {
                if (key_tag(encode_dnskey(key)) != rrsig->key_tag) continue;
                auto result = verify_rrsig(*rrsig, rrset, key);
                EXPECT_TRUE(result) << fixture << " frame " << captured.frame << ": " << result.error().message;
                any = any || result.ok();
            }
            EXPECT_TRUE(any) << fixture << ": no DNSKEY with key tag " << rrsig->key_tag;
            if (any) ++verified;
            // A changed record must no longer verify.
            auto tampered = rrset;
            tampered.front().ttl += 1;
            tampered.front().rdata.back() ^= 1;
            for (const auto& key : keys) {
                if (key_tag(encode_dnskey(key)) == rrsig->key_tag) {
                    EXPECT_FALSE(verify_rrsig(*rrsig, tampered, key));
                }
            }
        }
    }
    EXPECT_GE(verified, 1u) << fixture;
}

TEST(PcapFixtures, BindSignaturesVerify) { expect_real_signatures_verify("bind.pcap"); }
TEST(PcapFixtures, KnotSignaturesVerify) { expect_real_signatures_verify("knot.pcap"); }

}  // namespace
}  // namespace dnspath::capture
