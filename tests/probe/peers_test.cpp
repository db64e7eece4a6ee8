// Real resolvers as peers: the --resolver syntax, the questions they are asked, and the lab's
// configurations for Unbound, BIND, Knot Resolver and PowerDNS Recursor (pure text here; the lab
// test runs them).
#include <gtest/gtest.h>

#include "probe/lab/lab.h"
#include "probe/peers/peers.h"

namespace dnspath {
namespace {

TEST(Peers, ResolverArgumentNamesAddressAndPort) {
    auto named = peers::parse_resolver("unbound=127.0.0.11");
    ASSERT_TRUE(named);
    EXPECT_EQ(named->name, "unbound");
    EXPECT_EQ(named->server.to_string(), "127.0.0.11:53");
    auto bare = peers::parse_resolver("fd00::53#5353");
    ASSERT_TRUE(bare);
    EXPECT_EQ(bare->name, "fd00::53");
    EXPECT_EQ(bare->server.port(), 5353);
    for (const char* bad : {"unbound=", "=127.0.0.1", "unbound=not-an-address", "127.0.0.1#", "127.0.0.1#0",
                            "127.0.0.1#65536", "127.0.0.1#99999999999999999999", "127.0.0.1#5x"})
        EXPECT_FALSE(peers::parse_resolver(bad)) << bad;
}

TEST(Peers, QuestionsAreSignedTokenedNamesOfTheZone) {
    const auto zone = wire::Name::parse("probe.dnspath.test").value();
    const wire::Bytes key(32, 7);
    const auto asked = peers::questions(zone, key, "r1a2b3c");
    ASSERT_EQ(asked.size(), 4u);
    EXPECT_EQ(asked[0].role, "dnskey");
    EXPECT_TRUE(asked[0].name.equals(zone));
    for (std::size_t i = 1; i < asked.size(); ++i) {
        auto probe = wire::parse_probe_name(asked[i].name, zone);
        ASSERT_TRUE(probe) << asked[i].name.to_string();
        EXPECT_TRUE(probe->dnssec);
        EXPECT_TRUE(wire::token_valid(*probe, zone, key)) << "the responder refuses large answers without it";
        EXPECT_EQ(probe->size.value_or(0), asked[i].size);
    }
    EXPECT_EQ(asked[3].size, 3000u);
}

TEST(LabResolvers, EachOnItsOwnLoopbackAddress) {
    const auto planned = lab::plan_resolvers({"powerdns", "unbound", "bind", "knot-resolver"});
    ASSERT_EQ(planned.size(), 4u);
    EXPECT_EQ(planned[0].address, "127.0.0.14");
    EXPECT_EQ(planned[1].address, "127.0.0.11");
}

TEST(LabResolvers, ConfigurationsAnchorTheZoneAndKeepTrafficInTheLab) {
    const std::string ds = "probe.dnspath.test. IN DS 10909 13 2 363C2C16";
    const auto text = [](const lab::ResolverLaunch& launch) {
        std::string all;
        for (const auto& [path, contents] : launch.files) all += path + "\n" + contents;
        return all;
    };
    for (const auto& resolver : lab::plan_resolvers({"unbound", "bind", "knot-resolver", "powerdns"})) {
        const auto v4 = text(lab::resolver_launch(resolver, "/run/x", "probe.dnspath.test.", ds, "198.18.9.2"));
        EXPECT_NE(v4.find(resolver.address), std::string::npos) << resolver.software;
        EXPECT_NE(v4.find("198.18.9.2"), std::string::npos) << resolver.software;
        EXPECT_NE(v4.find("363C2C16"), std::string::npos) << resolver.software << ": the trust anchor";
        // Root hints (or none needed) name only the lab: no root server address may appear.
        EXPECT_EQ(v4.find("198.41.0.4"), std::string::npos);
        EXPECT_FALSE(lab::resolver_launch(resolver, "/run/x", "probe.dnspath.test.", ds, "198.18.9.2").argv.empty());
    }
    const auto bind = text(lab::resolver_launch({"bind", "127.0.0.12"}, "/d", "probe.dnspath.test.", ds, "198.18.9.2"));
    EXPECT_NE(bind.find("static-ds 10909 13 2 \"363C2C16\""), std::string::npos) << bind;
    const auto pdns = text(lab::resolver_launch({"powerdns", "127.0.0.14"}, "/d", "probe.dnspath.test.", ds, "fd00:9::2"));
    EXPECT_NE(pdns.find("forward-zones=probe.dnspath.test.=[fd00:9::2]:53"), std::string::npos) << pdns;
    EXPECT_NE(pdns.find("addTA('probe.dnspath.test.', '10909 13 2 363C2C16')"), std::string::npos) << pdns;
    const auto unbound = text(lab::resolver_launch({"unbound", "127.0.0.11"}, "/d", "probe.dnspath.test.", ds, "fd00:9::2"));
    EXPECT_NE(unbound.find("do-ip6: yes"), std::string::npos);
    EXPECT_NE(unbound.find("ns.lab-root.      3600000 AAAA fd00:9::2"), std::string::npos) << unbound;
}

}  // namespace
}  // namespace dnspath
