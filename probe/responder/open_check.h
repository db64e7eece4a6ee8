// The responder's look at a DNS proxy from outside (the proxy-wan-open probe's "o" label): a
// question sent to the proxy's WAN address, as anyone on the Internet could send it to an open
// resolver, retried so that a lossy path cannot pass for a closed proxy, and what came of it in the
// words the echo carries (`wanq=`).
#pragma once

#include <string>
#include <string_view>

#include "probe/wire/wire.h"

namespace dnspath::responder {

// The address an "o" label names: `hex` (8 or 32 hex digits) read as an IPv4 or IPv6 address, or,
// when empty, `source` (the query's source as it arrived: a NAT's outside address). "" for none.
std::string open_check_address(std::string_view hex, const std::string& source);

// How often the question is sent, kOutsideIntervalMs apart (1.44 s in all, inside the 3 s the
// probe waits): enough tries that at 15 % round-trip loss a silent proxy is still told from a lost
// answer (0.15^8 ≈ 3e-7).
inline constexpr int kOutsideTries = 8;
inline constexpr int kOutsideIntervalMs = 180;

// Asks ADDRESS:53 over UDP, RD=1, for `wan-check.<zone>` TXT (a name the responder answers, should
// the proxy forward it), kOutsideTries times from one socket until an answer comes.
// "answered:RCODE:ANSWERS", "silent:TRIES" (nothing came back to TRIES queries), "unreachable"
// (ICMP: nothing listens there) or "error".
std::string ask_from_outside(const std::string& address, const wire::Name& zone);

}  // namespace dnspath::responder
