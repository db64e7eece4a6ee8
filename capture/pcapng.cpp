#include "capture/pcapng.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dnspath::capture {
namespace {

// pcapng is written in the host's byte order; the section header's magic tells readers which.
void put32(std::string& out, std::uint32_t value) { out.append(reinterpret_cast<const char*>(&value), 4); }
void put16(std::string& out, std::uint16_t value) { out.append(reinterpret_cast<const char*>(&value), 2); }

void pad4(std::string& out) {
    while (out.size() % 4 != 0) out.push_back('\0');
}

void option(std::string& body, std::uint16_t code, std::string_view value) {
    put16(body, code);
    put16(body, static_cast<std::uint16_t>(value.size()));
    body += value;
    pad4(body);
}

void option64(std::string& body, std::uint16_t code, std::uint64_t value) {
    put16(body, code);
    put16(body, 8);
    put32(body, static_cast<std::uint32_t>(value >> 32));  // timestamps: high word first
    put32(body, static_cast<std::uint32_t>(value));
}

void counter(std::string& body, std::uint16_t code, std::uint64_t value) {
    put16(body, code);
    put16(body, 8);
    body.append(reinterpret_cast<const char*>(&value), 8);  // counters: one host-order u64
}

std::string block(std::uint32_t type, const std::string& body) {
    std::string out;
    const auto total = static_cast<std::uint32_t>(12 + body.size());
    put32(out, type);
    put32(out, total);
    out += body;
    put32(out, total);
    return out;
}

}  // namespace

Result<PcapngWriter> PcapngWriter::create(const std::string& path, int link_type, const std::string& interface_name,
                                          const std::string& description) {
    net::Fd out(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0644));
    if (!out.valid()) return fail("cannot write " + path + ": " + std::strerror(errno));
    PcapngWriter writer(std::move(out));
    std::string section;
    put32(section, 0x1A2B3C4D);  // byte-order magic
    put16(section, 1);
    put16(section, 0);
    put32(section, 0xffffffff);  // section length unknown
    put32(section, 0xffffffff);
    option(section, 4, "dnspath");  // shb_userappl
    put32(section, 0);              // opt_endofopt
    writer.put(block(0x0A0D0D0A, section));

    std::string interface;
    put16(interface, static_cast<std::uint16_t>(link_type));
    put16(interface, 0);
    put32(interface, 0);  // snaplen: no limit
    option(interface, 2, interface_name);  // if_name
    option(interface, 3, description);     // if_description
    put32(interface, 0);
    writer.put(block(0x00000001, interface));
    if (!writer.good()) return fail("cannot write " + path);
    return writer;
}

void PcapngWriter::put(const std::string& block) {
    for (std::size_t done = 0; good_ && done < block.size();) {
        const ssize_t n = ::write(out_.get(), block.data() + done, block.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) good_ = false;
        else done += static_cast<std::size_t>(n);
    }
}

void PcapngWriter::write(std::uint64_t timestamp_us, wire::ByteView frame, std::uint32_t original_length,
                         std::string_view comment) {
    std::string body;
    put32(body, 0);  // interface 0
    put32(body, static_cast<std::uint32_t>(timestamp_us >> 32));
    put32(body, static_cast<std::uint32_t>(timestamp_us));
    put32(body, static_cast<std::uint32_t>(frame.size()));
    put32(body, original_length);
    body.append(reinterpret_cast<const char*>(frame.data()), frame.size());
    pad4(body);
    if (!comment.empty()) {
        option(body, 1, comment.substr(0, 0xffff));  // opt_comment
        put32(body, 0);                               // opt_endofopt
    }
    put(block(0x00000006, body));
}

void PcapngWriter::write_statistics(const Statistics& statistics) {
    std::string body;
    put32(body, 0);  // interface 0
    put32(body, static_cast<std::uint32_t>(statistics.timestamp_us >> 32));
    put32(body, static_cast<std::uint32_t>(statistics.timestamp_us));
    if (statistics.first_us) option64(body, 2, statistics.first_us);  // isb_starttime
    if (statistics.last_us) option64(body, 3, statistics.last_us);    // isb_endtime
    counter(body, 4, statistics.received);         // isb_ifrecv
    counter(body, 5, statistics.interface_drops);  // isb_ifdrop
    counter(body, 7, statistics.kernel_drops);     // isb_osdrop
    counter(body, 8, statistics.delivered);        // isb_usrdeliv
    put32(body, 0);
    put(block(0x00000005, body));
}

}  // namespace dnspath::capture
