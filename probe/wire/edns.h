// EDNS0 (RFC 6891): the OPT pseudo-record's fields and the options dnspath sends, echoes and reports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/wire/bytes.h"
#include "probe/wire/name.h"

namespace dnspath::wire {

namespace option_code {
inline constexpr std::uint16_t nsid = 3;
inline constexpr std::uint16_t client_subnet = 8;
inline constexpr std::uint16_t expire = 9;
inline constexpr std::uint16_t cookie = 10;
inline constexpr std::uint16_t tcp_keepalive = 11;
inline constexpr std::uint16_t padding = 12;
inline constexpr std::uint16_t extended_error = 15;
inline constexpr std::uint16_t report_channel = 18;
inline constexpr std::uint16_t zoneversion = 19;
}  // namespace option_code

std::string_view option_name(std::uint16_t code);  // "NSID", "COOKIE", … or "" when unassigned here

// One EDNS option; unknown codes are kept byte for byte.
struct EdnsOption {
    std::uint16_t code = 0;
    Bytes data;
    friend bool operator==(const EdnsOption&, const EdnsOption&) = default;
};

struct Edns {
    std::uint16_t udp_size = 1232;
    std::uint8_t extended_rcode = 0;  // upper 8 bits of the 12-bit RCODE
    std::uint8_t version = 0;
    bool dnssec_ok = false;
    std::uint16_t z = 0;  // the 15 flag bits after DO, which must be zero and a middlebox may mangle
    std::vector<EdnsOption> options;

    const EdnsOption* find(std::uint16_t code) const;
    friend bool operator==(const Edns&, const Edns&) = default;
};

// OPT TTL field <-> Edns flags; CLASS carries the UDP size.
std::uint32_t opt_ttl(const Edns& edns);
Edns edns_from_opt(std::uint16_t klass, std::uint32_t ttl);
WireResult<std::vector<EdnsOption>> decode_options(ByteView rdata, std::size_t base_offset);
Bytes encode_options(const std::vector<EdnsOption>& options);

// RFC 7873 cookie: an 8-byte client cookie and an optional 8–32-byte server cookie.
struct Cookie {
    Bytes client;
    Bytes server;
};
std::optional<Cookie> parse_cookie(const EdnsOption& option);
EdnsOption make_cookie(const Cookie& cookie);

// RFC 8914 Extended DNS Error.
struct ExtendedError {
    std::uint16_t info_code = 0;
    std::string extra_text;
};
std::optional<ExtendedError> parse_extended_error(const EdnsOption& option);
EdnsOption make_extended_error(const ExtendedError& error);
// The IANA name of an INFO-CODE ("DNSSEC Bogus"), or "" for an unassigned one.
std::string_view extended_error_name(std::uint16_t info_code);
std::string describe(const ExtendedError& error);  // "EDE 6 (DNSSEC Bogus): extra text"

// RFC 9567 Report-Channel: the agent domain, an uncompressed wire-format name.
std::optional<Name> parse_report_channel(const EdnsOption& option);
EdnsOption make_report_channel(const Name& agent_domain);

// RFC 7830 padding of `length` zero octets.
EdnsOption make_padding(std::size_t length);

}  // namespace dnspath::wire
