// The responder's answer logic on hand-built queries: exact sizes, TC=1, echo, token rule, errors.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <set>
#include <thread>

#include "probe/responder/answer.h"
#include "probe/responder/answer_trace.h"
#include "probe/responder/open_check.h"
#include "probe/wire/wire.h"

namespace dnspath::responder {
namespace {

using namespace dnspath::wire;

const Name kZone = Name::parse("probe.dnspath.test").value();
const Bytes kKey(32, 7);

AnswerConfig config() {
    AnswerConfig answers{kZone, kKey};
    answers.tsig = tsig_key_from(kKey);
    return answers;
}

Bytes query_for(const ProbeName& probe, std::optional<Edns> edns, const Bytes& key = kKey) {
    return encode(make_query(0x4242, make_probe_name(probe, kZone, key), rr_type::txt, edns)).value();
}

Message ask(const Bytes& query, bool tcp = false) {
    auto answer = answer_query(query, {"198.18.0.1", 40000, tcp}, config());
    EXPECT_TRUE(answer);
    if (!answer) return {};
    auto decoded = decode(answer->bytes);
    EXPECT_TRUE(decoded) << decoded.error().describe();
    if (!decoded) return {};
    decoded->anomalies.trailing_bytes = answer->bytes.size();  // smuggle the size to the caller
    return std::move(decoded).value();
}

Edns buffer(std::uint16_t size) {
    Edns edns;
    edns.udp_size = size;
    return edns;
}

TEST(Answer, ExactSizeWithinTheBuffer) {
    for (std::uint32_t size : {512u, 1232u, 1472u, 4096u}) {
        auto reply = ask(query_for({"p1", size}, buffer(4096)));
        EXPECT_EQ(reply.anomalies.trailing_bytes, size);
        EXPECT_FALSE(reply.header.tc);
        EXPECT_TRUE(reply.header.aa);
        EXPECT_EQ(reply.header.id, 0x4242);
    }
}

TEST(Answer, OverTheBufferIsTcWithoutRecords) {
    auto reply = ask(query_for({"p1", 3000}, buffer(1232)));
    EXPECT_TRUE(reply.header.tc);
    EXPECT_TRUE(reply.answers.empty());
    EXPECT_LE(reply.anomalies.trailing_bytes, 1232u);
    // Without EDNS the limit is 512.
    auto plain = ask(query_for({"p1", 513}, std::nullopt));
    EXPECT_TRUE(plain.header.tc);
    auto fits = ask(query_for({"p1", 512}, std::nullopt));
    EXPECT_FALSE(fits.header.tc);
    EXPECT_EQ(fits.anomalies.trailing_bytes, 512u);
}

TEST(Answer, TcpAlwaysGetsTheWholeAnswer) {
    auto reply = ask(query_for({"p1", 20000}, buffer(1232)), true);
    EXPECT_FALSE(reply.header.tc);
    EXPECT_EQ(reply.anomalies.trailing_bytes, 20000u);
}

TEST(Answer, LargeAnswerWithoutTokenIsRefusedAndNoLarger) {
    Bytes query = query_for({"p1", 4000}, buffer(4096), Bytes{});
    auto answer = answer_query(query, {"198.18.0.1", 1, false}, config());
    ASSERT_TRUE(answer);
    EXPECT_LE(answer->bytes.size(), query.size());
    auto reply = decode(answer->bytes).value();
    EXPECT_EQ(reply.full_rcode(), rcode::refused);
    // A token made with another key is no token.
    Bytes forged = query_for({"p1", 4000}, buffer(4096), Bytes(32, 8));
    EXPECT_EQ(decode(answer_query(forged, {"198.18.0.1", 1, false}, config())->bytes).value().full_rcode(), rcode::refused);
}

TEST(Answer, RefusedCarriesEdeProhibitedWhenItFits) {
    Edns edns = buffer(4096);
    edns.options.push_back(make_padding(16));  // room for the EDE within the query's size
    Bytes query = query_for({"p1", 4000}, edns, Bytes{});
    auto answer = answer_query(query, {"198.18.0.1", 1, false}, config());
    ASSERT_TRUE(answer);
    EXPECT_LE(answer->bytes.size(), query.size());
    auto reply = decode(answer->bytes).value();
    ASSERT_TRUE(reply.edns);
    auto ede = parse_extended_error(reply.edns->options.at(0));
    ASSERT_TRUE(ede);
    EXPECT_EQ(ede->info_code, 18);
}

TEST(Answer, EchoReportsWhatTheResponderSaw) {
    Edns edns = buffer(1400);
    edns.dnssec_ok = true;
    edns.options.push_back({65001, {0xab}});
    auto reply = ask(query_for({"p1", std::nullopt, false, true}, edns));
    ASSERT_FALSE(reply.answers.empty());
    auto strings = parse_txt_rdata(reply.answers[0].rdata).value();
    auto has = [&](const std::string& text) {
        return std::find(strings.begin(), strings.end(), text) != strings.end();
    };
    EXPECT_TRUE(has("src=198.18.0.1"));
    EXPECT_TRUE(has("sport=40000"));
    EXPECT_TRUE(has("bufsize=1400"));
    EXPECT_TRUE(has("do=1"));
    EXPECT_TRUE(has("opt=65001:ab"));
    EXPECT_TRUE(has("transport=udp"));
}

TEST(Answer, HeaderBitsAreEchoedAndSetWhenTheNameAsks) {
    ProbeName probe{"p2", std::nullopt, false, true};
    probe.answer_bits = 5;  // AD and Z, not CD
    Message query = make_query(0x4243, make_probe_name(probe, kZone, kKey), rr_type::txt, buffer(1232));
    query.header.cd = true;
    // Mixed case: the echo carries the name as it arrived.
    auto labels = query.questions[0].name.labels();
    labels[1] = "EcHo";
    query.questions[0].name = Name(labels);
    auto reply = ask(encode(query).value());
    EXPECT_TRUE(reply.header.ad);
    EXPECT_TRUE(reply.header.z);
    EXPECT_TRUE(reply.header.cd);  // copied from the query (RFC 6840 5.9), not from h5
    EXPECT_EQ(reply.questions.at(0).name.to_string(), query.questions[0].name.to_string());
    ASSERT_FALSE(reply.answers.empty());
    auto strings = parse_txt_rdata(reply.answers[0].rdata).value();
    auto has = [&](const std::string& text) { return std::find(strings.begin(), strings.end(), text) != strings.end(); };
    EXPECT_TRUE(has("ad=0"));
    EXPECT_TRUE(has("cd=1"));
    EXPECT_TRUE(has("qname=" + query.questions[0].name.to_string()));
    // Without h<n> no bit is set but the query's CD; a lowercase name is not echoed.
    auto plain = ask(query_for({"p3", std::nullopt, false, true}, buffer(1232)));
    EXPECT_FALSE(plain.header.ad);
    EXPECT_FALSE(plain.header.z);
    auto plain_strings = parse_txt_rdata(plain.answers.at(0).rdata).value();
    EXPECT_TRUE(std::none_of(plain_strings.begin(), plain_strings.end(), [](const std::string& s) { return s.starts_with("qname="); }));
    EXPECT_FALSE(parse_probe_name(Name::parse("p4.h8.probe.dnspath.test").value(), kZone));  // only AD, CD, Z
}

TEST(Answer, AnUnknownTypeIsAnsweredWithOpaqueRdata) {  // RFC 3597
    auto name = make_probe_name({"p5"}, kZone, kKey);
    auto reply = ask(encode(make_query(0x4244, name, rr_type::private_use, buffer(1232))).value());
    EXPECT_EQ(reply.header.rcode, rcode::noerror);
    ASSERT_EQ(reply.answers.size(), 1u);
    EXPECT_EQ(reply.answers[0].type, rr_type::private_use);
    EXPECT_EQ(reply.answers[0].rdata, unknown_type_rdata("p5"));
    EXPECT_EQ(type_name(rr_type::private_use), "TYPE65280");
}

TEST(Answer, AProbeAskingForANameThatDoesNotExistGetsNxdomainWithTheSoa) {  // RFC 2308 2.1
    ProbeName probe{"p6"};
    probe.nxdomain = true;
    const Bytes query = encode(make_query(0x4245, make_probe_name(probe, kZone, kKey), rr_type::a, buffer(1232))).value();
    auto reply = ask(query, true);
    EXPECT_EQ(reply.header.rcode, rcode::nxdomain);
    EXPECT_TRUE(reply.answers.empty());
    ASSERT_EQ(reply.authorities.size(), 1u);
    EXPECT_EQ(reply.authorities[0].type, rr_type::soa);
    // Over UDP the name carries no token (the probe vouches with a keyed cookie): without one the
    // SOA would make the answer larger than the query, so it comes back TC=1, still NXDOMAIN.
    auto unvouched = ask(query);
    EXPECT_EQ(unvouched.header.rcode, rcode::nxdomain);
    EXPECT_TRUE(unvouched.header.tc);
}

TEST(Answer, ResinfoIsAnsweredWithTheResponderKeys) {  // RFC 9606
    auto name = make_probe_name({"p8"}, kZone, kKey);
    auto reply = ask(encode(make_query(0x4246, name, rr_type::resinfo, buffer(1232))).value());
    EXPECT_EQ(reply.header.rcode, rcode::noerror);
    ASSERT_EQ(reply.answers.size(), 1u);
    EXPECT_EQ(reply.answers[0].type, rr_type::resinfo);
    EXPECT_EQ(reply.answers[0].rdata, resinfo_rdata("p8"));
    EXPECT_EQ(parse_txt_rdata(reply.answers[0].rdata).value().back(), "dnspath=p8");
    EXPECT_EQ(type_name(rr_type::resinfo), "RESINFO");
}

TEST(Answer, ACacheTtlLabelAnswersAnAddressThatSaysWhenItWasServed) {
    ProbeName probe{"p9"};
    probe.cache_ttl = 30;
    const Bytes query = encode(make_query(0x4247, make_probe_name(probe, kZone, kKey), rr_type::a, buffer(1232))).value();
    auto first = ask(query);
    ASSERT_EQ(first.answers.size(), 1u);
    EXPECT_EQ(first.answers[0].type, rr_type::a);
    EXPECT_EQ(first.answers[0].ttl, 30u);
    ASSERT_EQ(first.answers[0].rdata.size(), 4u);
    EXPECT_EQ(first.answers[0].rdata[0], 198);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    auto later = ask(query);  // a new answer, not a copy: another address
    ASSERT_EQ(later.answers.size(), 1u);
    EXPECT_NE(later.answers[0].rdata, first.answers[0].rdata);
    // Without the label an A question is NODATA, as before.
    auto plain = ask(encode(make_query(0x4248, make_probe_name({"p10"}, kZone, kKey), rr_type::a, buffer(1232))).value());
    EXPECT_TRUE(plain.answers.empty());
}

TEST(Answer, ProtocolErrors) {
    Edns version1;
    version1.version = 1;
    auto badvers = ask(query_for({"p1"}, version1));
    EXPECT_EQ(badvers.full_rcode(), rcode::badvers);
    ASSERT_TRUE(badvers.edns);
    EXPECT_EQ(badvers.edns->version, 0);

    Message two = make_query(1, make_probe_name({"p1"}, kZone, {}), rr_type::txt, std::nullopt);
    two.questions.push_back(two.questions[0]);
    EXPECT_EQ(ask(encode(two).value()).full_rcode(), rcode::formerr);
    two.questions.clear();
    EXPECT_EQ(ask(encode(two).value()).full_rcode(), rcode::formerr);

    Message outside = make_query(1, Name::parse("www.example.jp").value(), rr_type::a, std::nullopt);
    EXPECT_EQ(ask(encode(outside).value()).full_rcode(), rcode::refused);

    Message unknown = make_query(1, Name::parse("weird.label.probe.dnspath.test").value(), rr_type::txt, std::nullopt);
    EXPECT_EQ(ask(encode(unknown).value()).full_rcode(), rcode::nxdomain);

    Message notify = make_query(1, kZone, rr_type::soa, std::nullopt);
    notify.header.opcode = 4;
    EXPECT_EQ(ask(encode(notify).value()).full_rcode(), rcode::notimp);
}

// Nothing larger than the query goes over UDP to a query the key does not vouch for: the apex SOA
// (larger than its query) comes back TC=1 and no larger, unless a keyed cookie (RFC 7873 layout)
// vouches for the query; TCP always gets it whole.
TEST(Answer, NoAmplificationWithoutTheKey) {
    auto soa_query = [](std::optional<Bytes> cookie) {
        Message query = make_query(7, kZone, rr_type::soa, buffer(1232));
        if (cookie) query.edns->options.push_back({kCookieOption, *cookie});
        return encode(query).value();
    };
    const std::uint32_t now = static_cast<std::uint32_t>(std::time(nullptr));
    const Bytes client(8, 0x5a);
    const Bytes plain = soa_query(std::nullopt);
    auto bare = ask(plain);
    EXPECT_TRUE(bare.header.tc);
    EXPECT_TRUE(bare.answers.empty());
    EXPECT_LE(bare.anomalies.trailing_bytes, plain.size());
    auto whole = ask(plain, true);
    EXPECT_FALSE(whole.header.tc);
    ASSERT_EQ(whole.answers.size(), 1u);
    EXPECT_GT(whole.anomalies.trailing_bytes, plain.size());

    auto vouched = ask(soa_query(make_keyed_cookie(client, now, kZone, kKey)));
    EXPECT_FALSE(vouched.header.tc);
    EXPECT_EQ(vouched.answers.size(), 1u);
    // Another key's cookie, an old one, and a tampered one do not vouch.
    for (Bytes cookie : {make_keyed_cookie(client, now, kZone, Bytes(32, 8)),
                         make_keyed_cookie(client, now - 7200, kZone, kKey), make_keyed_cookie(client, now, kZone, kKey)}) {
        if (cookie == make_keyed_cookie(client, now, kZone, kKey)) cookie[20] ^= 1;
        const Bytes query = soa_query(cookie);
        auto reply = ask(query);
        EXPECT_TRUE(reply.header.tc);
        EXPECT_LE(reply.anomalies.trailing_bytes, query.size());
    }
    // An unauthenticated NXDOMAIN keeps its rcode when it is cut to TC=1.
    EXPECT_EQ(ask(encode(make_query(1, Name::parse("x.y.probe.dnspath.test").value(), rr_type::txt, buffer(1232))).value())
                  .full_rcode(),
              rcode::nxdomain);
}

TEST(Answer, StaysSilentForAnswersAndScraps) {
    Message response = make_query(1, kZone, rr_type::soa, std::nullopt);
    response.header.qr = true;
    EXPECT_FALSE(answer_query(encode(response).value(), {}, config()));
    EXPECT_FALSE(answer_query(Bytes{1, 2, 3}, {}, config()));
    // Garbage after a header: FORMERR with the same id.
    Bytes garbage = {0xbe, 0xef, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0};
    auto reply = answer_query(garbage, {}, config());
    ASSERT_TRUE(reply);
    auto decoded = decode(reply->bytes).value();
    EXPECT_EQ(decoded.header.id, 0xbeef);
    EXPECT_EQ(decoded.full_rcode(), rcode::formerr);
}

}  // namespace
}  // namespace dnspath::responder

