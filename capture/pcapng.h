// Writes pcapng (section header, one interface block with its name and description, enhanced
// packet blocks), so Wireshark and tshark open every tap and name the interface it came from.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

#include "probe/wire/wire.h"

namespace dnspath::capture {

class PcapngWriter {
public:
    static Result<PcapngWriter> create(const std::string& path, int link_type, const std::string& interface_name,
                                       const std::string& description);
    // Appends one packet; `timestamp_us` is microseconds since the epoch.
    void write(std::uint64_t timestamp_us, wire::ByteView frame, std::uint32_t original_length);
    bool good() const { return out_.good(); }

private:
    explicit PcapngWriter(std::ofstream out) : out_(std::move(out)) {}
    std::ofstream out_;
};

}  // namespace dnspath::capture
