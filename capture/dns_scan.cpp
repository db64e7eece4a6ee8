#include "capture/dns_scan.h"

#include <cctype>
#include <iterator>

namespace dnspath::capture {
namespace {

constexpr std::uint16_t kTypeOpt = 41, kTypeRrsig = 46;

std::uint16_t u16_at(wire::ByteView data, std::size_t at) {
    return static_cast<std::uint16_t>(data[at] << 8 | data[at + 1]);
}

// Moves `at` past a name (labels, then a zero octet or a compression pointer); false if the name
// runs off the end or is malformed.
bool skip_name(wire::ByteView data, std::size_t& at) {
    for (int labels = 0; labels < 128; ++labels) {
        if (at >= data.size()) return false;
        const std::uint8_t length = data[at];
        if (length == 0) {
            ++at;
            return true;
        }
        if ((length & 0xc0) == 0xc0) {
            if (at + 2 > data.size()) return false;
            at += 2;
            return true;
        }
        if ((length & 0xc0) != 0) return false;  // the 0x40 and 0x80 label types are obsolete
        at += 1 + length;
    }
    return false;
}

bool same_ignoring_case(const std::uint8_t* a, const char* b, std::size_t length) {
    for (std::size_t i = 0; i < length; ++i)
        if ((a[i] >= 'A' && a[i] <= 'Z' ? a[i] | 0x20 : a[i]) != static_cast<unsigned char>(b[i])) return false;
    return true;
}

struct KnownOption {
    std::uint16_t code;
    const char* name;
};
constexpr KnownOption kKnownOptions[] = {{3, "NSID"},  {8, "Client Subnet"}, {10, "Cookie"},
                                         {12, "Padding"}, {15, "EDE"},        {18, "Report-Channel"}};
constexpr std::uint16_t kOtherOption = 1u << 15;

}  // namespace

std::uint16_t option_bit(std::uint16_t code) {
    for (std::size_t i = 0; i < std::size(kKnownOptions); ++i)
        if (kKnownOptions[i].code == code) return static_cast<std::uint16_t>(1u << i);
    return kOtherOption;
}

std::string option_names(std::uint16_t bits) {
    std::string names;
    for (std::size_t i = 0; i < std::size(kKnownOptions); ++i)
        if (bits & (1u << i)) names += (names.empty() ? "" : ", ") + std::string(kKnownOptions[i].name);
    if (bits & kOtherOption) names += names.empty() ? "others" : ", others";
    return names;
}

std::vector<std::string> header_bit_names(std::uint8_t bits) {
    std::vector<std::string> names;
    if (bits & header_bit_ad) names.emplace_back("AD");
    if (bits & header_bit_cd) names.emplace_back("CD");
    if (bits & header_bit_z) names.emplace_back("Z");
    return names;
}

std::uint16_t name_hash(wire::ByteView question_name, bool with_case) {
    std::uint32_t hash = 2166136261u;  // FNV-1a, folded to 16 bits
    for (auto octet : question_name)
        hash = (hash ^ (with_case ? octet : static_cast<std::uint8_t>(wire::ascii_lower(static_cast<char>(octet))))) * 16777619u;
    return static_cast<std::uint16_t>(hash ^ (hash >> 16));
}

ZoneSuffix::ZoneSuffix(const wire::Name& zone) {
    for (const auto& label : zone.labels()) {
        wire_.push_back(static_cast<char>(label.size()));
        for (char c : label) wire_.push_back(wire::ascii_lower(c));
    }
    wire_.push_back('\0');
}

bool ZoneSuffix::equals(wire::ByteView name) const {
    return name.size() == wire_.size() && same_ignoring_case(name.data(), wire_.data(), wire_.size());
}

DnsFacts scan_dns(wire::ByteView data, const ZoneSuffix& zone, bool question_only) {
    DnsFacts facts;
    if (data.size() < 12) return facts;
    facts.id = u16_at(data, 0);
    facts.qr = data[2] & 0x80;
    facts.tc = data[2] & 0x02;
    facts.header_bits = static_cast<std::uint8_t>(((data[3] & 0x20) ? header_bit_ad : 0) | ((data[3] & 0x10) ? header_bit_cd : 0) |
                                                  ((data[3] & 0x40) ? header_bit_z : 0));
    facts.rcode = data[3] & 0x0f;
    facts.qdcount = u16_at(data, 4);
    const std::uint16_t ancount = u16_at(data, 6), nscount = u16_at(data, 8), arcount = u16_at(data, 10);
    std::size_t at = 12;
    if (facts.qdcount > 0) {
        // The first question's name: a query's first name cannot be compressed, so its labels are
        // all here; remember where each starts to find the zone at a label boundary.
        std::size_t starts[128];
        int count = 0;
        std::size_t end = at;
        bool plain = true;
        while (true) {
            if (end >= data.size() || count == 128) return facts;
            const std::uint8_t length = data[end];
            if (length == 0) break;
            if ((length & 0xc0) != 0) {
                plain = false;  // compressed or obsolete: not a probe name we could have sent
                break;
            }
            starts[count++] = end;
            end += 1 + length;
        }
        if (plain) {
            const std::size_t name_length = end + 1 - at;  // with the root octet
            facts.question_name = data.subspan(at, name_length);
            const auto& suffix = zone.wire_form();
            if (name_length >= suffix.size()) {
                const std::size_t suffix_start = end + 1 - suffix.size();
                bool boundary = suffix.size() == 1;
                for (int i = 0; i < count && !boundary; ++i) boundary = starts[i] == suffix_start;
                if (boundary && same_ignoring_case(&data[suffix_start], suffix.data(), suffix.size())) {
                    facts.in_zone = true;
                    facts.apex = suffix_start == at;
                    if (!facts.apex)
                        facts.first_label = std::string_view(reinterpret_cast<const char*>(&data[at + 1]), data[at]);
                }
            }
            at = end + 1;
        } else if (!skip_name(data, at)) {
            return facts;
        }
        if (at + 4 > data.size()) return facts;
        at += 4;
        if (question_only) {
            facts.ok = true;
            return facts;
        }
        for (int i = 1; i < facts.qdcount; ++i) {
            if (!skip_name(data, at) || at + 4 > data.size()) return facts;
            at += 4;
        }
    } else if (question_only) {
        facts.ok = true;
        return facts;
    }
    const int records = ancount + nscount + arcount;
    for (int i = 0; i < records; ++i) {
        if (!skip_name(data, at) || at + 10 > data.size()) return facts;
        const std::uint16_t type = u16_at(data, at);
        const std::uint16_t klass = u16_at(data, at + 2);
        const std::uint16_t flags = u16_at(data, at + 6);  // OPT: the low half of TTL holds DO and Z
        const std::uint16_t rdlength = u16_at(data, at + 8);
        at += 10;
        if (at + rdlength > data.size()) return facts;
        at += rdlength;
        if (i < ancount && type == kTypeRrsig) ++facts.rrsigs;
        if (i >= ancount + nscount && type == kTypeOpt && !facts.opt) {
            facts.opt = true;
            facts.udp_size = klass;
            facts.dnssec_ok = flags & 0x8000;
            // The options: code and length pairs filling the RDATA (a malformed tail ends the walk).
            for (std::size_t option = at - rdlength; option + 4 <= at;) {
                const std::uint16_t length = u16_at(data, option + 2);
                if (option + 4 + length > at) break;
                facts.options |= option_bit(u16_at(data, option));
                option += 4 + length;
            }
        }
    }
    facts.ok = true;
    return facts;
}

}  // namespace dnspath::capture
