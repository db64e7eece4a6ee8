// libFuzzer target: frame dissection for every link type the capture reads, then DNS decoding of
// whatever payload comes out.
#include <cstddef>
#include <cstdint>

#include "capture/packet.h"
#include "probe/wire/message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dnspath;
    for (int link : {capture::link_type::ethernet, capture::link_type::raw, capture::link_type::linux_sll,
                     capture::link_type::linux_sll2, capture::link_type::null}) {
        auto packet = capture::dissect(wire::ByteView(data, size), link);
        (void)wire::decode(packet.payload);
    }
    return 0;
}
