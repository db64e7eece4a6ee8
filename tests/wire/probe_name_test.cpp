#include <gtest/gtest.h>

#include "probe/wire/message.h"
#include "probe/wire/probe_name.h"

namespace dnspath::wire {
namespace {

const Name kZone = Name::parse("probe.dnspath.test").value();
const Bytes kKey(32, 0x42);

TEST(ProbeName, BuildsAndParsesEveryField) {
    ProbeName probe{"p00a1b2c3", 1232, true, true, true, true, std::nullopt};
    Name name = make_probe_name(probe, kZone, kKey);
    EXPECT_EQ(name.labels().size(), 7u + kZone.labels().size());  // id, size, do, echo, df, min, token
    auto parsed = parse_probe_name(name, kZone);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->id, "p00a1b2c3");
    EXPECT_EQ(parsed->size, 1232u);
    EXPECT_TRUE(parsed->dnssec);
    EXPECT_TRUE(parsed->echo);
    EXPECT_TRUE(parsed->dont_fragment);
    EXPECT_TRUE(parsed->minimum_mtu);
    ASSERT_TRUE(parsed->token);
    EXPECT_TRUE(token_valid(*parsed, kZone, kKey));
}

TEST(ProbeName, TokenIsCaseInsensitiveButKeyBound) {
    ProbeName probe{"p1", 4000, false, false, false, false, std::nullopt};
    Name name = make_probe_name(probe, kZone, kKey);
    // A resolver may randomize case (0x20): the token must still verify.
    std::vector<std::string> upper = name.labels();
    for (auto& label : upper)
        for (auto& c : label) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto parsed = parse_probe_name(Name(upper), kZone);
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(token_valid(*parsed, kZone, kKey));
    EXPECT_FALSE(token_valid(*parsed, kZone, Bytes(32, 0x43)));
    // Changing the size invalidates the token: a token cannot be reused for a bigger answer.
    parsed->size = 65000;
    EXPECT_FALSE(token_valid(*parsed, kZone, kKey));
}

TEST(ProbeName, ARetryIsANewNameWithTheSameIdAndItsOwnToken) {
    ProbeName first{"p1", 1500, true, false, false, false, std::nullopt};
    ProbeName again = first;
    again.attempt = 3;
    const Name retry = make_probe_name(again, kZone, kKey);
    EXPECT_NE(retry, make_probe_name(first, kZone, kKey));  // a forwarder sees a new question
    EXPECT_EQ(retry.labels().front(), "p1");               // capture still follows it by its id
    auto parsed = parse_probe_name(retry, kZone);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->attempt, 3u);
    EXPECT_EQ(parsed->size, 1500u);
    EXPECT_TRUE(token_valid(*parsed, kZone, kKey));
    parsed->attempt = 4;  // the try number is covered by the token like every other label
    EXPECT_FALSE(token_valid(*parsed, kZone, kKey));
    EXPECT_FALSE(parse_probe_name(Name::parse("p1.r2.r3.probe.dnspath.test").value(), kZone));
    EXPECT_FALSE(parse_probe_name(Name::parse("p1.rx.probe.dnspath.test").value(), kZone));
}

TEST(ProbeName, ANameThatDoesNotExistSitsNextToTheZoneWithoutAToken) {
    ProbeName probe{"p7"};
    probe.nxdomain = true;
    probe.attempt = 2;
    // nx next to the zone and no token: a lab fault (dnsmasq --address=/nx.<zone>/) matches the suffix.
    const Name name = make_probe_name(probe, kZone, kKey);
    EXPECT_EQ(name.to_string(), "p7.r2.nx.probe.dnspath.test.");
    auto parsed = parse_probe_name(name, kZone);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_TRUE(parsed->nxdomain);
    EXPECT_EQ(parsed->attempt, 2u);
    EXPECT_FALSE(parsed->token);
}

