// Benchmark: offline analysis throughput (frames read, dissected, reassembled and DNS-decoded per
// second, single-threaded) over a capture file. tests/bench/analyze_vs_tshark.sh runs it beside
// tshark on the same file and prints the ratio.
#include <chrono>
#include <cstdio>

#include "capture/capture.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: analyze_bench FILE.pcap [ZONE]\n");
        return 2;
    }
    auto zone = dnspath::wire::Name::parse(argc > 2 ? argv[2] : "probe.dnspath.test").value();
    const auto start = std::chrono::steady_clock::now();
    auto tap = dnspath::capture::read_tap_file("bench", argv[1]);
    if (!tap) {
        std::fprintf(stderr, "%s\n", tap.error().message.c_str());
        return 2;
    }
    auto sightings = dnspath::capture::observe(*tap, zone);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%zu frames, %zu probe messages, %.3f s, %.0f frames/s\n", sightings.frames, sightings.by_probe.size(),
                seconds, static_cast<double>(sightings.frames) / seconds);
    return 0;
}
