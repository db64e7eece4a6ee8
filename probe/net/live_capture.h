// Live capture handles opened through the privileged door: a pcap handle created and activated on
// an interface, in its network namespace when it has one, with capture's settings. Included
// through probe/net/net.h.
#pragma once

#include <chrono>
#include <string>

#include "probe/wire/wire.h"

struct pcap;  // libpcap's pcap_t

namespace dnspath::net {

struct LiveCaptureSpec {
    std::string label;           // for errors: "tap cpe.in"
    std::string namespace_name;  // "" for this namespace
    std::string interface;
};

// A handle delivers frames in blocks, a block at the latest this long after its first frame (the
// kernel's TPACKET_V3 block timeout): one wake-up per block instead of per frame, so four taps keep
// up with 150,000 packets/s on two shared cores. A reader that stops waits this long, a few times,
// for the last partial block.
inline constexpr std::chrono::milliseconds kCaptureBlockTimeout{20};

// An activated handle (the caller owns it and closes it with pcap_close), or why not: a missing
// interface, a missing CAP_NET_RAW, a namespace that cannot be entered.
Result<pcap*> open_live_capture(const LiveCaptureSpec& spec);

}  // namespace dnspath::net
