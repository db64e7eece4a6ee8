// Port-randomness judgement on deterministic port sequences (no sockets, no clock).
#include <gtest/gtest.h>

#include <random>

#include "probe/kinds/kinds.h"

namespace dnspath::probe {
namespace {

using model::CauseCode;
using model::Status;

std::vector<PortSample> seen(const std::vector<std::uint16_t>& ports) {
    std::vector<PortSample> samples;
    for (auto port : ports) samples.push_back({static_cast<std::uint16_t>(port ^ 0x5555), port});
    return samples;
}

TEST(PortRandomness, SequentialNatIsAFailure) {
    std::vector<std::uint16_t> ports;
    for (int i = 0; i < 64; ++i) ports.push_back(static_cast<std::uint16_t>(1024 + i * 2));
    auto result = assess_ports(seen(ports));
    EXPECT_EQ(result.status, Status::fail);
    EXPECT_EQ(result.cause.code, CauseCode::port_rewrite);
    EXPECT_EQ(result.cause.params["pattern"], "sequential");
}

TEST(PortRandomness, OnePortForEverythingIsAFailure) {
    auto result = assess_ports(seen(std::vector<std::uint16_t>(64, 5353)));
    EXPECT_EQ(result.status, Status::fail);
    EXPECT_EQ(result.cause.params["pattern"], "fixed");
    EXPECT_EQ(result.cause.params["distinct"], 1);
}

// dnsdist 1.7's one socket per backend: two ports for every query, wherever they fall.
TEST(PortRandomness, AFewPortsReusedFailWhateverTheirRange) {
    for (int second : {1030, 9000, 50619, 65000}) {
        std::vector<std::uint16_t> ports;
        for (int i = 0; i < 64; ++i) ports.push_back(static_cast<std::uint16_t>(i % 2 ? second : 1025));
        auto result = assess_ports(seen(ports));
        EXPECT_EQ(result.status, Status::fail) << second;
        EXPECT_EQ(result.cause.params["pattern"], "reused") << second;
        EXPECT_EQ(result.cause.params["distinct"], 2);
        EXPECT_EQ(result.cause.params["bits"], 1.0);
    }
}

TEST(PortRandomness, NarrowRandomRangeFails) {
    std::mt19937 random(1);
    std::vector<std::uint16_t> ports;
    for (int i = 0; i < 64; ++i) ports.push_back(static_cast<std::uint16_t>(40000 + random() % 500));
    EXPECT_EQ(assess_ports(seen(ports)).status, Status::fail);
}

TEST(PortRandomness, ReducedRangeWarns) {
    std::mt19937 random(2);
    std::vector<std::uint16_t> ports;
    for (int i = 0; i < 64; ++i) ports.push_back(static_cast<std::uint16_t>(40000 + random() % 8000));
    EXPECT_EQ(assess_ports(seen(ports)).status, Status::warn);
}

TEST(PortRandomness, FullRangeRandomPasses) {
    std::mt19937 random(3);
    std::vector<std::uint16_t> ports;
    for (int i = 0; i < 64; ++i) ports.push_back(static_cast<std::uint16_t>(1024 + random() % 64000));
    auto result = assess_ports(seen(ports));
    EXPECT_EQ(result.status, Status::pass);
    EXPECT_EQ(result.cause.code, CauseCode::ok);
    EXPECT_EQ(result.cause.params["distinct"], 64);
}

TEST(PortRandomness, TooFewSamplesIsNotAVerdict) {
    auto result = assess_ports(seen({1, 2, 3}));
    EXPECT_EQ(result.status, Status::na);
    EXPECT_EQ(result.cause.code, CauseCode::not_measured);
    EXPECT_EQ(result.cause.params["why"], "too-few-answers");
}

}  // namespace
}  // namespace dnspath::probe

namespace dnspath::probe {
namespace {

// The echo crosses the path: a mangled field must read as "absent", never throw.
TEST(Echo, NumbersAreParsedWithoutThrowing) {
    EXPECT_EQ(echo_number("53"), 53u);
    EXPECT_FALSE(echo_number(""));
    EXPECT_FALSE(echo_number("abc"));
    EXPECT_FALSE(echo_number("12x"));
    EXPECT_FALSE(echo_number("99999999999999999999"));
    EXPECT_EQ(echo_number("70000"), 70000u);  // callers bound it to a port themselves
}

}  // namespace
}  // namespace dnspath::probe