namespace dnspath::responder {
namespace {

TEST(Answer, DfLabelAsksForDontFragmentOnUdpOnly) {
    Bytes query = query_for({"p1", 1400, false, false, true}, buffer(4096));
    auto udp = answer_query(query, {"198.18.0.1", 1, false}, config());
    ASSERT_TRUE(udp);
    EXPECT_TRUE(udp->dont_fragment);
    auto tcp = answer_query(query, {"198.18.0.1", 1, true}, config());
    ASSERT_TRUE(tcp);
    EXPECT_FALSE(tcp->dont_fragment);
    auto plain = answer_query(query_for({"p1", 1400}, buffer(4096)), {"198.18.0.1", 1, false}, config());
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->dont_fragment);
}

TEST(Answer, ADelayIsHonouredForTheKeysOwnUdpProbesOnly) {
    ProbeName late{"p1"};
    late.delay_ms = 20000;
    auto keyed = answer_query(query_for(late, buffer(1232)), {"198.18.0.1", 1, false}, config());
    ASSERT_TRUE(keyed);
    EXPECT_EQ(keyed->delay_ms, 20000u);
    // Over TCP the answer is not held: a connection is not a mapping that expires.
    auto tcp = answer_query(query_for(late, buffer(1232)), {"198.18.0.1", 1, true}, config());
    ASSERT_TRUE(tcp);
    EXPECT_FALSE(tcp->delay_ms);
    // Held answers cost memory until they leave: a query the key does not vouch for is answered at once.
    auto stranger = answer_query(query_for(late, buffer(1232), Bytes(32, 9)), {"198.18.0.1", 1, false}, config());
    ASSERT_TRUE(stranger);
    EXPECT_FALSE(stranger->delay_ms);
    late.delay_ms = 86'400'000;  // a day: capped
    auto capped = answer_query(query_for(late, buffer(1232)), {"198.18.0.1", 1, false}, config());
    ASSERT_TRUE(capped);
    EXPECT_EQ(capped->delay_ms, kMaxAnswerDelayMs);
}

TEST(Answer, TheRawProbeIsAcknowledgedTheSameSizeWithoutAKey) {
    const Bytes datagram = make_raw_probe(0x4242, "p9");
    auto answer = answer_query(datagram, {"198.18.0.1", 40000, false}, config());
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->bytes.size(), datagram.size());
    auto read = read_raw_probe(answer->bytes);
    ASSERT_TRUE(read);
    EXPECT_TRUE(read->ack);
    EXPECT_EQ(read->id, 0x4242);
    EXPECT_FALSE(answer_query(answer->bytes, {"198.18.0.1", 40000, false}, config()));  // its own reply: silence
}

