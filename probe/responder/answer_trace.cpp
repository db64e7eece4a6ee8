#include "probe/responder/answer_trace.h"

#include <algorithm>
#include <map>

namespace dnspath::responder {
namespace {

constexpr std::size_t kSmallBase = 24;  // a small copy: header, then padding to this many octets

// `message` with another id and `extra` octets of EDNS padding; a message that does not decode
// is left out (empty).
wire::Bytes padded_copy(wire::Message message, std::size_t extra) {
    message.header.id = static_cast<std::uint16_t>(~message.header.id);
    if (!message.edns) message.edns = wire::Edns{};
    // An option is 4 octets of code and length before its data: the copy grows by 4 + data.
    message.edns->options.push_back(wire::make_padding(extra));
    auto bytes = wire::encode(message);
    return bytes ? std::move(bytes).value() : wire::Bytes{};
}

std::string large_text(const net::HeardCopy& copy) {
    using Kind = wire::IcmpError::Kind;
    const std::string what = copy.kind == Kind::time_exceeded ? "te"
                             : copy.kind == Kind::too_big     ? "ptb" + std::to_string(copy.mtu)
                                                              : "un" + std::to_string(copy.code);
    return copy.from + "," + what + "," + std::to_string(copy.quoted_ip_length) + "," + (copy.fragment ? "first" : "whole");
}

}  // namespace

std::vector<net::TtlCopy> answer_copies(wire::ByteView answer, std::uint32_t hops) {
    auto decoded = wire::decode(answer);
    if (!decoded) return {};
    wire::Message small;
    small.header = decoded->header;
    small.header.tc = false;
    small.questions = decoded->questions;
    small.edns = decoded->edns;
    if (small.edns) small.edns->options.clear();
    std::vector<net::TtlCopy> copies;
    const auto small_size = padded_copy(small, 0).size();
    const auto large_size = padded_copy(*decoded, 0).size();
    for (std::uint32_t hop = 1; hop <= hops; ++hop) {
        const int ttl = static_cast<int>(hop);
        copies.push_back({ttl, false, padded_copy(small, kSmallBase + hop)});
        if (large_size > small_size + kSmallBase + hops + 8) copies.push_back({ttl, true, padded_copy(*decoded, hop)});
    }
    std::erase_if(copies, [](const net::TtlCopy& copy) { return copy.payload.empty(); });
    return copies;
}

std::vector<std::string> answer_trace_entries(const std::vector<net::HeardCopy>& heard) {
    std::map<int, std::pair<std::string, std::string>> by_hop;  // hop: small, large
    for (const auto& copy : heard) {
        auto& [small, large] = by_hop.try_emplace(copy.ttl, "-", "-").first->second;
        (copy.large ? large : small) = copy.large ? large_text(copy) : copy.from;
    }
    std::vector<std::string> entries;
    for (const auto& [hop, said] : by_hop) entries.push_back(std::to_string(hop) + "/" + said.first + "/" + said.second);
    return entries;
}

}  // namespace dnspath::responder
