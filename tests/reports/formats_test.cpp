// Every format in both languages: golden files from two recorded lab results (set
// DNSPATH_UPDATE_GOLDEN=1 to rewrite them after a deliberate change), the Japanese catalogue
// complete and free of English, terminal wrapping by display columns, and comparing two runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <cctype>
#include <set>
#include <sstream>

#include "reports/report.h"

namespace dnspath::reports {
namespace {

const std::string kGolden = std::string(DNSPATH_SOURCE_DIR) + "/tests/reports/golden/";

RunResult recorded(const std::string& name) {
    auto result = read_json(kGolden + name + ".result.json");
    EXPECT_TRUE(static_cast<bool>(result)) << (result ? "" : result.error().message);
    return result ? *result : RunResult{};
}

std::string read_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

void expect_golden(const std::string& rendered, const std::string& name) {
    const std::string path = kGolden + name;
    if (std::getenv("DNSPATH_UPDATE_GOLDEN") != nullptr) std::ofstream(path, std::ios::binary) << rendered;
    const std::string expected = read_file(path);
    ASSERT_FALSE(expected.empty()) << "missing golden file " << path << " (DNSPATH_UPDATE_GOLDEN=1 writes it)";
    EXPECT_EQ(rendered, expected) << "rendering changed: " << path;
}

TEST(Formats, EveryFormatInEveryLanguageMatchesItsGoldenFileByteForByte) {
    const RunResult result = recorded("two-devices");
    for (auto language : {Language::en, Language::ja}) {
        TextOptions options;
        options.width = 100;
        options.language = language;
        for (auto [format, extension] : {std::pair{Format::text, "txt"}, std::pair{Format::md, "md"},
                                         std::pair{Format::junit, "xml"}, std::pair{Format::html, "html"}}) {
            const std::string once = render(result, format, options);
            EXPECT_EQ(once, render(result, format, options)) << "the same result must give the same bytes";
            expect_golden(once, std::string("two-devices.") + std::string(to_string(language)) + "." + extension);
        }
    }
    expect_golden(render(result, Format::json, {}), "two-devices.json");
}

TEST(Formats, ComparisonMatchesItsGoldenFiles) {
    const auto comparison = compare(recorded("clean"), recorded("two-devices"), "clean", "two-devices");
    for (auto language : {Language::en, Language::ja}) {
        TextOptions options;
        options.language = language;
        for (auto [format, extension] : {std::pair{Format::text, "txt"}, std::pair{Format::md, "md"}})
            expect_golden(render_comparison(comparison, format, options),
                          std::string("compare.") + std::string(to_string(language)) + "." + extension);
    }
}


// Words a Japanese operator writes in Latin letters: protocol names, record types, flags, RFCs,
// option and tool names, placeholders' neighbours such as "ms" and "q/s".
constexpr std::string_view kFileSuffixes[] = {".json", ".html", ".toml", ".pcapng", ".md"};

const std::set<std::string> kLatinAllowed = {
    "DNS", "EDNS", "EDNS0", "TCP", "UDP", "IP", "IPv4", "IPv6", "ICMP", "ICMPv6", "DO", "TC", "RA", "DF", "NAT", "MTU",
    "MSS", "RRSIG", "DNSKEY", "RRset", "OPT", "REFUSED", "FORMERR", "BADVERS", "NOTIMP", "RCODE", "QDCOUNT", "CD", "SAC035", "SAC032", "NXDOMAIN", "NOERROR", "RESINFO", "resolver", "arpa", "TSIG", "NOTAUTH", "BADSIG", "TLS", "DoT", "TYPE65280", "RDATA", "RFC", "SYN", "ACK",
    "Packet", "Too", "Big", "too", "big", "unreachable", "fragmentation", "needed", "Cookie", "Padding", "EDE", "Report",
    "Channel", "ID", "LB", "CPE", "JPRS", "DNSSEC", "dnsmasq", "edns", "packet", "max", "key", "file", "proxy",
    "baseline", "target", "proxies", "ADDRESS", "dnssec", "true", "false", "ms", "dnspath", "raw", "CAP", "NET", "RAW", "DNAT",
    "pcapng", "Wireshark", "p50", "p99", "q", "s", "TTL", "SOA", "NS", "TXT", "A", "AAAA", "DS", "PASS", "FAIL", "WARN", "NA",
    "LAN", "AD", "BIND", "KSK", "ZSK", "SEP", "NSEC", "NSEC3", "NSEC3PARAM", "SERVFAIL", "NTP", "OpenSSL", "Unbound",
    "Knot", "SALT", "keygen", "signzone", "dsfromkey", "policy", "validation", "auto", "anchor", "trust", "all", "parent",
    "now", "named", "conf", "AA", "ALG", "checkzone", "module", "config", "validator", "iterator", "validate", "PowerDNS", "Recursor",
    "WAN", "ULA", "NAT66", "wan", "repeat", "RD", "forward", "zone", "server",
    // Subcommands and profile keys, typed as they are.
    "lab", "bench", "analyze", "run", "up", "down", "reproduce", "respond", "capture", "keygen", "Ctrl", "ISP", "DHCPv6", "name", "kind", "balancer", "balancers", "TOML", "lb", "en", "ja", "DUT", "DHCP", "apt", "get", "install", "ipv4", "ipv6",
    // The command line's --help: what the user types (metavariables, values, formats, files).
    "NAME", "FILE", "ADDR", "OUT", "PREFIX", "dig", "JSON", "HTML", "JUnit", "PEM", "RSA", "PPPoE", "PD", "NO", "IPV6", "z0",
    "yes", "no", "text", "json", "html", "md", "junit", "taps", "profiles", "model", "firmware", "dut", "dhcp", "static",
    "skip", "fail", "over", "IFACE", "IN", "PMTU", "COLOR", "DONTFRAG", "ECDSA", "LEN", "PORT", "TAP", "pcap",
};

// A template's placeholder names ("{size}"), and the text without them. Hand-written, not
// std::regex: gcc 12 warns inside <regex> under the sanitizers, and warnings are errors.
std::set<std::string> placeholders(const std::string& text) {
    std::set<std::string> names;
    for (auto open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1))
        if (auto close = text.find('}', open); close != std::string::npos) {
            // {n|one|many} is English's plural form of {n}.
            const auto bar = text.find('|', open);
            names.insert(text.substr(open, (bar < close ? bar : close) - open) + "}");
        }
    return names;
}

bool has_japanese(const std::string& text) {
    return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0xe3; });
}

