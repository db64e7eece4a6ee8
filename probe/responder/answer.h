// The responder's answer logic, free of sockets: query bytes and what the responder saw in, answer
// bytes (or nothing) out. Exact sizes, TC=1, echo, the anti-amplification token rule.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "probe/wire/wire.h"
#include "probe/responder/signer.h"

namespace dnspath::responder {

struct AnswerConfig {
    wire::Name zone;
    wire::Bytes key;                         // HMAC key; empty means no large answers at all
    const ZoneSigner* signer = nullptr;      // signs answers to DO=1 queries; null: unsigned zone
    std::uint32_t now = 0;                   // seconds since the epoch for RRSIG times; 0 = the clock
    std::string server_id;                   // echoed as server=ID: which backend answered behind a balancer
    std::uint16_t alt_port = 0;              // echoed as altport=N: a second UDP port it answers DNS on (0: none)
    std::uint16_t tls_port = 0;              // echoed as dot=N: the TCP port it answers DNS over TLS on (0: none)
    // The key's TSIG key (wire::tsig_key_from), derived once rather than per query; without it a
    // TSIG-signed query is answered as any other.
    std::optional<wire::TsigKey> tsig;
};

struct QueryContext {
    std::string source_address;
    std::uint16_t source_port = 0;
    bool tcp = false;
    // What asking a DNS proxy from outside gave (open_check.h), once asked: the echo says it.
    std::optional<std::string> open_check_result;
    bool tsig_verified = false;  // the query's TSIG verified (answer_query sets it; the echo says tsig=ok)
    bool tls = false;            // over TLS (DoT, port 853): the echo says transport=tls
    // What an answer trace ("a<n>") heard from the answer path, once traced: one `atr=` entry per
    // hop in the echo, and the answer is the small echo whatever size the name asks.
    std::optional<std::vector<std::string>> answer_trace_result;
};

struct Answer {
    wire::Bytes bytes;
    bool dont_fragment = false;  // the probe asked for DF on this answer ("df" label)
    bool minimum_mtu = false;    // the probe asked for 1280-octet fragments ("min" label)
    std::optional<std::uint32_t> fragment_size;  // the probe asked for fragments of this size ("f<n>")
    bool authenticated = false;  // the key vouches for the query (a probe token or a keyed cookie)
    // The probe asked for the answer this late ("w<ms>"; UDP, keyed probes, at most kMaxAnswerDelayMs).
    std::optional<std::uint32_t> delay_ms;
    // The probe asked ("o" label, UDP, keyed) that this address be asked from outside first: the
    // server does, then answers the query again with the result in its context.
    std::optional<std::string> open_check;
    // The probe asked ("a<n>", UDP, keyed) that the answer's way back be traced over this many hops
    // first: the server sends TTL-limited copies of `bytes`, then answers again with what it heard.
    std::optional<std::uint32_t> answer_trace;
};

// The longest a responder holds an answer back: past any NAT's UDP mapping a DNS path depends on.
constexpr std::uint32_t kMaxAnswerDelayMs = 900'000;

// The answer to send, or nullopt to stay silent (responses, garbage shorter than a header). A
// non-dns-53 probe's datagram (wire::read_raw_probe) gets its same-size reply.
std::optional<Answer> answer_query(wire::ByteView query, const QueryContext& context, const AnswerConfig& config);

}  // namespace dnspath::responder