TEST(Answer, AnOpenCheckIsAskedForTheKeysProbesOnlyAndItsResultEchoed) {
    ProbeName probe{"p10"};
    probe.echo = true;
    probe.open_check = "";  // the source the query came from
    auto keyed = answer_query(query_for(probe, buffer(1232)), {"198.18.1.1", 40000, false}, config());
    ASSERT_TRUE(keyed);
    EXPECT_EQ(keyed->open_check, "198.18.1.1");
    probe.open_check = "fd000001000000000000000000000001";
    auto explicit_address = answer_query(query_for(probe, buffer(1232)), {"198.18.1.1", 40000, false}, config());
    ASSERT_TRUE(explicit_address);
    EXPECT_EQ(explicit_address->open_check, "fd00:1::1");
    // Without the key's token, over TCP, or once asked: no question sent elsewhere.
    auto unkeyed = answer_query(query_for(probe, buffer(1232), Bytes{}), {"198.18.1.1", 40000, false}, config());
    ASSERT_TRUE(unkeyed);
    EXPECT_FALSE(unkeyed->open_check);
    EXPECT_FALSE(answer_query(query_for(probe, buffer(1232)), {"198.18.1.1", 40000, true}, config())->open_check);
    QueryContext asked{"198.18.1.1", 40000, false, "answered:NOERROR:1"};
    auto answered = answer_query(query_for(probe, buffer(1232)), asked, config());
    ASSERT_TRUE(answered);
    EXPECT_FALSE(answered->open_check);
    auto reply = decode(answered->bytes).value();
    auto strings = parse_txt_rdata(reply.answers.at(0).rdata).value();
    EXPECT_NE(std::find(strings.begin(), strings.end(), "wanq=answered:NOERROR:1"), strings.end());
    EXPECT_EQ(open_check_address("c6120101", ""), "198.18.1.1");
    EXPECT_EQ(open_check_address("c61201", "x"), "");
    EXPECT_EQ(open_check_address("zz120101", "x"), "");
}

