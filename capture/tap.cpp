#include "capture/tap.h"

#include <pcap/pcap.h>
#include <sys/time.h>
#include <unistd.h>

#include <mutex>
#include <optional>

#include "capture/pcap_file.h"
#include "probe/model/model.h"
#include "capture/pcapng.h"
#include "probe/net/net.h"

namespace dnspath::capture {

Result<TapSource> TapSource::parse(const std::string& text) {
    TapSource source;
    if (text.rfind("netns:", 0) == 0) {
        auto slash = text.find('/', 6);
        if (slash == std::string::npos || slash == 6 || slash + 1 >= text.size())
            return fail_usage("tap '" + text + "': expected netns:NAMESPACE/INTERFACE", "expected-netns-tap", "", text);
        source.namespace_name = text.substr(6, slash - 6);
        source.interface = text.substr(slash + 1);
        return source;
    }
    if (text.empty()) return fail_usage("empty tap", "empty-tap", "", "");
    source.interface = text;
    return source;
}

std::string probe_filter(std::uint16_t port) {
    const std::string p = std::to_string(port);
    const std::string load = std::to_string(model::kLoadSourcePortFirst) + "-" +
                             std::to_string(model::kLoadSourcePortFirst + model::kLoadSourcePortCount - 1);
    // DoT's handshakes on 853 are followed (its TLS payload is not read: observe.cpp).
    return "(port " + p + " and not portrange " + load + ") or udp port " + std::to_string(model::kAltDnsPort) +
           " or tcp port " + std::to_string(model::kDotPort) + " or icmp or icmp6 or (ip and ip[6:2] & 0x1fff != 0) or (ip6 and ip6[6] == 44)";
}

// Touched only by the capture thread while it runs, and by stop() after joining it.
struct LiveTap::State {
    pcap_t* handle = nullptr;
    std::optional<PcapngWriter> writer;
    FrameSink sink;
    TapCounts counts;
    std::uint64_t first_us = 0, last_us = 0;  // the first and last frame's time
    std::string comment;                       // the frame being written's packet comment
};

Result<std::unique_ptr<LiveTap>> LiveTap::start(const std::string& name, const std::string& source,
                                                const std::string& filter, const std::string& pcapng_path,
                                                const FrameSinkFactory& sinks) {
    DNSPATH_TRY(TapSource where, TapSource::parse(source));
    auto tap = std::unique_ptr<LiveTap>(new LiveTap());
    tap->state_ = std::make_unique<State>();
    auto& state = *tap->state_;
    state.counts.name = name;
    state.counts.source = source;
    // Opened through net, the one door to privileged network operations.
    DNSPATH_TRY(state.handle, net::open_live_capture({"tap " + name, where.namespace_name, where.interface}));
    bpf_program program{};
    if (pcap_compile(state.handle, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0 ||
        pcap_setfilter(state.handle, &program) != 0) {
        std::string message = pcap_geterr(state.handle);
        pcap_freecode(&program);
        return fail("tap " + name + ": filter '" + filter + "': " + message);
    }
    pcap_freecode(&program);
    const int link_type = pcap_datalink(state.handle);
    if (!pcapng_path.empty()) {
        DNSPATH_TRY(PcapngWriter writer, PcapngWriter::create(pcapng_path, link_type, where.interface,
                                                             name + " (" + source + ")"));
        state.writer.emplace(std::move(writer));
    }
    if (sinks) state.sink = sinks(link_type);
    tap->thread_ = std::thread([raw = tap.get()] { raw->run(); });
    return tap;
}

void LiveTap::run() {
    // The handle is open and filtered: reading it needs no privilege, so this thread keeps none.
    net::drop_thread_capabilities();
    auto handler = [](u_char* user, const pcap_pkthdr* header, const u_char* bytes) {
        auto& state = *reinterpret_cast<State*>(user);
        const wire::ByteView frame(bytes, header->caplen);
        const std::uint64_t timestamp_us = static_cast<std::uint64_t>(header->ts.tv_sec) * 1000000u +
                                           static_cast<std::uint64_t>(header->ts.tv_usec);
        ++state.counts.frames;
        if (state.first_us == 0) state.first_us = timestamp_us;
        state.last_us = timestamp_us;
        // The observer reads the frame in place, as offline analysis reads a mapped file, and
        // says which probe it belongs to: the frame's comment in the pcapng.
        state.comment.clear();
        if (state.sink)
            if (const auto probe = state.sink(state.counts.frames, frame); !probe.empty()) state.comment.append("probe=").append(probe);
        if (state.writer) state.writer->write(timestamp_us, frame, header->len, state.comment);
    };
    auto* user = reinterpret_cast<u_char*>(state_.get());
    while (!stopping_.load()) pcap_dispatch(state_->handle, -1, handler, user);
    // The kernel hands over a partly filled block only once its timeout has run: frames that
    // arrived just before the stop are waited for, a few block timeouts. Without blocking: a
    // blocking read waits for a block, and on a quiet interface none may ever come.
    char error[PCAP_ERRBUF_SIZE];
    pcap_setnonblock(state_->handle, 1, error);
    const auto until = std::chrono::steady_clock::now() + 3 * net::kCaptureBlockTimeout;
    do {
        while (pcap_dispatch(state_->handle, -1, handler, user) > 0) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } while (std::chrono::steady_clock::now() < until);
    while (pcap_dispatch(state_->handle, -1, handler, user) > 0) {
    }
}

void LiveTap::begin_stop() {
    if (thread_.joinable() && !stopping_.exchange(true)) pcap_breakloop(state_->handle);
}

TapCounts LiveTap::stop() {
    if (thread_.joinable()) {
        begin_stop();
        thread_.join();
    }
    pcap_stat stats{};
    if (state_->handle != nullptr && pcap_stats(state_->handle, &stats) == 0) {
        state_->counts.kernel_drops = stats.ps_drop;
        state_->counts.interface_drops = stats.ps_ifdrop;
        if (state_->writer) {
            timeval now{};
            ::gettimeofday(&now, nullptr);
            state_->writer->write_statistics(
                {static_cast<std::uint64_t>(now.tv_sec) * 1000000u + static_cast<std::uint64_t>(now.tv_usec),
                 state_->first_us, state_->last_us, stats.ps_recv, stats.ps_ifdrop, stats.ps_drop, state_->counts.frames});
            state_->writer.reset();  // closed: stop() runs once
        }
    }
    return state_->counts;
}

LiveTap::~LiveTap() {
    if (thread_.joinable()) {
        stopping_.store(true);
        pcap_breakloop(state_->handle);
        thread_.join();
    }
    if (state_ && state_->handle != nullptr) pcap_close(state_->handle);
}

}  // namespace dnspath::capture
