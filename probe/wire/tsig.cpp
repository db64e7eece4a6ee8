#include "probe/wire/tsig.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <optional>

namespace dnspath::wire {
namespace {

constexpr std::size_t kHeaderSize = 12;
constexpr std::uint16_t kClassAny = 255;
constexpr std::size_t kMacSize = 32;  // HMAC-SHA256, untruncated: the only size this end accepts

const Name& hmac_sha256_name() {
    static const Name name({"hmac-sha256"});
    return name;
}

// Names inside the MAC are in canonical form: lowercase, uncompressed (RFC 8945 4.3.3).
void write_canonical(ByteWriter& out, const Name& name) {
    std::vector<std::string> labels = name.labels();
    for (auto& label : labels)
        for (char& c : label) c = ascii_lower(c);
    encode_name(out, Name(std::move(labels)), nullptr);
}

// The TSIG variables after the message (RFC 8945 4.3.3): key name, class, TTL, algorithm, time,
// fudge, error, other data.
void write_variables(ByteWriter& out, const Name& key_name, std::uint64_t time_signed, std::uint16_t fudge,
                     std::uint16_t error) {
    write_canonical(out, key_name);
    out.u16(kClassAny);
    out.u32(0);
    write_canonical(out, hmac_sha256_name());
    out.u16(static_cast<std::uint16_t>(time_signed >> 32));
    out.u32(static_cast<std::uint32_t>(time_signed));
    out.u16(fudge);
    out.u16(error);
    out.u16(0);  // other len
}

// The MAC over [request MAC], message (its id the original, its ARCOUNT without the TSIG) and the
// variables.
Bytes compute_mac(ByteView secret, ByteView request_mac, ByteView message, std::uint16_t original_id,
                  std::uint16_t arcount, const Name& key_name, std::uint64_t time_signed, std::uint16_t fudge,
                  std::uint16_t error) {
    ByteWriter text;
    if (!request_mac.empty()) {
        text.u16(static_cast<std::uint16_t>(request_mac.size()));
        text.bytes(request_mac);
    }
    const std::size_t start = text.size();
    text.bytes(message);
    text.patch_u16(start, original_id);
    text.patch_u16(start + 10, arcount);
    write_variables(text, key_name, time_signed, fudge, error);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), text.data().data(), text.size(), digest, &length);
    return Bytes(digest, digest + length);
}

struct TsigRecord {
    std::size_t start = 0;  // where the record begins: the message it signs ends there
    Name key_name;
    Name algorithm;
    std::uint64_t time_signed = 0;
    std::uint16_t fudge = 0;
    Bytes mac;
    std::uint16_t original_id = 0;
    std::uint16_t error = 0;
};

WireResult<Ok> skip_question(ByteReader& reader) {
    DNSPATH_TRY(Name ignored, decode_name(reader));
    return reader.skip(4);
}

WireResult<TsigRecord> read_tsig_rdata(ByteReader& reader, std::size_t end) {
    TsigRecord record;
    DNSPATH_TRY(record.algorithm, decode_name(reader));
    DNSPATH_TRY(std::uint16_t high, reader.u16());
    DNSPATH_TRY(std::uint32_t low, reader.u32());
    record.time_signed = std::uint64_t{high} << 32 | low;
    DNSPATH_TRY(record.fudge, reader.u16());
    DNSPATH_TRY(std::uint16_t mac_size, reader.u16());
    DNSPATH_TRY(ByteView mac, reader.bytes(mac_size));
    record.mac.assign(mac.begin(), mac.end());
    DNSPATH_TRY(record.original_id, reader.u16());
    DNSPATH_TRY(record.error, reader.u16());
    DNSPATH_TRY(std::uint16_t other_size, reader.u16());
    DNSPATH_TRY_VOID(reader.skip(other_size));
    if (reader.position() != end) return wire_error(WireErrc::bad_rdata, reader.position());
    return record;
}

// The TSIG record, which must be the message's last (RFC 8945 5.1); nullopt when there is none.
// A TSIG anywhere else is an error.
WireResult<std::optional<TsigRecord>> find_tsig(ByteView message) {
    ByteReader reader(message);
    if (!reader.can_read(kHeaderSize)) return wire_error(WireErrc::truncated, 0);
    const std::uint16_t qdcount = load_u16(message.data() + 4);
    const std::size_t records = std::size_t{load_u16(message.data() + 6)} + load_u16(message.data() + 8) +
                                load_u16(message.data() + 10);
    DNSPATH_TRY_VOID(reader.skip(kHeaderSize));
    for (int i = 0; i < qdcount; ++i) DNSPATH_TRY_VOID(skip_question(reader));
    for (std::size_t i = 0; i < records; ++i) {
        const std::size_t start = reader.position();
        DNSPATH_TRY(Name owner, decode_name(reader));
        DNSPATH_TRY(std::uint16_t type, reader.u16());
        DNSPATH_TRY_VOID(reader.skip(6));  // class, TTL
        DNSPATH_TRY(std::uint16_t length, reader.u16());
        if (!reader.can_read(length)) return wire_error(WireErrc::truncated, reader.position());
        if (type != kTsigType) {
            DNSPATH_TRY_VOID(reader.skip(length));
            continue;
        }
        // Last, and in the additional section.
        if (i + 1 != records || load_u16(message.data() + 10) == 0) return wire_error(WireErrc::bad_rdata, start);
        DNSPATH_TRY(TsigRecord record, read_tsig_rdata(reader, reader.position() + length));
        record.start = start;
        record.key_name = std::move(owner);
        return std::optional<TsigRecord>(std::move(record));
    }
    return std::optional<TsigRecord>();
}

}  // namespace

