// dnssec: DNSSEC data crosses the path intact — the zone's DNSKEY with its RRSIG (JPRS A-95), and
// signed answers of realistic sizes, each signature verified here against the DNSKEY so a box that
// strips or rewrites records is caught; DO must reach the server (echo).
#include "probe/kinds/kinds.h"
#include "probe/wire/dnssec.h"

namespace dnspath::probe {

using reports::Family;
using reports::Status;

namespace {

std::vector<wire::ResourceRecord> of_type(const std::vector<wire::ResourceRecord>& section, std::uint16_t type) {
    std::vector<wire::ResourceRecord> found;
    for (const auto& record : section)
        if (record.type == type) found.push_back(record);
    return found;
}

// Checks that the answer's RRset of `type` carries an RRSIG that verifies with `key`; the problem
// when it does not.
std::optional<std::string> check_signed(const wire::Message& answer, std::uint16_t type, const wire::Dnskey& key) {
    auto rrset = of_type(answer.answers, type);
    if (rrset.empty()) return wire::type_name(type) + " records missing";
    for (const auto& record : of_type(answer.answers, wire::rr_type::rrsig)) {
        auto rrsig = wire::parse_rrsig(record.rdata);
        if (!rrsig || rrsig->type_covered != type) continue;
        auto verified = wire::verify_rrsig(*rrsig, rrset, key);
        if (!verified) return "RRSIG(" + wire::type_name(type) + "): " + verified.error().message;
        return std::nullopt;
    }
    return "RRSIG(" + wire::type_name(type) + ") stripped";
}

}  // namespace

void run_dnssec(Session& session, Family family, reports::RunResult& result) {
    std::vector<std::string> evidence, problems;
    wire::Edns edns;
    edns.udp_size = 1232;
    edns.dnssec_ok = true;
    // DNSKEY as a resolver fetches it: UDP with a 1232 buffer, then TCP if it comes back TC=1
    // (a rollover-sized DNSKEY RRset does not fit).
    auto dnskey_answer = session.ask(family, {.kind = "dnssec", .edns = edns, .qtype = wire::rr_type::dnskey, .apex = true});
    evidence.push_back(evidence_line(dnskey_answer, "DNSKEY with DO=1"));
    if (dnskey_answer.answered() && dnskey_answer.message->header.tc) {
        dnskey_answer = session.ask(family, {.kind = "dnssec", .edns = edns, .transport = Transport::tcp,
                                             .qtype = wire::rr_type::dnskey, .apex = true});
        evidence.push_back(evidence_line(dnskey_answer, "DNSKEY with DO=1 over TCP after TC=1"));
    }
    std::optional<wire::Dnskey> key;
    if (!dnskey_answer.answered()) {
        const bool via_tcp = evidence.size() > 1;
        add_verdict(result, "dnssec-passthrough", family, Status::fail,
                    via_tcp ? "the DNSKEY RRset does not fit 1232 octets (TC=1) and the TCP retry failed (" +
                                  std::string(to_string(dnskey_answer.kind)) + "): a resolver cannot get the keys"
                            : "the DNSKEY query (DO=1) got no answer (" + std::string(to_string(dnskey_answer.kind)) + ")",
                    evidence);
        return;
    }
    for (const auto& record : of_type(dnskey_answer.message->answers, wire::rr_type::dnskey))
        if (auto parsed = wire::parse_dnskey(record.rdata); parsed && parsed->algorithm == wire::kAlgorithmEcdsaP256)
            key = parsed;
    if (!key) {
        add_verdict(result, "dnssec-passthrough", family, Status::fail,
                    "the DNSKEY answer carries no algorithm-13 DNSKEY: the zone is unsigned or the records were removed",
                    evidence);
        return;
    }
    if (auto problem = check_signed(*dnskey_answer.message, wire::rr_type::dnskey, *key))
        problems.push_back("DNSKEY answer: " + *problem);

    // DO must reach the server, or every answer comes back unsigned.
    auto echo_probe = session.ask(family, {.kind = "dnssec", .echo = true, .dnssec_label = true, .edns = edns});
    evidence.push_back(evidence_line(echo_probe, "echo with DO=1"));
    if (echo_probe.answered()) {
        auto echo = parse_echo(*echo_probe.message);
        if (!echo.empty() && echo_value(echo, "do") != "1") problems.push_back("DO=1 was cleared before the server");
        else if (auto problem = check_signed(*echo_probe.message, wire::rr_type::txt, *key))
            problems.push_back("small answer: " + *problem);
    }

    wire::Edns large = edns;
    large.udp_size = 4096;
    for (std::uint32_t size : {1232u, 1500u, 4000u}) {
        if (session.stopped()) return;
        auto outcome = session.ask(family, {.kind = "dnssec", .size = size, .dnssec_label = true, .edns = large});
        evidence.push_back(evidence_line(outcome, "signed answer of " + std::to_string(size)));
        if (!outcome.answered()) {
            problems.push_back("a signed " + std::to_string(size) + "-octet answer never arrived");
        } else if (outcome.message->header.tc) {
            problems.push_back("a signed " + std::to_string(size) + "-octet answer came back TC=1");
        } else if (auto problem = check_signed(*outcome.message, wire::rr_type::txt, *key)) {
            problems.push_back(std::to_string(size) + "-octet answer: " + *problem);
        }
    }
    if (problems.empty()) {
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
