// libFuzzer target: frame dissection for every link type the capture reads, then DNS decoding of
// whatever payload comes out.
#include <cstddef>
#include <cstdint>

#include "capture/correlate.h"
#include "capture/dns_scan.h"
#include "probe/wire/packet.h"
#include "probe/wire/message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dnspath;
    static const auto zone_name = wire::Name::parse("probe.dnspath.test").value();
    static const capture::ZoneSuffix zone(zone_name);
    for (int link : {capture::link_type::ethernet, capture::link_type::raw, capture::link_type::linux_sll,
                     capture::link_type::linux_sll2, capture::link_type::null}) {
        auto packet = capture::dissect(wire::ByteView(data, size), link);
        (void)wire::decode(packet.payload);
        (void)capture::scan_dns(packet.payload, zone);
        (void)capture::scan_dns(packet.payload, zone, true);
        // The whole observer path too, the frame given twice (reassembly and streams see a repeat).
        capture::TapObserver observer("fuzz", zone_name, link);
        observer.add(1, wire::ByteView(data, size));
        observer.add(2, wire::ByteView(data, size));
        (void)observer.finish(false);
    }
    return 0;
}
