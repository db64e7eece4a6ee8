// Reads a pcap or pcapng file through libpcap, one frame at a time (RAII over the pcap handle).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "probe/wire/wire.h"

namespace dnspath::capture {

struct Frame {
    std::uint64_t number = 0;  // 1-based, as Wireshark numbers them
    double timestamp = 0;      // seconds since the epoch
    wire::ByteView data;
};

class PcapFile {
public:
    static Result<PcapFile> open(const std::string& path);
    int link_type() const;
    // Calls `visit` for every frame in order; the frame's data is valid only during the call.
    Result<std::uint64_t> for_each(const std::function<void(const Frame&)>& visit);

private:
    struct Closer {
        void operator()(void* handle) const;
    };
    explicit PcapFile(void* handle) : handle_(handle) {}
    std::unique_ptr<void, Closer> handle_;
};

}  // namespace dnspath::capture
