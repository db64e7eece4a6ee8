// A query's tries on the wire: one at a time, or a lost probe's confirming tries together, and
// what came back read into its outcome (Session::ask's parts).
#include <ctime>
#include <thread>

#include "probe/engine/session.h"
#include "probe/wire/wire.h"

namespace dnspath::probe {

using model::Family;

namespace {

// The confirming tries of a lost probe leave this far apart: close enough that their waits
// overlap, apart enough that a per-source rate limit or a short burst of loss takes one, not all.
constexpr std::chrono::milliseconds kTogetherGap{20};

}  // namespace

Result<net::Exchange, net::ExchangeError> Session::exchange_once(const net::Endpoint& server, const QuerySpec& spec,
                                                                 const wire::Bytes& query, int attempts, bool one_socket,
                                                                 QueryOutcome& outcome) {
    // TCP recovers its own losses, given time: a retransmission waits at least 200 ms (a SYN 1 s).
    const auto tcp_deadline = std::max(timeout_, std::chrono::milliseconds(1000));
    if (config_.pacer) config_.pacer->wait();
    if (spec.transport == Transport::tls) {
        auto secured = net::tls_exchange(server, query, tcp_deadline);
        if (!secured) return unexpected(secured.error());
        outcome.tls_protocol = secured->protocol;
        return std::move(secured->exchange);
    }
    if (spec.transport == Transport::tcp) return net::tcp_exchange(server, query, tcp_deadline, {spec.tcp_mss});
    if (spec.fragment_size)
        return net::fragmented_udp_exchange(server, query, *spec.fragment_size, timeout_, static_cast<std::uint32_t>(random_() | 1));
    return net::udp_exchange(server, query, spec.wait.value_or(timeout_), {spec.dont_fragment, one_socket ? attempts : 1});
}

std::pair<std::size_t, Result<net::Exchange, net::ExchangeError>> Session::exchange_together(const net::Endpoint& server,
                                                                                               const QuerySpec& spec,
                                                                                               const std::vector<SentTry>& sent) {
    std::vector<std::optional<Result<net::Exchange, net::ExchangeError>>> results(sent.size());
    const auto wait = spec.wait.value_or(timeout_);
    {
        std::vector<std::jthread> threads;
        for (std::size_t i = 0; i < sent.size() && !stopped(); ++i) {
            if (i > 0) std::this_thread::sleep_for(kTogetherGap);
            if (config_.pacer) config_.pacer->wait();
            threads.emplace_back([&, i] { results[i] = net::udp_exchange(server, sent[i].query, wait, {spec.dont_fragment, 1}); });
        }
    }
    // The first answer, else the first refusal or reset (an answer in itself), else silence.
    std::optional<std::size_t> chosen;
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (!results[i]) continue;
        if (*results[i]) return {i, std::move(*results[i])};
        const bool spoke = results[i]->error().kind != net::ExchangeFailure::timeout;
        if (!chosen || (spoke && results[*chosen]->error().kind == net::ExchangeFailure::timeout)) chosen = i;
    }
    if (!chosen) return {0, unexpected(net::ExchangeError{net::ExchangeFailure::timeout, Error{}})};  // stopped before any left
    return {*chosen, std::move(*results[*chosen])};
}

void Session::take_failure(const net::ExchangeError& error, QueryOutcome& outcome) {
    if (error.kind == net::ExchangeFailure::error) outcome.error = local_error(error.cause);
    // Any try that got its handshake shows the SYNs pass: a stall, not a filter.
    outcome.tcp_connected = outcome.tcp_connected || error.connected;
    if (error.local.length != 0) outcome.local = error.local;
    if (error.icmp_mtu) {
        outcome.icmp_mtu = error.icmp_mtu;
        outcome.icmp_from = error.icmp_from;
    }
    outcome.kind = error.kind == net::ExchangeFailure::timeout   ? model::Outcome::timeout
                   : error.kind == net::ExchangeFailure::refused ? model::Outcome::refused
                   : error.kind == net::ExchangeFailure::reset   ? model::Outcome::reset
                                                                 : model::Outcome::error;
}

void Session::take_answer(const net::Exchange& exchange, const QuerySpec& spec, const BuiltQuery& built,
                          const wire::Bytes& request_mac, QueryOutcome& outcome) {
    if (exchange.sends == 1) learn_rtt(exchange.rtt_ms);  // after a resend the time includes the wait
    outcome.tcp_connected = spec.transport != Transport::udp;
    outcome.rtt_ms = exchange.rtt_ms;
    outcome.answer_size = exchange.answer.size();
    outcome.local = exchange.local;
    if (spec.non_dns) {
        // Its reply is not DNS either: the same datagram, acknowledged, for this probe.
        const auto reply = wire::read_raw_probe(exchange.answer);
        const bool acknowledged = reply && reply->ack && reply->probe_id == built.probe_id;
        outcome.kind = acknowledged ? model::Outcome::answer : model::Outcome::undecodable;
        if (!acknowledged) outcome.error = model::LocalError{"decode", "", 0, "not-raw-reply", "the reply is not the datagram acknowledged"};
        return;
    }
    auto message = wire::decode(exchange.answer);
    if (!message) {
        outcome.kind = model::Outcome::undecodable;
        outcome.error = model::LocalError{"decode", "", 0, std::string(wire::to_string(message.error().code)),
                                          "answer does not decode: " + message.error().describe()};
        return;
    }
    outcome.kind = model::Outcome::answer;
    outcome.message = std::move(message).value();
    if (spec.tsig)
        outcome.tsig = wire::tsig_verify(exchange.answer, wire::tsig_key_from(config_.key),
                                         static_cast<std::uint64_t>(std::time(nullptr)), request_mac);
}

}  // namespace dnspath::probe
