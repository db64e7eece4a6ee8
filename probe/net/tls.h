// DNS over TLS (RFC 7858) from the probe's side: one query over a TLS connection to port 853,
// opportunistic (the certificate is not checked: the dot-853 checkpoint asks whether DoT gets
// through a path, not who answers it).
#pragma once

#include <chrono>
#include <string>

#include "probe/net/socket.h"

namespace dnspath::net {

// What a DoT exchange got to: the TCP handshake (`connected` in the error), the TLS handshake, an
// answer. The protocol TLS settled on, for the record.
struct TlsExchange {
    Exchange exchange;
    std::string protocol;  // "TLSv1.3"
};
// Connects, completes a TLS handshake, sends one length-prefixed query and reads one answer, all
// within `timeout`. A failed TLS handshake is an `error` whose code is "tls-handshake".
Result<TlsExchange, ExchangeError> tls_exchange(const Endpoint& server, wire::ByteView query,
                                                std::chrono::milliseconds timeout);

}  // namespace dnspath::net
