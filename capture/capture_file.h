// Capture files read where they lie: the file is mapped into memory and its records walked in
// place, classic pcap (either byte order, micro- or nanoseconds) and pcapng (section, interface,
// packet and statistics blocks). libpcap reads files through stdio, copying every frame on the way, which
// was a third of offline analysis; other formats still go through libpcap (capture/pcap_file.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "capture/pcap_file.h"
#include "probe/wire/wire.h"

namespace dnspath::capture {

// What walking a capture's bytes found: the link type, how many frames were visited, and what the
// capture lost as its pcapng Interface Statistics Block counted it (pcap files cannot say).
struct CaptureWalk {
    int link_type = 0;
    std::uint64_t frames = 0;
    std::uint64_t interface_drops = 0;  // isb_ifdrop
    std::uint64_t kernel_drops = 0;     // isb_osdrop
};

// True when `bytes` starts like a file walk_capture reads (pcap or pcapng magic).
bool is_walkable_capture(wire::ByteView bytes);

// Visits every frame of a pcap or pcapng image in order. Bounds-checked: a truncated or hostile
// file is an error naming the offset, never a read past the end. `link_type_known` is called once,
// before the first frame, with the link type (all interfaces of a pcapng must share one).
Result<CaptureWalk> walk_capture(wire::ByteView bytes, const std::function<void(int link_type)>& link_type_known,
                                 const std::function<void(const Frame&)>& visit);

// A capture file mapped read-only; unmapped when this goes away.
class MappedFile {
public:
    static Result<MappedFile> open(const std::string& path);
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();
    wire::ByteView bytes() const { return {data_, size_}; }

private:
    MappedFile() = default;
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace dnspath::capture
