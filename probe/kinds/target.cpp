// Target mode: the same checkpoints against any DNS server (BIND, Knot, a load balancer's VIP),
// asking about names the profile lists instead of probe names. What needs the responder's echo
// (nat, port-randomness, edns-options) is reported "na"; sizes come from the server's own TCP
// answer, the truth a UDP answer is compared with.
#include <algorithm>
#include <map>

#include "probe/kinds/kinds.h"
#include "probe/wire/wire.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

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

void run_target_edns_size(Session& session, Family family, model::RunResult& result) {
    std::vector<std::string> probes, lost, truncated, shortened;
    std::optional<std::size_t> largest, smallest_lost;
    auto names = listed_names(session);
    for (auto& asked : names) {
        if (session.stopped()) return;
        QuerySpec tcp = asked.spec;
        tcp.transport = Transport::tcp;
        auto truth = session.ask(family, tcp);
        if (!truth.answered()) {
            probes.push_back(truth.probe_id);
            continue;
        }
        asked.full_size = truth.answer_size;
        auto udp = session.ask(family, asked.spec);
        const std::string what = asked.label + " (" + std::to_string(asked.full_size) + ")";
        if (!udp.answered()) {
            lost.push_back(what);
            smallest_lost = std::min(smallest_lost.value_or(asked.full_size), asked.full_size);
        }
        else if (udp.message->header.tc) truncated.push_back(what);
        else if (udp.answer_size < asked.full_size) shortened.push_back(what);
        else largest = std::max(largest.value_or(0), udp.answer_size);
        if (!udp.answered() || udp.message->header.tc || udp.answer_size < asked.full_size) probes.push_back(udp.probe_id);
    }
    if (largest) summary_for(result, family).largest_udp_answer = static_cast<int>(*largest);
    if (names.empty()) return;
    model::Params figures{{"largest", largest ? model::Params(*largest) : model::Params()}, {"advertised", 4096}};
    if (!shortened.empty()) {
        figures["names"] = shortened;
        add_verdict(result, Checkpoint::udp_large, family, Status::fail, cause(CauseCode::truncated_without_tc, figures), probes);
    } else if (!lost.empty()) {
        figures["names"] = lost;
        figures["size"] = *smallest_lost;  // the smallest answer lost: the sentence's and the fix's figure
        add_verdict(result, Checkpoint::udp_large, family, Status::fail, cause(CauseCode::size_cap, figures), probes);
    } else if (!truncated.empty()) {
        figures["names"] = truncated;
        add_verdict(result, Checkpoint::udp_large, family, Status::warn, cause(CauseCode::edns_buffer_cap, figures), probes);
    } else {
        add_verdict(result, Checkpoint::udp_large, family, Status::pass, cause(CauseCode::ok, figures), probes);
    }
}

void run_target_tcp(Session& session, Family family, model::RunResult& result) {
    // A real server's silence on 853 says nothing of the path (most serve no DoT), so only a
    // responder, which says in its echo that it does, is asked.
    add_verdict(result, Checkpoint::dot_853, family, Status::na, cause(CauseCode::not_measured, {{"why", "needs-responder"}}));
    auto names = listed_names(session);
    if (names.empty()) return;
    QuerySpec tcp = names.front().spec;
    tcp.kind = "tcp";
    tcp.transport = Transport::tcp;
    auto direct = session.ask(family, tcp);
    if (direct.answered())
        add_verdict(result, Checkpoint::tcp_direct, family, Status::pass, cause(CauseCode::ok, {{"name", names.front().label}}),
                    {direct.probe_id});
    else
        add_verdict(result, Checkpoint::tcp_direct, family, Status::fail,
                    cause(direct.kind == model::Outcome::timeout || direct.kind == model::Outcome::refused ||
                                  direct.kind == model::Outcome::reset
                              ? CauseCode::tcp_filter
                              : CauseCode::probe_error,
                          with_error({{"action", direct.kind == model::Outcome::timeout ? "drop" : "reset"},
                                      {"stage", direct.tcp_connected ? "data" : "syn"}},
                                     direct)),
                    {direct.probe_id});
    // The fallback a resolver makes: the largest listed answer with a 1232-octet buffer.
    for (const auto& asked : names) {
        QuerySpec probe = asked.spec;
        probe.kind = "tcp";
        probe.edns->udp_size = 1232;
        auto udp = session.ask(family, probe);
        if (!udp.answered() || !udp.message->header.tc) continue;
        probe.transport = Transport::tcp;
        auto retry = session.ask(family, probe);
        model::Params figures{{"name", asked.label}};
        if (retry.answered())
            add_verdict(result, Checkpoint::tcp_fallback, family, Status::pass, cause(CauseCode::ok, figures),
                        {udp.probe_id, retry.probe_id});
        else {
            figures["action"] = retry.kind == model::Outcome::timeout ? "drop" : "reset";
            figures["stage"] = retry.tcp_connected ? "data" : "syn";
            add_verdict(result, Checkpoint::tcp_fallback, family, Status::fail, cause(CauseCode::tcp_filter, figures),
                        {udp.probe_id, retry.probe_id});
        }
        return;
    }
    add_verdict(result, Checkpoint::tcp_fallback, family, Status::na, cause(CauseCode::not_measured, {{"why", "no-large-name"}}));
}

