// The probe-name scheme: how a probe's id, requested answer size and flags ride in the query name,
// `<id>.s<size>[.do][.echo][.df][.min][.f<fragment>][.r<try>][.w<ms>][.h<bits>][.c<ttl>][.nx][.t<token>].<zone>`, so responder and capture read them off any packet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "probe/wire/bytes.h"
#include "probe/wire/name.h"
#include "probe/wire/result.h"

namespace dnspath::wire {

struct ProbeName {
    std::string id;                      // one label of [a-z0-9-], unique per probe in a run
    std::optional<std::uint32_t> size;   // requested total size of the answer in octets
    bool dnssec = false;                 // "do": sign the answer (when the query also has DO=1)
    bool echo = false;                   // "echo": answer with what the responder saw
    bool dont_fragment = false;          // "df": send the answer with DF set (PMTU of the return path)
    bool minimum_mtu = false;            // "min": fragment the answer at 1280 (IPv6), whatever the PMTU cache says
    std::optional<std::string> token;    // HMAC over the rest, required for answers larger than the query
    // "f<n>": send the answer in IP fragments of at most n octets (either family), crafted whatever
    // the path MTU: tells a limit on the IP packet from one on the UDP length, and tests fragments
    // of small datagrams. At least 96 (room for headers and a little payload).
    std::optional<std::uint32_t> fragment_size;
    // "r<n>": the n-th try (from 2) of the same probe. A forwarder on the path (dnsmasq) merges a
    // question it is already asking upstream into that pending query, so a retry with the same name
    // dies with the first try's lost upstream exchange; a new name makes every try a fresh question.
    // The responder ignores it; capture follows every try by the id label.
    std::optional<std::uint32_t> attempt;
    // "w<ms>": answer this many milliseconds late (UDP only, keyed probes only). A NAT or firewall
    // whose mapping for the flow expired meanwhile drops the late answer: the mapping timeout.
    std::optional<std::uint32_t> delay_ms;
    // "h<n>": set header bits in the answer (1 AD, 2 CD, 4 Z), so the probe sees whether a box
    // passes them back unchanged (a proxy clearing the upstream's AD, a middlebox zeroing Z).
    std::optional<std::uint32_t> answer_bits;
    // "c<s>": answer an A question with this TTL (seconds, at most 3600) and an address that says
    // when it was served: the proxy-cache probe sees whether a proxy keeps the TTL and serves a
    // changed record once it expired.
    std::optional<std::uint32_t> cache_ttl;
    // "nx": answer NXDOMAIN with the zone's SOA, as for a name that does not exist (the
    // nxdomain-rewrite probe: a box that turns it into an address rewrites NXDOMAIN). The label
    // sits next to the zone and the name carries no token, so a lab fault can match its suffix
    // (dnsmasq --address=/nx.<zone>/); the answer is no larger than any unknown name's NXDOMAIN.
    bool nxdomain = false;
    // "o" or "o<hex>": before answering, ask a DNS proxy's WAN side from here (port 53, RD=1) and
    // say in the echo what it did (`wanq=`): at the address the query came from ("" : a NAT's
    // outside address), or at this one (8 or 32 hex digits, an IPv4 or IPv6 address). Keyed probes
    // only: the key holder alone can make the responder send a question elsewhere.
    std::optional<std::string> open_check;
    // "a<n>": trace the answer's way back (keyed UDP probes only): before answering, send copies of
    // the answer with IP TTL / hop limit 1 … n (at most kMaxAnswerTraceHops), a large one (the size
    // asked) and a small one per hop, read the ICMP errors routers on the answer path send back,
    // and answer small with what they quoted in the echo (`atr=`).
    std::optional<std::uint32_t> answer_trace;
};

// The most hops an answer trace ("a<n>") sends copies for.
inline constexpr std::uint32_t kMaxAnswerTraceHops = 16;

// The opaque RDATA the responder answers TYPE65280 with for a probe (RFC 3597: a box must pass an
// unknown type's RDATA unchanged): its id, and octets a text-minded box would mangle.
Bytes unknown_type_rdata(std::string_view probe_id);

// The RESINFO RDATA (RFC 9606: TXT's format, "key=value" strings) the responder answers a probe's
// RESINFO question with: keys RFC 9606 defines, and the probe id a box cannot know.
Bytes resinfo_rdata(std::string_view probe_id);

// The non-dns-53 probe's datagram: not a DNS message (its header would claim thousands of
// questions), sent to the DNS port to see whether a box lets any UDP through there. Two octets of
// id (what the probe's socket matches replies by), "dnspath-raw ", the probe id. The responder
// sends it back the same size with "dnspath-ack " instead, so it amplifies nothing and needs no key.
struct RawProbe {
    std::uint16_t id = 0;
    bool ack = false;           // the responder's reply
    std::string_view probe_id;  // points into the datagram read
};
Bytes make_raw_probe(std::uint16_t id, std::string_view probe_id);
// The datagram read as a raw probe or its reply; nullopt for anything else (any DNS message).
std::optional<RawProbe> read_raw_probe(ByteView datagram);
// The responder's reply to a raw probe (nullopt: `datagram` is not one).
std::optional<Bytes> raw_probe_reply(ByteView datagram);
// Builds the query name, adding a token when `key` is not empty.
Name make_probe_name(const ProbeName& probe, const Name& zone, ByteView key);

// `dnspath name`: the probe's name below the zone `zone_text` as text, its token from the key in
// `key_file` ("" for none), a random id when it has none; checked by reading it back.
Result<std::string> probe_name_text(ProbeName probe, const std::string& zone_text, const std::string& key_file);

// Reads a probe name below `zone`; fails on labels the scheme does not know.
Result<ProbeName> parse_probe_name(const Name& name, const Name& zone);

// The token for a probe name: 16 hex digits of HMAC-SHA256 over its lowercased labels and zone.
std::string probe_token(const ProbeName& probe, const Name& zone, ByteView key);

// True when the probe carries the token the key gives.
bool token_valid(const ProbeName& probe, const Name& zone, ByteView key);

// A name without a probe id (the zone apex) cannot carry a token, so the probe authenticates such
// queries with a DNS COOKIE option (RFC 7873, code 10) whose server cookie it makes itself from
// the shared key: version 1, three zero octets, a 32-bit timestamp, then 8 octets of HMAC-SHA256
// over the client cookie, those 8 octets and the zone (RFC 9018's layout; no client address, which
// a NAT changes). The option's data: the 8-octet client cookie, then the 16-octet server cookie.
constexpr std::uint16_t kCookieOption = 10;
Bytes make_keyed_cookie(ByteView client_cookie, std::uint32_t timestamp, const Name& zone, ByteView key);
// True when `option_data` is such a cookie under `key`, made within an hour of `now`.
bool keyed_cookie_valid(ByteView option_data, std::uint32_t now, const Name& zone, ByteView key);

}  // namespace dnspath::wire