TEST(ProbeName, ACacheTtlRidesInTheNameUpToAnHour) {
    ProbeName probe{"p4"};
    probe.cache_ttl = 30;
    auto parsed = parse_probe_name(make_probe_name(probe, kZone, kKey), kZone);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->cache_ttl, 30u);
    EXPECT_TRUE(token_valid(*parsed, kZone, kKey));
    EXPECT_FALSE(parse_probe_name(Name::parse("p4.c3601.probe.dnspath.test").value(), kZone));
}

TEST(ProbeName, TheRawProbeIsNotDnsAndItsReplyIsTheSameSize) {
    const Bytes datagram = make_raw_probe(0x1234, "p0001abcdef");
    EXPECT_FALSE(decode(datagram));  // its header claims thousands of questions
    auto read = read_raw_probe(datagram);
    ASSERT_TRUE(read);
    EXPECT_EQ(read->id, 0x1234);
    EXPECT_FALSE(read->ack);
    EXPECT_EQ(read->probe_id, "p0001abcdef");
    auto reply = raw_probe_reply(datagram);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->size(), datagram.size());  // no amplification
    auto acked = read_raw_probe(*reply);
    ASSERT_TRUE(acked);
    EXPECT_TRUE(acked->ack);
    EXPECT_EQ(acked->probe_id, "p0001abcdef");
    EXPECT_FALSE(raw_probe_reply(*reply));  // a reply is never answered: no ping-pong between two responders
    // Anything else is not one: a DNS message, a bad id, a cut or overlong datagram.
    EXPECT_FALSE(read_raw_probe(encode(make_query(1, kZone, rr_type::txt, std::nullopt)).value()));
    Bytes bad = make_raw_probe(1, "p1");
    bad.back() = '!';
    EXPECT_FALSE(read_raw_probe(bad));
    EXPECT_FALSE(read_raw_probe(Bytes(datagram.begin(), datagram.begin() + 14)));
    EXPECT_FALSE(read_raw_probe(make_raw_probe(1, std::string(80, 'a'))).has_value() &&
                 read_raw_probe(make_raw_probe(1, std::string(80, 'a')))->probe_id.size() > 63);
}

TEST(ProbeName, TheOpenCheckLabelIsSignedAndReadBack) {
    ProbeName probe{"p5"};
    probe.open_check = "c6120101";
    const Name name = make_probe_name(probe, kZone, kKey);
    EXPECT_NE(name.to_string().find(".oc6120101."), std::string::npos);
    auto parsed = parse_probe_name(name, kZone);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->open_check, "c6120101");
    EXPECT_TRUE(token_valid(*parsed, kZone, kKey));
    probe.open_check = "";
    EXPECT_EQ(parse_probe_name(make_probe_name(probe, kZone, kKey), kZone)->open_check, "");
    // Another length or a letter past f is no address.
    EXPECT_FALSE(parse_probe_name(Name::parse("p5.oc61201.probe.dnspath.test").value(), kZone));
    EXPECT_FALSE(parse_probe_name(Name::parse("p5.ozz120101.probe.dnspath.test").value(), kZone));
}

TEST(ProbeName, RejectsWhatTheSchemeDoesNotKnow) {
    EXPECT_FALSE(parse_probe_name(Name::parse("p1.bogus.probe.dnspath.test").value(), kZone));
    EXPECT_FALSE(parse_probe_name(Name::parse("p1.s12x.probe.dnspath.test").value(), kZone));
    EXPECT_FALSE(parse_probe_name(Name::parse("p_1.probe.dnspath.test").value(), kZone));
    EXPECT_FALSE(parse_probe_name(Name::parse("p1.other.test").value(), kZone));
    EXPECT_FALSE(parse_probe_name(kZone, kZone));
    auto no_token = parse_probe_name(Name::parse("p1.s900.probe.dnspath.test").value(), kZone);
    ASSERT_TRUE(no_token);
    EXPECT_FALSE(token_valid(*no_token, kZone, kKey));
}

}  // namespace
}  // namespace dnspath::wire
