// Taps: where packets are seen. A live tap captures on an interface (in this namespace, or in
// another one as netns:NS/IFACE) on its own thread, writes pcapng as it goes, and hands each frame
// to a sink (the same tap observer offline analysis feeds), numbered as Wireshark numbers them.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
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

// A tap's frames held in memory: what unit tests build by hand and feed to observe().
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

// What a live tap hands each frame to, on its capture thread; made once the link type is known.
// It returns the probe the frame belongs to ("" for none), which the pcapng records as a comment.
using FrameSink = std::function<std::string_view(std::uint64_t frame_number, wire::ByteView frame)>;
using FrameSinkFactory = std::function<FrameSink(int link_type)>;

// What a live tap saw and lost, once stopped.
struct TapCounts {
    std::string name, source;
    std::size_t frames = 0;
    std::uint64_t kernel_drops = 0;     // pcap_stats: dropped for lack of buffer
    std::uint64_t interface_drops = 0;  // pcap_stats: dropped by the interface
    bool lost_packets() const { return kernel_drops + interface_drops > 0; }
};

class LiveTap {
public:
    // Opens and activates the handle (entering the namespace just for that), then captures on a
    // thread until stop(), each frame written to `pcapng_path` and handed to the sink `sinks`
    // makes (no sink: frames are only written). Missing privileges and unknown interfaces are
    // errors that say so.
    static Result<std::unique_ptr<LiveTap>> start(const std::string& name, const std::string& source,
                                                  const std::string& filter, const std::string& pcapng_path,
                                                  const FrameSinkFactory& sinks = {});
    ~LiveTap();
    LiveTap(const LiveTap&) = delete;
    LiveTap& operator=(const LiveTap&) = delete;

    // Stops capturing, drains what the kernel still holds (into the sink), counts, and ends the
    // pcapng with those counts (an Interface Statistics Block).
    TapCounts stop();
    // Tells the capture thread to stop without waiting for it: taps told together wait out their
    // last blocks together, and stop() then only joins.
    void begin_stop();

private:
    LiveTap() = default;
    void run();

    struct State;
    std::unique_ptr<State> state_;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
};

}  // namespace dnspath::capture
