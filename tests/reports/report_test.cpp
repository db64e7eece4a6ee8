#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "reports/report.h"

namespace dnspath::reports {
namespace {

RunResult sample() {
    RunResult result;
    result.tool_version = "0.1.0";
    result.started_at = "2026-11-22T00:00:00Z";
    result.targets = {"198.18.2.2"};
    result.verdicts.push_back({"udp-large", Family::ipv4, Status::fail, std::string("cpe"), "answers of 1480 vanish", {"probe p1"}});
    result.verdicts.push_back({"tcp-direct", Family::ipv6, Status::pass, std::nullopt, "ok", {}});
    result.ipv4.largest_udp_answer = 1472;
    result.ipv4.nat = true;
    result.probes.push_back({"p1", "edns-size", "ipv4", "udp", "size=1480", "timeout", 0, 0, "3 tries"});
    return result;
}

TEST(Report, JsonRoundTripKeepsTheInterface) {
    auto path = std::filesystem::temp_directory_path() / "dnspath-report-test.json";
    ASSERT_TRUE(write_json(sample(), path.string()));
    auto back = read_json(path.string());
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_EQ(back->verdicts.size(), 2u);
    EXPECT_EQ(back->verdicts[0].checkpoint, "udp-large");
    EXPECT_EQ(back->verdicts[0].device, "cpe");
    EXPECT_EQ(back->verdicts[0].status, Status::fail);
    EXPECT_FALSE(back->verdicts[1].device);
    EXPECT_EQ(back->ipv4.largest_udp_answer, 1472);
    EXPECT_EQ(back->ipv4.nat, true);
    EXPECT_FALSE(back->ipv6.path_mtu);
    ASSERT_EQ(back->probes.size(), 1u);
    EXPECT_EQ(back->probes[0].outcome, "timeout");
    std::filesystem::remove(path);
}

TEST(Report, JsonCarriesSeedItemsAndNulls) {
    auto text = to_json(sample());
    EXPECT_NE(text.find("\"JPRS A-86/F-86 (1220 octets)\""), std::string::npos);
    EXPECT_NE(text.find("\"device\": null"), std::string::npos);
    EXPECT_NE(text.find("\"path_mtu\": null"), std::string::npos);
    EXPECT_NE(text.find("\"family\": \"ipv6\""), std::string::npos);
}

TEST(Report, ExitCodeFollowsFailures) {
    auto result = sample();
    EXPECT_EQ(exit_code(result), 1);
    result.verdicts[0].status = Status::warn;
    EXPECT_EQ(exit_code(result), 0);
}

TEST(Report, TextNamesTheDeviceAndSummary) {
    auto text = render_text(sample(), false);
    EXPECT_NE(text.find("FAIL"), std::string::npos);
    EXPECT_NE(text.find("cpe"), std::string::npos);
    EXPECT_NE(text.find("largest UDP answer 1472 octets"), std::string::npos);
    EXPECT_EQ(text.find("\033["), std::string::npos);  // no colors when asked for none
}

TEST(Report, ReadingGarbageIsAnError) {
    auto path = std::filesystem::temp_directory_path() / "dnspath-garbage.json";
    std::ofstream(path) << "{not json";
    EXPECT_FALSE(read_json(path.string()));
    std::ofstream(path) << "{\"tool\": \"other\"}";
    EXPECT_FALSE(read_json(path.string()));
    std::ofstream(path) << "{\"tool\": \"dnspath\", \"verdicts\": [{\"checkpoint\": 5}]}";
    EXPECT_FALSE(read_json(path.string()));
    std::filesystem::remove(path);
    EXPECT_FALSE(read_json("/nonexistent/result.json"));
}

}  // namespace
}  // namespace dnspath::reports
