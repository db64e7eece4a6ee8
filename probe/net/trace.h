// TTL-limited copies of a UDP query (as tracebox does): each hop that expires one answers ICMP
// time exceeded and quotes the packet as it arrived there, so the path shows where a query was
// lost or changed. Reading ICMP needs a raw socket (CAP_NET_RAW).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "probe/net/socket.h"
#include "probe/wire/wire.h"

namespace dnspath::net {

struct Hop {
    int ttl = 0;
    std::string from;             // the router that answered, "" when nothing did
    bool reached_server = false;  // the server itself answered (DNS or ICMP unreachable)
    // The quoted packet, as that router saw it.
    std::size_t quoted_ip_length = 0;   // the IP total length it carried
    std::size_t quoted_octets = 0;      // how much of it the router quoted
    std::optional<bool> opt_present;    // what the quoted DNS query held, when enough was quoted
    std::optional<bool> dnssec_ok;
    std::optional<std::uint16_t> udp_size;
};

// Sends `query` to `server` with TTL (hop limit) 1 … max_ttl until the server answers.
Result<std::vector<Hop>> trace_query(const Endpoint& server, wire::ByteView query, int max_ttl,
                                     std::chrono::milliseconds per_hop_timeout);

// Reads one ICMP/ICMPv6 error message (type, offender, quote) into a hop, if it quotes a UDP
// packet from `local` to `server`. Pure, for tests.
std::optional<Hop> parse_icmp_error(wire::ByteView icmp, bool ipv6, const std::string& offender,
                                    const Endpoint& local, const Endpoint& server);

// The answer's way back traced from the server's side: copies of an answer sent with TTL (hop
// limit) 1, 2, … from the socket the query came in on, so they follow the answer's route and NAT
// mapping; each router that expires one quotes it. Copies are told apart by their UDP length alone
// (routers may quote no more than the UDP header).
struct TtlCopy {
    int ttl = 0;
    bool large = false;
    wire::Bytes payload;  // lengths unique among the copies sent together
};

// What one router said about one copy.
struct HeardCopy {
    int ttl = 0;
    bool large = false;
    std::string from;
    wire::IcmpError::Kind kind = wire::IcmpError::Kind::time_exceeded;
    int code = 0;
    int mtu = 0;                        // too big: the MTU the router named
    std::size_t quoted_ip_length = 0;   // the IP total length the copy had there
    bool fragment = false;              // the quote is of a first fragment (MF set): fragmented before
};

// Sends `copies` from `fd` (bound to `local`) to `peer`, then reads the ICMP errors that quote
// them until `quiet` passes without one (at most `longest`). A raw socket: CAP_NET_RAW.
Result<std::vector<HeardCopy>> trace_copies(int fd, const Endpoint& local, const Endpoint& peer, const std::vector<TtlCopy>& copies,
                                            std::chrono::milliseconds quiet, std::chrono::milliseconds longest);

// Which copy one ICMP/ICMPv6 error quotes, if it quotes one of `copies` from `local` to `peer`.
// Pure, for tests.
std::optional<HeardCopy> match_copy(wire::ByteView icmp, bool ipv6, const std::string& offender, const Endpoint& local,
                                    const Endpoint& peer, const std::vector<TtlCopy>& copies);

}  // namespace dnspath::net
