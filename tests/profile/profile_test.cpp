// Profile validation, table-driven: each invalid row says what is wrong with it and where the
// error must point.
#include <gtest/gtest.h>

#include <map>

#include <filesystem>
#include <fstream>

#include "probe/profile/profile.h"

namespace dnspath::profile {
namespace {

const char* kValid = R"(
[profile]
name = "cpe under test"

[target]
addresses = ["198.18.2.2", "fd00:2::2"]
port = 53
zone = "probe.dnspath.test."
key_file = "key.txt"

[plan]
probes = ["edns-size", "tcp"]
sizes = [512, 1232, 4096]
repetitions = 2
timeout_ms = 800

[[topology.device]]
name = "cpe"
kind = "cpe"
tap_in = "netns:dp-cpe/lan0"
tap_out = "netns:dp-cpe/wan0"
edns_packet_max = 1232
model = "WXR-1750DHP"
firmware = "2.60"

[topology.device.faults]
drop_ipv6_fragments = true
tcp53 = "reset"

[[topology.device]]
name = "router"
tap_in = "eth1"
)";

TEST(Profile, ValidProfileLoadsEveryField) {
    auto profile = parse_profile(kValid, "valid.toml");
    ASSERT_TRUE(profile) << profile.error().describe();
    EXPECT_EQ(profile->name, "cpe under test");
    EXPECT_EQ(profile->target.addresses.size(), 2u);
    EXPECT_EQ(profile->target.key_file, "key.txt");
    EXPECT_EQ(profile->plan.probes, (std::vector<std::string>{"edns-size", "tcp"}));
    EXPECT_EQ(profile->plan.sizes, (std::vector<std::uint32_t>{512, 1232, 4096}));
    EXPECT_EQ(profile->plan.repetitions, 2);
    EXPECT_EQ(profile->plan.timeout_ms, 800);
    EXPECT_EQ(profile->plan.retries, default_plan().retries);  // unset keys keep defaults
    ASSERT_EQ(profile->devices.size(), 2u);
    EXPECT_EQ(profile->devices[0].kind, "cpe");
    EXPECT_EQ(profile->devices[0].edns_packet_max, 1232);
    EXPECT_EQ(profile->devices[0].model, "WXR-1750DHP");
    EXPECT_EQ(profile->devices[0].firmware, "2.60");
    EXPECT_TRUE(profile->devices[0].faults.drop_ipv6_fragments);
    EXPECT_EQ(profile->devices[0].faults.tcp53, "reset");
    EXPECT_EQ(profile->devices[1].kind, "router");  // default kind
    EXPECT_FALSE(profile->lab);
}

TEST(Profile, MinimalProfileGetsTheDefaultPlan) {
    auto profile = parse_profile("[target]\naddresses = [\"198.18.2.2\"]\n", "min.toml");
    ASSERT_TRUE(profile) << profile.error().describe();
    EXPECT_EQ(profile->plan.probes, default_plan().probes);
    EXPECT_EQ(profile->plan.sizes.size(), 16u);
    EXPECT_EQ(profile->target.zone, "probe.dnspath.test.");
}

struct InvalidCase {
    const char* why;  // what is wrong, for the person reading a failure
    const char* text;
    int line;
    int column;
    const char* message_part;
};

const InvalidCase kInvalid[] = {
    // TOML syntax: an unterminated string; the parser's own location is kept.
    {"unterminated string", "[target]\naddresses = [\"198.18.2.2]\n", 2, 0, ""},
    // A type error: port as a string.
    {"port is a string", "[target]\naddresses = [\"198.18.2.2\"]\nport = \"53\"\n", 3, 8, "target.port: expected an integer, got a string"},
    // Out of the table of limits.
    {"port 0", "[target]\naddresses = [\"198.18.2.2\"]\nport = 0\n", 3, 8, "target.port must be within 1 - 65535, got 0"},
    {"port too high", "[target]\naddresses = [\"198.18.2.2\"]\nport = 70000\n", 3, 8, "must be within 1 - 65535"},
    // Unknown key: a typo must not be silently ignored.
    {"typo in plan", "[target]\naddresses = [\"198.18.2.2\"]\n[plan]\nsizez = [512]\n", 4, 1, "unknown key 'sizez' in [plan]"},
    {"unknown top-level table", "[targets]\n", 1, 2, "unknown key 'targets' at top level"},
    // Choices.
    {"unknown probe kind", "[target]\naddresses = [\"198.18.2.2\"]\n[plan]\nprobes = [\"edns-size\", \"warp\"]\n", 4, 24, "must be one of"},
    {"unknown device kind", "[target]\naddresses = [\"198.18.2.2\"]\n[[topology.device]]\nname = \"x\"\nkind = \"toaster\"\n", 5, 8, "topology.device.kind must be one of"},
    {"bad tcp53 fault", "[target]\naddresses = [\"198.18.2.2\"]\n[[topology.device]]\nname = \"x\"\n[topology.device.faults]\ntcp53 = \"maybe\"\n", 6, 9, "tcp53 must be one of"},
    // Array element limits.
    {"size below 64", "[target]\naddresses = [\"198.18.2.2\"]\n[plan]\nsizes = [512, 10]\n", 4, 15, "plan.sizes[] must be within 64 - 65535, got 10"},
    {"size not an integer", "[target]\naddresses = [\"198.18.2.2\"]\n[plan]\nsizes = [512, \"big\"]\n", 4, 15, "plan.sizes[]: expected an integer"},
    // Semantic checks after the types.
    {"address not an IP", "[target]\naddresses = [\"dns.example\"]\n", 2, 14, "is not an IPv4 or IPv6 address literal"},
    {"no target at all", "[plan]\nretries = 1\n", 1, 1, "no target"},
    {"duplicate device name", "[target]\naddresses = [\"198.18.2.2\"]\n[[topology.device]]\nname = \"a\"\n[[topology.device]]\nname = \"a\"\n", 6, 8, "used twice"},
    {"tap with a space", "[target]\naddresses = [\"198.18.2.2\"]\n[[topology.device]]\nname = \"a\"\ntap_in = \"eth 0\"\n", 5, 10, "is not an interface"},
    {"netns tap without interface", "[target]\naddresses = [\"198.18.2.2\"]\n[[topology.device]]\nname = \"a\"\ntap_in = \"netns:ns1/\"\n", 5, 10, "is not an interface"},
    {"edns_packet_max on a router", "[target]\naddresses = [\"198.18.2.2\"]\n[[topology.device]]\nname = \"a\"\nedns_packet_max = 1232\n", 5, 19, "only applies to kind = \"cpe\""},
    {"lab prefix too long", "[lab]\nprefix = \"toolongprefix\"\n", 2, 10, "lab.prefix must be 1 to 6"},
    {"target mode without names", "[target]\naddresses = [\"198.18.2.2\"]\nmode = \"target\"\n", 1, 1, "needs at least one [[target.names]]"},
    {"empty probe list", "[target]\naddresses = [\"198.18.2.2\"]\n[plan]\nprobes = []\n", 4, 10, "plan.probes is empty"},
    {"bad zone", "[target]\naddresses = [\"198.18.2.2\"]\nzone = \"a..b\"\n", 3, 8, "target.zone"},
    // The cpe and lb options, and the lb's place on the path.
    {"backends on a router", "[target]\naddresses = [\"198.18.2.2\"]\n[[topology.device]]\nname = \"a\"\nbackends = 3\n", 5, 12, "only applies to kind = \"lb\""},
    {"proxy_cache on a nat", "[target]\naddresses = [\"198.18.2.2\"]\n[[topology.device]]\nname = \"a\"\nkind = \"nat\"\nproxy_cache = true\n", 6, 15, "only applies to kind = \"cpe\""},
    {"lb before another device", "[target]\naddresses = [\"198.18.2.2\"]\n[[topology.device]]\nname = \"a\"\nkind = \"lb\"\n[[topology.device]]\nname = \"b\"\n", 3, 1, "must be the last device"},
    {"backends over 8", "[target]\naddresses = [\"198.18.2.2\"]\n[[topology.device]]\nname = \"a\"\nkind = \"lb\"\nbackends = 9\n", 6, 12, "within 1 - 8"},
    {"fault family", "[target]\naddresses = [\"198.18.2.2\"]\n[[topology.device]]\nname = \"a\"\n[topology.device.faults]\nfamily = \"ipv5\"\n", 6, 10, "family must be one of"},
    {"proxy not an address", "[target]\naddresses = [\"198.18.2.2\"]\nproxies = [\"cpe.lan\"]\n", 3, 12, "target.proxies: \"cpe.lan\" is not an IPv4 or IPv6"},
    {"sessions too few", "[target]\naddresses = [\"198.18.2.2\"]\n[plan]\nsessions = 2\n", 4, 12, "within 8 - 4096"},
    {"balancer and balancers", "[target]\naddresses = [\"198.18.2.2\"]\n[[topology.device]]\nname = \"a\"\nkind = \"lb\"\nbalancer = \"dnsdist\"\nbalancers = [\"nftables\"]\n", 7, 13, "not both"},
    {"a balancer twice", "[target]\naddresses = [\"198.18.2.2\"]\n[[topology.device]]\nname = \"a\"\nkind = \"lb\"\nbalancers = [\"dnsdist\", \"dnsdist\"]\n", 6, 13, "listed twice"},
    {"balancers on a router", "[target]\naddresses = [\"198.18.2.2\"]\n[[topology.device]]\nname = \"a\"\nbalancers = [\"dnsdist\"]\n", 5, 13, "only applies to kind = \"lb\""},
    {"unknown balancer", "[target]\naddresses = [\"198.18.2.2\"]\n[[topology.device]]\nname = \"a\"\nkind = \"lb\"\nbalancers = [\"haproxy\"]\n", 6, 14, "must be one of"},
    {"unknown lab resolver", "[lab]\nresolvers = [\"unbound\", \"dnscrypt\"]\n", 2, 25, "must be one of"},
    {"a lab resolver twice", "[lab]\nresolvers = [\"bind\", \"bind\"]\n", 2, 22, "listed twice"},
    {"device is a table, not an array", "[target]\naddresses = [\"198.18.2.2\"]\n[topology.device]\nname = \"a\"\n", 3, 1, "expected an array of tables"},
};

TEST(Profile, InvalidRowsNameFileLineColumnAndWhatWasExpected) {
    for (const auto& row : kInvalid) {
        SCOPED_TRACE(row.why);
        auto profile = parse_profile(row.text, "bad.toml");
        ASSERT_FALSE(profile);
        ASSERT_FALSE(profile.error().errors.empty());
        const auto& error = profile.error().errors.front();
        EXPECT_EQ(error.file, "bad.toml");
        EXPECT_EQ(error.line, row.line);
        if (row.column != 0) {
            EXPECT_EQ(error.column, row.column);
        }
        EXPECT_NE(error.message.find(row.message_part), std::string::npos) << error.message;
        EXPECT_EQ(error.describe().rfind("bad.toml:" + std::to_string(row.line) + ":", 0), 0u) << error.describe();
    }
}

// The schema's problems carry a code and its arguments, so reports can word them in Japanese.
TEST(Profile, SchemaProblemsCarryACodeAndItsArguments) {
    auto profile = parse_profile("[target]\naddresses = [\"198.18.2.2\"]\n[plan]\nretries = \"two\"\ntimeout_ms = 99999999\n"
                                 "probes = [\"nosuch\"]\nprob = 1\n",
                                 "coded.toml");
    ASSERT_FALSE(profile);
    std::map<std::string, const ProfileError*> by_code;
    for (const auto& error : profile.error().errors) by_code[error.code] = &error;
    ASSERT_TRUE(by_code.count("wrong-type"));
    EXPECT_EQ(by_code["wrong-type"]->args,
              (std::vector<std::pair<std::string, std::string>>{{"path", "plan.retries"}, {"expected", "integer"}, {"got", "string"}}));
    ASSERT_TRUE(by_code.count("out-of-range"));
    EXPECT_EQ(by_code["out-of-range"]->args.front(), (std::pair<std::string, std::string>{"path", "plan.timeout_ms"}));
    ASSERT_TRUE(by_code.count("not-one-of"));
    ASSERT_TRUE(by_code.count("unknown-key"));
    EXPECT_EQ(by_code["unknown-key"]->args.front(), (std::pair<std::string, std::string>{"key", "prob"}));
    EXPECT_EQ(by_code["unknown-key"]->line, 7);
}

TEST(Profile, AllErrorsAreReportedNotJustTheFirst) {
    auto profile = parse_profile("[target]\naddresses = [\"198.18.2.2\"]\nport = 0\n[plan]\nretries = 99\n", "two.toml");
    ASSERT_FALSE(profile);
    EXPECT_EQ(profile.error().errors.size(), 2u);
    EXPECT_NE(profile.error().describe().find("\n"), std::string::npos);
}

TEST(Profile, MissingFileIsOneLine) {
    auto profile = load_profile_file("/nonexistent/dnspath.toml");
    ASSERT_FALSE(profile);
    auto text = profile.error().describe();
    EXPECT_EQ(text.find('\n'), std::string::npos);
    EXPECT_EQ(text, "/nonexistent/dnspath.toml: no such file");
}

TEST(Profile, ShippedProfilesAreValid) {
    // Every file in profiles/ must load: they are documentation as much as data.
    std::filesystem::path folder = std::filesystem::path(DNSPATH_SOURCE_DIR) / "profiles";
    int checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        if (entry.path().extension() != ".toml") continue;
        auto profile = load_profile_file(entry.path().string());
        EXPECT_TRUE(profile) << (profile ? "" : profile.error().describe());
        ++checked;
    }
    EXPECT_GT(checked, 0);
}

}  // namespace
}  // namespace dnspath::profile
