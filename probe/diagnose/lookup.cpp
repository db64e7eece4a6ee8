#include "probe/diagnose/lookup.h"

#include <random>

namespace dnspath::diagnose {
namespace {

wire::Bytes query_bytes(const wire::Name& name, std::uint16_t type, const Ask& ask, std::uint16_t id) {
    std::optional<wire::Edns> edns;
    if (ask.bufsize) {
        edns = wire::Edns{};
        edns->udp_size = *ask.bufsize;
        edns->dnssec_ok = ask.dnssec_ok;
    }
    auto query = wire::make_query(id, name, type, edns);
    query.header.rd = ask.recursion;
    auto encoded = wire::encode(query);
    return encoded ? std::move(encoded).value() : wire::Bytes{};
}

template <typename Exchange>
Reply ask_with(Exchange exchange, const wire::Name& name, std::uint16_t type, const Ask& ask) {
    std::random_device random;
    Reply reply{std::nullopt, "timeout", 0, 0};
    for (int attempt = 0; attempt < ask.tries; ++attempt) {
        auto query = query_bytes(name, type, ask, static_cast<std::uint16_t>(random()));
        auto answer = exchange(query);
        if (!answer) {
            reply.failure = std::string(net::to_string(answer.error().kind));
            if (answer.error().kind == net::ExchangeFailure::timeout) continue;
            return reply;
        }
        reply.size = answer->answer.size();
        reply.rtt_ms = answer->rtt_ms;
        auto decoded = wire::decode(answer->answer);
        if (!decoded) {
            reply.failure = "undecodable";
            return reply;
        }
        reply.message = std::move(decoded).value();
        reply.failure.clear();
        return reply;
    }
    return reply;
}

}  // namespace

Reply ask_udp(const net::Endpoint& server, const wire::Name& name, std::uint16_t type, const Ask& ask) {
    return ask_with([&](const wire::Bytes& query) { return net::udp_exchange(server, query, ask.timeout); }, name, type,
                    ask);
}

Reply ask_tcp(const net::Endpoint& server, const wire::Name& name, std::uint16_t type, const Ask& ask) {
    Ask once = ask;
    once.tries = 1;  // TCP retransmits by itself
    return ask_with([&](const wire::Bytes& query) { return net::tcp_exchange(server, query, ask.timeout); }, name, type,
                    once);
}

const wire::Message* Lookup::truth() const {
    if (tcp.message) return &*tcp.message;
    if (udp.message && !udp.message->header.tc) return &*udp.message;
    return nullptr;
}

Lookup look_up(const net::Endpoint& server, const wire::Name& name, std::uint16_t type, const Ask& ask) {
    return {ask_udp(server, name, type, ask), ask_tcp(server, name, type, ask)};
}

}  // namespace dnspath::diagnose