// The Latin words of `text` a Japanese reader would call English. Data is not words: placeholders,
// checkpoint ids ("udp-large"), addresses (anything with ':') and the run's device names.
std::vector<std::string> english_words(const std::string& text, const std::vector<std::string>& devices = {}) {
    std::string bare = text;
    for (const auto& name : placeholders(text))
        for (auto at = bare.find(name); at != std::string::npos; at = bare.find(name)) bare.replace(at, name.size(), " ");
    std::set<std::string> data(devices.begin(), devices.end());
    for (const auto& checkpoint : checkpoints()) data.insert(std::string(checkpoint.id));
    auto token_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ':' || c == '_' || c == '.'; };
    std::vector<std::string> found;
    for (std::size_t at = 0; at < bare.size();) {
        if (!token_char(bare[at])) { ++at; continue; }
        std::size_t end = at;
        while (end < bare.size() && token_char(bare[end])) ++end;
        std::string token = bare.substr(at, end - at);
        at = end;
        while (!token.empty() && (token.back() == '.' || token.back() == '-')) token.pop_back();
        // A file's name (result.json, report.html) is data too.
        const bool file_name = std::any_of(std::begin(kFileSuffixes), std::end(kFileSuffixes), [&](std::string_view suffix) {
            return token.size() > suffix.size() && token.compare(token.size() - suffix.size(), suffix.size(), suffix) == 0;
        });
        // A flag (--lan) and a profile key's path (lab.prefix, DEVICE.in) are names the user types.
        const bool typed_name = token.rfind("--", 0) == 0 || token.find('.') != std::string::npos;
        if (data.count(token) || token.find(':') != std::string::npos || file_name || typed_name) continue;
        std::string word;
        for (std::size_t i = 0; i <= token.size(); ++i) {
            if (i < token.size() && std::isalnum(static_cast<unsigned char>(token[i]))) { word += token[i]; continue; }
            const bool latin = std::any_of(word.begin(), word.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
            if (latin && word.size() > 1 && !std::isdigit(static_cast<unsigned char>(word[0])) && !kLatinAllowed.count(word))
                found.push_back(word);
            word.clear();
        }
    }
    return found;
}

