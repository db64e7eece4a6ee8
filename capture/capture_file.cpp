#include "capture/capture_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dnspath::capture {
namespace {

constexpr std::uint32_t kPcapMicro = 0xa1b2c3d4, kPcapNano = 0xa1b23c4d;
constexpr std::uint32_t kPcapngSection = 0x0a0d0d0a, kPcapngByteOrder = 0x1a2b3c4d;
constexpr std::uint32_t kInterfaceBlock = 1, kObsoletePacketBlock = 2, kSimplePacketBlock = 3,
                        kEnhancedPacketBlock = 6, kStatisticsBlock = 5;
constexpr std::uint32_t kMaxFrame = 262144;  // libpcap's largest snapshot length

std::uint32_t read32(const std::uint8_t* at, bool swapped) {
    std::uint32_t value;
    std::memcpy(&value, at, 4);
    return swapped ? __builtin_bswap32(value) : value;
}

std::uint16_t read16(const std::uint8_t* at, bool swapped) {
    std::uint16_t value;
    std::memcpy(&value, at, 2);
    return swapped ? __builtin_bswap16(value) : value;
}

std::string at_offset(std::size_t offset) { return " at offset " + std::to_string(offset); }

Result<CaptureWalk> walk_pcap(wire::ByteView bytes, const std::function<void(int)>& link_type_known,
                              const std::function<void(const Frame&)>& visit) {
    if (bytes.size() < 24) return fail("pcap: the file header is cut short");
    std::uint32_t magic;
    std::memcpy(&magic, bytes.data(), 4);
    const bool swapped = magic == __builtin_bswap32(kPcapMicro) || magic == __builtin_bswap32(kPcapNano);
    const bool nano = magic == kPcapNano || magic == __builtin_bswap32(kPcapNano);
    CaptureWalk walk;
    walk.link_type = static_cast<int>(read32(bytes.data() + 20, swapped) & 0x0fffffff);
    link_type_known(walk.link_type);
    std::size_t offset = 24;
    while (offset < bytes.size()) {
        if (bytes.size() - offset < 16) return fail("pcap: a record header is cut short" + at_offset(offset));
        const std::uint8_t* header = bytes.data() + offset;
        const std::uint32_t captured = read32(header + 8, swapped);
        if (captured > kMaxFrame) return fail("pcap: a record claims " + std::to_string(captured) + " octets" + at_offset(offset));
        if (bytes.size() - offset - 16 < captured) return fail("pcap: a record is cut short" + at_offset(offset));
        Frame frame;
        frame.number = ++walk.frames;
        frame.timestamp = read32(header, swapped) + read32(header + 4, swapped) / (nano ? 1e9 : 1e6);
        frame.data = bytes.subspan(offset + 16, captured);
        visit(frame);
        offset += 16 + captured;
    }
    return walk;
}

// An Interface Statistics Block's drop counters (isb_ifdrop, isb_osdrop), read option by option
// within the block; a malformed option list ends the reading, never the walk.
void read_drop_counts(const std::uint8_t* body, std::size_t length, bool swapped, std::uint64_t& interface_drops,
                      std::uint64_t& kernel_drops) {
    std::size_t at = 12;  // interface id, timestamp
    while (at + 4 <= length) {
        const std::uint16_t code = read16(body + at, swapped), size = read16(body + at + 2, swapped);
        if (code == 0 || at + 4 + size > length) return;
        if ((code == 5 || code == 7) && size == 8) {
            std::uint64_t value;
            std::memcpy(&value, body + at + 4, 8);
            if (swapped) value = __builtin_bswap64(value);
            (code == 5 ? interface_drops : kernel_drops) = value;
        }
        at += 4 + ((size + 3u) & ~3u);
    }
}

Result<CaptureWalk> walk_pcapng(wire::ByteView bytes, const std::function<void(int)>& link_type_known,
                                const std::function<void(const Frame&)>& visit) {
    CaptureWalk walk;
    bool swapped = false;
    bool have_section = false;
    int interfaces = 0;
    std::size_t offset = 0;
    while (offset < bytes.size()) {
        if (bytes.size() - offset < 12) return fail("pcapng: a block header is cut short" + at_offset(offset));
        const std::uint8_t* block = bytes.data() + offset;
        std::uint32_t type;
        std::memcpy(&type, block, 4);  // the section magic reads the same in both byte orders
        if (type == kPcapngSection) {
            std::uint32_t order;
            std::memcpy(&order, block + 8, 4);
            if (order == kPcapngByteOrder) swapped = false;
            else if (order == __builtin_bswap32(kPcapngByteOrder)) swapped = true;
            else return fail("pcapng: unknown byte-order magic" + at_offset(offset));
            have_section = true;
            interfaces = 0;  // interface ids are per section
        } else if (!have_section) {
            return fail("pcapng: a block before the section header" + at_offset(offset));
        }
        const std::uint32_t length = read32(block + 4, swapped);
        if (length < 12 || length % 4 != 0 || length > bytes.size() - offset)
            return fail("pcapng: a block of " + std::to_string(length) + " octets does not fit" + at_offset(offset));
        const std::uint8_t* body = block + 8;
        const std::size_t body_length = length - 12;
        type = read32(block, swapped);
        if (type == kInterfaceBlock) {
            if (body_length < 8) return fail("pcapng: an interface block is cut short" + at_offset(offset));
            const int link = read16(body, swapped);
            if (walk.frames == 0 && interfaces == 0 && walk.link_type == 0) {
                walk.link_type = link;
                link_type_known(link);
            } else if (link != walk.link_type) {
                return fail("pcapng: interfaces of different link types (" + std::to_string(walk.link_type) + " and " +
                            std::to_string(link) + ") in one file; give each its own tap");
            }
            ++interfaces;
        } else if (type == kEnhancedPacketBlock || type == kObsoletePacketBlock || type == kSimplePacketBlock) {
            if (interfaces == 0) return fail("pcapng: a packet before any interface block" + at_offset(offset));
            std::size_t header = type == kSimplePacketBlock ? 4 : 20;
            if (body_length < header) return fail("pcapng: a packet block is cut short" + at_offset(offset));
            std::uint32_t captured;
            double timestamp = 0;
            if (type == kSimplePacketBlock) {
                captured = std::min<std::uint32_t>(read32(body, swapped), static_cast<std::uint32_t>(body_length - 4));
            } else {
                const std::uint32_t interface = type == kEnhancedPacketBlock ? read32(body, swapped) : read16(body, swapped);
                if (interface >= static_cast<std::uint32_t>(interfaces))
                    return fail("pcapng: a packet names interface " + std::to_string(interface) + at_offset(offset));
                const std::uint64_t ticks = static_cast<std::uint64_t>(read32(body + 4, swapped)) << 32 | read32(body + 8, swapped);
                timestamp = static_cast<double>(ticks) / 1e6;  // the default resolution
                captured = read32(body + 12, swapped);
            }
            if (captured > body_length - header || captured > kMaxFrame)
                return fail("pcapng: a packet of " + std::to_string(captured) + " octets overruns its block" + at_offset(offset));
            Frame frame;
            frame.number = ++walk.frames;
            frame.timestamp = timestamp;
            frame.data = wire::ByteView(body + header, captured);
            visit(frame);
        } else if (type == kStatisticsBlock) {
            // The counters are cumulative: a later block for the interface replaces an earlier one.
            read_drop_counts(body, body_length, swapped, walk.interface_drops, walk.kernel_drops);
        }
        offset += length;
    }
    if (!have_section) return fail("pcapng: no section header");
    return walk;
}

}  // namespace

