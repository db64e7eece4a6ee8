// Codec tests over hand-built byte fixtures: round trips, compression, EDNS, odd messages, and
// every kind of malformed input yielding a named error.
#include <gtest/gtest.h>

#include "probe/wire/wire.h"

namespace dnspath::wire {
namespace {

// "www.example.jp. IN A" query, id 0x1234, RD=1, no EDNS.
const Bytes kQuery = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                      3,    'w',  'w',  'w',  7,    'e',  'x',  'a',  'm',  'p',  'l',  'e',
                      2,    'j',  'p',  0,    0x00, 0x01, 0x00, 0x01};

// The answer: QR AA RD RA, one A record whose owner is a pointer to the question (offset 12),
// one CNAME in authority whose target is compressed, and an OPT with DO=1, bufsize 1232, COOKIE.
const Bytes kAnswer = {
    0x12, 0x34, 0x85, 0x80, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01,  // header
    3,    'w',  'w',  'w',  7,    'e',  'x',  'a',  'm',  'p',  'l',  'e',  2, 'j', 'p', 0, 0x00, 0x01, 0x00, 0x01,
    0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04, 198, 18, 0, 1,  // A
    3,    'f',  't',  'p',  0xc0, 0x10, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x02, 0xc0, 0x0c,  // CNAME
    0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x80, 0x00, 0x00, 0x0c,  // OPT, rdlen 12
    0x00, 0x0a, 0x00, 0x08, 1,    2,    3,    4,    5,    6,    7,    8,  // COOKIE
};

TEST(Decode, QueryFixture) {
    auto message = decode(kQuery);
    ASSERT_TRUE(message) << message.error().describe();
    EXPECT_EQ(message->header.id, 0x1234);
    EXPECT_TRUE(message->header.rd);
    EXPECT_FALSE(message->header.qr);
    ASSERT_EQ(message->questions.size(), 1u);
    EXPECT_EQ(message->questions[0].name.to_string(), "www.example.jp.");
    EXPECT_EQ(message->questions[0].type, rr_type::a);
    EXPECT_FALSE(message->edns);
}

TEST(Decode, AnswerWithCompressionAndEdns) {
    auto message = decode(kAnswer);
    ASSERT_TRUE(message) << message.error().describe();
    EXPECT_TRUE(message->header.qr);
    EXPECT_TRUE(message->header.aa);
    EXPECT_TRUE(message->header.ra);
    ASSERT_EQ(message->answers.size(), 1u);
    EXPECT_EQ(message->answers[0].name.to_string(), "www.example.jp.");
    EXPECT_EQ(message->answers[0].ttl, 3600u);
    EXPECT_EQ(message->answers[0].rdata, (Bytes{198, 18, 0, 1}));
    ASSERT_EQ(message->authorities.size(), 1u);
    EXPECT_EQ(message->authorities[0].name.to_string(), "ftp.example.jp.");
    // The compressed CNAME target is stored expanded, so the record stands on its own.
    ByteReader target(message->authorities[0].rdata);
    auto cname = decode_name(target);
    ASSERT_TRUE(cname);
    EXPECT_EQ(cname->to_string(), "www.example.jp.");
    ASSERT_TRUE(message->edns);
    EXPECT_EQ(message->edns->udp_size, 1232);
    EXPECT_TRUE(message->edns->dnssec_ok);
    EXPECT_EQ(message->edns->version, 0);
    ASSERT_EQ(message->edns->options.size(), 1u);
    auto cookie = parse_cookie(message->edns->options[0]);
    ASSERT_TRUE(cookie);
    EXPECT_EQ(cookie->client, (Bytes{1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_TRUE(cookie->server.empty());
    EXPECT_TRUE(message->additionals.empty());
    EXPECT_EQ(message->anomalies.opt_count, 1);
}

TEST(Encode, QueryRoundTripsByteForByte) {
    auto message = decode(kQuery);
    ASSERT_TRUE(message);
    auto bytes = encode(*message);
    ASSERT_TRUE(bytes);
    EXPECT_EQ(*bytes, kQuery);
}

TEST(Encode, AnswerRoundTripsThroughDecode) {
    auto first = decode(kAnswer);
    ASSERT_TRUE(first);
    auto bytes = encode(*first);
    ASSERT_TRUE(bytes);
    // Our compressor picks the same pointers for this message, so the bytes match exactly.
    EXPECT_EQ(*bytes, kAnswer);
    auto second = decode(*bytes);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->header, first->header);
    EXPECT_EQ(second->edns, first->edns);
}

TEST(Encode, UncompressedIsLongerAndDecodesTheSame) {
    auto message = decode(kAnswer);
    ASSERT_TRUE(message);
    auto compressed = encode(*message);
    auto plain = encode(*message, {.compress = false});
    ASSERT_TRUE(compressed && plain);
    EXPECT_GT(plain->size(), compressed->size());
    auto again = decode(*plain);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->answers[0].name, message->answers[0].name);
}

TEST(Encode, OddMessagesForTheProbe) {
    auto name = Name::parse("x.probe.dnspath.test").value();
    Message query = make_query(7, name, rr_type::txt, Edns{});
    query.edns->version = 1;
    query.edns->options.push_back({65001, {0xde, 0xad}});
    query.questions.push_back(query.questions[0]);  // QDCOUNT 2
    auto bytes = encode(query);
    ASSERT_TRUE(bytes);
    EXPECT_EQ(load_u16(&(*bytes)[4]), 2);
    auto back = decode(*bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->questions.size(), 2u);
    EXPECT_EQ(back->edns->version, 1);
    ASSERT_EQ(back->edns->options.size(), 1u);
    EXPECT_EQ(back->edns->options[0], (EdnsOption{65001, {0xde, 0xad}}));

    Message empty = make_query(8, name, rr_type::txt, std::nullopt);
    empty.questions.clear();  // QDCOUNT 0
    auto zero = encode(empty);
    ASSERT_TRUE(zero);
    EXPECT_EQ(zero->size(), 12u);
    EXPECT_EQ(load_u16(&(*zero)[4]), 0);

    // A header that lies: claims two questions, carries one.
    auto lying = encode(make_query(9, name, rr_type::txt, std::nullopt), {.qdcount = 2});
    ASSERT_TRUE(lying);
    auto lying_decoded = decode(*lying);
    ASSERT_FALSE(lying_decoded);
    EXPECT_EQ(lying_decoded.error().code, WireErrc::truncated);
}

TEST(Encode, ExactSizeHitsEveryTotal) {
    auto name = Name::parse("p1.s900.probe.dnspath.test").value();
    Message reply = make_query(1, name, rr_type::txt, Edns{});
    reply.header.qr = true;
    for (std::size_t size : {100u, 101u, 300u, 512u, 513u, 1220u, 1232u, 1472u, 1500u, 4096u, 65000u}) {
        auto bytes = encode_exact_size(reply, size, name);
        ASSERT_TRUE(bytes) << size << ": " << bytes.error().describe();
        EXPECT_EQ(bytes->size(), size);
        auto back = decode(*bytes);
        ASSERT_TRUE(back) << size;
        ASSERT_EQ(back->answers.size(), 1u);
        EXPECT_TRUE(parse_txt_rdata(back->answers[0].rdata));
    }
    auto too_small = encode_exact_size(reply, 40, name);
    ASSERT_FALSE(too_small);
    EXPECT_EQ(too_small.error().code, WireErrc::size_unreachable);
}

TEST(Edns, RcodeSplitsAcrossHeaderAndOpt) {
    Message message;
    message.edns = Edns{};
    message.set_rcode(rcode::badvers);
    EXPECT_EQ(message.header.rcode, 0);
    EXPECT_EQ(message.edns->extended_rcode, 1);
    EXPECT_EQ(message.full_rcode(), rcode::badvers);
    auto back = decode(encode(message).value());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->full_rcode(), rcode::badvers);
}

TEST(Edns, FlagsAndZBitsSurvive) {
    Edns edns;
    edns.udp_size = 4096;
    edns.dnssec_ok = true;
    edns.z = 0x1234;
    edns.version = 0;
    edns.extended_rcode = 0;
    Edns back = edns_from_opt(4096, opt_ttl(edns));
    EXPECT_EQ(back, edns);
}

TEST(Edns, OptionsDecodeAndEncode) {
    ExtendedError ede{6, "bad sig"};
    auto option = make_extended_error(ede);
    auto parsed = parse_extended_error(option);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->info_code, 6);
    EXPECT_EQ(parsed->extra_text, "bad sig");
    EXPECT_EQ(describe(*parsed), "EDE 6 (DNSSEC Bogus): bad sig");
    EXPECT_EQ(extended_error_name(18), "Prohibited");
    EXPECT_EQ(extended_error_name(24), "Invalid Data");
    EXPECT_EQ(extended_error_name(9999), "");

