// Writes pcapng (section header, one interface block with its name and description, enhanced
// packet blocks, each with an optional comment, and at the end an interface statistics block), so
// Wireshark and tshark open every tap, name the interface it came from, show which probe a frame
// belongs to and how many packets the capture lost.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "probe/net/net.h"
#include "probe/wire/wire.h"

namespace dnspath::capture {

class PcapngWriter {
public:
    static Result<PcapngWriter> create(const std::string& path, int link_type, const std::string& interface_name,
                                       const std::string& description);
    // Appends one packet; `timestamp_us` is microseconds since the epoch; a non-empty `comment`
    // becomes its opt_comment (Wireshark: frame.comment).
    void write(std::uint64_t timestamp_us, wire::ByteView frame, std::uint32_t original_length,
               std::string_view comment = {});
    // What the capture counted, in an Interface Statistics Block (RFC draft pcapng 4.6).
    struct Statistics {
        std::uint64_t timestamp_us = 0;  // when the counts were taken
        std::uint64_t first_us = 0, last_us = 0;  // isb_starttime, isb_endtime (0: none)
        std::uint64_t received = 0;      // isb_ifrecv: packets the filter passed (pcap_stats ps_recv)
        std::uint64_t interface_drops = 0;  // isb_ifdrop (ps_ifdrop)
        std::uint64_t kernel_drops = 0;     // isb_osdrop: no room in the kernel's buffer (ps_drop)
        std::uint64_t delivered = 0;     // isb_usrdeliv: frames written here
    };
    void write_statistics(const Statistics& statistics);
    bool good() const { return good_; }

private:
    explicit PcapngWriter(net::Fd out) : out_(std::move(out)) {}
    // Each block goes out in one write(2), unbuffered: a run killed at any point (even SIGKILL)
    // leaves a file of whole blocks that Wireshark opens.
    void put(const std::string& block);
    net::Fd out_;
    bool good_ = true;
};

}  // namespace dnspath::capture
