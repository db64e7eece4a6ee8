#include "probe/wire/probe_name.h"
#include "probe/wire/key_file.h"
#include "probe/wire/message.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <random>

namespace dnspath::wire {
namespace {

bool is_id_label(const std::string& label) {
    if (label.empty() || label.size() > 63) return false;
    for (char c : label)
        if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-'))
            return false;
    return true;
}

std::vector<std::string> unsigned_labels(const ProbeName& probe) {
    std::vector<std::string> labels{probe.id};
    if (probe.size) labels.push_back("s" + std::to_string(*probe.size));
    if (probe.dnssec) labels.push_back("do");
    if (probe.echo) labels.push_back("echo");
    if (probe.dont_fragment) labels.push_back("df");
    if (probe.minimum_mtu) labels.push_back("min");
    if (probe.fragment_size) labels.push_back("f" + std::to_string(*probe.fragment_size));
    if (probe.attempt) labels.push_back("r" + std::to_string(*probe.attempt));
    if (probe.delay_ms) labels.push_back("w" + std::to_string(*probe.delay_ms));
    if (probe.answer_bits) labels.push_back("h" + std::to_string(*probe.answer_bits));
    if (probe.cache_ttl) labels.push_back("c" + std::to_string(*probe.cache_ttl));
    if (probe.nxdomain) labels.push_back("nx");
    if (probe.open_check) labels.push_back("o" + *probe.open_check);
    if (probe.answer_trace) labels.push_back("a" + std::to_string(*probe.answer_trace));
    return labels;
}

// "" or an IPv4 or IPv6 address in hex (8 or 32 lowercase digits): an open_check label's value.
bool is_address_hex(std::string_view text) {
    return (text.empty() || text.size() == 8 || text.size() == 32) &&
           std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// The field a numbered label ("s1232", "f576", "r2", "w20000") sets, by its letter; none for other letters.
std::optional<std::uint32_t>* numbered_field(ProbeName& probe, char letter) {
    switch (letter) {
        case 's': return &probe.size;
        case 'f': return &probe.fragment_size;
        case 'r': return &probe.attempt;
        case 'w': return &probe.delay_ms;
        case 'h': return &probe.answer_bits;
        case 'c': return &probe.cache_ttl;
        case 'a': return &probe.answer_trace;
        default: return nullptr;
    }
}

}  // namespace

Bytes unknown_type_rdata(std::string_view probe_id) {
    Bytes rdata(probe_id.begin(), probe_id.end());
    constexpr std::uint8_t kOctets[] = {0x00, 0xff, 0x0a, 0xc0, 0x20, 0x7f};
    rdata.insert(rdata.end(), std::begin(kOctets), std::end(kOctets));
    return rdata;
}

Bytes resinfo_rdata(std::string_view probe_id) {
    return make_txt_rdata({"qnamemin", "exterr=15-17", "dnspath=" + std::string(probe_id)});
}

std::string probe_token(const ProbeName& probe, const Name& zone, ByteView key) {
    Name covered(unsigned_labels(probe));
    std::string text = covered.to_string() + zone.to_string();
    for (char& c : text) c = ascii_lower(c);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(text.data()),
         text.size(), digest, &digest_length);
    return hex(ByteView(digest, 8));
}

Name make_probe_name(const ProbeName& probe, const Name& zone, ByteView key) {
    auto labels = unsigned_labels(probe);
    if (!key.empty() && !probe.nxdomain) labels.push_back("t" + probe_token(probe, zone, key));
    labels.insert(labels.end(), zone.labels().begin(), zone.labels().end());
    return Name(std::move(labels));
}

Result<ProbeName> parse_probe_name(const Name& name, const Name& zone) {
    if (!name.is_subdomain_of(zone)) return fail(name.to_string() + " is not below " + zone.to_string());
    auto labels = name.relative_to(zone);
    if (labels.empty()) return fail("no probe id in " + name.to_string());
    for (auto& label : labels)
        for (char& c : label) c = ascii_lower(c);
    ProbeName probe;
    if (!is_id_label(labels[0])) return fail("bad probe id label '" + labels[0] + "'");
    probe.id = labels[0];
    for (std::size_t i = 1; i < labels.size(); ++i) {
        const std::string& label = labels[i];
        if (label == "do") {
            probe.dnssec = true;
        } else if (label == "echo") {
            probe.echo = true;
        } else if (label == "df") {
            probe.dont_fragment = true;
        } else if (label == "min") {
            probe.minimum_mtu = true;
        } else if (label == "nx") {
            probe.nxdomain = true;
        } else if (label[0] == 'o' && !probe.open_check && is_address_hex(std::string_view(label).substr(1))) {
            probe.open_check = label.substr(1);
        } else if (auto* number = numbered_field(probe, label[0]); number && label.size() > 1 && label.size() < 12 &&
                                                                    !*number) {
            std::uint32_t value = 0;
            auto [end, ec] = std::from_chars(label.data() + 1, label.data() + label.size(), value);
            if (ec != std::errc{} || end != label.data() + label.size())
                return fail("bad number in label '" + label + "'");
            if (label[0] == 'f' && value < 96) return fail("fragment size under 96 in '" + label + "'");
            if (label[0] == 'h' && value > 7) return fail("header bits over 7 in '" + label + "'");
            if (label[0] == 'c' && value > 3600) return fail("a TTL over 3600 s in '" + label + "'");
            if (label[0] == 'a' && (value < 1 || value > kMaxAnswerTraceHops))
                return fail("answer trace hops outside 1-" + std::to_string(kMaxAnswerTraceHops) + " in '" + label + "'");
            *number = value;
        } else if (label.size() == 17 && label[0] == 't' && i + 1 == labels.size()) {
            probe.token = label.substr(1);
        } else {
            return fail("unknown probe label '" + label + "'");
        }
    }
    return probe;
}

namespace {

// The 8 HMAC octets of a keyed cookie over the client cookie, the server cookie's first 8 octets
// and the zone.
Bytes cookie_hash(ByteView client_cookie, ByteView server_head, const Name& zone, ByteView key) {
    Bytes text(client_cookie.begin(), client_cookie.end());
    text.insert(text.end(), server_head.begin(), server_head.end());
    std::string apex = zone.to_string();
    for (char& c : apex) c = ascii_lower(c);
    text.insert(text.end(), apex.begin(), apex.end());
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), text.data(), text.size(), digest, &digest_length);
    return Bytes(digest, digest + 8);
}

}  // namespace