TEST(Formats, TheJapaneseCatalogueSaysEverythingTheEnglishOneDoesWithoutEnglish) {
    for (const char* table : {"sentences", "titles", "cause_names", "fixes", "words", "help"}) {
        const auto english = catalogue_entries(table, Language::en);
        const auto japanese = catalogue_entries(table, Language::ja);
        std::set<std::string> english_keys, japanese_keys;
        for (const auto& [key, text] : english) english_keys.insert(key);
        for (const auto& [key, text] : japanese) japanese_keys.insert(key);
        EXPECT_EQ(english_keys, japanese_keys) << "table " << table;
        for (const auto& [key, text] : japanese) {
            const auto words = english_words(text);
            EXPECT_TRUE(words.empty()) << table << " '" << key << "' keeps English: " << words.front();
            // The same placeholders, so no parameter is lost in translation.
            for (const auto& [english_key, english_text] : english) {
                if (english_key != key) continue;
                EXPECT_EQ(placeholders(text), placeholders(english_text)) << table << " '" << key << "'";
            }
        }
    }
}

TEST(Formats, JapaneseFindingsReasonsAndTitlesLeaveNoEnglish) {
    const RunResult result = recorded("two-devices");
    for (const auto& finding : findings(result, Language::ja)) {
        for (const auto& cause : finding.causes)
            EXPECT_TRUE(english_words(cause.sentence, result.path).empty()) << cause.sentence;
        for (const auto& fix : finding.fixes) EXPECT_TRUE(english_words(fix, result.path).empty()) << fix;
        for (const auto& item : finding.items) EXPECT_TRUE(has_japanese(item)) << item;
    }
    for (const auto& verdict : result.verdicts) {
        if (verdict.checkpoint == model::Checkpoint::path_trace) continue;  // its reason quotes probe ids and addresses
        EXPECT_TRUE(english_words(render_cause(verdict, Language::ja), result.path).empty())
            << render_cause(verdict, Language::ja);
        EXPECT_TRUE(english_words(checkpoint_title(verdict.checkpoint, Language::ja)).empty()) << model::to_string(verdict.checkpoint);
    }
}

TEST(Formats, EveryTerminalLineFitsItsWidthInColumnsInBothLanguages) {
    const RunResult result = recorded("two-devices");
    for (auto language : {Language::en, Language::ja}) {
        // 60: a narrow terminal, where each verdict becomes a block with its reason under it.
        for (std::size_t width : {60u, 72u, 80u, 100u}) {
            TextOptions options;
            options.width = width;
            options.language = language;
            std::istringstream lines(render_text(result, options));
            for (std::string line; std::getline(lines, line);) {
                // Probe ids and routes are unbreakable tokens; the checkpoint table fits.
                if (line.find(" → ") != std::string::npos) continue;
                EXPECT_LE(display_width(line), width) << line;
            }
        }
    }
    EXPECT_EQ(display_width("DNS の応答"), 10u);
}

TEST(Formats, CompareCallsANewFailureWorseAndAFixBetter) {
    const RunResult clean = recorded("clean"), broken = recorded("two-devices");
    const auto worse = compare(clean, broken, "a", "b");
    EXPECT_TRUE(worse.worse());
    bool tcp_worse = false;
    for (const auto& change : worse.verdicts)
        if (change.checkpoint == model::Checkpoint::tcp_direct && change.family == Family::ipv4) tcp_worse = change.direction == Direction::worse;
    EXPECT_TRUE(tcp_worse);
    const auto better = compare(broken, clean, "b", "a");
    EXPECT_FALSE(better.worse());
    const auto same = compare(broken, broken, "b", "b");
    EXPECT_FALSE(same.worse());
    EXPECT_TRUE(same.verdicts.empty());
    EXPECT_TRUE(same.figures.empty());
    // A smaller largest UDP answer is worse even when every verdict stays the same.
    RunResult shrunk = broken;
    shrunk.ipv6.largest_udp_answer = 1232;
    const auto figures = compare(broken, shrunk, "b", "shrunk");
    EXPECT_TRUE(figures.worse());
    ASSERT_EQ(figures.figures.size(), 1u);
    EXPECT_EQ(figures.figures[0].figure, "largest_udp_answer");
}

