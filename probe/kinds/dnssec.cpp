// dnssec: DNSSEC data crosses the path intact — the zone's DNSKEY with its RRSIG (JPRS A-95), and
// signed answers of realistic sizes, each signature verified here against the DNSKEY so a box that
// strips or rewrites records is caught; DO must reach the server (echo).
#include "probe/kinds/kinds.h"

namespace dnspath::probe {

using reports::Family;
using reports::Status;

void run_dnssec(Session& session, Family family, reports::RunResult& result) {
    std::vector<std::string> evidence, problems;
    wire::Edns edns;
    edns.udp_size = 1232;
    edns.dnssec_ok = true;
    auto fetched = fetch_zone_key(session, family, false, evidence);
    const auto& dnskey_answer = fetched.answer;
    if (!fetched.key) {
        add_verdict(result, "dnssec-passthrough", family, Status::fail, fetched.problem, evidence);
        return;
    }
    const auto& key = fetched.key;
    if (auto problem = signature_problem(*dnskey_answer.message, wire::rr_type::dnskey, *key))
        problems.push_back("DNSKEY answer: " + *problem);

    // DO must reach the server, or every answer comes back unsigned.
    auto echo_probe = session.ask(family, {.kind = "dnssec", .echo = true, .dnssec_label = true, .edns = edns});
    evidence.push_back(evidence_line(echo_probe, "echo with DO=1"));
    if (echo_probe.answered()) {
        auto echo = parse_echo(*echo_probe.message);
        if (!echo.empty() && echo_value(echo, "do") != "1") problems.push_back("DO=1 was cleared before the server");
        else if (auto problem = signature_problem(*echo_probe.message, wire::rr_type::txt, *key))
            problems.push_back("small answer: " + *problem);
    }

    wire::Edns large = edns;
    large.udp_size = 4096;
    std::vector<std::string> over_tcp;  // sizes that came back TC=1 and arrived signed over TCP
    for (std::uint32_t size : {1232u, 1500u, 4000u}) {
        if (session.stopped()) return;
        QuerySpec spec{.kind = "dnssec", .size = size, .dnssec_label = true, .edns = large};
        auto outcome = session.ask(family, spec);
        evidence.push_back(evidence_line(outcome, "signed answer of " + std::to_string(size)));
        bool truncated = outcome.answered() && outcome.message->header.tc;
        if (truncated) {
            // A resolver retries over TCP; the records must survive that way at least.
            spec.transport = Transport::tcp;
            outcome = session.ask(family, spec);
            evidence.push_back(evidence_line(outcome, "the same over TCP after TC=1"));
        }
        if (!outcome.answered()) {
            problems.push_back("a signed " + std::to_string(size) + "-octet answer never arrived" +
                               (truncated ? " (TC=1 over UDP, then TCP failed)" : ""));
        } else if (outcome.message->header.tc) {
            problems.push_back("a signed " + std::to_string(size) + "-octet answer stays TC=1 over TCP");
        } else if (auto problem = signature_problem(*outcome.message, wire::rr_type::txt, *key)) {
            problems.push_back(std::to_string(size) + "-octet answer: " + *problem);
        } else if (truncated) {
            over_tcp.push_back(std::to_string(size));
        }
    }
    if (problems.empty() && !over_tcp.empty()) {
        add_verdict(result, "dnssec-passthrough", family, Status::warn,
                    "signed answers of " + join(over_tcp, ", ") +
                        " octets come back TC=1 over UDP although 4096 was advertised, and arrive signed only over "
                        "TCP: validation works, one round trip slower; DO reaches the server",
                    evidence);
    } else if (problems.empty()) {
        add_verdict(result, "dnssec-passthrough", family, Status::pass,
                    "DNSKEY RRset of " + std::to_string(dnskey_answer.answer_size) + " octets (signing key tag " +
                        std::to_string(wire::key_tag(wire::encode_dnskey(*key))) + ") and signed answers of 1232, 1500 and 4000 octets arrive with RRSIGs that verify; DO "
                        "reaches the server",
                    evidence);
    } else {
        add_verdict(result, "dnssec-passthrough", family, Status::fail, join(problems), evidence);
    }
}

}  // namespace dnspath::probe
