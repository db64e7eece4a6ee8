// libFuzzer target: a capture file image walked in place (pcap and pcapng), every frame fed to a
// tap observer (dissection, reassembly, TCP streams, ICMP quotes, DNS scanning).
#include <cstddef>
#include <cstdint>
#include <optional>

#include "capture/capture_file.h"
#include "capture/correlate.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dnspath;
    static const auto zone = wire::Name::parse("probe.dnspath.test").value();
    std::optional<capture::TapObserver> observer;
    auto walked = capture::walk_capture(
        wire::ByteView(data, size), [&](int link_type) { observer.emplace("fuzz", zone, link_type); },
        [&](const capture::Frame& frame) { observer->add(frame.number, frame.data); });
    (void)walked;
    if (observer) (void)observer->finish(false);
    return 0;
}
