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

namespace dnspath::reports {
namespace {

TEST(HtmlReport, MarksTheGuiltyDeviceAndDrawsTheSizes) {
    RunResult result = sample();
    result.taps.push_back({"cpe.in", "netns:x-cpe/in", 10, 0, 0, "taps/cpe.in.pcapng"});
    result.taps.push_back({"cpe.out", "netns:x-cpe/out", 9, 3, 0, "taps/cpe.out.pcapng"});
    result.taps.push_back({"router.in", "netns:x-router/in", 9, 0, 0, ""});
    result.verdicts.push_back({"udp-fragments", Family::ipv6, Status::fail, std::nullopt, "<lost> & gone", {}, {"cpe", "router"}});
    result.ipv4.load_qps_through = 50000;
    result.ipv4.load_qps_baseline = 70000;
    const std::string html = render_html(result);
    // The path in order, the guilty device marked, the clean one not, a lossy tap red.
    const auto cpe = html.find(">cpe</text>"), router = html.find(">router</text>");
    ASSERT_NE(cpe, std::string::npos);
    ASSERT_NE(router, std::string::npos);
    EXPECT_LT(cpe, router);
    EXPECT_NE(html.find("<g class=\"device guilty\"><rect"), std::string::npos);
    EXPECT_NE(html.find("udp-large/ipv4"), std::string::npos);
    EXPECT_NE(html.find("cpe.out: 9 frames, 3 lost"), std::string::npos);
    // A verdict on two devices names both; text is escaped.
    EXPECT_NE(html.find("cpe + router"), std::string::npos);
    EXPECT_NE(html.find("&lt;lost&gt; &amp; gone"), std::string::npos);
    EXPECT_EQ(html.find("<lost>"), std::string::npos);
    // The size ladder has the lost 1480-octet probe; the load chart both figures.
    EXPECT_NE(html.find("p1: 1480 octets, timeout"), std::string::npos);
    EXPECT_NE(html.find("50000 q/s"), std::string::npos);
    EXPECT_NE(html.find("70000 q/s"), std::string::npos);
    // Seed items cited where the checkpoint has them.
    EXPECT_NE(html.find("JPRS A-87/F-87"), std::string::npos);
}

}  // namespace
}  // namespace dnspath::reports
