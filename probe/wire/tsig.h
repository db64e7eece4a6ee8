// TSIG (RFC 8945) with HMAC-SHA256 over a message's wire form: the tsig checkpoint signs a query
// with a key the probe and the responder share, and each end verifies what the other signed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "probe/wire/bytes.h"
#include "probe/wire/name.h"

namespace dnspath::wire {

inline constexpr std::uint16_t kTsigType = 250;
inline constexpr std::uint16_t kTsigFudge = 300;  // seconds either way (RFC 8945 10)

namespace tsig_error {
inline constexpr std::uint16_t badsig = 16, badkey = 17, badtime = 18;
}
namespace rcode {
inline constexpr std::uint16_t notauth = 9;  // what a TSIG error answers with (RFC 8945 5.2)
}

struct TsigKey {
    Name name;
    Bytes secret;
};

// The TSIG key a run's key gives both ends alike: HMAC-SHA256 of the run key over a fixed text
// (so the token key itself never signs anything a box can see), named tsig.dnspath.
TsigKey tsig_key_from(ByteView run_key);

// What verifying a message's TSIG found. `mac` is the one it carried (an answer is signed over
// the request's); `error` the TSIG error field (a server's BADSIG, BADKEY, BADTIME).
enum class TsigStatus { ok, absent, malformed, bad_key, bad_sig, bad_time, error_reply };
std::string_view to_string(TsigStatus status);

struct TsigCheck {
    TsigStatus status = TsigStatus::absent;
    Bytes mac;
    std::uint16_t error = 0;
    std::uint16_t original_id = 0;
};

// `message` with a TSIG record appended (ARCOUNT raised): signed with `key` at `now` over the
// request's MAC when given (an answer). With `error` set, unsigned (MAC size 0), as RFC 8945 5.2
// answers a query whose signature failed.
WireResult<Bytes> tsig_append(ByteView message, const TsigKey& key, std::uint64_t now, ByteView request_mac = {},
                              std::uint16_t error = 0);

// Verifies the TSIG record that must end `message` (RFC 8945 5.2 and 5.3): key name and algorithm,
// the MAC (an answer's over `request_mac`), the time within the fudge. Never throws on any input.
TsigCheck tsig_verify(ByteView message, const TsigKey& key, std::uint64_t now, ByteView request_mac = {});

// The key as dig's -y and nsupdate's -y take it: "hmac-sha256:tsig.dnspath:<base64 secret>".
std::string tsig_dig_argument(const TsigKey& key);

// The name of a TSIG error code: BADSIG, BADKEY, BADTIME, or TSIGERROR<n>.
std::string tsig_error_name(std::uint16_t error);

}  // namespace dnspath::wire
