// Live capture handles opened through the privileged door: a pcap handle created and activated on
// an interface, in its network namespace when it has one, with capture's settings. Included
// through probe/net/net.h.
#pragma once

#include <string>

#include "probe/wire/wire.h"

struct pcap;  // libpcap's pcap_t

namespace dnspath::net {

struct LiveCaptureSpec {
    std::string label;           // for errors: "tap cpe.in"
    std::string namespace_name;  // "" for this namespace
    std::string interface;
};

// An activated handle (the caller owns it and closes it with pcap_close), or why not: a missing
// interface, a missing CAP_NET_RAW, a namespace that cannot be entered.
Result<pcap*> open_live_capture(const LiveCaptureSpec& spec);

}  // namespace dnspath::net
