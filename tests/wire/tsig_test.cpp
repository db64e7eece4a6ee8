#include <gtest/gtest.h>

#include "probe/wire/message.h"
#include "probe/wire/tsig.h"

namespace dnspath::wire {
namespace {

const Bytes kRunKey(32, 0x42);
constexpr std::uint64_t kNow = 1'800'000'000;

Bytes query_bytes(std::uint16_t id = 0x1234) {
    Edns edns;
    return encode(make_query(id, Name::parse("p1.probe.dnspath.test").value(), rr_type::txt, edns)).value();
}

TEST(Tsig, SignedQueryVerifiesAndCountsItsRecord) {
    const auto key = tsig_key_from(kRunKey);
    const Bytes query = query_bytes();
    auto signed_query = tsig_append(query, key, kNow);
    ASSERT_TRUE(signed_query);
    auto decoded = decode(*signed_query);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->header.arcount, 2);  // OPT, TSIG
    ASSERT_EQ(decoded->additionals.size(), 1u);
    EXPECT_EQ(decoded->additionals.front().type, kTsigType);
    auto check = tsig_verify(*signed_query, key, kNow + 10);
    EXPECT_EQ(check.status, TsigStatus::ok);
    EXPECT_EQ(check.mac.size(), 32u);
    EXPECT_EQ(check.original_id, 0x1234);
}

TEST(Tsig, AnyChangedOctetFailsTheSignature) {
    const auto key = tsig_key_from(kRunKey);
    auto signed_query = tsig_append(query_bytes(), key, kNow).value();
    // The AD bit (what the ad-clear fault flips), then a letter of the name (case changed).
    for (std::size_t at : {std::size_t{3}, std::size_t{13}}) {
        Bytes changed = signed_query;
        changed[at] ^= at == 3 ? 0x20 : 0x20;
        EXPECT_EQ(tsig_verify(changed, key, kNow).status, TsigStatus::bad_sig) << at;
    }
}

TEST(Tsig, AnotherIdIsAllowedTheOriginalIsSigned) {
    // A proxy or NAT that changes the DNS id does not break TSIG: the original id is signed.
    const auto key = tsig_key_from(kRunKey);
    auto signed_query = tsig_append(query_bytes(0x1234), key, kNow).value();
    signed_query[0] = 0x99;
    EXPECT_EQ(tsig_verify(signed_query, key, kNow).status, TsigStatus::ok);
}

TEST(Tsig, WrongKeyAndStaleTimeAreTold) {
    const auto key = tsig_key_from(kRunKey);
    auto signed_query = tsig_append(query_bytes(), key, kNow).value();
    auto other = tsig_key_from(Bytes(32, 0x43));
    EXPECT_EQ(tsig_verify(signed_query, other, kNow).status, TsigStatus::bad_sig);  // same name, other secret
    other.name = Name::parse("other.key").value();
    EXPECT_EQ(tsig_verify(signed_query, other, kNow).status, TsigStatus::bad_key);
    EXPECT_EQ(tsig_verify(signed_query, key, kNow + kTsigFudge + 1).status, TsigStatus::bad_time);
    EXPECT_EQ(tsig_verify(query_bytes(), key, kNow).status, TsigStatus::absent);
}

TEST(Tsig, AnswerIsSignedOverTheRequestMac) {
    const auto key = tsig_key_from(kRunKey);
    auto signed_query = tsig_append(query_bytes(), key, kNow).value();
    const Bytes request_mac = tsig_verify(signed_query, key, kNow).mac;
    Message reply = decode(query_bytes()).value();
    reply.header.qr = true;
    auto signed_answer = tsig_append(encode(reply).value(), key, kNow, request_mac).value();
    EXPECT_EQ(tsig_verify(signed_answer, key, kNow, request_mac).status, TsigStatus::ok);
    Bytes other_mac = request_mac;
    other_mac[0] ^= 1;
    EXPECT_EQ(tsig_verify(signed_answer, key, kNow, other_mac).status, TsigStatus::bad_sig);
}

TEST(Tsig, ErrorRepliesAreUnsignedWithTheirError) {
    const auto key = tsig_key_from(kRunKey);
    auto reply = tsig_append(query_bytes(), key, kNow, {}, tsig_error::badsig).value();
    auto check = tsig_verify(reply, key, kNow);
    EXPECT_EQ(check.status, TsigStatus::error_reply);
    EXPECT_EQ(check.error, tsig_error::badsig);
    EXPECT_EQ(tsig_error_name(check.error), "BADSIG");
}

TEST(Tsig, ATsigThatIsNotLastIsMalformedAndNoPrefixCrashes) {
    const auto key = tsig_key_from(kRunKey);
    auto signed_query = tsig_append(query_bytes(), key, kNow).value();
    // Sign twice: the first TSIG is no longer the last record.
    auto twice = tsig_append(signed_query, key, kNow).value();
    EXPECT_EQ(tsig_verify(twice, key, kNow).status, TsigStatus::malformed);
    for (std::size_t length = 0; length < signed_query.size(); ++length) {
        auto check = tsig_verify(ByteView(signed_query).first(length), key, kNow);
        EXPECT_NE(check.status, TsigStatus::ok) << length;
    }
}

TEST(Tsig, DigArgumentIsBase64OfTheDerivedSecret) {
    const auto key = tsig_key_from(kRunKey);
    const std::string argument = tsig_dig_argument(key);
    EXPECT_EQ(argument.rfind("hmac-sha256:tsig.dnspath:", 0), 0u);
    EXPECT_EQ(argument.size(), std::string("hmac-sha256:tsig.dnspath:").size() + 44);  // 32 octets
    EXPECT_NE(tsig_key_from(Bytes(32, 0x43)).secret, key.secret);
}

}  // namespace
}  // namespace dnspath::wire