TEST(Answer, ANegativeTtlAskedForIsTheSoasAndItsSerialTheTimeServed) {  // RFC 2308 5
    ProbeName probe{"p11"};
    probe.nxdomain = true;
    probe.cache_ttl = 2;
    AnswerConfig at = config();
    at.now = 1'800'000'000;
    auto answer = answer_query(encode(make_query(0x4244, make_probe_name(probe, kZone, kKey), rr_type::a, buffer(1232))).value(),
                               {"198.18.0.1", 40000, true}, at);
    ASSERT_TRUE(answer);
    auto reply = decode(answer->bytes).value();
    EXPECT_EQ(reply.full_rcode(), rcode::nxdomain);
    ASSERT_EQ(reply.authorities.size(), 1u);
    const auto& soa = reply.authorities[0];
    ASSERT_EQ(soa.type, rr_type::soa);
    EXPECT_EQ(soa.ttl, 2u);
    ASSERT_GE(soa.rdata.size(), 20u);
    EXPECT_EQ(load_u32(soa.rdata.data() + soa.rdata.size() - 20), 1'800'000'000u);  // SERIAL
    EXPECT_EQ(load_u32(soa.rdata.data() + soa.rdata.size() - 4), 2u);              // MINIMUM
    // Any other NXDOMAIN is not to be cached at all: TTL and MINIMUM 0.
    probe.cache_ttl.reset();
    auto plain = decode(answer_query(encode(make_query(0x4245, make_probe_name(probe, kZone, kKey), rr_type::a, buffer(1232))).value(),
                                     {"198.18.0.1", 40000, true}, at)->bytes).value();
    EXPECT_EQ(plain.authorities.at(0).ttl, 0u);
}

TEST(Answer, DoIsCopiedIntoTheAnswer) {  // RFC 3225 3
    Edns with_do = buffer(4096);
    with_do.dnssec_ok = true;
    auto signed_reply = ask(query_for({"p1", 800}, with_do));
    ASSERT_TRUE(signed_reply.edns.has_value());
    EXPECT_TRUE(signed_reply.edns->dnssec_ok);
    auto plain = ask(query_for({"p1", 800}, buffer(4096)));
    ASSERT_TRUE(plain.edns.has_value());
    EXPECT_FALSE(plain.edns->dnssec_ok);
}

}  // namespace
}  // namespace dnspath::responder