    auto agent = Name::parse("agent.example").value();
    auto channel = parse_report_channel(make_report_channel(agent));
    ASSERT_TRUE(channel);
    EXPECT_EQ(*channel, agent);
    // A compressed or padded agent domain is not valid in the option.
    EXPECT_FALSE(parse_report_channel(EdnsOption{option_code::report_channel, {0xc0, 0x00}}));
    EXPECT_FALSE(parse_report_channel(EdnsOption{option_code::report_channel, {0, 0}}));

    EXPECT_FALSE(parse_cookie(EdnsOption{option_code::cookie, Bytes(9, 1)}));  // 9 octets: invalid
    auto full = parse_cookie(EdnsOption{option_code::cookie, Bytes(24, 2)});
    ASSERT_TRUE(full);
    EXPECT_EQ(full->server.size(), 16u);

    EXPECT_EQ(make_padding(5).data, Bytes(5, 0));
    EXPECT_EQ(option_name(option_code::report_channel), "REPORT-CHANNEL");
    EXPECT_EQ(option_name(65001), "");

    std::vector<EdnsOption> options{{65001, {1, 2, 3}}, make_padding(0)};
    auto decoded = decode_options(encode_options(options), 0);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(*decoded, options);
    Bytes cut = encode_options(options);
    cut.pop_back();
    cut.pop_back();
    cut.pop_back();
    cut.pop_back();
    cut.push_back(0);  // the padding option's length field now runs past the end
    EXPECT_FALSE(decode_options(cut, 0));
}

