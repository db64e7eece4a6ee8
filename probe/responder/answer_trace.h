// The answer trace's two pure halves ("a<n>" label): the TTL-limited copies of an answer the
// server sends toward the probe, and the `atr=` echo entries made from what routers quoted of them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "probe/net/net.h"

namespace dnspath::responder {

// Per hop 1 … hops: the answer itself (large) and a small message, both with another DNS id (so a
// copy that reaches the probe is not taken for the answer) and EDNS padding of `hop` octets more,
// so the UDP length alone says which copy a router quoted. A large answer too small to tell from
// the small ones is not copied.
std::vector<net::TtlCopy> answer_copies(wire::ByteView answer, std::uint32_t hops);

// One entry per hop that said anything, in hop order: "HOP/SMALL/LARGE" where SMALL is the router
// that quoted the small copy ("-": none) and LARGE is "-" or "FROM,WHAT,IPLENGTH,whole|first"
// (WHAT: te time exceeded, ptbMTU too big, unCODE unreachable; first: a first fragment).
std::vector<std::string> answer_trace_entries(const std::vector<net::HeardCopy>& heard);

}  // namespace dnspath::responder
