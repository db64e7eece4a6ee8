#include "probe/wire/message.h"

#include <algorithm>

namespace dnspath::wire {
namespace {

constexpr std::size_t kHeaderSize = 12;
constexpr std::size_t kMinRecordSize = 11;  // root name + type, class, ttl, rdlength
constexpr std::size_t kMinQuestionSize = 5;
constexpr std::size_t kMaxMessageSize = 65535;

// RFC 3597 section 4: only these types may carry compressed names in rdata, so only these are
// expanded; every other rdata is kept as it came.
WireResult<Bytes> expand_rdata(ByteReader& reader, std::uint16_t type, std::size_t length) {
    const std::size_t start = reader.position();
    const std::size_t end = start + length;
    ByteWriter out;
    auto copy_name = [&]() -> WireResult<Ok> {
        DNSPATH_TRY(Name name, decode_name(reader));
        if (reader.position() > end) return wire_error(WireErrc::bad_rdata, start);
        encode_name(out, name, nullptr);
        return Ok{};
    };
    switch (type) {
        case rr_type::ns:
        case rr_type::cname:
        case rr_type::ptr:
            DNSPATH_TRY_VOID(copy_name());
            break;
        case rr_type::mx: {
            DNSPATH_TRY(std::uint16_t preference, reader.u16());
            out.u16(preference);
            DNSPATH_TRY_VOID(copy_name());
            break;
        }
        case rr_type::soa: {
            DNSPATH_TRY_VOID(copy_name());
            DNSPATH_TRY_VOID(copy_name());
            if (end < reader.position() || end - reader.position() != 20) return wire_error(WireErrc::bad_rdata, start);
            DNSPATH_TRY(ByteView numbers, reader.bytes(20));
            out.bytes(numbers);
            break;
        }
        default: {
            DNSPATH_TRY(ByteView raw, reader.bytes(length));
            out.bytes(raw);
            return out.take();
        }
    }
    if (reader.position() != end) return wire_error(WireErrc::bad_rdata, start);
    return out.take();
}

WireResult<ResourceRecord> decode_record(ByteReader& reader) {
    ResourceRecord record;
    DNSPATH_TRY(record.name, decode_name(reader));
    DNSPATH_TRY(record.type, reader.u16());
    DNSPATH_TRY(record.klass, reader.u16());
    DNSPATH_TRY(record.ttl, reader.u32());
    DNSPATH_TRY(std::uint16_t length, reader.u16());
    if (!reader.can_read(length)) return wire_error(WireErrc::truncated, reader.position());
    DNSPATH_TRY(record.rdata, expand_rdata(reader, record.type, length));
    return record;
}

WireResult<Ok> check_count(std::size_t count, std::size_t minimum_size, const ByteReader& reader) {
    // Refuse counts that cannot fit before allocating anything for them: a hostile header may
    // claim 65535 records in a 40-byte packet.
    if (count * minimum_size > reader.remaining()) return wire_error(WireErrc::count_too_large, reader.position());
    return Ok{};
}

// Writes rdata, compressing the names inside the RFC 1035 types as real servers do.
void encode_rdata(ByteWriter& out, const ResourceRecord& record, CompressionTable* table) {
    const bool has_names = record.type == rr_type::ns || record.type == rr_type::cname ||
                           record.type == rr_type::ptr || record.type == rr_type::mx || record.type == rr_type::soa;
    if (table == nullptr || !has_names) return out.bytes(record.rdata);
    {
        // Check the names parse before recording any of their offsets in the table.
        ByteReader check(record.rdata);
        bool well_formed = record.type != rr_type::mx || check.u16().ok();
        well_formed = well_formed && decode_name(check).ok();
        if (well_formed && record.type == rr_type::soa) well_formed = decode_name(check).ok();
        if (!well_formed) return out.bytes(record.rdata);
    }
    ByteReader reader(record.rdata);
    ByteWriter rewritten;
    auto copy_name = [&]() {
        auto name = decode_name(reader);
        if (!name) return false;
        // Offsets in the table are message offsets: this name will land at out.size() + rewritten.size().
        ByteWriter piece;
        std::size_t at = out.size() + rewritten.size();
        const auto& labels = name->labels();
        const std::string key = name->lowercase_key();  // each suffix's key is its tail (encode_name)
        std::size_t suffix = 0;
        for (std::size_t i = 0; i < labels.size(); ++i) {
            const std::string_view tail = std::string_view(key).substr(suffix);
            suffix += 1 + labels[i].size();
            std::size_t offset = 0;
            if (table->find(tail, offset)) {
                piece.u16(static_cast<std::uint16_t>(0xc000 | offset));
                rewritten.bytes(piece.data());
                return true;
            }
            table->remember(tail, at + piece.size());
            piece.u8(static_cast<std::uint8_t>(labels[i].size()));
            piece.bytes(std::string_view(labels[i]));
        }
        piece.u8(0);
        rewritten.bytes(piece.data());
        return true;
    };
    bool ok = true;
    if (record.type == rr_type::mx) {
        auto preference = reader.u16();
        ok = preference.ok();
        if (ok) rewritten.u16(*preference);
    }
    ok = ok && copy_name();
    if (ok && record.type == rr_type::soa) ok = copy_name();
    auto rest = reader.bytes(reader.remaining());
    if (!ok || !rest) return out.bytes(record.rdata);  // not well-formed: keep it as given
    rewritten.bytes(*rest);
    out.bytes(rewritten.data());
}

void encode_record(ByteWriter& out, const ResourceRecord& record, CompressionTable* table) {
    encode_name(out, record.name, table);
    out.u16(record.type);
    out.u16(record.klass);
    out.u32(record.ttl);
    const std::size_t length_at = out.size();
    out.u16(0);
    encode_rdata(out, record, table);
    out.patch_u16(length_at, static_cast<std::uint16_t>(out.size() - length_at - 2));
}

}  // namespace

std::string type_name(std::uint16_t type) {
    switch (type) {
        case rr_type::a: return "A";
        case rr_type::ns: return "NS";
        case rr_type::cname: return "CNAME";
        case rr_type::soa: return "SOA";
        case rr_type::ptr: return "PTR";
        case rr_type::mx: return "MX";
        case rr_type::txt: return "TXT";
        case rr_type::aaaa: return "AAAA";
        case rr_type::opt: return "OPT";
        case rr_type::ds: return "DS";
        case rr_type::rrsig: return "RRSIG";
        case rr_type::nsec: return "NSEC";
        case rr_type::dnskey: return "DNSKEY";
        case rr_type::nsec3: return "NSEC3";
        case rr_type::nsec3param: return "NSEC3PARAM";
        case rr_type::any: return "ANY";
        case rr_type::resinfo: return "RESINFO";
        default: return "TYPE" + std::to_string(type);
    }
}

std::string rcode_name(std::uint16_t code) {
    switch (code) {
        case rcode::noerror: return "NOERROR";
        case rcode::formerr: return "FORMERR";
        case rcode::servfail: return "SERVFAIL";
        case rcode::nxdomain: return "NXDOMAIN";
        case rcode::notimp: return "NOTIMP";
        case rcode::refused: return "REFUSED";
        case rcode::badvers: return "BADVERS";
        case 9: return "NOTAUTH";
        default: return "RCODE" + std::to_string(code);
    }
}

std::uint16_t Message::full_rcode() const {
    std::uint16_t high = edns ? edns->extended_rcode : 0;
    return static_cast<std::uint16_t>(high << 4 | (header.rcode & 0xf));
}

void Message::set_rcode(std::uint16_t code) {
    header.rcode = static_cast<std::uint8_t>(code & 0xf);
    if (edns) edns->extended_rcode = static_cast<std::uint8_t>(code >> 4);
}

WireResult<Message> decode(ByteView data) {
    ByteReader reader(data);
    Message message;
    Header& h = message.header;
    if (!reader.can_read(kHeaderSize)) return wire_error(WireErrc::truncated, 0);
    DNSPATH_TRY(h.id, reader.u16());
    DNSPATH_TRY(std::uint16_t flags, reader.u16());
    h.qr = flags & 0x8000;
    h.opcode = static_cast<std::uint8_t>((flags >> 11) & 0xf);
    h.aa = flags & 0x0400;
    h.tc = flags & 0x0200;
    h.rd = flags & 0x0100;
    h.ra = flags & 0x0080;
    h.z = flags & 0x0040;
    h.ad = flags & 0x0020;
    h.cd = flags & 0x0010;
    h.rcode = static_cast<std::uint8_t>(flags & 0xf);
    DNSPATH_TRY(h.qdcount, reader.u16());
    DNSPATH_TRY(h.ancount, reader.u16());
    DNSPATH_TRY(h.nscount, reader.u16());
    DNSPATH_TRY(h.arcount, reader.u16());

    DNSPATH_TRY_VOID(check_count(h.qdcount, kMinQuestionSize, reader));
    message.questions.reserve(h.qdcount);
    for (int i = 0; i < h.qdcount; ++i) {
        Question question;
        DNSPATH_TRY(question.name, decode_name(reader));
        DNSPATH_TRY(question.type, reader.u16());
        DNSPATH_TRY(question.klass, reader.u16());
        message.questions.push_back(std::move(question));
    }
    DNSPATH_TRY_VOID(check_count(std::size_t{h.ancount} + h.nscount + h.arcount, kMinRecordSize, reader));
    auto read_section = [&](std::uint16_t count, std::vector<ResourceRecord>& section) -> WireResult<Ok> {
        section.reserve(count);
        for (int i = 0; i < count; ++i) {
            DNSPATH_TRY(ResourceRecord record, decode_record(reader));
            if (record.type != rr_type::opt || &section != &message.additionals) {
                section.push_back(std::move(record));
                continue;
            }
            ++message.anomalies.opt_count;
            if (!record.name.is_root()) message.anomalies.opt_owner_not_root = true;
            if (message.edns) continue;  // the first OPT wins; the count says there were more
            Edns edns = edns_from_opt(record.klass, record.ttl);
            // The rdata sits at the end of the record, so its offset is known from its size.
            DNSPATH_TRY(edns.options, decode_options(record.rdata, reader.position() - record.rdata.size()));
            message.edns = std::move(edns);
        }
        return Ok{};
    };
    DNSPATH_TRY_VOID(read_section(h.ancount, message.answers));
    DNSPATH_TRY_VOID(read_section(h.nscount, message.authorities));
    DNSPATH_TRY_VOID(read_section(h.arcount, message.additionals));
    message.anomalies.trailing_bytes = reader.remaining();
    return message;
}

WireResult<Bytes> encode(const Message& message, const EncodeOptions& options) {
    ByteWriter out;
    CompressionTable table;
    CompressionTable* compression = options.compress ? &table : nullptr;
    const Header& h = message.header;
    out.u16(h.id);
    std::uint16_t flags = static_cast<std::uint16_t>((h.qr ? 0x8000 : 0) | (h.opcode & 0xf) << 11 |
                                                     (h.aa ? 0x0400 : 0) | (h.tc ? 0x0200 : 0) |
                                                     (h.rd ? 0x0100 : 0) | (h.ra ? 0x0080 : 0) |
                                                     (h.z ? 0x0040 : 0) | (h.ad ? 0x0020 : 0) |
                                                     (h.cd ? 0x0010 : 0) | (h.rcode & 0xf));
    out.u16(flags);
    auto count = [](std::optional<std::uint16_t> forced, std::size_t real) {
        return forced ? *forced : static_cast<std::uint16_t>(real);
    };
    const std::size_t additional_count = message.additionals.size() + (message.edns ? 1 : 0);
    if (message.questions.size() > 0xffff || message.answers.size() > 0xffff ||
        message.authorities.size() > 0xffff || additional_count > 0xffff)
        return wire_error(WireErrc::too_large, 0);
    out.u16(count(options.qdcount, message.questions.size()));
    out.u16(count(options.ancount, message.answers.size()));
    out.u16(count(options.nscount, message.authorities.size()));
    out.u16(count(options.arcount, additional_count));
    for (const auto& question : message.questions) {
        encode_name(out, question.name, compression);
        out.u16(question.type);
        out.u16(question.klass);
    }
    for (const auto& record : message.answers) encode_record(out, record, compression);
    for (const auto& record : message.authorities) encode_record(out, record, compression);
    for (const auto& record : message.additionals) encode_record(out, record, compression);
    if (message.edns) {
        ResourceRecord opt;
        opt.type = rr_type::opt;
        opt.klass = message.edns->udp_size;
        opt.ttl = opt_ttl(*message.edns);
        opt.rdata = encode_options(message.edns->options);
        if (opt.rdata.size() > 0xffff) return wire_error(WireErrc::too_large, out.size());
        encode_record(out, opt, nullptr);
    }
    if (out.size() > kMaxMessageSize) return wire_error(WireErrc::too_large, out.size());
    return out.take();
}

Bytes make_txt_rdata(const std::vector<std::string>& strings) {
    ByteWriter out;
    for (const auto& text : strings) {
        std::string_view rest(text);
        do {
            auto piece = rest.substr(0, 255);
            out.u8(static_cast<std::uint8_t>(piece.size()));
            out.bytes(piece);
            rest.remove_prefix(piece.size());
        } while (!rest.empty());
    }
    return out.take();
}

std::optional<std::vector<std::string>> parse_txt_rdata(ByteView rdata) {
    std::vector<std::string> strings;
    ByteReader reader(rdata);
    while (reader.remaining() > 0) {
        auto length = reader.u8();
        auto text = reader.bytes(*length);
        if (!text) return std::nullopt;
        strings.emplace_back(reinterpret_cast<const char*>(text->data()), text->size());
    }
    return strings;
}

WireResult<Message> pad_to_size(Message message, std::size_t total_size, const Name& owner, std::uint32_t ttl) {
    message.answers.push_back(ResourceRecord{owner, rr_type::txt, class_in, ttl, {}});
    DNSPATH_TRY(Bytes empty, encode(message));
    // TXT rdata needs at least one length octet; k strings carry between k and 256k octets.
    if (total_size <= empty.size() || total_size - empty.size() > 0xffff)
        return wire_error(WireErrc::size_unreachable, empty.size());
    const std::size_t rdata_length = total_size - empty.size();
    const std::size_t strings = (rdata_length + 255) / 256;
    std::size_t content = rdata_length - strings;
    Bytes rdata;
    rdata.reserve(rdata_length);
    for (std::size_t i = 0; i < strings; ++i) {
        std::size_t piece = std::min<std::size_t>(255, content);
        rdata.push_back(static_cast<std::uint8_t>(piece));
        rdata.insert(rdata.end(), piece, static_cast<std::uint8_t>('x'));
        content -= piece;
    }
    message.answers.back().rdata = std::move(rdata);
    return message;
}

WireResult<Bytes> encode_exact_size(Message message, std::size_t total_size, const Name& owner, std::uint32_t ttl) {
    DNSPATH_TRY(Message padded, pad_to_size(std::move(message), total_size, owner, ttl));
    DNSPATH_TRY(Bytes sized, encode(padded));
    if (sized.size() != total_size) return wire_error(WireErrc::size_unreachable, sized.size());
    return sized;
}

Message make_query(std::uint16_t id, const Name& name, std::uint16_t type, std::optional<Edns> edns) {
    Message query;
    query.header.id = id;
    query.questions.push_back(Question{name, type, class_in});
    query.edns = std::move(edns);
    return query;
}

}  // namespace dnspath::wire
