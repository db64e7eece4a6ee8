// Target mode: the same checkpoints against any DNS server (BIND, Knot, a load balancer's VIP),
// asking about names the profile lists instead of probe names. What needs the responder's echo
// (nat, port-randomness, edns-options) is reported "na"; sizes come from the server's own TCP
// answer, the truth a UDP answer is compared with.
#include <algorithm>
#include <map>

#include "probe/kinds/kinds.h"
#include "probe/wire/dnssec.h"

namespace dnspath::probe {

using reports::Family;
using reports::Status;

namespace {

std::uint16_t type_code(const std::string& type) {
    static const std::map<std::string, std::uint16_t> codes = {
        {"TXT", wire::rr_type::txt}, {"DNSKEY", wire::rr_type::dnskey}, {"DS", wire::rr_type::ds},
        {"SOA", wire::rr_type::soa}, {"NS", wire::rr_type::ns},         {"A", wire::rr_type::a},
        {"AAAA", wire::rr_type::aaaa}};
    auto it = codes.find(type);
    return it == codes.end() ? wire::rr_type::txt : it->second;
}

struct Asked {
    std::string label;  // "t1500.example.test./TXT"
    QuerySpec spec;
    std::size_t full_size = 0;  // from TCP
};

std::vector<Asked> listed_names(const Session& session) {
    std::vector<Asked> asked;
    for (const auto& listed : session.config().target_names) {
        auto name = wire::Name::parse(listed.name);
        if (!name) continue;
        wire::Edns edns;
        edns.udp_size = 4096;
        edns.dnssec_ok = listed.dnssec;
        QuerySpec spec{.kind = "edns-size", .edns = edns, .qtype = type_code(listed.type), .name = *name};
        asked.push_back({name->to_string() + "/" + listed.type, spec, 0});
    }
    return asked;
}

}  // namespace

void run_target_edns_size(Session& session, Family family, reports::RunResult& result) {
    std::vector<std::string> evidence, lost, truncated, shortened;
    std::optional<std::size_t> largest;
    auto names = listed_names(session);
    for (auto& asked : names) {
        if (session.stopped()) return;
        QuerySpec tcp = asked.spec;
        tcp.transport = Transport::tcp;
        auto truth = session.ask(family, tcp);
        if (!truth.answered()) {
            evidence.push_back(evidence_line(truth, asked.label + " over TCP (for its full size)"));
            continue;
        }
        asked.full_size = truth.answer_size;
        auto udp = session.ask(family, asked.spec);
        evidence.push_back(evidence_line(udp, asked.label + " (" + std::to_string(asked.full_size) + " octets over TCP)"));
        const std::string what = asked.label + " (" + std::to_string(asked.full_size) + " octets)";
        if (!udp.answered()) lost.push_back(what);
        else if (udp.message->header.tc) truncated.push_back(what);
        else if (udp.answer_size < asked.full_size) shortened.push_back(what);
        else largest = std::max(largest.value_or(0), udp.answer_size);
    }
    if (largest) summary_for(result, family).largest_udp_answer = static_cast<int>(*largest);
    if (names.empty()) return;
    const std::string delivered = largest ? "largest delivered " + std::to_string(*largest) + " octets" : "nothing delivered";
    if (!shortened.empty())
        add_verdict(result, "udp-large", family, Status::fail, "cut short without TC=1: " + join(shortened), evidence);
    else if (!lost.empty())
        add_verdict(result, "udp-large", family, Status::fail,
                    "UDP answers vanish: " + join(lost) + " (" + delivered + ")", evidence);
    else if (!truncated.empty())
        add_verdict(result, "udp-large", family, Status::warn,
                    "TC=1 although 4096 was advertised (the server's own limit, or the path's): " + join(truncated),
                    evidence);
    else
        add_verdict(result, "udp-large", family, Status::pass,
                    "every listed name's UDP answer arrived whole (" + delivered + ")", evidence);
}

void run_target_tcp(Session& session, Family family, reports::RunResult& result) {
    auto names = listed_names(session);
    if (names.empty()) return;
    QuerySpec tcp = names.front().spec;
    tcp.kind = "tcp";
    tcp.transport = Transport::tcp;
    auto direct = session.ask(family, tcp);
    std::vector<std::string> evidence{evidence_line(direct, names.front().label + " over TCP")};
    add_verdict(result, "tcp-direct", family, direct.answered() ? Status::pass : Status::fail,
                direct.answered() ? "TCP/53 answers" : "TCP/53 fails: " + std::string(to_string(direct.kind)) + " " + direct.detail,
                evidence);
    // The fallback a resolver makes: the largest listed answer with a 1232-octet buffer.
    QuerySpec small = names.front().spec;
    for (const auto& asked : names) {
        QuerySpec probe = asked.spec;
        probe.kind = "tcp";
        probe.edns->udp_size = 1232;
        auto udp = session.ask(family, probe);
        if (!udp.answered() || !udp.message->header.tc) continue;
        probe.transport = Transport::tcp;
        auto retry = session.ask(family, probe);
        std::vector<std::string> fallback{evidence_line(udp, asked.label + " with bufsize 1232"),
                                          evidence_line(retry, "retry over TCP")};
        add_verdict(result, "tcp-fallback", family, retry.answered() ? Status::pass : Status::fail,
                    retry.answered() ? "TC=1 for " + asked.label + ", then the whole answer over TCP"
                                     : "TC=1 for " + asked.label + " but the TCP retry failed",
                    fallback);
        return;
    }
    add_verdict(result, "tcp-fallback", family, Status::na,
                "no listed name's answer exceeds 1232 octets, so nothing came back TC=1 (list a larger name)");
}

void run_target_dnssec(Session& session, Family family, reports::RunResult& result) {
    std::vector<std::string> evidence, problems;
    std::vector<wire::Dnskey> keys;
    int signed_names = 0;
    auto names = listed_names(session);
    // DNSKEYs first, so the other answers' signatures can be checked.
    std::stable_sort(names.begin(), names.end(), [](const Asked& a, const Asked& b) {
        return a.spec.qtype == wire::rr_type::dnskey && b.spec.qtype != wire::rr_type::dnskey;
    });
    for (auto asked : names) {
        if (!asked.spec.edns->dnssec_ok) continue;
        ++signed_names;
        asked.spec.kind = "dnssec";
        asked.spec.edns->udp_size = 1232;
        auto outcome = session.ask(family, asked.spec);
        if (outcome.answered() && outcome.message->header.tc) {
            asked.spec.transport = Transport::tcp;
            outcome = session.ask(family, asked.spec);
        }
        evidence.push_back(evidence_line(outcome, asked.label + " with DO=1"));
        if (!outcome.answered()) {
            problems.push_back(asked.label + " unanswered");
            continue;
        }
        const auto& answers = outcome.message->answers;
        for (const auto& record : answers)
            if (record.type == wire::rr_type::dnskey)
                if (auto key = wire::parse_dnskey(record.rdata)) keys.push_back(*key);
        bool any_rrsig = false, verified = false;
        std::string failure;
        for (const auto& record : answers) {
            if (record.type != wire::rr_type::rrsig) continue;
            any_rrsig = true;
            auto rrsig = wire::parse_rrsig(record.rdata);
            if (!rrsig) continue;
            std::vector<wire::ResourceRecord> rrset;
            for (const auto& other : answers)
                if (other.type == rrsig->type_covered) rrset.push_back(other);
            for (const auto& key : keys) {
                if (wire::key_tag(wire::encode_dnskey(key)) != rrsig->key_tag) continue;
                auto check = wire::verify_rrsig(*rrsig, rrset, key);
                if (check) verified = true;
                else failure = check.error().message;
            }
        }
        if (!any_rrsig) problems.push_back(asked.label + ": RRSIG missing (JPRS A-95)");
        else if (!failure.empty() && !verified) problems.push_back(asked.label + ": " + failure);
        else evidence.push_back(asked.label + (verified ? ": RRSIG verified" : ": RRSIG present (key not listed or algorithm not checked)"));
    }
    if (signed_names == 0) return add_verdict(result, "dnssec-passthrough", family, Status::na,
                                              "no listed name has dnssec = true");
    add_verdict(result, "dnssec-passthrough", family, problems.empty() ? Status::pass : Status::fail,
                problems.empty() ? "every DO=1 answer carried its RRSIGs (" + std::to_string(signed_names) + " names)"
                                 : join(problems),
                evidence);
}

void run_target_options(Session& session, Family family, reports::RunResult& result) {
    auto names = listed_names(session);
    if (names.empty()) return;
    QuerySpec version = names.front().spec;
    version.kind = "options";
    version.edns = wire::Edns{};
    version.edns->version = 1;
    auto badvers = session.ask(family, version);
    std::vector<std::string> evidence{evidence_line(badvers, "EDNS version 1")};
    const bool ok = badvers.answered() && badvers.message->full_rcode() == wire::rcode::badvers;
    add_verdict(result, "edns-version", family, ok ? Status::pass : Status::fail,
                ok ? "EDNS version 1 answered BADVERS"
                   : badvers.answered() ? "EDNS version 1 answered " + wire::rcode_name(badvers.message->full_rcode())
                                        : "EDNS version 1 dropped",
                evidence);
    std::vector<std::string> problems, qd_evidence;
    for (int count : {0, 2}) {
        QuerySpec odd = names.front().spec;
        odd.kind = "options";
        odd.question_count = count;
        auto outcome = session.ask(family, odd);
        qd_evidence.push_back(evidence_line(outcome, "QDCOUNT " + std::to_string(count)));
        if (!outcome.answered()) problems.push_back("QDCOUNT " + std::to_string(count) + " dropped");
        else if (outcome.message->full_rcode() != wire::rcode::formerr)
            problems.push_back("QDCOUNT " + std::to_string(count) + " answered " + wire::rcode_name(outcome.message->full_rcode()));
    }
    add_verdict(result, "qdcount", family, problems.empty() ? Status::pass : Status::fail,
                problems.empty() ? "QDCOUNT 0 and 2 both answered FORMERR" : join(problems) + " (RFC 9619 wants FORMERR)",
                qd_evidence);
    add_verdict(result, "edns-options", family, Status::na, "needs a dnspath responder's echo to compare options");
}

void run_target_needs_echo(Session& session, Family family, reports::RunResult& result) {
    (void)session;
    for (const char* checkpoint : {"nat", "port-randomness"})
        add_verdict(result, checkpoint, family, Status::na,
                    "target mode: needs a dnspath responder's echo of the source it saw");
}

}  // namespace dnspath::probe
