// Crafted fragmented UDP queries: the datagram is cut into IP fragments of chosen sizes and sent
// through a raw socket (CAP_NET_RAW); the answer comes back to an ordinary UDP socket.
#pragma once

#include <chrono>
#include <cstddef>
#include <vector>

#include "probe/net/socket.h"

namespace dnspath::net {

// The IP packets (headers included) that carry `payload` as one UDP datagram from `source` to
// `destination`, each at most `fragment_size` octets; serialized by libtins. Pure, for tests.
std::vector<wire::Bytes> fragment_udp(const Endpoint& source, const Endpoint& destination, wire::ByteView payload,
                                      std::size_t fragment_size, std::uint32_t identification);

// Sends `payload` as one UDP datagram from `source` to `destination` in IP fragments of at most
// `fragment_size` octets, through a raw socket (CAP_NET_RAW).
Result<void> send_fragments(const Endpoint& source, const Endpoint& destination, wire::ByteView payload,
                            std::size_t fragment_size, std::uint32_t identification);

// Sends `payload` as a UDP datagram to `server` in fragments of at most `fragment_size` octets,
// and waits for the reply with the same DNS id.
Result<Exchange, ExchangeError> fragmented_udp_exchange(const Endpoint& server, wire::ByteView payload,
                                                        std::size_t fragment_size, std::chrono::milliseconds timeout,
                                                        std::uint32_t identification);

}  // namespace dnspath::net
