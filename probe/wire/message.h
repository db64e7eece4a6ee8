// DNS messages (RFC 1035): decoding over a bounds-checked view, and encoding — including the
// deliberately odd messages the probe needs (lying section counts, exact total sizes).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/wire/bytes.h"
#include "probe/wire/edns.h"
#include "probe/wire/name.h"

namespace dnspath::wire {

namespace rr_type {
inline constexpr std::uint16_t a = 1, ns = 2, cname = 5, soa = 6, ptr = 12, mx = 15, txt = 16, aaaa = 28,
                               opt = 41, ds = 43, rrsig = 46, nsec = 47, dnskey = 48, nsec3 = 50, nsec3param = 51,
                               any = 255,
                               resinfo = 261,        // RFC 9606: a resolver's information, TXT-like RDATA
                               private_use = 65280;  // RFC 6895 3.1: no one defines it, so no box may know it
}
std::string type_name(std::uint16_t type);  // "TXT", or "TYPE65280" (RFC 3597)

namespace rcode {
inline constexpr std::uint16_t noerror = 0, formerr = 1, servfail = 2, nxdomain = 3, notimp = 4, refused = 5,
                               badvers = 16;
}
std::string rcode_name(std::uint16_t code);

inline constexpr std::uint16_t class_in = 1;

struct Header {
    std::uint16_t id = 0;
    bool qr = false;
    std::uint8_t opcode = 0;
    bool aa = false, tc = false, rd = false, ra = false, z = false, ad = false, cd = false;
    std::uint8_t rcode = 0;  // low 4 bits; the OPT record carries the rest
    // As they stood on the wire; encode() writes the real counts unless told otherwise.
    std::uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
    friend bool operator==(const Header&, const Header&) = default;
};

struct Question {
    Name name;
    std::uint16_t type = rr_type::a;
    std::uint16_t klass = class_in;
};

struct ResourceRecord {
    Name name;
    std::uint16_t type = 0;
    std::uint16_t klass = class_in;
    std::uint32_t ttl = 0;
    Bytes rdata;  // names inside well-known rdata are stored decompressed
};

// Things a decoder accepts but a checker wants to see: signs of a middlebox or a broken server.
struct Anomalies {
    int opt_count = 0;              // >1 is a FORMERR condition (RFC 6891 6.1.1)
    bool opt_owner_not_root = false;
    std::size_t trailing_bytes = 0;  // octets after the last record
};

struct Message {
    Header header;
    std::vector<Question> questions;
    std::vector<ResourceRecord> answers;
    std::vector<ResourceRecord> authorities;
    std::vector<ResourceRecord> additionals;  // without the OPT record
    std::optional<Edns> edns;
    Anomalies anomalies;

    std::uint16_t full_rcode() const;  // 12 bits, header and OPT together
    void set_rcode(std::uint16_t code);  // splits into header and OPT (creating no OPT)
};

WireResult<Message> decode(ByteView data);

struct EncodeOptions {
    bool compress = true;
    // Section counts to write instead of the real ones (for QDCOUNT and friends that lie).
    std::optional<std::uint16_t> qdcount, ancount, nscount, arcount;
};

WireResult<Bytes> encode(const Message& message, const EncodeOptions& options = {});

// `message` with one extra TXT record for `owner` appended to the answer section, padded so the
// encoded message is exactly `total_size` octets. Records of fixed size (an RRSIG) may be filled in
// afterwards without changing the size.
WireResult<Message> pad_to_size(Message message, std::size_t total_size, const Name& owner, std::uint32_t ttl = 0);

// pad_to_size, encoded.
WireResult<Bytes> encode_exact_size(Message message, std::size_t total_size, const Name& owner,
                                    std::uint32_t ttl = 0);

// TXT rdata: character-strings of at most 255 octets each.
Bytes make_txt_rdata(const std::vector<std::string>& strings);
std::optional<std::vector<std::string>> parse_txt_rdata(ByteView rdata);

// A standard query: one question, RD clear, optional EDNS.
Message make_query(std::uint16_t id, const Name& name, std::uint16_t type, std::optional<Edns> edns);

}  // namespace dnspath::wire