bool is_walkable_capture(wire::ByteView bytes) {
    if (bytes.size() < 4) return false;
    std::uint32_t magic;
    std::memcpy(&magic, bytes.data(), 4);
    return magic == kPcapMicro || magic == kPcapNano || magic == __builtin_bswap32(kPcapMicro) ||
           magic == __builtin_bswap32(kPcapNano) || magic == kPcapngSection;
}

Result<CaptureWalk> walk_capture(wire::ByteView bytes, const std::function<void(int)>& link_type_known,
                                 const std::function<void(const Frame&)>& visit) {
    if (!is_walkable_capture(bytes)) return fail("not a pcap or pcapng file");
    std::uint32_t magic;
    std::memcpy(&magic, bytes.data(), 4);
    if (magic == kPcapngSection) return walk_pcapng(bytes, link_type_known, visit);
    return walk_pcap(bytes, link_type_known, visit);
}

Result<MappedFile> MappedFile::open(const std::string& path) {
    auto opened = wire::open_regular_file(path);  // a FIFO or a folder: refused, never waited on
    if (!opened) return fail("cannot read capture " + opened.error().message);
    const int fd = *opened;
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        ::close(fd);
        return fail("cannot read capture " + path + ": " + std::strerror(errno));
    }
    MappedFile file;
    file.size_ = static_cast<std::size_t>(info.st_size);
    if (file.size_ > 0) {
        // Populated up front: one pass over the page cache instead of a fault per page; not for a
        // file over 1 GiB, which may not be a capture at all (its first block says) or not fit.
        const int populate = file.size_ <= (std::size_t{1} << 30) ? MAP_POPULATE : 0;
        void* mapped = ::mmap(nullptr, file.size_, PROT_READ, MAP_PRIVATE | populate, fd, 0);
        if (mapped == MAP_FAILED) {
            const int error = errno;
            ::close(fd);
            return fail("cannot map capture " + path + ": " + std::strerror(error));
        }
        ::madvise(mapped, file.size_, MADV_SEQUENTIAL | MADV_WILLNEED);
        file.data_ = static_cast<const std::uint8_t*>(mapped);
    }
    ::close(fd);  // the mapping keeps the file
    return file;
}

MappedFile::MappedFile(MappedFile&& other) noexcept : data_(other.data_), size_(other.size_) {
    other.data_ = nullptr;
    other.size_ = 0;
}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        if (data_ != nullptr) ::munmap(const_cast<std::uint8_t*>(data_), size_);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

MappedFile::~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<std::uint8_t*>(data_), size_);
}

}  // namespace dnspath::capture