TsigKey tsig_key_from(ByteView run_key) {
    static constexpr std::string_view kLabel = "dnspath tsig key";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), run_key.data(), static_cast<int>(run_key.size()),
         reinterpret_cast<const unsigned char*>(kLabel.data()), kLabel.size(), digest, &length);
    return {Name({"tsig", "dnspath"}), Bytes(digest, digest + length)};
}

std::string_view to_string(TsigStatus status) {
    switch (status) {
        case TsigStatus::ok: return "ok";
        case TsigStatus::absent: return "absent";
        case TsigStatus::malformed: return "malformed";
        case TsigStatus::bad_key: return "bad-key";
        case TsigStatus::bad_sig: return "bad-sig";
        case TsigStatus::bad_time: return "bad-time";
        case TsigStatus::error_reply: return "error-reply";
    }
    return "?";
}

std::string tsig_dig_argument(const TsigKey& key) {
    std::string encoded(4 * ((key.secret.size() + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()), key.secret.data(),
                                       static_cast<int>(key.secret.size()));
    encoded.resize(static_cast<std::size_t>(std::max(length, 0)));
    std::string name = key.name.to_string();
    if (!name.empty() && name.back() == '.') name.pop_back();
    return "hmac-sha256:" + name + ":" + encoded;
}

std::string tsig_error_name(std::uint16_t error) {
    switch (error) {
        case 0: return "NOERROR";
        case tsig_error::badsig: return "BADSIG";
        case tsig_error::badkey: return "BADKEY";
        case tsig_error::badtime: return "BADTIME";
        default: return "TSIGERROR" + std::to_string(error);
    }
}

WireResult<Bytes> tsig_append(ByteView message, const TsigKey& key, std::uint64_t now, ByteView request_mac,
                              std::uint16_t error) {
    if (message.size() < kHeaderSize) return wire_error(WireErrc::truncated, 0);
    const std::uint16_t id = load_u16(message.data());
    const std::uint16_t arcount = load_u16(message.data() + 10);
    if (arcount == 0xffff) return wire_error(WireErrc::too_large, 10);
    const Bytes mac = error != 0 ? Bytes{}
                                 : compute_mac(key.secret, request_mac, message, id, arcount, key.name, now, kTsigFudge, 0);
    ByteWriter rdata;
    encode_name(rdata, hmac_sha256_name(), nullptr);
    rdata.u16(static_cast<std::uint16_t>(now >> 32));
    rdata.u32(static_cast<std::uint32_t>(now));
    rdata.u16(kTsigFudge);
    rdata.u16(static_cast<std::uint16_t>(mac.size()));
    rdata.bytes(mac);
    rdata.u16(id);
    rdata.u16(error);
    rdata.u16(0);
    ByteWriter out;
    out.bytes(message);
    out.patch_u16(10, static_cast<std::uint16_t>(arcount + 1));
    encode_name(out, key.name, nullptr);
    out.u16(kTsigType);
    out.u16(kClassAny);
    out.u32(0);
    out.u16(static_cast<std::uint16_t>(rdata.size()));
    out.bytes(rdata.data());
    if (out.size() > 65535) return wire_error(WireErrc::too_large, out.size());
    return out.take();
}

TsigCheck tsig_verify(ByteView message, const TsigKey& key, std::uint64_t now, ByteView request_mac) {
    TsigCheck check;
    auto found = find_tsig(message);
    if (!found) {
        check.status = TsigStatus::malformed;
        return check;
    }
    if (!*found) return check;  // absent
    const TsigRecord& record = **found;
    check.mac = record.mac;
    check.error = record.error;
    check.original_id = record.original_id;
    if (!record.key_name.equals(key.name) || !record.algorithm.equals(hmac_sha256_name())) {
        check.status = TsigStatus::bad_key;
        return check;
    }
    if (record.error != 0 && record.mac.empty()) {
        check.status = TsigStatus::error_reply;
        return check;
    }
    const std::uint16_t arcount = static_cast<std::uint16_t>(load_u16(message.data() + 10) - 1);
    const Bytes expected = compute_mac(key.secret, request_mac, message.first(record.start), record.original_id,
                                       arcount, record.key_name, record.time_signed, record.fudge, record.error);
    if (record.mac.size() != kMacSize || CRYPTO_memcmp(record.mac.data(), expected.data(), kMacSize) != 0) {
        check.status = TsigStatus::bad_sig;
        return check;
    }
    const std::uint64_t gap = now > record.time_signed ? now - record.time_signed : record.time_signed - now;
    check.status = gap > record.fudge ? TsigStatus::bad_time : record.error != 0 ? TsigStatus::error_reply : TsigStatus::ok;
    return check;
}

}  // namespace dnspath::wire