// One case per verdict (a failure counted once, however many devices it blames), under the same
// English name in every language; warnings are skips unless --junit-warn fail; devices and times
// are there for a CI server to show.
TEST(Formats, JUnitHasOneCasePerVerdictWithStableNamesDevicesAndTimes) {
    const RunResult result = recorded("two-devices");
    const std::string xml = render_junit(result, Language::en);
    auto count = [](const std::string& text, const std::string& what) {
        std::size_t found = 0;
        for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++found;
        return found;
    };
    std::size_t failing = 0, warning = 0;
    for (const auto& verdict : result.verdicts) {
        failing += verdict.status == Status::fail;
        warning += verdict.status == Status::warn;
    }
    ASSERT_GT(failing, 0u);
    ASSERT_GT(warning, 0u);
    EXPECT_EQ(count(xml, "<testcase classname=\"dnspath.") - count(xml, "dnspath.resolvers"), result.verdicts.size());
    EXPECT_EQ(count(xml, "<failure "), failing);
    EXPECT_NE(xml.find("name=\"udp-large.ipv4\" time=\""), std::string::npos);
    EXPECT_NE(xml.find("<property name=\"device\" value=\"core\"/>"), std::string::npos);
    EXPECT_NE(xml.find("<testsuites name=\"dnspath\" time=\""), std::string::npos);
    const std::string strict = render_junit(result, Language::en, JunitWarnings::fail);
    EXPECT_EQ(count(strict, "<failure "), failing + warning);
    // Japanese changes the messages, never the names.
    const std::string japanese = render_junit(result, Language::ja);
    for (const auto& verdict : result.verdicts) {
        const std::string name = "name=\"" + std::string(model::to_string(verdict.checkpoint)) + "." +
                                 std::string(to_string(verdict.family)) + "\"";
        EXPECT_NE(japanese.find(name), std::string::npos) << name;
    }
}

// One severity from the data: the run's and each device's, as result.json carries them and the
// titles follow. core drops TCP/53 and fragments (no fallback: breaks); edge only translates.
TEST(Formats, OneSeverityForTheRunAndEachDevice) {
    const auto severity = severity_of(recorded("two-devices"));
    EXPECT_EQ(severity.overall, "breaks");
    ASSERT_EQ(severity.devices.size(), 2u);
    EXPECT_EQ(severity.devices[0].name, "edge");
    EXPECT_EQ(severity.devices[0].severity, "warns");
    EXPECT_EQ(severity.devices[1].name, "core");
    EXPECT_EQ(severity.devices[1].severity, "breaks");
    EXPECT_NE(std::find(severity.devices[1].causes.begin(), severity.devices[1].causes.end(), "tcp-filter"),
              severity.devices[1].causes.end());
    EXPECT_EQ(severity_of(recorded("clean")).overall, "clean");
    EXPECT_NE(render_markdown(recorded("two-devices"), Language::en).find("# dnspath: this path breaks DNS"), std::string::npos);
}

}  // namespace
}  // namespace dnspath::reports

namespace dnspath::reports {
namespace {

// A placeholder the parameters could not fill prints "?" on its own: after a space, a bracket or
// a colon, and before one or the end (a question mark ending a word, "a wildcard?", is prose).
bool has_unfilled_placeholder(const std::string& text) {
    auto boundary = [](const std::string& side) {
        return side.empty() || side == " " || side == "(" || side == ")" || side == ":" || side == "," || side == ";" ||
               side == "（" || side == "）" || side == "：" || side == "、" || side == "。";
    };
    for (std::size_t at = text.find('?'); at != std::string::npos; at = text.find('?', at + 1)) {
        std::string before, after;
        if (at > 0) {
            std::size_t start = at - 1;
            while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
            before = text.substr(start, at - start);
        }
        if (at + 1 < text.size()) {
            std::size_t end = at + 2;
            while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
            after = text.substr(at + 1, end - at - 1);
        }
        if (boundary(before) && boundary(after)) return true;
    }
    return false;
}

// Every cause and finding of every recorded result (the golden runs and the fuzz corpus's lab
// results) renders in both languages with every placeholder filled.
TEST(Formats, NoRecordedResultPrintsAPlaceholderAsAQuestionMark) {
    EXPECT_TRUE(has_unfilled_placeholder("answers of ? octets vanish"));
    EXPECT_FALSE(has_unfilled_placeholder("a random name was not denied (a wildcard?)"));
    std::vector<std::string> files;
    for (const auto& directory : {kGolden, std::string(DNSPATH_SOURCE_DIR) + "/tests/fuzz/corpus/result/"})
        for (const auto& entry : std::filesystem::directory_iterator(directory))
            if (entry.path().extension() == ".json") files.push_back(entry.path().string());
    std::size_t rendered = 0;
    for (const auto& file : files) {
        auto result = read_json(file);
        if (!result) continue;  // the corpus also holds broken inputs, on purpose
        for (auto language : {Language::en, Language::ja})
            for (const auto& verdict : result->verdicts) {
                const auto sentence = render_cause(verdict, language);
                EXPECT_FALSE(has_unfilled_placeholder(sentence)) << file << " " << model::to_string(verdict.checkpoint) << ": " << sentence;
                for (const auto& finding : verdict.findings) {
                    const auto line = render_finding(finding, language);
                    EXPECT_FALSE(has_unfilled_placeholder(line)) << file << ": " << line;
                }
                ++rendered;
            }
    }
    EXPECT_GT(rendered, 100u);
}

}  // namespace
}  // namespace dnspath::reports
