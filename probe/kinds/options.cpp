// options: EDNS options and flags reach the responder unchanged (compared with its echo); EDNS
// version 1 gets BADVERS; QDCOUNT 0 and 2 get FORMERR (RFC 9619).
#include <random>

#include "probe/kinds/kinds.h"

namespace dnspath::probe {
namespace {

using reports::Family;
using reports::Status;

constexpr std::uint16_t kUnknownOptionCode = 65001;  // local/experimental range (RFC 6891 9)

std::vector<wire::EdnsOption> probe_options(std::uint64_t seed) {
    std::mt19937_64 random(seed);
    wire::Bytes client(8);
    for (auto& byte : client) byte = static_cast<std::uint8_t>(random());
    return {
        wire::make_cookie({client, {}}),
        wire::make_padding(16),
        wire::EdnsOption{kUnknownOptionCode, {'d', 'n', 's', 'p', 'a', 't', 'h'}},
        wire::make_report_channel(wire::Name::parse("agent.dnspath.test").value()),
        wire::make_extended_error({0, "dnspath probe"}),
    };
}

std::string option_label(std::uint16_t code) {
    auto name = wire::option_name(code);
    return name.empty() ? "option " + std::to_string(code) : std::string(name);
}

}  // namespace

void run_options(Session& session, Family family, reports::RunResult& result) {
    wire::Edns edns;
    edns.udp_size = 1232;
    edns.dnssec_ok = true;
    edns.options = probe_options(session.records().size() + 1);
    auto echo_probe = session.ask(family, {.kind = "options", .echo = true, .edns = edns});
    std::vector<std::string> evidence{evidence_line(echo_probe, "options echo")};
    if (!echo_probe.answered()) {
        add_verdict(result, "edns-options", family, Status::fail,
                    "a query carrying EDNS options got no answer (" + std::string(to_string(echo_probe.kind)) + ")",
                    evidence);
    } else {
        auto echo = parse_echo(*echo_probe.message);
        std::vector<std::string> problems;
        if (echo.empty()) {
            problems.push_back("the answer carries no echo (not a dnspath responder, or a proxy answered)");
        } else if (echo_value(echo, "edns") != "1") {
            problems.push_back("the OPT record was stripped before the responder");
        } else {
            if (auto size = echo_value(echo, "bufsize"); size != std::to_string(edns.udp_size))
                problems.push_back("buffer size rewritten from " + std::to_string(edns.udp_size) + " to " +
                                   size.value_or("?"));
            if (echo_value(echo, "do") != "1") problems.push_back("DO bit cleared");
            if (auto z = echo_value(echo, "z"); z != "0") problems.push_back("EDNS Z bits changed to " + z.value_or("?"));
            std::multimap<std::uint16_t, std::string> received;
            for (auto [it, end] = echo.equal_range("opt"); it != end; ++it) {
                auto colon = it->second.find(':');
                auto code = colon == std::string::npos ? std::nullopt
                                                       : echo_number(std::string_view(it->second).substr(0, colon));
                if (!code || *code > 0xffff) continue;
                received.emplace(static_cast<std::uint16_t>(*code),
                                 it->second.substr(colon + 1));
            }
            for (const auto& sent : edns.options) {
                auto it = received.find(sent.code);
                if (it == received.end())
                    problems.push_back(option_label(sent.code) + " stripped");
                else if (it->second != wire::hex(sent.data))
                    problems.push_back(option_label(sent.code) + " changed");
            }
        }
        if (!echo_probe.message->edns) problems.push_back("the answer came back without an OPT record");
        for (const auto& option : echo_probe.message->edns ? echo_probe.message->edns->options
                                                             : std::vector<wire::EdnsOption>{})
            if (auto ede = wire::parse_extended_error(option)) evidence.push_back("answer carried " + wire::describe(*ede));
        if (problems.empty()) {
            add_verdict(result, "edns-options", family, Status::pass,
                        "Cookie, Padding, EDE, Report-Channel, an unknown option (65001), DO=1 and the buffer size "
                        "reached the responder unchanged",
                        evidence);
        } else {
            add_verdict(result, "edns-options", family, Status::fail, join(problems), evidence);
        }
    }
    if (session.stopped()) return;

    wire::Edns version1;
    version1.version = 1;
    auto badvers = session.ask(family, {.kind = "options", .edns = version1});
    std::vector<std::string> version_evidence{evidence_line(badvers, "EDNS version 1")};
    if (badvers.answered() && badvers.message->full_rcode() == wire::rcode::badvers) {
        add_verdict(result, "edns-version", family, Status::pass, "EDNS version 1 answered BADVERS", version_evidence);
    } else if (badvers.answered()) {
        auto code = badvers.message->full_rcode();
        add_verdict(result, "edns-version", family, code == wire::rcode::formerr ? Status::warn : Status::fail,
                    "EDNS version 1 answered " + wire::rcode_name(code) + " instead of BADVERS" +
                        (badvers.message->edns ? "" : " and without OPT (an EDNS-unaware box answered)"),
                    version_evidence);
    } else {
        add_verdict(result, "edns-version", family, Status::fail,
                    "a query with EDNS version 1 was dropped (" + std::string(to_string(badvers.kind)) + ")",
                    version_evidence);
    }
    if (session.stopped()) return;

    std::vector<std::string> qd_evidence;
    std::vector<std::string> qd_problems;
    for (int count : {0, 2}) {
        auto outcome = session.ask(family, {.kind = "options", .edns = wire::Edns{}, .question_count = count});
        qd_evidence.push_back(evidence_line(outcome, "QDCOUNT " + std::to_string(count)));
        if (!outcome.answered())
            qd_problems.push_back("QDCOUNT " + std::to_string(count) + " dropped (" + std::string(to_string(outcome.kind)) + ")");
        else if (outcome.message->full_rcode() != wire::rcode::formerr)
            qd_problems.push_back("QDCOUNT " + std::to_string(count) + " answered " +
                                  wire::rcode_name(outcome.message->full_rcode()));
    }
    if (qd_problems.empty())
        add_verdict(result, "qdcount", family, Status::pass, "QDCOUNT 0 and 2 both answered FORMERR", qd_evidence);
    else {
        add_verdict(result, "qdcount", family, Status::fail, join(qd_problems) + " (RFC 9619 wants FORMERR)", qd_evidence);
    }
}

}  // namespace dnspath::probe
