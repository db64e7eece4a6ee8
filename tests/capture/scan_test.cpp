// The capture's fast readers against the slow, trusted ones: the DNS scanner against the full
// decoder, and the in-place file walker against libpcap, on the recorded fixtures and on
// hand-built and cut-short inputs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "capture/capture.h"
#include "capture/capture_file.h"
#include "capture/dns_scan.h"
#include "capture/pcapng.h"
#include "probe/wire/wire.h"

namespace dnspath::capture {
namespace {

using namespace dnspath::wire;

const Name kZone = Name::parse("probe.dnspath.test").value();

std::string source_file(const std::string& relative) {
    return (std::filesystem::path(DNSPATH_SOURCE_DIR) / relative).string();
}

Bytes read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(ScanDns, ReadsAProbeQuery) {
    Edns edns;
    edns.udp_size = 1232;
    edns.dnssec_ok = true;
    auto query = encode(make_query(7, Name::parse("P00AB.s1500.probe.DNSPATH.test").value(), rr_type::txt, edns)).value();
    auto facts = scan_dns(query, ZoneSuffix(kZone));
    ASSERT_TRUE(facts.ok);
    EXPECT_TRUE(facts.in_zone);
    EXPECT_FALSE(facts.apex);
    EXPECT_EQ(facts.first_label, "P00AB");  // as sent; the observer lowercases it
    EXPECT_EQ(facts.id, 7);
    EXPECT_TRUE(facts.opt);
    EXPECT_EQ(facts.udp_size, 1232);
    EXPECT_TRUE(facts.dnssec_ok);
}

TEST(ScanDns, TellsTheApexAndOtherZonesApart) {
    ZoneSuffix zone(kZone);
    auto apex = encode(make_query(1, kZone, rr_type::dnskey, Edns{})).value();
    EXPECT_TRUE(scan_dns(apex, zone).apex);
    // "xprobe.dnspath.test" ends with the zone's octets but not at a label boundary.
    for (const char* other : {"xprobe.dnspath.test", "probe.dnspath.test.example", "dnspath.test"}) {
        auto query = encode(make_query(1, Name::parse(other).value(), rr_type::txt, Edns{})).value();
        auto facts = scan_dns(query, zone);
        EXPECT_TRUE(facts.ok) << other;
        EXPECT_FALSE(facts.in_zone) << other;
    }
}

TEST(ScanDns, EveryCutShortMessageIsNotOkButItsQuestionMayBe) {
    Edns edns;
    auto message = make_query(9, kZone.prepend("p1"), rr_type::txt, edns);
    message.header.qr = true;
    auto answer = encode_exact_size(message, 1400, kZone.prepend("p1")).value();
    ZoneSuffix zone(kZone);
    ASSERT_TRUE(scan_dns(answer, zone).ok);
    const std::size_t question_end = 12 + kZone.prepend("p1").wire_length() + 4;
    for (std::size_t cut = 0; cut < answer.size(); ++cut) {
        ByteView prefix(answer.data(), cut);
        EXPECT_FALSE(scan_dns(prefix, zone).ok) << cut;
        // An ICMP quote: only the question is needed.
        EXPECT_EQ(scan_dns(prefix, zone, true).ok, cut >= question_end) << cut;
    }
}

// Every DNS message in a fixture, scanned and fully decoded: they must agree.
TEST(ScanDns, AgreesWithTheDecoderOnRecordedServers) {
    ZoneSuffix any(Name::parse(".").value());
    int compared = 0, with_options = 0;
    for (const char* fixture : {"bind.pcap", "knot.pcap", "unbound.pcap"}) {
        auto file = PcapFile::open(source_file(std::string("tests/pcaps/") + fixture));
        ASSERT_TRUE(file);
        const int link = file->link_type();
        ASSERT_TRUE(file->for_each([&](const Frame& frame) {
            Packet packet = dissect(frame.data, link);
            if (packet.transport != Transport::udp) return;
            auto message = decode(packet.payload);
            auto facts = scan_dns(packet.payload, any);
            ASSERT_EQ(facts.ok, static_cast<bool>(message)) << fixture << " frame " << frame.number;
            if (!message) return;
            EXPECT_EQ(facts.id, message->header.id);
            EXPECT_EQ(facts.qr, message->header.qr);
            EXPECT_EQ(facts.tc, message->header.tc);
            EXPECT_EQ(facts.opt, message->edns.has_value());
            if (message->edns) {
                EXPECT_EQ(facts.udp_size, message->edns->udp_size);
                EXPECT_EQ(facts.dnssec_ok, message->edns->dnssec_ok);
                std::uint16_t bits = 0;
                for (const auto& option : message->edns->options) bits |= option_bit(option.code);
                EXPECT_EQ(facts.options, bits) << fixture << " frame " << frame.number;
                if (bits != 0) ++with_options;
            }
            int rrsigs = 0;
            for (const auto& record : message->answers) rrsigs += record.type == rr_type::rrsig;
            EXPECT_EQ(facts.rrsigs, rrsigs) << fixture << " frame " << frame.number;
            ++compared;
        }));
    }
    EXPECT_GT(compared, 40);
    EXPECT_GT(with_options, 5);  // cookies and NSIDs in the recorded traffic
    EXPECT_EQ(option_names(option_bit(10) | option_bit(12) | option_bit(65001)), "Cookie, Padding, others");
}

// The in-place walker and libpcap see the same frames, in pcap and in pcapng.
TEST(CaptureFile, WalksTheSameFramesAsLibpcap) {
    for (const char* fixture : {"tests/pcaps/bind.pcap", "tests/pcaps/knot.pcap", "tests/pcaps/unbound.pcap",
                                "tests/fuzz/corpus/capture_file/knot.pcapng"}) {
        const std::string path = source_file(fixture);
        std::vector<Bytes> expected;
        auto file = PcapFile::open(path);
        ASSERT_TRUE(file) << fixture;
        ASSERT_TRUE(file->for_each([&](const Frame& frame) { expected.emplace_back(frame.data.begin(), frame.data.end()); }));
        auto mapped = MappedFile::open(path);
        ASSERT_TRUE(mapped) << fixture;
        std::vector<Bytes> walked;
        int link = -1;
        auto walk = walk_capture(
            mapped->bytes(), [&](int type) { link = type; },
            [&](const Frame& frame) {
                EXPECT_EQ(frame.number, walked.size() + 1);
                walked.emplace_back(frame.data.begin(), frame.data.end());
            });
        ASSERT_TRUE(walk) << fixture << ": " << walk.error().message;
        EXPECT_EQ(link, file->link_type()) << fixture;
        EXPECT_EQ(walked, expected) << fixture;
    }
}

TEST(CaptureFile, ACutShortFileIsAnErrorNeverAnOverread) {
    for (const char* fixture : {"tests/pcaps/bind.pcap", "tests/fuzz/corpus/capture_file/knot.pcapng"}) {
        Bytes whole = read_bytes(source_file(fixture));
        std::size_t full = 0;
        ASSERT_TRUE(walk_capture(whole, [](int) {}, [&](const Frame&) { ++full; }));
        for (std::size_t cut = 1; cut < whole.size(); cut += 7) {
            std::size_t frames = 0;
            // Copied, so AddressSanitizer sees the end of the buffer as the end of the file.
            Bytes prefix(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(cut));
            auto walk = walk_capture(prefix, [](int) {}, [&](const Frame&) { ++frames; });
            EXPECT_LE(frames, full);
            if (walk) {
                EXPECT_EQ(frames, walk->frames);
            }
        }
    }
    EXPECT_FALSE(walk_capture(Bytes{1, 2, 3, 4, 5}, [](int) {}, [](const Frame&) {}));
}

TEST(CaptureFile, AnalysisReadsPcapngTapsAsLiveRunsWriteThem) {
    auto observed = observe_file("knot", source_file("tests/fuzz/corpus/capture_file/knot.pcapng"), Name::parse(".").value());
    ASSERT_TRUE(observed) << observed.error().message;
    EXPECT_GT(observed->frames, 10u);
    EXPECT_EQ(observed->undecodable, 0u);
}

}  // namespace
}  // namespace dnspath::capture

