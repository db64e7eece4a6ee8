// proxy-wan-open: a home router's DNS proxy must not answer the Internet (RFC 5358: an open
// resolver is an amplifier for anyone's reflection attacks). The responder, outside the device,
// asks the proxy's WAN address itself and says in its echo what came back; the probe only asks
// it to (the "o" label, which the key vouches for, so no one else can make it send questions).
#include <arpa/inet.h>

#include <cmath>

#include "probe/judge/judge.h"
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

// How many questions a "silent[:TRIES]" echo says went unanswered (an older responder: one).
std::uint32_t silent_tries(const std::string& said) {
    const auto colon = said.find(':');
    if (colon == std::string::npos) return 1;
    return std::max<std::uint32_t>(1, echo_number(std::string_view(said).substr(colon + 1)).value_or(1));
}

// What the responder said of the proxy's WAN side, once or over several rounds: the last word and
// how many of its questions went unanswered in all.
struct WanAsked {
    std::optional<std::string> said;
    std::uint32_t unanswered = 0, per_round = 0;
    bool answered = false;  // the probe's own question was answered (a missing echo, then)
};

// The chance that random loss at the measured rate lost the answers to `unanswered` questions.
double silence_by_chance(const Session& session, Family family, std::uint32_t unanswered) {
    return std::pow(session.exchange_loss(family), static_cast<double>(unanswered));
}

// Asks the responder to ask the proxy, again while the proxy stays silent and random loss at the
// measured rate could still explain the silence, up to plan.repetitions rounds (--repeat).
WanAsked ask_until_decided(Session& session, Family family, const std::string& hex, std::vector<std::string>& probes) {
    WanAsked asked;
    const int rounds = std::max(1, session.config().plan.repetitions);
    for (int round = 0; round < rounds && !session.stopped(); ++round) {
        // The responder asks for about 1.5 s before it answers.
        auto outcome = session.ask(family, {.kind = "proxy", .echo = true, .edns = wire::Edns{}, .tries = session.confirm_tries(family),
                                            .open_check = hex, .wait = std::chrono::milliseconds(3000)});
        probes.push_back(outcome.probe_id);
        asked.answered = outcome.answered();
        auto said = asked.answered ? echo_value(parse_echo(*outcome.message), "wanq") : std::nullopt;
        if (!said) return asked;  // the rounds before, if any, still count
        asked.said = said;
        if (!said->starts_with("silent")) return asked;
        const auto tries = silent_tries(*said);
        asked.unanswered += tries;
        asked.per_round = std::max(asked.per_round, tries);
        if (silence_by_chance(session, family, asked.unanswered) < judge::kClaimSignificance) return asked;
    }
    return asked;
}

// A proxy that never answered the responder's questions passes only when random loss at the
// path's measured rate could not have lost every answer an open resolver would have sent (the
// WAN side's path is part of the probe's, so its loss is at most the measured one); otherwise the
// silence is undecided between a closed proxy and lost answers, and says how many rounds would decide.
model::Cause judge_silence(const Session& session, Family family, const std::string& address, const WanAsked& asked) {
    const double chance = silence_by_chance(session, family, asked.unanswered);
    if (chance < judge::kClaimSignificance)
        return cause(CauseCode::ok, {{"wan_address", address}, {"wan_outcome", "silent"}, {"asked", asked.unanswered}});
    const int needed = judge::tries_to_rule_out(session.exchange_loss(family), judge::kClaimSignificance, 1000);
    const int rounds = (needed + static_cast<int>(asked.per_round) - 1) / static_cast<int>(std::max<std::uint32_t>(1, asked.per_round));
    return cause(CauseCode::inconclusive, {{"candidates", {"ok", "random-loss"}},
                                           {"loss_rate", measured_loss_rate(session, family)},
                                           {"p_value", std::min(1.0, chance)},
                                           {"repeat", std::clamp(rounds, session.config().plan.repetitions + 1, 10)},
                                           {"wan_address", address},
                                           {"asked", asked.unanswered}});
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
    const auto asked = ask_until_decided(session, family, hex, probes);
    if (!asked.said) return verdict(Status::na, cause(CauseCode::not_measured, {{"why", asked.answered ? "no-echo" : "no-answer"},
                                                                                {"wan_address", address}}));
    const std::string& said = *asked.said;
    if (said == "unreachable")
        return verdict(Status::pass, cause(CauseCode::ok, {{"wan_address", address}, {"wan_outcome", said}}));
    if (said.starts_with("silent")) {
        auto found = judge_silence(session, family, address, asked);
        return verdict(found.code == CauseCode::ok ? Status::pass : Status::warn, std::move(found));
    }
    // "answered:RCODE:ANSWERS"
    const auto first = said.find(':'), second = said.find(':', first + 1);
    const std::string rcode = first == std::string::npos ? "" : said.substr(first + 1, second - first - 1);
    if (rcode == "REFUSED") return verdict(Status::pass, cause(CauseCode::ok, {{"wan_address", address}, {"wan_outcome", "refused"}}));
    model::Params found{{"wan_address", address}, {"rcode", rcode}};
    if (second != std::string::npos)
        if (auto count = echo_number(std::string_view(said).substr(second + 1)); count && *count > 0) found["answers"] = *count;
    // It resolved for an outsider (NOERROR, NXDOMAIN); any other answer is still a service it
    // should not offer there, short of a refusal.
    verdict(rcode == "NOERROR" || rcode == "NXDOMAIN" ? Status::fail : Status::warn, cause(CauseCode::open_resolver, found));
}

}  // namespace dnspath::probe