TEST(Malformed, EveryTruncationOfARealAnswerIsAnError) {
    for (std::size_t length = 0; length < kAnswer.size(); ++length) {
        auto result = decode(ByteView(kAnswer.data(), length));
        EXPECT_FALSE(result) << "a " << length << "-octet prefix decoded";
    }
}

TEST(Malformed, CompressionLoopIsAnError) {
    Bytes loop = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1};  // pointer to itself
    auto result = decode(loop);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, WireErrc::compression_loop);
    EXPECT_EQ(result.error().offset, 12u);

    // Two labels pointing at each other: a forward pointer, refused before it can loop.
    Bytes pair = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0xc0, 17, 0, 1, 'b', 0xc0, 12, 0, 1, 0, 1};
    auto paired = decode(pair);
    ASSERT_FALSE(paired);
    EXPECT_EQ(paired.error().code, WireErrc::compression_loop);
}

TEST(Malformed, PointerPastTheEnd) {
    Bytes bad = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0, 1, 0, 1};
    auto result = decode(bad);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, WireErrc::pointer_out_of_range);
}

TEST(Malformed, NameOver255Octets) {
    Bytes long_name = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 5; ++i) {
        long_name.push_back(63);
        long_name.insert(long_name.end(), 63, 'a');
    }
    long_name.push_back(0);
    long_name.insert(long_name.end(), {0, 1, 0, 1});
    auto result = decode(long_name);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, WireErrc::name_too_long);
}

