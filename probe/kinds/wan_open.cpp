// proxy-wan-open: a home router's DNS proxy must not answer the Internet (RFC 5358: an open
// resolver is an amplifier for anyone's reflection attacks). The responder, outside the device,
// asks the proxy's WAN address itself and says in its echo what came back; the probe only asks
// it to (the "o" label, which the key vouches for, so no one else can make it send questions).
#include <arpa/inet.h>

#include "probe/kinds/kinds.h"

namespace dnspath::probe {
namespace {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

// An address literal as the "o" label spells it: its octets in hex; "" when it is not one.
std::string address_hex(const std::string& address) {
    unsigned char octets[16];
    const bool ipv6 = address.find(':') != std::string::npos;
    if (::inet_pton(ipv6 ? AF_INET6 : AF_INET, address.c_str(), octets) != 1) return "";
    return wire::hex(wire::ByteView(octets, ipv6 ? 16 : 4));
}

// The WAN address to ask: the run's, else the proxy's own source as the responder saw it when the
// proxy forwarded the probe's first question (its WAN side, or a NAT's further up).
std::string wan_address(const Session& session, Family family, const QueryOutcome& hello) {
    if (auto given = session.config().proxy_wan.find(family); given != session.config().proxy_wan.end())
        return given->second.address();
    if (!hello.answered()) return "";
    return echo_value(parse_echo(*hello.message), "src").value_or("");
}

}  // namespace

void judge_proxy_wan_open(Session& session, Family family, model::RunResult& result, const std::string& proxy,
                          const QueryOutcome& hello) {
    std::vector<std::string> probes{hello.probe_id};  // the proxy's device re-originated it: the taps name it
    const auto verdict = [&](Status status, model::Cause found) {
        found.params["proxy"] = proxy;
        add_verdict(result, Checkpoint::proxy_wan_open, family, status, std::move(found), probes, model::Via::proxy);
    };
    const std::string address = wan_address(session, family, hello);
    const std::string hex = address_hex(address);
    if (hex.empty()) return verdict(Status::na, cause(CauseCode::not_measured, {{"why", "no-wan-address"}}));
    if (session.config().key.empty()) return verdict(Status::na, cause(CauseCode::not_measured, {{"why", "no-key"}}));
    // The responder waits up to 1.5 s for the proxy before it answers.
    auto asked = session.ask(family, {.kind = "proxy", .echo = true, .edns = wire::Edns{}, .tries = session.confirm_tries(family),
                                      .open_check = hex, .wait = std::chrono::milliseconds(3000)});
    probes.push_back(asked.probe_id);
    const auto echo = asked.answered() ? parse_echo(*asked.message) : std::multimap<std::string, std::string>{};
    const auto said = echo_value(echo, "wanq");
    if (!said) return verdict(Status::na, cause(CauseCode::not_measured, {{"why", asked.answered() ? "no-echo" : "no-answer"},
                                                                          {"wan_address", address}}));
    if (*said == "silent" || *said == "unreachable")
        return verdict(Status::pass, cause(CauseCode::ok, {{"wan_address", address}, {"wan_outcome", *said}}));
    // "answered:RCODE:ANSWERS"
    const auto first = said->find(':'), second = said->find(':', first + 1);
    const std::string rcode = first == std::string::npos ? "" : said->substr(first + 1, second - first - 1);
    if (rcode == "REFUSED") return verdict(Status::pass, cause(CauseCode::ok, {{"wan_address", address}, {"wan_outcome", "refused"}}));
    model::Params found{{"wan_address", address}, {"rcode", rcode}};
    if (second != std::string::npos)
        if (auto count = echo_number(std::string_view(*said).substr(second + 1)); count && *count > 0) found["answers"] = *count;
    // It resolved for an outsider (NOERROR, NXDOMAIN); any other answer is still a service it
    // should not offer there, short of a refusal.
    verdict(rcode == "NOERROR" || rcode == "NXDOMAIN" ? Status::fail : Status::warn, cause(CauseCode::open_resolver, found));
}

}  // namespace dnspath::probe