namespace {

// Whether one DO=1 answer's RRSIGs verify with the keys seen so far (DNSKEYs are asked first).
std::optional<model::Cause> target_signature_problem(const wire::Message& answer, std::vector<wire::Dnskey>& keys,
                                                     const std::string& label) {
    const auto& answers = answer.answers;
    for (const auto& record : answers)
        if (record.type == wire::rr_type::dnskey)
            if (auto key = wire::parse_dnskey(record.rdata)) keys.push_back(*key);
    bool any_rrsig = false, verified = false, failed = false;
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
            if (wire::verify_rrsig(*rrsig, rrset, key)) verified = true;
            else failed = true;
        }
    }
    if (!any_rrsig) return cause(CauseCode::rrsig_stripped, {{"name", label}});
    if (failed && !verified) return cause(CauseCode::signature_invalid, {{"name", label}});
    return std::nullopt;
}

}  // namespace

void run_target_dnssec(Session& session, Family family, model::RunResult& result) {
    std::vector<std::string> probes;
    std::vector<model::Cause> problems;
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
        // Both probes' ids are kept: the UDP one that came back TC=1 and the TCP one after it.
        auto outcome = session.ask_as_resolver(family, asked.spec, probes).outcome;
        if (!outcome.answered())
            problems.push_back(cause(CauseCode::no_answer, {{"name", asked.label}, {"outcome", to_string(outcome.kind)}}));
        else if (auto problem = target_signature_problem(*outcome.message, keys, asked.label))
            problems.push_back(*problem);
    }
    if (signed_names == 0)
        return add_verdict(result, Checkpoint::dnssec_passthrough, family, Status::na,
                           cause(CauseCode::not_measured, {{"why", "no-signed-name"}}));
    if (problems.empty())
        add_verdict(result, Checkpoint::dnssec_passthrough, family, Status::pass, cause(CauseCode::ok, {{"names", signed_names}}),
                    probes);
    else
        add_verdict(result, Checkpoint::dnssec_passthrough, family, Status::fail, problems.front(), probes);
}

void run_target_options(Session& session, Family family, model::RunResult& result) {
    auto names = listed_names(session);
    if (names.empty()) return;
    judge_edns_version(session, family, result, names.front().spec);
    judge_qdcount(session, family, result, names.front().spec);
    judge_unknown_opcode(session, family, result, names.front().spec);
    judge_case_0x20(session, family, result, names.front().spec);
    judge_unknown_type(session, family, result, names.front().spec);
    judge_edns_flags(session, family, result, names.front().spec);
    judge_resinfo(session, family, result, names.front().spec);
    judge_tsig(session, family, result, names.front().spec);
    add_verdict(result, Checkpoint::edns_options, family, Status::na, cause(CauseCode::not_measured, {{"why", "needs-echo"}}));
    // The answer's bits are the server's own choice (AD from a validator, not an authority).
    add_verdict(result, Checkpoint::header_bits, family, Status::na, cause(CauseCode::not_measured, {{"why", "needs-echo"}}));
    // A real zone's unknown names may be a wildcard's: only a responder's NXDOMAIN is known to be one.
    add_verdict(result, Checkpoint::nxdomain_rewrite, family, Status::na, cause(CauseCode::not_measured, {{"why", "needs-echo"}}));
}

void run_target_needs_echo(Session& session, Family family, model::RunResult& result) {
    (void)session;
    for (auto checkpoint : {Checkpoint::nat, Checkpoint::port_randomness})
        add_verdict(result, checkpoint, family, Status::na, cause(CauseCode::not_measured, {{"why", "needs-echo"}}));
}

}  // namespace dnspath::probe
