// Bounds-checked reading and writing of network-order bytes: the only way wire code touches a buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "probe/wire/result.h"

namespace dnspath::wire {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Why a packet could not be decoded. Named, so the capture path can count them as observations.
enum class WireErrc {
    truncated,             // a field runs past the end of the data
    label_too_long,        // a label length byte above 63 that is not a pointer
    bad_label_type,        // 0x40/0x80 label types (RFC 6891 obsoleted them)
    name_too_long,         // a decoded name over 255 octets
    compression_loop,      // a pointer that does not point strictly backwards
    pointer_out_of_range,  // a pointer past the end of the message
    too_many_pointers,     // a chain of pointers longer than any real name needs
    count_too_large,       // a section count that cannot fit in the remaining bytes
    bad_rdata,             // rdata whose internal structure is inconsistent with its length
    multiple_opt,          // more than one OPT record (RFC 6891 6.1.1: FORMERR)
    opt_not_root,          // an OPT record whose owner is not the root
    bad_option,            // an EDNS option whose length runs past the OPT rdata
    bad_text,              // presentation-format text that cannot be encoded
    too_large,             // an encoded message over 65535 octets
    size_unreachable,      // exact-size padding cannot hit the requested total
};

std::string_view to_string(WireErrc code);

struct WireError {
    WireErrc code;
    std::size_t offset = 0;  // where in the input the problem was found
    std::string describe() const;
};

template <typename T>
using WireResult = Result<T, WireError>;

inline Unexpected<WireError> wire_error(WireErrc code, std::size_t offset) { return {WireError{code, offset}}; }

class ByteReader {
public:
    explicit ByteReader(ByteView data, std::size_t position = 0) : data_(data), position_(position) {}

    bool can_read(std::size_t count) const { return position_ <= data_.size() && data_.size() - position_ >= count; }
    std::size_t position() const { return position_; }
    std::size_t remaining() const { return position_ <= data_.size() ? data_.size() - position_ : 0; }
    ByteView whole() const { return data_; }

    WireResult<std::uint8_t> u8();
    WireResult<std::uint16_t> u16();
    WireResult<std::uint32_t> u32();
    WireResult<ByteView> bytes(std::size_t count);
    WireResult<Ok> skip(std::size_t count);

private:
    ByteView data_;
    std::size_t position_;
};

class ByteWriter {
public:
    void u8(std::uint8_t value) { out_.push_back(value); }
    void u16(std::uint16_t value);
    void u32(std::uint32_t value);
    void bytes(ByteView data) { out_.insert(out_.end(), data.begin(), data.end()); }
    void bytes(std::string_view data) { out_.insert(out_.end(), data.begin(), data.end()); }
    // Overwrites two bytes already written, e.g. a length known only after its content.
    void patch_u16(std::size_t at, std::uint16_t value);
    std::size_t size() const { return out_.size(); }
    const Bytes& data() const { return out_; }
    Bytes take() { return std::move(out_); }

private:
    Bytes out_;
};

// Reads a big-endian integer without bounds checks; callers have checked the span length.
inline std::uint16_t load_u16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
inline std::uint32_t load_u32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

std::string hex(ByteView data);

}  // namespace dnspath::wire
