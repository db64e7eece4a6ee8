// libFuzzer target: a pcapng write/read round trip. The input is cut into frames (a length octet,
// then that many bytes) with a packet comment each; what the tap writer writes, the walker must
// read back frame for frame, with the drop counts of the statistics block — and the input itself,
// read as a capture file, may not crash the walker.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "capture/capture_file.h"
#include "capture/pcapng.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dnspath;
    std::vector<wire::Bytes> frames;
    std::vector<std::string> comments;
    for (std::size_t at = 0; at < size;) {
        const std::size_t length = std::min<std::size_t>(data[at], size - at - 1);
        frames.emplace_back(data + at + 1, data + at + 1 + length);
        comments.emplace_back(reinterpret_cast<const char*>(data + at + 1), length % 7 == 0 ? 0 : length / 2);
        at += 1 + length;
    }
    // In memory (/dev/shm): the round trip is through a real file, without a disk under it.
    char path[] = "/dev/shm/dnspath-fuzz-pcapng-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) return 0;
    ::close(fd);
    {
        auto writer = capture::PcapngWriter::create(path, 1, "fuzz", "fuzz tap");
        if (!writer) __builtin_trap();
        for (std::size_t i = 0; i < frames.size(); ++i)
            writer->write(i, frames[i], static_cast<std::uint32_t>(frames[i].size()), comments[i]);
        writer->write_statistics({1, 0, 0, frames.size() + 5, size, frames.size(), frames.size()});
    }
    auto mapped = capture::MappedFile::open(path);
    if (!mapped) __builtin_trap();
    std::size_t index = 0;
    auto walked = capture::walk_capture(mapped->bytes(), [](int) {}, [&](const capture::Frame& frame) {
        if (index >= frames.size() || wire::Bytes(frame.data.begin(), frame.data.end()) != frames[index]) __builtin_trap();
        ++index;
    });
    if (!walked || index != frames.size() || walked->interface_drops != size || walked->kernel_drops != frames.size())
        __builtin_trap();
    ::unlink(path);
    (void)capture::walk_capture(wire::ByteView(data, size), [](int) {}, [](const capture::Frame&) {});
    return 0;
}
