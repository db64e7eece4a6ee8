#include "probe/responder/open_check.h"

#include <random>

#include "probe/net/net.h"

namespace dnspath::responder {

std::string open_check_address(std::string_view hex, const std::string& source) {
    if (hex.empty()) return source;
    wire::IpAddress address;
    address.length = static_cast<std::uint8_t>(hex.size() / 2);
    if (address.length != 4 && address.length != 16) return "";
    for (std::size_t i = 0; i < address.length; ++i) {
        unsigned value = 0;
        for (char c : hex.substr(2 * i, 2)) {
            if (c >= '0' && c <= '9') value = value * 16 + static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') value = value * 16 + static_cast<unsigned>(c - 'a' + 10);
            else return "";
        }
        address.bytes[i] = static_cast<std::uint8_t>(value);
    }
    return address.to_string();
}

std::string ask_from_outside(const std::string& address, const wire::Name& zone) {
    auto server = net::Endpoint::parse(address, 53);
    if (!server) return "error";
    auto name = zone.prepend("wan-check");
    std::random_device entropy;
    auto query = wire::make_query(static_cast<std::uint16_t>(entropy()), name, wire::rr_type::txt, std::nullopt);
    query.header.rd = true;  // as a stub elsewhere on the Internet asks an open resolver
    auto bytes = wire::encode(query);
    if (!bytes) return "error";
    // One socket and one id: an answer to any try counts, however late within the window.
    auto exchange = net::udp_exchange(*server, *bytes, std::chrono::milliseconds(kOutsideIntervalMs),
                                      {.sends = kOutsideTries});
    if (!exchange) {
        switch (exchange.error().kind) {
            case net::ExchangeFailure::timeout: return "silent:" + std::to_string(kOutsideTries);
            case net::ExchangeFailure::refused: return "unreachable";
            default: return "error";
        }
    }
    auto answer = wire::decode(exchange->answer);
    if (!answer) return "answered:undecodable:0";
    return "answered:" + std::string(wire::rcode_name(answer->full_rcode())) + ":" + std::to_string(answer->answers.size());
}

}  // namespace dnspath::responder
