#include "probe/wire/edns.h"

#include <array>
#include <utility>

namespace dnspath::wire {

std::string_view option_name(std::uint16_t code) {
    switch (code) {
        case 3: return "NSID";
        case 5: return "DAU";
        case 6: return "DHU";
        case 7: return "N3U";
        case 8: return "CLIENT-SUBNET";
        case 9: return "EXPIRE";
        case 10: return "COOKIE";
        case 11: return "TCP-KEEPALIVE";
        case 12: return "PADDING";
        case 13: return "CHAIN";
        case 14: return "KEY-TAG";
        case 15: return "EDE";
        case 18: return "REPORT-CHANNEL";
        case 19: return "ZONEVERSION";
        default: return "";
    }
}

const EdnsOption* Edns::find(std::uint16_t code) const {
    for (const auto& option : options)
        if (option.code == code) return &option;
    return nullptr;
}

std::uint32_t opt_ttl(const Edns& edns) {
    return static_cast<std::uint32_t>(edns.extended_rcode) << 24 | static_cast<std::uint32_t>(edns.version) << 16 |
           (edns.dnssec_ok ? 0x8000u : 0u) | (edns.z & 0x7fffu);
}

Edns edns_from_opt(std::uint16_t klass, std::uint32_t ttl) {
    Edns edns;
    edns.udp_size = klass;
    edns.extended_rcode = static_cast<std::uint8_t>(ttl >> 24);
    edns.version = static_cast<std::uint8_t>(ttl >> 16);
    edns.dnssec_ok = (ttl & 0x8000u) != 0;
    edns.z = static_cast<std::uint16_t>(ttl & 0x7fffu);
    return edns;
}

WireResult<std::vector<EdnsOption>> decode_options(ByteView rdata, std::size_t base_offset) {
    std::vector<EdnsOption> options;
    ByteReader reader(rdata);
    while (reader.remaining() > 0) {
        std::size_t at = base_offset + reader.position();
        if (!reader.can_read(4)) return wire_error(WireErrc::bad_option, at);
        auto code = reader.u16();
        auto length = reader.u16();
        auto data = reader.bytes(*length);
        if (!data) return wire_error(WireErrc::bad_option, at);
        options.push_back(EdnsOption{*code, Bytes(data->begin(), data->end())});
    }
    return options;
}

Bytes encode_options(const std::vector<EdnsOption>& options) {
    ByteWriter out;
    for (const auto& option : options) {
        out.u16(option.code);
        out.u16(static_cast<std::uint16_t>(option.data.size()));
        out.bytes(option.data);
    }
    return out.take();
}

std::optional<Cookie> parse_cookie(const EdnsOption& option) {
    const auto size = option.data.size();
    if (option.code != option_code::cookie) return std::nullopt;
    if (size != 8 && (size < 16 || size > 40)) return std::nullopt;
    Cookie cookie;
    cookie.client.assign(option.data.begin(), option.data.begin() + 8);
    cookie.server.assign(option.data.begin() + 8, option.data.end());
    return cookie;
}

EdnsOption make_cookie(const Cookie& cookie) {
    EdnsOption option{option_code::cookie, cookie.client};
    option.data.insert(option.data.end(), cookie.server.begin(), cookie.server.end());
    return option;
}

std::optional<ExtendedError> parse_extended_error(const EdnsOption& option) {
    if (option.code != option_code::extended_error || option.data.size() < 2) return std::nullopt;
    ExtendedError error;
    error.info_code = load_u16(option.data.data());
    error.extra_text.assign(option.data.begin() + 2, option.data.end());
    // RFC 8914 says the text is not NUL-terminated, but some servers send one anyway.
    while (!error.extra_text.empty() && error.extra_text.back() == '\0') error.extra_text.pop_back();
    return error;
}

EdnsOption make_extended_error(const ExtendedError& error) {
    ByteWriter out;
    out.u16(error.info_code);
    out.bytes(std::string_view(error.extra_text));
    return EdnsOption{option_code::extended_error, out.take()};
}

std::string_view extended_error_name(std::uint16_t info_code) {
    // RFC 8914 section 5.2 (0–24) and later IANA registrations (25–30).
    static constexpr std::array<std::string_view, 31> names = {
        "Other Error",
        "Unsupported DNSKEY Algorithm",
        "Unsupported DS Digest Type",
        "Stale Answer",
        "Forged Answer",
        "DNSSEC Indeterminate",
        "DNSSEC Bogus",
        "Signature Expired",
        "Signature Not Yet Valid",
        "DNSKEY Missing",
        "RRSIGs Missing",
        "No Zone Key Bit Set",
        "NSEC Missing",
        "Cached Error",
        "Not Ready",
        "Blocked",
        "Censored",
        "Filtered",
        "Prohibited",
        "Stale NXDomain Answer",
        "Not Authoritative",
        "Not Supported",
        "No Reachable Authority",
        "Network Error",
        "Invalid Data",
        "Signature Expired before Valid",
        "Too Early",
        "Unsupported NSEC3 Iterations Value",
        "Unable to conform to policy",
        "Synthesized",
        "Invalid Query Type",
    };
    return info_code < names.size() ? names[info_code] : std::string_view{};
}

std::string describe(const ExtendedError& error) {
    std::string out = "EDE " + std::to_string(error.info_code);
    auto name = extended_error_name(error.info_code);
    out += " (" + (name.empty() ? std::string("unassigned") : std::string(name)) + ")";
    if (!error.extra_text.empty()) out += ": " + error.extra_text;
    return out;
}

std::optional<Name> parse_report_channel(const EdnsOption& option) {
    if (option.code != option_code::report_channel || option.data.empty()) return std::nullopt;
    ByteReader reader(option.data);
    auto name = decode_name(reader);
    // The agent domain must be uncompressed and fill the option exactly.
    if (!name || reader.remaining() != 0 || reader.position() != name->wire_length()) return std::nullopt;
    return std::move(name).value();
}

EdnsOption make_report_channel(const Name& agent_domain) {
    ByteWriter out;
    encode_name(out, agent_domain, nullptr);
    return EdnsOption{option_code::report_channel, out.take()};
}

EdnsOption make_padding(std::size_t length) { return EdnsOption{option_code::padding, Bytes(length, 0)}; }

}  // namespace dnspath::wire
