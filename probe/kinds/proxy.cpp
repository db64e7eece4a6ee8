// proxy: a DNS proxy (a home router's dnsmasq on its LAN address) asked directly, as its DHCP
// clients do: does it forward DO, hand back signed answers of 1232, 1500 and 4000 octets (over UDP,
// or TC=1 then TCP through the proxy), and keep their RRSIGs? (DNSSEC Japan: DNS proxy functions;
// JPRS F-85/86/87 for the resolver the clients see; A-95.)
#include "probe/kinds/kinds.h"

namespace dnspath::probe {

using reports::Family;
using reports::Status;

void run_proxy(Session& session, Family family, reports::RunResult& result) {
    if (!session.config().proxies.count(family)) {
        add_verdict(result, "dns-proxy", family, Status::na,
                    "no " + std::string(reports::to_string(family)) +
                        " proxy to test: give --proxy ADDRESS or target.proxies (a CPE's LAN address)");
        return;
    }
    const std::string proxy = session.config().proxies.at(family).address();
    std::vector<std::string> evidence, problems, warnings, findings;
    wire::Edns edns;
    edns.udp_size = 4096;
    edns.dnssec_ok = true;

    auto hello = session.ask(family, {.kind = "proxy", .echo = true, .dnssec_label = true, .edns = edns, .via_proxy = true});
    evidence.push_back(evidence_line(hello, "echo with DO=1 through the proxy"));
    if (!hello.answered()) {
        add_verdict(result, "dns-proxy", family, Status::fail,
                    "the proxy " + proxy + " does not answer a small query (" + std::string(to_string(hello.kind)) + ")",
                    evidence);
        return;
    }
    auto echo = parse_echo(*hello.message);
    if (echo.empty()) {
        problems.push_back("the proxy answered the echo query itself (no echo from the responder: " +
                           wire::rcode_name(hello.message->full_rcode()) + ")");
    } else {
        auto upstream_size = echo_value(echo, "bufsize");
        findings.push_back(upstream_size ? "it asks upstream with EDNS " + *upstream_size
                                         : "it asks upstream without EDNS");
        if (echo_value(echo, "do") != "1") problems.push_back("DO=1 is cleared on the way upstream");
        if (!upstream_size) problems.push_back("EDNS is removed on the way upstream");
        else if (auto size = echo_number(*upstream_size); size && *size < 1232)
            warnings.push_back("it advertises only " + *upstream_size + " octets upstream (below 1232)");
    }

    auto zone_key = fetch_zone_key(session, family, true, evidence);
    if (!zone_key.key) {
        problems.push_back("DNSKEY through the proxy: " + zone_key.problem);
    } else {
        findings.push_back(std::string("the DNSKEY RRset arrives") + (zone_key.via_tcp ? " after TC=1 over TCP" : " over UDP"));
        if (auto problem = signature_problem(*zone_key.answer.message, wire::rr_type::dnskey, *zone_key.key))
            problems.push_back("DNSKEY: " + *problem);
    }

    for (std::uint32_t size : {1232u, 1500u, 4000u}) {
        if (session.stopped()) return;
        QuerySpec spec{.kind = "proxy", .size = size, .dnssec_label = true, .edns = edns, .via_proxy = true};
        auto outcome = session.ask(family, spec);
        evidence.push_back(evidence_line(outcome, "signed " + std::to_string(size) + " through the proxy"));
        std::string how = "UDP";
        if (outcome.answered() && outcome.message->header.tc) {
            spec.transport = Transport::tcp;
            outcome = session.ask(family, spec);
            evidence.push_back(evidence_line(outcome, "the same over TCP after TC=1"));
            how = "TC=1 then TCP";
        }
        const std::string what = std::to_string(size) + " octets";
        if (!outcome.answered()) {
            problems.push_back("a signed answer of " + what + " never arrives (" + how + ": " +
                               std::string(to_string(outcome.kind)) + ")");
        } else if (outcome.message->header.tc) {
            problems.push_back("a signed answer of " + what + " stays TC=1 over TCP");
        } else if (outcome.answer_size != size) {
            problems.push_back("a signed answer of " + what + " arrives with " + std::to_string(outcome.answer_size) +
                               " octets (" + how + ")");
        } else if (!zone_key.key) {
            findings.push_back(what + " by " + how);
        } else if (auto problem = signature_problem(*outcome.message, wire::rr_type::txt, *zone_key.key)) {
            problems.push_back(what + ": " + *problem);
        } else {
            findings.push_back(what + " by " + how);
            if (size == 1232 && how != "UDP")
                warnings.push_back("a 1232-octet answer needs TCP: the proxy hands its clients less than 1232 over UDP");
        }
    }
    const std::string summary = "proxy " + proxy + ": " + join(findings, ", ");
    if (!problems.empty())
        add_verdict(result, "dns-proxy", family, Status::fail, join(problems) + " (" + summary + ")", evidence);
    else if (!warnings.empty())
        add_verdict(result, "dns-proxy", family, Status::warn, join(warnings) + " (" + summary + ")", evidence);
    else
        add_verdict(result, "dns-proxy", family, Status::pass, summary + "; every RRSIG verifies", evidence);
}

}  // namespace dnspath::probe
