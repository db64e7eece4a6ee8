#include "probe/wire/bytes.h"

namespace dnspath::wire {

std::string_view to_string(WireErrc code) {
    switch (code) {
        case WireErrc::truncated: return "truncated";
        case WireErrc::label_too_long: return "label-too-long";
        case WireErrc::bad_label_type: return "bad-label-type";
        case WireErrc::name_too_long: return "name-too-long";
        case WireErrc::compression_loop: return "compression-loop";
        case WireErrc::pointer_out_of_range: return "pointer-out-of-range";
        case WireErrc::too_many_pointers: return "too-many-pointers";
        case WireErrc::count_too_large: return "count-too-large";
        case WireErrc::bad_rdata: return "bad-rdata";
        case WireErrc::multiple_opt: return "multiple-opt";
        case WireErrc::opt_not_root: return "opt-not-root";
        case WireErrc::bad_option: return "bad-option";
        case WireErrc::bad_text: return "bad-text";
        case WireErrc::too_large: return "too-large";
        case WireErrc::size_unreachable: return "size-unreachable";
    }
    return "unknown";
}

std::string WireError::describe() const {
    return std::string(to_string(code)) + " at offset " + std::to_string(offset);
}

WireResult<std::uint8_t> ByteReader::u8() {
    if (!can_read(1)) return wire_error(WireErrc::truncated, position_);
    return data_[position_++];
}

WireResult<std::uint16_t> ByteReader::u16() {
    if (!can_read(2)) return wire_error(WireErrc::truncated, position_);
    std::uint16_t value = load_u16(&data_[position_]);
    position_ += 2;
    return value;
}

WireResult<std::uint32_t> ByteReader::u32() {
    if (!can_read(4)) return wire_error(WireErrc::truncated, position_);
    std::uint32_t value = static_cast<std::uint32_t>(data_[position_]) << 24 |
                          static_cast<std::uint32_t>(data_[position_ + 1]) << 16 |
                          static_cast<std::uint32_t>(data_[position_ + 2]) << 8 | data_[position_ + 3];
    position_ += 4;
    return value;
}

WireResult<ByteView> ByteReader::bytes(std::size_t count) {
    if (!can_read(count)) return wire_error(WireErrc::truncated, position_);
    ByteView view = data_.subspan(position_, count);
    position_ += count;
    return view;
}

WireResult<Ok> ByteReader::skip(std::size_t count) {
    if (!can_read(count)) return wire_error(WireErrc::truncated, position_);
    position_ += count;
    return Ok{};
}

void ByteWriter::u16(std::uint16_t value) {
    out_.push_back(static_cast<std::uint8_t>(value >> 8));
    out_.push_back(static_cast<std::uint8_t>(value));
}

void ByteWriter::u32(std::uint32_t value) {
    u16(static_cast<std::uint16_t>(value >> 16));
    u16(static_cast<std::uint16_t>(value));
}

void ByteWriter::patch_u16(std::size_t at, std::uint16_t value) {
    if (at + 2 > out_.size()) return;
    out_[at] = static_cast<std::uint8_t>(value >> 8);
    out_[at + 1] = static_cast<std::uint8_t>(value);
}

std::string hex(ByteView data) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (std::uint8_t b : data) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0xf]);
    }
    return out;
}

}  // namespace dnspath::wire
