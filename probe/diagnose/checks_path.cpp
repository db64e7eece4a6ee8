// The path checks against the authoritative server (JPRS scenario 1, A-85/86/87, common-1) and
// the resolver checks (scenario 5, F-2, F-154, F-27/28): what a device or the resolver did, told
// from what the zone holds.
#include <algorithm>
#include <optional>

#include "probe/diagnose/checks.h"

namespace dnspath::diagnose {
namespace {

using model::CauseCode;
using model::Checkpoint;
using model::Params;
using model::Status;

bool answered(const Reply& reply) { return reply.message.has_value(); }

}  // namespace

// Scenario 1 steps 1–2: the server answers a plain query, and answers as the zone's authority.
model::Verdict check_server_reach(const Reply& plain, const Reply& tcp, const std::string& target) {
    if (!answered(plain))
        return diagnose_verdict(Checkpoint::server_reach, Status::fail, CauseCode::no_answer,
                                {{"item", "scenario-1"}, {"fault", "path"}, {"what", answered(tcp) ? "udp" : "udp-tcp"},
                                 {"target", target}, {"failure", plain.failure}});
    const auto rcode = plain.message->full_rcode();
    if (rcode == wire::rcode::refused || rcode == wire::rcode::servfail)
        return diagnose_verdict(Checkpoint::server_reach, Status::fail, CauseCode::refused,
                                {{"item", "common-2"}, {"fault", "zone"}, {"target", target}, {"rcode", wire::rcode_name(rcode)}});
    // An answer without AA for the zone's own SOA did not come from its authority: a resolver or
    // a DNS proxy on the path answered in the server's place (what it does to DNSSEC is then its
    // doing, not the zone's).
    if (!plain.message->header.aa)
        return diagnose_verdict(Checkpoint::server_reach, Status::fail, CauseCode::interception,
                                {{"item", "scenario-1"}, {"fault", "path"}, {"target", target},
                                 {"evidence", plain.message->header.ra ? "aa0-ra1" : "aa0"}});
    return diagnose_verdict(Checkpoint::server_reach, Status::pass, CauseCode::ok, {{"item", "scenario-1"}, {"rtt_ms", plain.rtt_ms}});
}

// EDNS0 over UDP. A reply without OPT over UDP while TCP's has one is a device's doing.
model::Verdict check_server_edns(const Lookup& soa) {
    if (!answered(soa.udp))
        return diagnose_verdict(Checkpoint::server_edns, Status::fail, CauseCode::no_answer,
                                {{"item", "A-85"}, {"fault", "path"}, {"what", "edns"}, {"failure", soa.udp.failure}});
    const auto rcode = soa.udp.message->full_rcode();
    if (rcode == wire::rcode::formerr || rcode == wire::rcode::notimp)
        return diagnose_verdict(Checkpoint::server_edns, Status::fail, CauseCode::wrong_rcode,
                                {{"item", "A-85"}, {"fault", "zone"}, {"rcode", wire::rcode_name(rcode)}, {"expected", "NOERROR"}});
    if (!soa.udp.message->edns) {
        const bool tcp_has = soa.tcp.message && soa.tcp.message->edns;
        return diagnose_verdict(Checkpoint::server_edns, Status::fail, CauseCode::option_stripped,
                                {{"item", "A-85"}, {"fault", tcp_has ? "path" : "zone"}, {"what", "opt"}, {"direction", "answer"}});
    }
    return diagnose_verdict(Checkpoint::server_edns, Status::pass, CauseCode::ok,
                            {{"item", "A-85"}, {"advertised", soa.udp.message->edns->udp_size}});
}

// common-1: TCP/53 answers.
model::Verdict check_server_tcp(const Lookup& soa) {
    if (!answered(soa.tcp))
        return diagnose_verdict(Checkpoint::server_tcp, Status::fail, CauseCode::tcp_filter,
                                {{"item", "common-1"}, {"fault", "path"}, {"failure", soa.tcp.failure}});
    return diagnose_verdict(Checkpoint::server_tcp, Status::pass, CauseCode::ok, {{"item", "common-1"}, {"rtt_ms", soa.tcp.rtt_ms}});
}

// the zone's largest answers (DNSKEY and a signed denial, DO=1) cross over UDP with a
// 4096-octet buffer, or come back TC=1; lost where the same question with a 1220-octet buffer
// gets through is a size limit on the path.
model::Verdict check_server_large_udp(const std::vector<const Lookup*>& lookups, const Reply& small_buffer) {
    std::size_t largest = 0, delivered = 0;
    const Lookup* lost = nullptr;
    for (const auto* lookup : lookups) {
        if (!answered(lookup->tcp)) continue;
        largest = std::max(largest, lookup->tcp.size);
        if (answered(lookup->udp)) delivered = std::max(delivered, lookup->udp.size);
        else if (lost == nullptr || lookup->tcp.size < lost->tcp.size) lost = lookup;
    }
    if (largest == 0) return diagnose_verdict(Checkpoint::server_large_udp, Status::na, CauseCode::not_measured, {{"why", "unreachable"}, {"item", "A-86"}});
    if (lost == nullptr)
        return diagnose_verdict(Checkpoint::server_large_udp, Status::pass, CauseCode::ok,
                                {{"item", largest > 1220 ? "A-87" : "A-86"}, {"largest", largest}, {"delivered", delivered}});
    Params params{{"item", lost->tcp.size <= 1220 ? "A-86" : "A-87"}, {"fault", "path"}, {"size", lost->tcp.size},
                  {"advertised", 4096}, {"failure", lost->udp.failure}};
    if (delivered > 0) params["largest"] = delivered;
    if (answered(small_buffer)) params["small_buffer"] = small_buffer.message->header.tc ? "tc" : "answer";
    return diagnose_verdict(Checkpoint::server_large_udp, Status::fail, answered(small_buffer) ? CauseCode::size_cap : CauseCode::no_answer, params);
}

// Scenario 5 and F-154 / F-27 / F-28 / F-2 from one recursive query (RD=1, DO=1). Called after
// the zone's own checks passed, so a SERVFAIL here is the resolver's (its trust anchor or clock,
// told by the EDE), not the zone's.
std::optional<bool> echoed_dnssec_ok(const wire::Message& answer) {
    for (const auto& record : answer.answers) {
        if (record.type != wire::rr_type::txt) continue;
        if (auto strings = wire::parse_txt_rdata(record.rdata))
            for (const auto& text : *strings)
                if (text == "do=1" || text == "do=0") return text == "do=1";
    }
    return std::nullopt;
}

// F-130: what the resolver sent upstream, as a dnspath responder echoed it back (the question went
// to the resolver with DO clear: it must set DO on its own queries whatever its client did).
model::Verdict check_resolver_do(const std::optional<Reply>& echo, const std::string& target) {
    if (!echo) return diagnose_verdict(Checkpoint::resolver_do, Status::na, CauseCode::not_measured, {{"why", "needs-responder"}, {"item", "F-130"}});
    std::optional<bool> dnssec_ok;
    if (echo->message) dnssec_ok = echoed_dnssec_ok(*echo->message);
    if (!dnssec_ok)
        return diagnose_verdict(Checkpoint::resolver_do, Status::na, CauseCode::not_measured,
                                {{"why", "no-echo"}, {"item", "F-130"},
                                 {"rcode", echo->message ? wire::rcode_name(echo->message->full_rcode()) : echo->failure}});
    if (!*dnssec_ok)
        return diagnose_verdict(Checkpoint::resolver_do, Status::fail, CauseCode::do_cleared,
                                {{"item", "F-130"}, {"fault", "resolver"}, {"target", target}, {"direction", "upstream"}});
    return diagnose_verdict(Checkpoint::resolver_do, Status::pass, CauseCode::ok, {{"item", "F-130"}});
}

std::vector<model::Verdict> check_resolver(const Reply& reply, const Reply& tcp, const std::string& target,
                                           const std::optional<Reply>& echo) {
    std::vector<model::Verdict> verdicts;
    if (!answered(reply)) {
        verdicts.push_back(diagnose_verdict(Checkpoint::resolver_reach, Status::fail, CauseCode::no_answer,
                                            {{"item", "scenario-5"}, {"fault", "path"}, {"target", target},
                                             {"what", answered(tcp) ? "udp" : "udp-tcp"}, {"failure", reply.failure}}));
        return verdicts;
    }
    verdicts.push_back(diagnose_verdict(Checkpoint::resolver_reach, Status::pass, CauseCode::ok, {{"item", "scenario-5"}, {"rtt_ms", reply.rtt_ms}}));
    // The manual's scenario 8 asks first whether the resolver does DNSSEC at all (F-130).
    verdicts.push_back(check_resolver_do(echo, target));
    const auto& message = *reply.message;
    std::vector<int> ede;
    if (message.edns)
        for (const auto& option : message.edns->options)
            if (auto error = wire::parse_extended_error(option)) ede.push_back(error->info_code);
    // RFC 8914 22 No Reachable Authority, 23 Network Error: the resolver could not reach the zone's
    // servers, a path fault on its upstream side, not a validation one.
    const bool unreachable = std::find(ede.begin(), ede.end(), 22) != ede.end() || std::find(ede.begin(), ede.end(), 23) != ede.end();
    if (message.full_rcode() == wire::rcode::servfail && unreachable) {
        verdicts.push_back(diagnose_verdict(Checkpoint::resolver_validation, Status::fail, CauseCode::no_answer,
                                            {{"item", "scenario-5"}, {"fault", "path"}, {"target", target}, {"ede", ede},
                                             {"what", "upstream"}}));
        return verdicts;
    }
    if (message.full_rcode() == wire::rcode::servfail) {
        // RFC 8914: 7 Signature Expired, 8 Signature Not Yet Valid: the resolver's clock (F-27/28);
        // 6 Bogus, 9 DNSKEY Missing, 10 RRSIGs Missing and the rest: its trust anchor (F-154).
        const bool expired = std::find(ede.begin(), ede.end(), 7) != ede.end();
        const bool early = std::find(ede.begin(), ede.end(), 8) != ede.end();
        verdicts.push_back(diagnose_verdict(Checkpoint::resolver_validation, Status::fail, CauseCode::validation_failed,
                                            {{"item", expired ? "F-27" : early ? "F-28" : "F-154"}, {"fault", "resolver"},
                                             {"target", target}, {"ede", ede}, {"rcode", "SERVFAIL"}}));
        return verdicts;
    }
    verdicts.push_back(diagnose_verdict(Checkpoint::resolver_validation, Status::pass, CauseCode::ok,
                                        {{"item", "F-154"}, {"rcode", wire::rcode_name(message.full_rcode())}}));
    if (!message.header.ad)
        verdicts.push_back(diagnose_verdict(Checkpoint::resolver_ad, Status::fail, CauseCode::ad_missing,
                                            {{"item", "F-2"}, {"fault", "resolver"}, {"target", target}}));
    else
        verdicts.push_back(diagnose_verdict(Checkpoint::resolver_ad, Status::pass, CauseCode::ok, {{"item", "F-2"}}));
    return verdicts;
}

}  // namespace dnspath::diagnose