Bytes make_keyed_cookie(ByteView client_cookie, std::uint32_t timestamp, const Name& zone, ByteView key) {
    Bytes cookie(client_cookie.begin(), client_cookie.end());
    cookie.resize(8, 0);
    Bytes head{1, 0, 0, 0, static_cast<std::uint8_t>(timestamp >> 24), static_cast<std::uint8_t>(timestamp >> 16),
               static_cast<std::uint8_t>(timestamp >> 8), static_cast<std::uint8_t>(timestamp)};
    const Bytes hash = cookie_hash(ByteView(cookie.data(), 8), head, zone, key);
    cookie.insert(cookie.end(), head.begin(), head.end());
    cookie.insert(cookie.end(), hash.begin(), hash.end());
    return cookie;
}

bool keyed_cookie_valid(ByteView option_data, std::uint32_t now, const Name& zone, ByteView key) {
    if (key.empty() || option_data.size() != 24 || option_data[8] != 1) return false;
    const std::uint32_t timestamp = load_u32(option_data.data() + 12);
    const std::uint32_t age = now >= timestamp ? now - timestamp : timestamp - now;
    if (age > 3600) return false;
    const Bytes expected = cookie_hash(option_data.subspan(0, 8), option_data.subspan(8, 8), zone, key);
    return CRYPTO_memcmp(expected.data(), option_data.data() + 16, 8) == 0;
}

bool token_valid(const ProbeName& probe, const Name& zone, ByteView key) {
    if (!probe.token) return false;
    std::string expected = probe_token(probe, zone, key);
    return expected.size() == probe.token->size() &&
           CRYPTO_memcmp(expected.data(), probe.token->data(), expected.size()) == 0;
}

Result<std::string> probe_name_text(ProbeName probe, const std::string& zone_text, const std::string& key_file) {
    auto zone = Name::parse(zone_text);
    if (!zone) return fail("--zone: " + zone.error().message);
    auto key = key_file.empty() ? Result<Bytes>(Bytes{}) : read_key_file(key_file);
    if (!key) return unexpected(key.error());
    if (probe.id.empty()) {
        char random_id[16];
        std::snprintf(random_id, sizeof random_id, "m%08x", std::random_device{}());
        probe.id = random_id;
    }
    const auto name = make_probe_name(probe, *zone, *key);
    DNSPATH_TRY_VOID(parse_probe_name(name, *zone));
    return name.to_string();
}

namespace {
constexpr std::string_view kRawMagic = "dnspath-raw ", kAckMagic = "dnspath-ack ";
constexpr std::size_t kRawMaxId = 63;  // a label's length: probe ids are labels
}  // namespace

Bytes make_raw_probe(std::uint16_t id, std::string_view probe_id) {
    const std::string text = std::string(kRawMagic) + std::string(probe_id.substr(0, kRawMaxId));
    Bytes datagram(2 + text.size());
    datagram[0] = static_cast<std::uint8_t>(id >> 8);
    datagram[1] = static_cast<std::uint8_t>(id & 0xff);
    std::copy(text.begin(), text.end(), datagram.begin() + 2);
    return datagram;
}

std::optional<RawProbe> read_raw_probe(ByteView datagram) {
    const std::size_t magic = kRawMagic.size();
    if (datagram.size() < 2 + magic + 1 || datagram.size() > 2 + magic + kRawMaxId) return std::nullopt;
    const std::string_view text(reinterpret_cast<const char*>(datagram.data()) + 2, datagram.size() - 2);
    const bool ack = text.starts_with(kAckMagic);
    if (!ack && !text.starts_with(kRawMagic)) return std::nullopt;
    const std::string_view id = text.substr(magic);
    if (!std::all_of(id.begin(), id.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }))
        return std::nullopt;
    return RawProbe{load_u16(datagram.data()), ack, id};
}

std::optional<Bytes> raw_probe_reply(ByteView datagram) {
    auto probe = read_raw_probe(datagram);
    if (!probe || probe->ack) return std::nullopt;
    Bytes reply(datagram.begin(), datagram.end());
    std::copy(kAckMagic.begin(), kAckMagic.end(), reply.begin() + 2);
    return reply;
}

}  // namespace dnspath::wire
