// Benchmark: offline analysis throughput (frames read, dissected, reassembled and DNS-scanned per
// second, single-threaded) over a capture file, read as `dnspath analyze` reads a tap: streamed
// from the mapped file. Runs it REPEAT times and prints the median, so one noisy run on a shared
// machine does not decide the figure. tests/bench/analyze_vs_tshark.sh runs it beside tshark.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "capture/capture.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: analyze_bench FILE.pcap [REPEAT] [ZONE]\n");
        return 2;
    }
    const int repeat = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
    auto zone = dnspath::wire::Name::parse(argc > 3 ? argv[3] : "probe.dnspath.test").value();
    std::vector<double> seconds;
    std::size_t frames = 0, messages = 0;
    for (int run = 0; run < repeat; ++run) {
        const auto start = std::chrono::steady_clock::now();
        auto observed = dnspath::capture::observe_file("bench", argv[1], zone);
        if (!observed) {
            std::fprintf(stderr, "%s\n", observed.error().message.c_str());
            return 2;
        }
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        frames = observed->frames;
        messages = observed->messages.size();
    }
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds[seconds.size() / 2];
    std::printf("%zu frames, %zu probe messages, median of %d runs %.3f s, %.0f frames/s\n", frames, messages, repeat,
                median, static_cast<double>(frames) / median);
    return 0;
}
