// What the correlator needs from a DNS message, read in one bounds-checked pass without building
// the message: header bits, the first question's probe id and whether it lies below the zone, the
// OPT record's facts and the RRSIGs in the answer. Reading a capture runs this on every DNS
// payload, so it allocates nothing; the full decoder (probe/wire) stays for everything else.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "probe/wire/wire.h"

namespace dnspath::capture {

// A zone in wire form, lowercased, to test question names against without decoding them.
class ZoneSuffix {
public:
    explicit ZoneSuffix(const wire::Name& zone);
    const std::string& wire_form() const { return wire_; }
    // Whether `name` (wire form, any case) is exactly this name.
    bool equals(wire::ByteView name) const;

private:
    std::string wire_;  // "\x05probe\x07dnspath\x04test\x00"
};

struct DnsFacts {
    bool ok = false;  // false: malformed, or cut short (only the question is needed from a quote)
    std::uint16_t id = 0;
    bool qr = false, tc = false;
    std::uint8_t header_bits = 0;  // AD, CD and Z as header_bit_* flags
    std::uint8_t rcode = 0;        // the header's RCODE (4 bits)
    std::uint16_t qdcount = 0;
    bool in_zone = false;           // the first question's name is the zone or below it
    bool apex = false;              // ... and is the zone itself
    std::string_view first_label;   // the name's first label as sent (any case), when below the zone
    wire::ByteView question_name;   // the first question's name in wire form (uncompressed ones only)
    bool opt = false;
    std::uint16_t udp_size = 0;
    bool dnssec_ok = false;
    std::uint16_t options = 0;  // the EDNS options present, as option_bit() bits
    int rrsigs = 0;  // RRSIG records in the answer section
};

// The header bits a box may change in place (RFC 6840 5.7-5.9, RFC 1035's Z).
constexpr std::uint8_t header_bit_ad = 1, header_bit_cd = 2, header_bit_z = 4;
// "AD", "CD", "Z" for the bits set.
std::vector<std::string> header_bit_names(std::uint8_t bits);
// A hash of the question name's bytes, letter case included (`with_case`) or not: two taps that
// agree on the name and disagree on its case saw a box change the case (DNS 0x20).
std::uint16_t name_hash(wire::ByteView question_name, bool with_case);

// One bit per EDNS option a middlebox is known to strip (NSID, Client Subnet, Cookie, Padding,
// EDE, Report-Channel), and one for any other code.
std::uint16_t option_bit(std::uint16_t code);
// "Cookie, Padding" for the bits set.
std::string option_names(std::uint16_t bits);

// Scans `message`. With `question_only`, stops after the first question (an ICMP error quotes a
// packet's first octets only, so the rest may be missing).
DnsFacts scan_dns(wire::ByteView message, const ZoneSuffix& zone, bool question_only = false);

}  // namespace dnspath::capture
