// options: EDNS options and flags reach the responder unchanged (compared with its echo); EDNS
// version 1 gets BADVERS; QDCOUNT 0 and 2 get FORMERR (RFC 9619).
#include <algorithm>
#include <random>

#include "probe/kinds/kinds.h"

namespace dnspath::probe {
namespace {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

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

// What the echo shows was changed on the way to the responder, first problem first.
std::vector<model::Cause> echo_problems(const std::multimap<std::string, std::string>& echo, const wire::Edns& sent) {
    if (echo.empty()) return {cause(CauseCode::interception, {{"evidence", "no-echo"}})};
    if (echo_value(echo, "edns") != "1")
        return {cause(CauseCode::option_stripped, {{"options", {"OPT"}}, {"direction", "query"}})};
    std::vector<model::Cause> problems;
    if (auto size = echo_value(echo, "bufsize"); size != std::to_string(sent.udp_size))
        problems.push_back(cause(CauseCode::proxy_rewrite, {{"field", "bufsize"}, {"from", sent.udp_size},
                                                            {"to", echo_number(size.value_or("")).value_or(0)}}));
    if (echo_value(echo, "do") != "1") problems.push_back(cause(CauseCode::do_cleared, {{"direction", "query"}}));
    if (auto z = echo_value(echo, "z"); z != "0")
        problems.push_back(cause(CauseCode::proxy_rewrite, {{"field", "z"}, {"to", z.value_or("?")}}));
    std::multimap<std::uint16_t, std::string> received;
    for (auto [it, end] = echo.equal_range("opt"); it != end; ++it) {
        auto colon = it->second.find(':');
        auto code = colon == std::string::npos ? std::nullopt : echo_number(std::string_view(it->second).substr(0, colon));
        if (!code || *code > 0xffff) continue;
        received.emplace(static_cast<std::uint16_t>(*code), it->second.substr(colon + 1));
    }
    std::vector<std::string> stripped, changed;
    for (const auto& option : sent.options) {
        auto it = received.find(option.code);
        if (it == received.end()) stripped.push_back(option_label(option.code));
        else if (it->second != wire::hex(option.data)) changed.push_back(option_label(option.code));
    }
    if (!stripped.empty())
        problems.push_back(cause(CauseCode::option_stripped, {{"options", stripped}, {"direction", "query"}}));
    if (!changed.empty()) problems.push_back(cause(CauseCode::proxy_rewrite, {{"field", "options"}, {"options", changed}}));
    return problems;
}

// The first problem is the cause; the codes of the others ride along in "also".
model::Cause first_of(std::vector<model::Cause> problems) {
    auto first = problems.front();
    std::vector<std::string> others;
    for (std::size_t i = 1; i < problems.size(); ++i) others.emplace_back(to_string(problems[i].code));
    if (!others.empty()) first.params["also"] = others;
    return first;
}

void judge_options(Session& session, Family family, model::RunResult& result) {
    wire::Edns edns;
    edns.udp_size = 1232;
    edns.dnssec_ok = true;
    edns.options = probe_options(session.records().size() + 1);
    auto echo_probe = session.ask(family, {.kind = "options", .echo = true, .edns = edns});
    if (!echo_probe.answered()) {
        add_verdict(result, Checkpoint::edns_options, family, Status::fail,
                    cause(CauseCode::no_answer, {{"what", "options"}, {"outcome", to_string(echo_probe.kind)}}),
                    {echo_probe.probe_id});
        return;
    }
    auto problems = echo_problems(parse_echo(*echo_probe.message), edns);
    if (!echo_probe.message->edns)
        problems.push_back(cause(CauseCode::option_stripped, {{"options", {"OPT"}}, {"direction", "answer"}}));
    if (problems.empty())
        add_verdict(result, Checkpoint::edns_options, family, Status::pass, cause(CauseCode::ok), {echo_probe.probe_id});
    else
        add_verdict(result, Checkpoint::edns_options, family, Status::fail, first_of(std::move(problems)), {echo_probe.probe_id});
}

}  // namespace

// Shared with target mode: EDNS version 1 must get BADVERS (RFC 6891 6.1.3).
void judge_edns_version(Session& session, Family family, model::RunResult& result, QuerySpec spec) {
    spec.kind = "options";
    spec.edns = wire::Edns{};
    spec.edns->version = 1;
    auto badvers = session.ask(family, spec);
    if (badvers.answered() && badvers.message->full_rcode() == wire::rcode::badvers) {
        add_verdict(result, Checkpoint::edns_version, family, Status::pass, cause(CauseCode::ok), {badvers.probe_id});
    } else if (badvers.answered()) {
        auto code = badvers.message->full_rcode();
        add_verdict(result, Checkpoint::edns_version, family, code == wire::rcode::formerr ? Status::warn : Status::fail,
                    cause(CauseCode::wrong_rcode, {{"rcode", wire::rcode_name(code)}, {"expected", "BADVERS"},
                                                   {"opt", badvers.message->edns.has_value()}}),
                    {badvers.probe_id});
    } else {
        add_verdict(result, Checkpoint::edns_version, family, Status::fail,
                    cause(CauseCode::no_answer, {{"what", "edns-version"}, {"outcome", to_string(badvers.kind)}}),
                    {badvers.probe_id});
    }
}

// Shared with target mode: QDCOUNT 0 and 2 must get FORMERR (RFC 9619).
void judge_qdcount(Session& session, Family family, model::RunResult& result, QuerySpec spec) {
    spec.kind = "options";
    std::vector<std::string> probes;
    model::Params answered = model::Params::object();
    bool dropped = false, wrong = false;
    for (int count : {0, 2}) {
        spec.question_count = count;
        auto outcome = session.ask(family, spec);
        probes.push_back(outcome.probe_id);
        const std::string key = "qdcount" + std::to_string(count);
        if (!outcome.answered()) {
            answered[key] = nullptr;
            dropped = true;
        } else {
            answered[key] = wire::rcode_name(outcome.message->full_rcode());
            wrong = wrong || outcome.message->full_rcode() != wire::rcode::formerr;
        }
    }
    answered["expected"] = "FORMERR";
    if (!dropped && !wrong)
        add_verdict(result, Checkpoint::qdcount, family, Status::pass, cause(CauseCode::ok, answered), probes);
    else
        add_verdict(result, Checkpoint::qdcount, family, Status::fail,
                    cause(dropped ? CauseCode::no_answer : CauseCode::wrong_rcode, answered), probes);
}

// Shared with target mode: an opcode no one defined (15) must get NOTIMP (RFC 8906 8); a box in
// the middle that drops it, or answers FORMERR itself, keeps every future opcode off the path.
void judge_unknown_opcode(Session& session, Family family, model::RunResult& result, QuerySpec spec) {
    spec.kind = spec.via_proxy ? "proxy" : "options";
    spec.opcode = 15;
    spec.tries = session.confirm_tries(family);  // a silence decides the verdict: loss must not explain it
    auto outcome = session.ask(family, spec);
    auto verdict = [&](Status status, model::Cause found) {
        add_verdict(result, Checkpoint::unknown_opcode, family, status, std::move(found), {outcome.probe_id}, via_of(spec));
    };
    if (outcome.answered() && outcome.message->full_rcode() == wire::rcode::notimp)
        verdict(Status::pass, cause(CauseCode::ok, {{"rcode", "NOTIMP"}}));
    else if (outcome.answered())
        verdict(Status::fail, cause(CauseCode::wrong_rcode, {{"rcode", wire::rcode_name(outcome.message->full_rcode())}, {"expected", "NOTIMP"}}));
    else
        verdict(Status::fail, cause(CauseCode::no_answer, {{"what", "opcode"}, {"outcome", to_string(outcome.kind)}}));
}

namespace {

std::vector<std::string> bits_missing(const model::HeaderBits& wanted, bool ad, bool cd, bool z) {
    std::vector<std::string> missing;
    if (wanted.ad && !ad) missing.emplace_back("AD");
    if (wanted.cd && !cd) missing.emplace_back("CD");
    if (wanted.z && !z) missing.emplace_back("Z");
    return missing;
}

}  // namespace

// AD and CD set in the query, AD, CD and Z asked of the answer (h7): each must arrive as set, both
// ways (RFC 6840 5.7-5.9; RFC 5625 4.1: a box passes flags it does not know). The echo says what
// reached the responder, the answer's header what came back. A silence is tried until loss
// cannot explain it.
void judge_header_bits(Session& session, Family family, model::RunResult& result, QuerySpec spec) {
    spec.kind = "options";
    spec.echo = true;
    spec.query_bits = model::HeaderBits{true, true, false};
    spec.answer_bits = model::HeaderBits{true, true, true};
    spec.tries = session.confirm_tries(family);
    auto outcome = session.ask(family, spec);
    if (!outcome.answered()) {
        add_verdict(result, Checkpoint::header_bits, family, Status::fail,
                    cause(CauseCode::no_answer, {{"what", "header-bits"}, {"outcome", to_string(outcome.kind)}}), {outcome.probe_id});
        return;
    }
    const auto echo = typed_echo(*outcome.message);
    if (!echo || !echo->ad || !echo->cd) {
        add_verdict(result, Checkpoint::header_bits, family, Status::na, cause(CauseCode::not_measured, {{"why", "no-echo"}}),
                    {outcome.probe_id});
        return;
    }
    const auto& header = outcome.message->header;
    const auto query_lost = bits_missing(*spec.query_bits, *echo->ad, *echo->cd, false);
    const auto answer_lost = bits_missing(*spec.answer_bits, header.ad, header.cd, header.z);
    if (!query_lost.empty() || !answer_lost.empty()) {
        model::Cause changed = cause(CauseCode::header_bit_changed, {{"direction", query_lost.empty() ? "answer" : "query"},
                                                                      {"bits", query_lost.empty() ? answer_lost : query_lost}});
        if (!query_lost.empty() && !answer_lost.empty()) changed.params["also"] = std::vector<std::string>{"header-bit-changed"};
        add_verdict(result, Checkpoint::header_bits, family, Status::fail, changed, {outcome.probe_id});
        return;
    }
    add_verdict(result, Checkpoint::header_bits, family, Status::pass,
                cause(CauseCode::ok, {{"header_bits", std::vector<std::string>{"AD", "CD", "Z"}}}), {outcome.probe_id});
}

// A name in mixed case must come back in the same case (RFC 4343; resolvers that use the 0x20 bit
// as extra entropy drop answers that do not): a box that lowercases names breaks them. The echo's
// qname says whether the query or the answer lost the case.
void judge_case_0x20(Session& session, Family family, model::RunResult& result, QuerySpec spec) {
    spec.kind = spec.via_proxy ? "proxy" : "options";
    spec.mixed_case = true;
    spec.echo = !spec.name;  // a real server (target mode) has no echo
    spec.tries = session.confirm_tries(family);
    auto outcome = session.ask(family, spec);
    auto verdict = [&](Status status, model::Cause found) {
        add_verdict(result, Checkpoint::case_0x20, family, status, std::move(found), {outcome.probe_id}, via_of(spec));
    };
    if (!outcome.answered()) return verdict(Status::fail, cause(CauseCode::no_answer, {{"what", "case"}, {"outcome", to_string(outcome.kind)}}));
    // Compared with the case pattern over the name that came back: what this try sent (a retry's
    // name has its r<n> label), case-sensitive where Name::equals is not.
    const auto& questions = outcome.message->questions;
    if (questions.size() != 1) return verdict(Status::fail, cause(CauseCode::name_case_changed, {{"got", ""}}));
    const std::string got = questions.front().name.to_string();
    const std::string sent = mixed_case(questions.front().name, !spec.name).to_string();
    if (got == sent) return verdict(Status::pass, cause(CauseCode::ok, {{"name", got}}));
    model::Params params{{"sent", sent}, {"got", got}};
    if (spec.via_proxy) {
        params["proxy"] = session.config().proxies.at(family).address();
        // What the proxy sends upstream is its own query (it may use 0x20 itself, RFC 5452); only
        // the answer it hands back must keep the stub's case.
        params["direction"] = "proxy";
    } else if (spec.echo) {
        const auto echo = typed_echo(*outcome.message);
        params["direction"] = echo && echo->qname == sent ? "answer" : "query";
    }
    verdict(Status::fail, cause(CauseCode::name_case_changed, params));
}

namespace {

// A question for a type of the responder's own making (TYPE65280, RESINFO), answered with that
// type and RDATA the box must pass octet for octet; a real server (target mode) answers from its
// own data, NOERROR or NXDOMAIN. A box that drops the question, answers it itself, or strips or
// rewrites the record fails. `also` goes into a passing verdict's cause.
void judge_own_type(Session& session, Family family, model::RunResult& result, QuerySpec spec, Checkpoint checkpoint,
                    const model::Params& also = model::Params::object()) {
    const bool resinfo = checkpoint == Checkpoint::resinfo;
    spec.kind = spec.via_proxy ? "proxy" : "options";
    spec.qtype = resinfo ? wire::rr_type::resinfo : wire::rr_type::private_use;
    spec.tries = session.confirm_tries(family);
    auto outcome = session.ask(family, spec);
    auto verdict = [&](Status status, model::Cause found) {
        add_verdict(result, checkpoint, family, status, std::move(found), {outcome.probe_id}, via_of(spec));
    };
    auto passed = [&](const std::string& rcode) {
        model::Params params = also;
        params["rcode"] = rcode;
        verdict(Status::pass, cause(CauseCode::ok, params));
    };
    if (!outcome.answered())
        return verdict(Status::fail, cause(CauseCode::no_answer, {{"what", resinfo ? "resinfo" : "unknown-type"}, {"outcome", to_string(outcome.kind)}}));
    const auto rcode = outcome.message->full_rcode();
    const bool own_data = static_cast<bool>(spec.name);
    if (rcode != wire::rcode::noerror && !(own_data && rcode == wire::rcode::nxdomain))
        return verdict(Status::fail, cause(CauseCode::wrong_rcode, {{"rcode", wire::rcode_name(rcode)}, {"expected", "NOERROR"}}));
    if (own_data) return passed(wire::rcode_name(rcode));
    const auto& answers = outcome.message->answers;
    const auto record = std::find_if(answers.begin(), answers.end(), [&](const auto& rr) { return rr.type == spec.qtype; });
    model::Params params{{"type", wire::type_name(spec.qtype)}};
    const auto sent = resinfo ? wire::resinfo_rdata(outcome.probe_id) : wire::unknown_type_rdata(outcome.probe_id);
    if (record == answers.end()) params["what"] = "missing";
    else if (record->rdata != sent) params["what"] = "rdata";
    else return passed("NOERROR");
    if (spec.via_proxy) params["proxy"] = session.config().proxies.at(family).address();
    verdict(Status::fail, cause(CauseCode::unknown_type_changed, params));
}

// What a proxy says of itself when asked RESINFO for resolver.arpa (RFC 9606, RFC 9462's name for
// an unencrypted local resolver): its RCODE and its keys, reported, not judged (most proxies
// forward the name, and their upstream refuses it).
model::Params proxy_self_description(Session& session, Family family, QuerySpec spec) {
    spec.kind = "proxy";
    spec.qtype = wire::rr_type::resinfo;
    spec.name = wire::Name::parse("resolver.arpa").value();
    spec.tries = 1;
    auto outcome = session.ask(family, spec);
    model::Params self{{"self_rcode", outcome.answered() ? model::Params(wire::rcode_name(outcome.message->full_rcode())) : model::Params()}};
    if (!outcome.answered()) return self;
    for (const auto& record : outcome.message->answers) {
        if (record.type != wire::rr_type::resinfo) continue;
        std::string keys;
        if (auto texts = wire::parse_txt_rdata(record.rdata))
            for (const auto& text : *texts) keys += (keys.empty() ? "" : " ") + text;
        self["self_resinfo"] = keys;
    }
    return self;
}

}  // namespace

// TYPE65280 (private use: no box can know it) asked (RFC 3597; RFC 5625 4.3 for proxies).
void judge_unknown_type(Session& session, Family family, model::RunResult& result, QuerySpec spec) {
    judge_own_type(session, family, result, spec, Checkpoint::unknown_type);
}

// RESINFO (RFC 9606, type 261: new, so many boxes do not know it) asked and answered with the
// responder's keys; through a proxy, the proxy's own RESINFO (resolver.arpa) is reported beside.
void judge_resinfo(Session& session, Family family, model::RunResult& result, QuerySpec spec) {
    const model::Params self = spec.via_proxy ? proxy_self_description(session, family, spec) : model::Params::object();
    if (session.stopped()) return;
    judge_own_type(session, family, result, spec, Checkpoint::resinfo, self);
}

// An EDNS flag no one has defined (the bit after DO) must reach the server as sent and be ignored
// there (RFC 6891 6.1.4), and an unknown option sent with EDNS version 1 must get BADVERS with the
// server's OPT (RFC 6891 6.1.3): ISC's "ednsflags" and "ednsopt" with version 1. A box that drops
// either query, clears the flag (the echo shows it, route mode) or strips the OPT fails.
void judge_edns_flags(Session& session, Family family, model::RunResult& result, QuerySpec spec) {
    constexpr std::uint16_t kUnknownFlag = 0x4000;
    spec.kind = spec.via_proxy ? "proxy" : "options";
    spec.echo = !spec.name && !spec.via_proxy;  // a proxy re-originates: only what it answers counts
    spec.edns = wire::Edns{};
    spec.edns->z = kUnknownFlag;
    spec.tries = session.confirm_tries(family);
    auto flagged = session.ask(family, spec);
    QuerySpec versioned = spec;
    versioned.echo = false;
    versioned.edns = wire::Edns{};
    versioned.edns->version = 1;
    versioned.edns->options.push_back(wire::EdnsOption{kUnknownOptionCode, {'d', 'n', 's', 'p', 'a', 't', 'h'}});
    auto badvers = session.ask(family, versioned);
    auto verdict = [&](Status status, model::Cause found) {
        add_verdict(result, Checkpoint::edns_flags, family, status, std::move(found), {flagged.probe_id, badvers.probe_id}, via_of(spec));
    };
    if (!flagged.answered())
        return verdict(Status::fail, cause(CauseCode::no_answer, {{"what", "edns-flags"}, {"outcome", to_string(flagged.kind)}}));
    if (!badvers.answered())
        return verdict(Status::fail, cause(CauseCode::no_answer, {{"what", "edns-version"}, {"outcome", to_string(badvers.kind)}}));
    if (spec.echo) {
        const auto z = echo_value(parse_echo(*flagged.message), "z");
        if (z != std::to_string(kUnknownFlag))
            return verdict(Status::fail, cause(CauseCode::proxy_rewrite, {{"field", "z"}, {"from", kUnknownFlag}, {"to", z.value_or("?")}}));
    }
    if (const auto rcode = flagged.message->full_rcode(); rcode != wire::rcode::noerror && !(spec.name && rcode == wire::rcode::nxdomain))
        return verdict(Status::fail, cause(CauseCode::wrong_rcode, {{"rcode", wire::rcode_name(rcode)}, {"expected", "NOERROR"}}));
    if (const auto rcode = badvers.message->full_rcode(); rcode != wire::rcode::badvers)
        return verdict(Status::fail, cause(CauseCode::wrong_rcode, {{"rcode", wire::rcode_name(rcode)}, {"expected", "BADVERS"}}));
    if (!badvers.message->edns)
        return verdict(Status::fail, cause(CauseCode::option_stripped, {{"options", {"OPT"}}, {"direction", "answer"}}));
    verdict(Status::pass, cause(CauseCode::ok));
}

// A name that does not exist (nx: the responder answers NXDOMAIN with its SOA) must come back
// NXDOMAIN: a box or proxy that answers it with an address (an ISP's "search helper", SAC032) or
// with NOERROR breaks every client that tells a typo from a name, and DNSSEC with it. A silence is
// tried until loss cannot explain it.
void judge_nxdomain_rewrite(Session& session, Family family, model::RunResult& result, QuerySpec spec) {
    spec.kind = spec.via_proxy ? "proxy" : "options";
    spec.nxdomain = true;
    spec.qtype = family == Family::ipv6 ? wire::rr_type::aaaa : wire::rr_type::a;
    spec.tries = session.confirm_tries(family);
    auto outcome = session.ask(family, spec);
    auto verdict = [&](Status status, model::Cause found) {
        if (spec.via_proxy) found.params["proxy"] = session.config().proxies.at(family).address();
        add_verdict(result, Checkpoint::nxdomain_rewrite, family, status, std::move(found), {outcome.probe_id}, via_of(spec));
    };
    if (!outcome.answered())
        return verdict(Status::fail, cause(CauseCode::no_answer, {{"what", "nxdomain"}, {"outcome", to_string(outcome.kind)}}));
    const auto& message = *outcome.message;
    const auto rcode = message.full_rcode();
    const auto address = std::find_if(message.answers.begin(), message.answers.end(), [](const wire::ResourceRecord& rr) {
        return rr.type == wire::rr_type::a || rr.type == wire::rr_type::aaaa;
    });
    if (rcode == wire::rcode::nxdomain && address == message.answers.end())
        return verdict(Status::pass, cause(CauseCode::ok, {{"rcode", "NXDOMAIN"}}));
    if (rcode != wire::rcode::nxdomain && rcode != wire::rcode::noerror)
        return verdict(Status::fail, cause(CauseCode::wrong_rcode, {{"rcode", wire::rcode_name(rcode)}, {"expected", "NXDOMAIN"}}));
    model::Params params{{"rcode", wire::rcode_name(rcode)}, {"to", address != message.answers.end() ? "address" : "nodata"}};
    if (address != message.answers.end() && (address->rdata.size() == 4 || address->rdata.size() == 16)) {
        wire::IpAddress ip;
        std::copy(address->rdata.begin(), address->rdata.end(), ip.bytes.begin());
        ip.length = static_cast<std::uint8_t>(address->rdata.size());
        params["address"] = ip.to_string();
    }
    verdict(Status::fail, cause(CauseCode::nxdomain_rewritten, params));
}

namespace {

// The second port the responder said (in an echo of this family) it answers DNS on.
std::optional<std::uint16_t> alternate_port(const std::vector<model::ProbeRecord>& records, Family family) {
    for (const auto& record : records)
        if (record.family == family && !record.via_proxy && record.echo && record.echo->alt_port &&
            *record.echo->alt_port > 0 && *record.echo->alt_port <= 0xffff && *record.echo->alt_port != 53)
            return static_cast<std::uint16_t>(*record.echo->alt_port);
    return std::nullopt;
}

}  // namespace

// Octets that are not DNS sent to 53/udp, and a DNS question to the responder's second port, must
// both pass as any UDP does (RFC 5625 3; Netalyzr's DNS-aware firewall test): a box that passes
// only what parses as DNS on 53 will drop the next extension it does not know. Each silence is
// tried until loss cannot explain it; the second port is asked only where the responder says it
// listens (behind a balancer it does not).
void judge_non_dns_53(Session& session, Family family, model::RunResult& result) {
    const int tries = session.confirm_tries(family);
    auto raw = session.ask(family, {.kind = "options", .tries = tries, .non_dns = true});
    std::vector<std::string> probes{raw.probe_id};
    auto verdict = [&](Status status, model::Cause found) {
        add_verdict(result, Checkpoint::non_dns_53, family, status, std::move(found), probes);
    };
    if (raw.kind != model::Outcome::answer)
        return verdict(Status::fail, cause(CauseCode::dns_aware_filter,
                                           {{"what", "non-dns-on-53"}, {"port", 53}, {"outcome", to_string(raw.kind)}}));
    const auto port = alternate_port(session.records(), family);
    if (!port) return verdict(Status::pass, cause(CauseCode::ok, model::Params::object()));
    auto elsewhere = session.ask(family, {.kind = "options", .edns = wire::Edns{}, .tries = tries, .port = *port});
    probes.push_back(elsewhere.probe_id);
    if (elsewhere.answered())
        return verdict(Status::pass, cause(CauseCode::ok, {{"alt_port", *port}}));
    verdict(Status::fail, cause(CauseCode::dns_aware_filter,
                                {{"what", "dns-off-53"}, {"port", *port}, {"outcome", to_string(elsewhere.kind)}}));
}

namespace {

// Through a proxy, the answer to its first forward. A stub's retry reaches dnsmasq as a
// retransmission, which it resends upstream as the stub sent it: what the first forward changed
// under the TSIG (the buffer size, at --edns-packet-max) is then gone, and a lost first forward
// passed a proxy that breaks every signed query (the fault matrix's proxy-cap at 10 % loss). So a
// new question is asked while only resends were answered, up to confirm_tries rounds.
QueryOutcome ask_first_forward(Session& session, Family family, const QuerySpec& spec, std::vector<std::string>& probes) {
    const int rounds = spec.via_proxy ? session.confirm_tries(family) : 1;
    QueryOutcome outcome;
    for (int round = 0; round < rounds && !session.stopped(); ++round) {
        outcome = session.ask(family, spec);
        probes.push_back(outcome.probe_id);
        if (!spec.via_proxy || !outcome.answered() || outcome.attempts <= 1) break;
    }
    return outcome;
}

}  // namespace

// A TSIG-signed query (RFC 8945, with the TSIG key both ends derive from the run's key) and the
// responder's signed answer must each arrive as signed: a box that changes either in place breaks
// its MAC, one that strips the record leaves it unsigned. The responder's echo says the query's
// TSIG verified; a query whose TSIG failed gets NOTAUTH with the TSIG error. A proxy answers from
// its own resolution: TSIG ends at it unless it forwards the query unchanged (RFC 8945 5.5 asks
// that of a forwarder), so a proxy that answers unsigned, or refuses the signed query with an
// error of its own (FORMERR, REFUSED, its own BADKEY), warns: measured, Unbound answers FORMERR,
// BIND NOTAUTH/BADKEY, Knot Resolver and PowerDNS Recursor unsigned. A proxy that drops it, or a
// box that changes a signed message, fails. A real server (target mode) shares no key.
void judge_tsig(Session& session, Family family, model::RunResult& result, QuerySpec spec) {
    spec.kind = spec.via_proxy ? "proxy" : "options";
    if (session.config().key.empty() || spec.name) {
        add_verdict(result, Checkpoint::tsig, family, Status::na, cause(CauseCode::not_measured, {{"why", "no-key"}}), {},
                    via_of(spec));
        return;
    }
    spec.tsig = true;
    spec.echo = !spec.via_proxy;
    spec.tries = session.confirm_tries(family);
    std::vector<std::string> probes;
    auto outcome = ask_first_forward(session, family, spec, probes);
    auto verdict = [&](Status status, model::Cause found) {
        if (spec.via_proxy) found.params["proxy"] = session.config().proxies.at(family).address();
        add_verdict(result, Checkpoint::tsig, family, status, std::move(found), probes, via_of(spec));
    };
    auto broken = [&](Status status, const char* what, model::Params params = model::Params::object()) {
        params["what"] = what;
        verdict(status, cause(CauseCode::tsig_broken, std::move(params)));
    };
    if (!outcome.answered() || !outcome.tsig)
        return verdict(Status::fail, cause(CauseCode::no_answer, {{"what", "tsig"}, {"outcome", to_string(outcome.kind)}}));
    const auto& check = *outcome.tsig;
    const auto rcode = outcome.message->full_rcode();
    model::Params error{{"rcode", wire::rcode_name(rcode)}};
    if (check.status == wire::TsigStatus::error_reply || rcode == wire::rcode::notauth)
        error["error"] = wire::tsig_error_name(check.error);
    // The responder knows the key, so a BADKEY is the proxy's own check of a key it does not have.
    const bool proxy_own_error = spec.via_proxy && rcode != wire::rcode::noerror &&
                                 !(rcode == wire::rcode::notauth && check.error != wire::tsig_error::badkey);
    if (proxy_own_error) return broken(Status::warn, "proxy-own-error", error);
    if (rcode == wire::rcode::notauth || check.status == wire::TsigStatus::error_reply)
        return broken(Status::fail, "query-rejected", error);
    if (rcode != wire::rcode::noerror)
        return verdict(Status::fail, cause(CauseCode::wrong_rcode, {{"rcode", wire::rcode_name(rcode)}, {"expected", "NOERROR"}}));
    if (spec.echo && echo_value(parse_echo(*outcome.message), "tsig") != "ok" && check.status == wire::TsigStatus::absent)
        return broken(Status::fail, "query-stripped");
    switch (check.status) {
        case wire::TsigStatus::ok:
            // Only resends were answered: what the proxy's own forward does to a signed query is unseen.
            if (spec.via_proxy && outcome.attempts > 1)
                return verdict(Status::warn, cause(CauseCode::inconclusive, {{"candidates", {"ok", "tsig-broken"}},
                                                                            {"loss_rate", measured_loss_rate(session, family)},
                                                                            {"repeat", 2 * std::max(1, session.config().plan.repetitions)}}));
            return verdict(Status::pass, cause(CauseCode::ok, {{"name", wire::tsig_key_from(session.config().key).name.to_string()}}));
        case wire::TsigStatus::absent:
            return broken(spec.via_proxy ? Status::warn : Status::fail, spec.via_proxy ? "proxy-unsigned" : "answer-stripped");
        case wire::TsigStatus::malformed:
            return broken(Status::fail, "answer-malformed");
        default:
            return broken(Status::fail, "answer-bad-sig", {{"error", std::string(wire::to_string(check.status))}});
    }
}

void run_options(Session& session, Family family, model::RunResult& result) {
    judge_options(session, family, result);
    if (session.stopped()) return;
    judge_edns_version(session, family, result, {.kind = "options"});
    if (session.stopped()) return;
    judge_qdcount(session, family, result, {.kind = "options", .edns = wire::Edns{}});
    if (session.stopped()) return;
    judge_unknown_opcode(session, family, result, {.kind = "options", .edns = wire::Edns{}});
    if (session.stopped()) return;
    judge_header_bits(session, family, result, {.kind = "options", .edns = wire::Edns{}});
    if (session.stopped()) return;
    judge_case_0x20(session, family, result, {.kind = "options", .edns = wire::Edns{}});
    if (session.stopped()) return;
    judge_unknown_type(session, family, result, {.kind = "options", .edns = wire::Edns{}});
    if (session.stopped()) return;
    judge_edns_flags(session, family, result, {.kind = "options"});
    if (session.stopped()) return;
    judge_nxdomain_rewrite(session, family, result, {.kind = "options", .edns = wire::Edns{}});
    if (session.stopped()) return;
    judge_resinfo(session, family, result, {.kind = "options", .edns = wire::Edns{}});
    if (session.stopped()) return;
    judge_non_dns_53(session, family, result);
    if (session.stopped()) return;
    judge_tsig(session, family, result, {.kind = "options", .edns = wire::Edns{}});
}

}  // namespace dnspath::probe