namespace dnspath::responder {
namespace {

// The tsig probe's query: signed with the run key's TSIG key, it gets tsig=ok in its echo and an
// answer signed over its MAC; a changed one NOTAUTH with BADSIG; a TSIG before another record FORMERR.
TEST(Answer, TsigSignedQueriesGetSignedAnswersAndBadOnesTheirError) {
    const auto key = tsig_key_from(kKey);
    const auto now = static_cast<std::uint64_t>(std::time(nullptr));
    ProbeName probe{"p9"};
    probe.echo = true;
    const Bytes signed_query = tsig_append(query_for(probe, buffer(1232)), key, now).value();
    const Bytes query_mac = tsig_verify(signed_query, key, now).mac;
    auto reply = answer_query(signed_query, {"198.18.0.1", 40000, false}, config());
    ASSERT_TRUE(reply);
    EXPECT_EQ(tsig_verify(reply->bytes, key, now, query_mac).status, TsigStatus::ok);
    auto message = decode(reply->bytes).value();
    ASSERT_FALSE(message.answers.empty());
    const auto strings = parse_txt_rdata(message.answers.front().rdata).value();
    EXPECT_NE(std::find(strings.begin(), strings.end(), "tsig=ok"), strings.end());

    Bytes changed = signed_query;
    changed[2] ^= 0x01;  // RD flipped after signing
    auto rejected = answer_query(changed, {"198.18.0.1", 40000, false}, config());
    ASSERT_TRUE(rejected);
    EXPECT_EQ(decode(rejected->bytes).value().full_rcode(), rcode::notauth);
    auto error = tsig_verify(rejected->bytes, key, now);
    EXPECT_EQ(error.status, TsigStatus::error_reply);
    EXPECT_EQ(error.error, tsig_error::badsig);

    auto twice = answer_query(tsig_append(signed_query, key, now).value(), {"198.18.0.1", 40000, false}, config());
    ASSERT_TRUE(twice);
    EXPECT_EQ(decode(twice->bytes).value().full_rcode(), rcode::formerr);
}

TEST(AnswerTrace, IsAskedForTheKeysUdpProbesOnlyAndOnceTracedTheAnswerIsSmallWithWhatWasHeard) {
    ProbeName probe{"p12"};
    probe.echo = true;
    probe.size = 1400;
    probe.answer_trace = 4;
    auto keyed = answer_query(query_for(probe, buffer(4096)), {"198.18.1.1", 40000, false}, config());
    ASSERT_TRUE(keyed);
    EXPECT_EQ(keyed->answer_trace, 4u);
    EXPECT_EQ(keyed->bytes.size(), 1400u);  // the copies are of the answer asked for
    auto unkeyed = answer_query(query_for(probe, buffer(4096), Bytes{}), {"198.18.1.1", 40000, false}, config());
    ASSERT_TRUE(unkeyed);
    EXPECT_FALSE(unkeyed->answer_trace);
    EXPECT_FALSE(answer_query(query_for(probe, buffer(4096)), {"198.18.1.1", 40000, true}, config())->answer_trace);
    QueryContext traced{"198.18.1.1", 40000, false};
    traced.answer_trace_result = std::vector<std::string>{"1/198.18.2.1/198.18.2.1,te,1428,whole", "2/198.18.1.1/-"};
    auto report = answer_query(query_for(probe, buffer(4096)), traced, config());
    ASSERT_TRUE(report);
    EXPECT_FALSE(report->answer_trace);
    EXPECT_LT(report->bytes.size(), 512u);  // small, so it gets back where the large one did not
    auto strings = parse_txt_rdata(decode(report->bytes).value().answers.at(0).rdata).value();
    EXPECT_NE(std::find(strings.begin(), strings.end(), "atr=2/198.18.1.1/-"), strings.end());
    // The label is bounded: no more than 16 hops of copies.
    probe.answer_trace = 17;
    EXPECT_FALSE(parse_probe_name(make_probe_name(probe, kZone, kKey), kZone));
}

TEST(AnswerTrace, CopiesAreToldApartByTheirLengthAndNeverTakenForTheAnswer) {
    ProbeName probe{"p13"};
    probe.size = 1400;
    auto answer = answer_query(query_for(probe, buffer(4096)), {"198.18.1.1", 40000, false}, config()).value();
    const auto copies = answer_copies(answer.bytes, 3);
    ASSERT_EQ(copies.size(), 6u);
    std::set<std::size_t> lengths;
    for (const auto& copy : copies) {
        lengths.insert(copy.payload.size());
        auto decoded = decode(copy.payload).value();
        EXPECT_NE(decoded.header.id, decode(answer.bytes).value().header.id);
        EXPECT_EQ(copy.large, copy.payload.size() > 1400);
    }
    EXPECT_EQ(lengths.size(), copies.size());
    // What routers said, as the echo carries it: one entry per hop, hop order.
    std::vector<dnspath::net::HeardCopy> heard{
        {2, false, "198.18.1.1"},
        {1, true, "198.18.2.1", IcmpError::Kind::time_exceeded, 0, 0, 1428, false},
        {1, false, "198.18.2.1"},
        {3, true, "198.18.0.2", IcmpError::Kind::too_big, 4, 1280, 1500, true}};
    EXPECT_EQ(answer_trace_entries(heard), (std::vector<std::string>{"1/198.18.2.1/198.18.2.1,te,1428,whole", "2/198.18.1.1/-",
                                                                     "3/-/198.18.0.2,ptb1280,1500,first"}));
}

TEST(AnswerTrace, AnIcmpQuoteOfOnlyTheUdpHeaderNamesTheCopy) {
    ProbeName probe{"p14"};
    probe.size = 1400;
    auto answer = answer_query(query_for(probe, buffer(4096)), {"198.18.1.1", 40000, false}, config()).value();
    const auto copies = answer_copies(answer.bytes, 2);
    const auto local = dnspath::net::Endpoint::parse("198.18.2.2", 53).value();
    const auto peer = dnspath::net::Endpoint::parse("198.18.0.1", 40000).value();
    // ICMP time exceeded quoting the IPv4 header and 8 octets (RFC 792's minimum) of copy 2, large.
    const auto& copy = copies.at(3);
    ASSERT_TRUE(copy.large);
    const std::size_t udp_length = copy.payload.size() + 8;
    Bytes icmp{11, 0, 0, 0, 0, 0, 0, 0,
               0x45, 0, static_cast<std::uint8_t>((udp_length + 20) >> 8), static_cast<std::uint8_t>(udp_length + 20),
               0, 0, 0x40, 0, 1, 17, 0, 0, 198, 18, 2, 2, 198, 18, 0, 1,
               0, 53, 0x9c, 0x40, static_cast<std::uint8_t>(udp_length >> 8), static_cast<std::uint8_t>(udp_length), 0, 0};
    auto heard = dnspath::net::match_copy(icmp, false, "198.18.1.1", local, peer, copies);
    ASSERT_TRUE(heard);
    EXPECT_EQ(heard->ttl, 2);
    EXPECT_TRUE(heard->large);
    EXPECT_EQ(heard->quoted_ip_length, udp_length + 20);
    EXPECT_FALSE(heard->fragment);
    // Another flow's packet (port 40001) is nobody's copy.
    icmp[30] = 0x9c, icmp[31] = 0x41;
    EXPECT_FALSE(dnspath::net::match_copy(icmp, false, "198.18.1.1", local, peer, copies));
    // A length no copy has: none.
    icmp[30] = 0x9c, icmp[31] = 0x40, icmp[33] = static_cast<std::uint8_t>(udp_length + 100);
    EXPECT_FALSE(dnspath::net::match_copy(icmp, false, "198.18.1.1", local, peer, copies));
}

}  // namespace
}  // namespace dnspath::responder
