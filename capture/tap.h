// Taps: where packets are seen. A live tap captures on an interface (in this namespace, or in
// another one as netns:NS/IFACE) on its own thread and writes pcapng as it goes; a file tap reads
// a pcap or pcapng file. Either way the result is the frames, numbered as Wireshark numbers them.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "probe/wire/wire.h"

namespace dnspath::capture {

struct CapturedFrame {
    std::uint64_t number = 0;  // 1-based frame number in the tap's pcapng
    std::uint64_t timestamp_us = 0;
    wire::Bytes data;
};

struct TapCapture {
    std::string name;    // "cpe.in"
    std::string source;  // "netns:dp-cpe/in", "eth1", or a file
    int link_type = 1;
    std::vector<CapturedFrame> frames;
    std::uint64_t kernel_drops = 0;     // pcap_stats: dropped for lack of buffer
    std::uint64_t interface_drops = 0;  // pcap_stats: dropped by the interface
    bool lost_packets() const { return kernel_drops + interface_drops > 0; }
};

// A source as the profile and the CLI spell it.
struct TapSource {
    std::string namespace_name;  // "" for this namespace
    std::string interface;
    static Result<TapSource> parse(const std::string& text);
};

// The BPF filter for a run's traffic: DNS on `port`, ICMP about it, and non-first fragments
// (which carry no ports); not the load kind's bulk queries.
std::string probe_filter(std::uint16_t port);

class LiveTap {
public:
    // Opens and activates the handle (entering the namespace just for that), then captures on a
    // thread until stop(). Missing privileges and unknown interfaces are errors that say so.
    static Result<std::unique_ptr<LiveTap>> start(const std::string& name, const std::string& source,
                                                  const std::string& filter, const std::string& pcapng_path);
    ~LiveTap();
    LiveTap(const LiveTap&) = delete;
    LiveTap& operator=(const LiveTap&) = delete;

    // Stops capturing, drains what the kernel still holds, and returns every frame seen.
    TapCapture stop();

private:
    LiveTap() = default;
    void run();

    struct State;
    std::unique_ptr<State> state_;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
};

// Reads a pcap or pcapng file as a tap.
Result<TapCapture> read_tap_file(const std::string& name, const std::string& path);

}  // namespace dnspath::capture