TEST(Malformed, ObsoleteLabelTypes) {
    Bytes extended = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, 0, 0, 1, 0, 1};
    auto result = decode(extended);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, WireErrc::bad_label_type);
}

TEST(Malformed, HugeCountsAreRefusedBeforeAllocating) {
    Bytes header = {0, 1, 0x80, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    auto result = decode(header);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, WireErrc::count_too_large);
}

TEST(Malformed, SoaRdataWithWrongLength) {
    Message message;
    message.header.qr = true;
    auto soa_owner = Name::parse("example").value();
    Bytes rdata = {0, 0, 1, 2, 3};  // two root names and three octets instead of twenty
    message.answers.push_back(ResourceRecord{soa_owner, rr_type::soa, class_in, 0, rdata});
    auto bytes = encode(message);
    ASSERT_TRUE(bytes);
    auto result = decode(*bytes);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, WireErrc::bad_rdata);
}

TEST(Anomalies, TwoOptRecordsAreCountedNotHidden) {
    auto name = Name::parse("a.example").value();
    Message message = make_query(1, name, rr_type::a, Edns{});
    ResourceRecord second_opt{Name{}, rr_type::opt, 512, 0, {}};
    message.additionals.push_back(second_opt);
    auto bytes = encode(message);
    ASSERT_TRUE(bytes);
    auto back = decode(*bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->anomalies.opt_count, 2);
    EXPECT_EQ(back->edns->udp_size, 512);  // the first OPT on the wire wins
}

TEST(Anomalies, TrailingBytes) {
    Bytes padded = kQuery;
    padded.insert(padded.end(), {0xaa, 0xbb});
    auto back = decode(padded);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->anomalies.trailing_bytes, 2u);
}

TEST(Names, ParseAndPrint) {
    EXPECT_EQ(Name::parse("Example.JP").value().to_string(), "Example.JP.");
    EXPECT_TRUE(Name::parse(".").value().is_root());
    EXPECT_EQ(Name::parse("a\\.b.example.").value().labels().size(), 2u);
    EXPECT_EQ(Name::parse("a\\.b.example.").value().to_string(), "a\\.b.example.");
    EXPECT_EQ(Name::parse("\\065bc.example").value().labels()[0], "Abc");
    EXPECT_EQ(Name::parse("x\\000y.example").value().to_string(), "x\\000y.example.");
    EXPECT_FALSE(Name::parse("a..b"));
    EXPECT_FALSE(Name::parse("a\\"));
    EXPECT_FALSE(Name::parse("\\999.example"));
    EXPECT_FALSE(Name::parse(std::string(64, 'a') + ".example"));
    EXPECT_TRUE(Name::parse("WWW.example.jp").value() == Name::parse("www.EXAMPLE.jp.").value());
    auto zone = Name::parse("probe.dnspath.test").value();
    auto below = Name::parse("p1.s512.PROBE.dnspath.test").value();
    EXPECT_TRUE(below.is_subdomain_of(zone));
    EXPECT_FALSE(zone.is_subdomain_of(below));
    EXPECT_EQ(below.relative_to(zone), (std::vector<std::string>{"p1", "s512"}));
}

TEST(Txt, SplitsLongStrings) {
    auto rdata = make_txt_rdata({std::string(300, 'x'), "b"});
    auto strings = parse_txt_rdata(rdata);
    ASSERT_TRUE(strings);
    ASSERT_EQ(strings->size(), 3u);
    EXPECT_EQ((*strings)[0].size(), 255u);
    EXPECT_EQ((*strings)[1].size(), 45u);
    EXPECT_FALSE(parse_txt_rdata(Bytes{5, 'a'}));
}

}  // namespace
}  // namespace dnspath::wire