namespace dnspath::capture {
namespace {

// Runs a command and returns what it printed (the tests' way to ask tshark).
std::string output_of(const std::string& command) {
    std::string out;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        char buffer[4096];
        for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
        ::pclose(pipe);
    }
    return out;
}

// A tap's pcapng as live runs write it: each frame that belongs to a probe carries the probe id as
// its packet comment, and the capture's counts end the file in an Interface Statistics Block. Our
// own walker and Wireshark's tshark both read it back.
TEST(Pcapng, FramesCarryTheirProbeAndTheFileEndsWithTheDropCounts) {
    auto file = PcapFile::open(source_file("tests/pcaps/knot.pcap"));
    ASSERT_TRUE(file);
    const auto path = (std::filesystem::temp_directory_path() / "dnspath-pcapng-test.pcapng").string();
    auto created = PcapngWriter::create(path, file->link_type(), "lo", "test tap");
    ASSERT_TRUE(created) << created.error().message;
    std::optional<PcapngWriter> writer(std::move(*created));
    TapObserver observer("test", Name::parse(".").value(), file->link_type());
    std::vector<std::string> comments;
    ASSERT_TRUE(file->for_each([&](const Frame& frame) {
        const std::string probe(observer.add(frame.number, frame.data));
        comments.push_back(probe.empty() ? "" : "probe=" + probe);
        writer->write(1700000000000000u + frame.number, frame.data, static_cast<std::uint32_t>(frame.data.size()),
                      comments.back());
    }));
    writer->write_statistics({1700000001000000u, 1700000000000001u, 1700000000000000u + comments.size(),
                              comments.size() + 3, 2, 3, comments.size()});
    ASSERT_TRUE(writer->good());
    writer.reset();  // flushes and closes the file
    const auto commented = std::count_if(comments.begin(), comments.end(), [](const auto& c) { return !c.empty(); });
    EXPECT_GT(commented, 10);

    // Our walker reads the statistics block: the tap lost packets, and analysis says so.
    auto mapped = MappedFile::open(path);
    ASSERT_TRUE(mapped);
    std::size_t walked = 0;
    auto walk = walk_capture(mapped->bytes(), [](int) {}, [&](const Frame&) { ++walked; });
    ASSERT_TRUE(walk) << walk.error().message;
    EXPECT_EQ(walked, comments.size());
    EXPECT_EQ(walk->interface_drops, 2u);
    EXPECT_EQ(walk->kernel_drops, 3u);
    auto observed = observe_file("test", path, Name::parse(".").value());
    ASSERT_TRUE(observed);
    EXPECT_TRUE(observed->lost_packets);

    if (std::system("command -v tshark >/dev/null") != 0) GTEST_SKIP() << "tshark not installed";
    std::string expected;
    for (const auto& comment : comments) expected += comment + "\n";
    EXPECT_EQ(output_of("tshark -r " + path + " -T fields -e frame.comment 2>/dev/null"), expected);
    // Wireshark's own reader accepts the statistics block where it stands.
    EXPECT_NE(output_of("capinfos -I " + path + " 2>&1").find("Number of stat entries = 1"), std::string::npos);
    if (!std::getenv("DNSPATH_KEEP")) std::filesystem::remove(path);
}

}  // namespace
}  // namespace dnspath::capture
