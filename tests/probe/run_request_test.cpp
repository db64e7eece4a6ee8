// The run request: what `dnspath run`, the lab and the bench build, and what a child run reads as
// JSON. Round trips, refusals that name the field, and the profile's part of it.
#include <gtest/gtest.h>

#include <filesystem>

#include "probe/profile/profile.h"
#include "probe/run/run.h"

namespace dnspath::run {
namespace {

RunRequest full_request() {
    RunRequest request;
    request.config.targets = {"198.18.0.2", "fd00::2"};
    request.config.proxies = {"198.18.1.1"};
    request.config.proxy_upstream_unseen = true;
    request.config.baseline = {"198.18.0.3"};
    request.config.port = 5353;
    request.config.zone = "probe.example.";
    request.config.plan.probes = {"edns-size", "proxy"};
    request.config.plan.sizes = {512, 4096};
    request.config.plan.repetitions = 3;
    request.config.target_names = {{"www.example.", "A", true}};
    request.config.seed = 0xfeedfacecafebeefULL;
    request.key_file = "/tmp/key";
    request.devices = {{"cpe", "netns:a/lan0", "netns:a/wan0"}, {"isp", "", "eth1"}};
    request.identities = {{"cpe", "AX-1", "1.2.3"}};
    request.addressing = model::Addressing{"cpe", "198.18.200.100", "fd00:200::100", "fd00:3400::/56", "192.168.1.10/24",
                                           "fd00:3400:0:1::10/64", false};
    request.resolvers = {{"unbound", "127.0.0.11", 53}, {"x", "fd00::53", 5300}};
    request.out_dir = "out";
    request.user = "nobody";
    request.language = reports::Language::ja;
    request.profile_path = "profiles/default.toml";
    request.profile_name = "default";
    request.command_line = {"dnspath", "lab", "run"};
    return request;
}

TEST(RunRequest, EveryFieldSurvivesTheTripToAChildRun) {
    const auto request = full_request();
    const auto text = to_json(request);
    auto back = request_from_json(text);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(to_json(*back), text);
    EXPECT_EQ(back->config.targets, request.config.targets);
    EXPECT_EQ(back->config.port, 5353);
    EXPECT_EQ(back->config.seed, 0xfeedfacecafebeefULL);
    EXPECT_EQ(back->config.plan.sizes, (std::vector<std::uint32_t>{512, 4096}));
    EXPECT_TRUE(back->config.target_names.at(0).dnssec);
    EXPECT_EQ(back->devices.at(1).tap_out, "eth1");
    ASSERT_TRUE(back->addressing);
    EXPECT_EQ(back->addressing->delegated_prefix, "fd00:3400::/56");
    EXPECT_EQ(back->resolvers.at(1).port, 5300);
    EXPECT_EQ(back->language, reports::Language::ja);
    EXPECT_EQ(back->profile_name, std::optional<std::string>("default"));
}

TEST(RunRequest, TheKeyNeverTravelsOnlyItsFile) {
    auto request = full_request();
    request.config.key = {0xde, 0xad, 0xbe, 0xef};
    EXPECT_EQ(to_json(request).find("deadbeef"), std::string::npos);
    EXPECT_EQ(to_json(request).find("\"key\""), std::string::npos);
}

TEST(RunRequest, RefusesWhatIsNotARequestAndNamesTheField) {
    EXPECT_FALSE(request_from_json("[]"));
    EXPECT_FALSE(request_from_json("{"));
    auto unknown = request_from_json(R"({"targets": ["198.18.0.2"]})");
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("'targets'"), std::string::npos) << unknown.error().message;
    auto mistyped = request_from_json(R"({"config": {"port": "fifty-three"}})");
    ASSERT_FALSE(mistyped);
    EXPECT_NE(mistyped.error().message.find("config.port"), std::string::npos) << mistyped.error().message;
    auto folder = request_from_json(R"({"out_dir": 5})");
    ASSERT_FALSE(folder);
    EXPECT_NE(folder.error().message.find("wrong type"), std::string::npos) << folder.error().message;
    EXPECT_FALSE(request_from_json(R"({"language": "fr"})"));
    EXPECT_FALSE(request_from_json(R"({"config": {"port": 70000}})"));
    EXPECT_FALSE(request_from_json(R"({"config": {"plan": {"repetitions": -1}}})"));
    EXPECT_FALSE(request_from_json(R"({"config": {"plan": {"probes": ["rm -rf"]}}})"));
    EXPECT_FALSE(request_from_json(R"({"config": {"plan": {"families": ["ipx"]}}})"));
    // Found by fuzz_request: a size too large for any whole number was undefined behaviour.
    EXPECT_FALSE(request_from_json(R"({"config": {"plan": {"sizes": [6.6e112, 1232]}}})"));
    EXPECT_FALSE(request_from_json(R"({"config": {"plan": {"sizes": [70000]}}})"));
    EXPECT_FALSE(request_from_json(R"({"config": {"seed": -1}})"));
    EXPECT_FALSE(request_from_json(R"({"resolvers": [{"name": "u", "address": "127.0.0.1", "port": 1e9}]})"));
    EXPECT_FALSE(request_from_json(R"({"resolvers": [{"name": "u", "address": "127.0.0.1", "port": 0}]})"));
}

TEST(RunRequest, AProfileGivesItsPlanTapsIdentitiesAndAKeyBesideIt) {
    auto profile = profile::parse_profile(R"([profile]
name = "two boxes"
[target]
addresses = ["198.18.0.2"]
key_file = "k.key"
[plan]
probes = ["tcp"]
user = "nobody"
[[topology.device]]
name = "cpe"
kind = "cpe"
tap_in = "eth0"
tap_out = "eth1"
model = "AX-1"
[[topology.device]]
name = "isp"
)",
                                          "/etc/dnspath/two.toml");
    ASSERT_TRUE(profile) << profile.error().describe();
    const auto request = request_from_profile(*profile, "/etc/dnspath/two.toml");
    EXPECT_EQ(request.config.targets, std::vector<std::string>{"198.18.0.2"});
    EXPECT_EQ(request.config.plan.probes, std::vector<std::string>{"tcp"});
    EXPECT_EQ(request.key_file, "/etc/dnspath/k.key");
    ASSERT_EQ(request.devices.size(), 1u);  // the device without taps has none to open
    EXPECT_EQ(request.devices[0].tap_out, "eth1");
    ASSERT_EQ(request.identities.size(), 1u);
    EXPECT_EQ(request.identities[0].model, "AX-1");
    EXPECT_EQ(request.user, "nobody");
    EXPECT_EQ(request.profile_name, std::optional<std::string>("two boxes"));
}

TEST(RunRequest, PreparingAddsTheProxyKindSaysWhetherTheLanIsDelegatedAndMakesTheFolder) {
    auto request = full_request();
    request.key_file.clear();
    request.user.clear();
    request.config.plan.probes = {"tcp"};
    request.addressing->lan_ipv6 = "fd00:3400:0:1::10/64";
    request.out_dir = (std::filesystem::temp_directory_path() / "dnspath-run-request-test").string();
    auto prepared = prepare(request);
    ASSERT_TRUE(prepared) << prepared.error().message;
    EXPECT_EQ(prepared->request().config.plan.probes, (std::vector<std::string>{"tcp", "proxy"}));
    EXPECT_TRUE(prepared->request().addressing->lan_in_delegation);
    EXPECT_TRUE(std::filesystem::is_directory(request.out_dir));
    request.addressing->lan_ipv6 = "fd00:9999::10/64";
    EXPECT_FALSE(prepare(request)->request().addressing->lan_in_delegation);
    request.config.targets.clear();
    EXPECT_FALSE(prepare(request));
    std::filesystem::remove_all(request.out_dir);
}

}  // namespace
}  // namespace dnspath::run
