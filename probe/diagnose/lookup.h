// Internal to probe/diagnose: one question asked of one server over UDP and TCP, kept whole so the
// checks can compare what each transport delivered (a device that strips or alters records on UDP
// leaves TCP intact).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "probe/net/net.h"
#include "probe/wire/wire.h"

namespace dnspath::diagnose {

struct Reply {
    std::optional<wire::Message> message;  // decoded answer; none when `failure` says why
    std::string failure;                   // "timeout", "refused", "reset", "error", "undecodable"
    std::size_t size = 0;
    double rtt_ms = 0;
};

struct Ask {
    std::optional<std::uint16_t> bufsize = 4096;  // none: no EDNS
    bool dnssec_ok = true;
    bool recursion = false;
    int tries = 2;
    std::chrono::milliseconds timeout{1500};
};

Reply ask_udp(const net::Endpoint& server, const wire::Name& name, std::uint16_t type, const Ask& ask);
Reply ask_tcp(const net::Endpoint& server, const wire::Name& name, std::uint16_t type, const Ask& ask);

// The same question over both transports.
struct Lookup {
    Reply udp;
    Reply tcp;
    // What the server holds: TCP's answer when it came, else UDP's (null when neither did).
    const wire::Message* truth() const;
};
Lookup look_up(const net::Endpoint& server, const wire::Name& name, std::uint16_t type, const Ask& ask);

}  // namespace dnspath::diagnose
