#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "capture/capture.h"

namespace dnspath::capture {
namespace {

model::TapSummary summary_of(const TapCounts& counts, const std::string& pcapng) {
    return {counts.name, counts.source, counts.frames, counts.kernel_drops, counts.interface_drops, pcapng};
}

// What reading the tap met: frames that did not parse, reassembly that ran out of room.
void with_reading(model::TapSummary& summary, const TapSightings& sightings) {
    summary.malformed = sightings.malformed;
    summary.fragment_overflows = sightings.fragment_overflows;
    summary.stream_overflows = sightings.stream_overflows;
}

// One tap, read: what correlation needs, and what the report says about the tap.
struct ObservedTap {
    TapSightings sightings;
    model::TapSummary summary;
};

// Correlates the taps (two per device, either may be missing) into the result.
std::vector<model::CaptureFinding> correlate_into(const std::vector<DeviceSpec>& devices,
                                                  std::vector<std::optional<ObservedTap>>& observed,
                                                  model::RunResult& result) {
    std::vector<TapSightings> sightings;
    std::vector<DeviceTaps> path;
    for (std::size_t i = 0; i < devices.size(); ++i) {
        DeviceTaps device{devices[i].name, std::nullopt, std::nullopt};
        for (int side = 0; side < 2; ++side) {
            auto& tap = observed[2 * i + static_cast<std::size_t>(side)];
            if (!tap) continue;
            result.taps.push_back(tap->summary);
            (side == 0 ? device.in : device.out) = sightings.size();
            sightings.push_back(std::move(tap->sightings));
        }
        path.push_back(device);
    }
    result.path.clear();
    for (const auto& device : devices) result.path.push_back(device.name);
    return attribute(path, sightings, result.probes);
}

}  // namespace

Result<DeviceSpec> DeviceSpec::parse(const std::string& text) {
    auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0)
        return fail_usage("--device '" + text + "': expected NAME=TAP_IN,TAP_OUT", "expected-device", "--device", text);
    DeviceSpec spec;
    spec.name = text.substr(0, equals);
    std::string taps = text.substr(equals + 1);
    auto comma = taps.find(',');
    if (comma == std::string::npos)
        return fail_usage("--device '" + text + "': expected NAME=TAP_IN,TAP_OUT (a comma)", "expected-device", "--device", text);
    spec.tap_in = taps.substr(0, comma);
    spec.tap_out = taps.substr(comma + 1);
    if (spec.tap_in.empty() && spec.tap_out.empty()) return fail_usage("--device '" + text + "': no tap given", "no-tap", "--device", text);
    return spec;
}

CaptureSession::CaptureSession(CaptureSession&&) noexcept = default;
CaptureSession& CaptureSession::operator=(CaptureSession&&) noexcept = default;
CaptureSession::~CaptureSession() = default;

Result<CaptureSession> CaptureSession::start(const std::vector<DeviceSpec>& devices, std::uint16_t port,
                                             const std::string& taps_dir, const wire::Name& zone,
                                             const std::vector<wire::Name>& names) {
    CaptureSession session;
    session.devices_ = devices;
    std::error_code error;
    std::filesystem::create_directories(taps_dir, error);
    if (error) return fail("cannot create " + taps_dir + ": " + error.message());
    const std::string filter = probe_filter(port);
    for (const auto& device : devices) {
        for (const auto& [side, source] : {std::pair{"in", device.tap_in}, std::pair{"out", device.tap_out}}) {
            auto& observer = *session.observers_.emplace_back(std::make_unique<std::optional<TapObserver>>());
            if (source.empty()) {
                session.taps_.push_back(nullptr);
                session.paths_.emplace_back();
                continue;
            }
            const std::string name = device.name + "." + side;
            const std::string path = (std::filesystem::path(taps_dir) / (name + ".pcapng")).string();
            auto sinks = [&observer, name, zone, names](int link_type) -> FrameSink {
                observer.emplace(name, zone, link_type, names);
                return [&observer](std::uint64_t number, wire::ByteView frame) { return observer->add(number, frame); };
            };
            DNSPATH_TRY(auto tap, LiveTap::start(name, source, filter, path, sinks));
            session.taps_.push_back(std::move(tap));
            session.paths_.push_back(path);
        }
    }
    return session;
}

std::vector<model::CaptureFinding> CaptureSession::finish(model::RunResult& result) {
    for (auto& tap : taps_)
        if (tap) tap->begin_stop();
    std::vector<std::optional<ObservedTap>> observed;
    for (std::size_t i = 0; i < taps_.size(); ++i) {
        if (!taps_[i] || !*observers_[i]) {
            observed.emplace_back();
            continue;
        }
        const TapCounts counts = taps_[i]->stop();  // the thread is joined: the observer is ours now
        auto sightings = (*observers_[i])->finish(counts.lost_packets());
        auto summary = summary_of(counts, paths_[i]);
        with_reading(summary, sightings);
        observed.push_back(ObservedTap{std::move(sightings), std::move(summary)});
    }
    return correlate_into(devices_, observed, result);
}

std::vector<model::TapSummary> CaptureSession::stop() {
    for (auto& tap : taps_)
        if (tap) tap->begin_stop();
    std::vector<model::TapSummary> summaries;
    for (std::size_t i = 0; i < taps_.size(); ++i) {
        if (!taps_[i]) continue;
        summaries.push_back(summary_of(taps_[i]->stop(), paths_[i]));
    }
    return summaries;
}

namespace {

// "DEVICE.SIDE=FILE" into the device's spec (created on first mention, in order of mention).
Result<void> add_tap(const std::string& text, std::vector<DeviceSpec>& tapped) {
    auto equals = text.find('=');
    auto dot = text.rfind('.', equals);
    if (equals == std::string::npos || dot == std::string::npos || dot == 0)
        return fail_usage("--tap '" + text + "': expected DEVICE.in=FILE or DEVICE.out=FILE", "expected-tap-file", "--tap", text);
    const std::string device = text.substr(0, dot);
    std::string side = text.substr(dot + 1, equals - dot - 1);
    // A CPE's sides are usually called LAN and WAN.
    if (side == "lan") side = "in";
    if (side == "wan") side = "out";
    if (side != "in" && side != "out")
        return fail_usage("--tap '" + text + "': the side is '" + side + "'; expected DEVICE.in (or .lan, the probe side) or DEVICE.out (or .wan)",
                          "expected-tap-file", "--tap", text);
    auto found = std::find_if(tapped.begin(), tapped.end(), [&](const auto& spec) { return spec.name == device; });
    if (found == tapped.end()) found = tapped.insert(tapped.end(), DeviceSpec{device, "", ""});
    (side == "in" ? found->tap_in : found->tap_out) = text.substr(equals + 1);
    return Ok{};
}

}  // namespace

Result<std::vector<model::TapSummary>> capture_until(const std::vector<DeviceSpec>& devices, std::uint16_t port,
                                                     const std::string& taps_dir, double seconds,
                                                     const std::atomic<bool>& stop) {
    DNSPATH_TRY(CaptureSession session, CaptureSession::start(devices, port, taps_dir));
    const auto started = std::chrono::steady_clock::now();
    while (!stop.load() &&
           (seconds <= 0 || std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() < seconds))
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return session.stop();
}

Result<std::vector<DeviceSpec>> order_devices(const std::vector<std::string>& device_specs,
                                              const std::vector<std::string>& tap_specs,
                                              const std::vector<std::string>& topology,
                                              const std::string& topology_source) {
    std::vector<DeviceSpec> devices;
    for (const auto& text : device_specs) {
        DNSPATH_TRY(DeviceSpec spec, DeviceSpec::parse(text));
        devices.push_back(spec);
    }
    std::vector<DeviceSpec> tapped;
    for (const auto& text : tap_specs) DNSPATH_TRY_VOID(add_tap(text, tapped));
    if (!topology.empty()) {
        for (const auto& spec : tapped)
            if (std::find(topology.begin(), topology.end(), spec.name) == topology.end())
                return fail_usage("--tap names device '" + spec.name + "', which " + topology_source + " does not list in its topology",
                                  "tap-not-in-topology", topology_source, spec.name);
        std::vector<DeviceSpec> ordered;
        for (const auto& name : topology) {
            auto found = std::find_if(tapped.begin(), tapped.end(), [&](const auto& spec) { return spec.name == name; });
            if (found != tapped.end()) ordered.push_back(*found);
        }
        tapped = std::move(ordered);
    }
    devices.insert(devices.end(), tapped.begin(), tapped.end());
    if (devices.empty()) return fail_usage("analyze: give --device NAME=IN,OUT or --tap DEVICE.in=FILE", "analyze-needs-taps", "", "");
    return devices;
}

Result<std::vector<model::CaptureFinding>> analyze_files(const std::vector<DeviceSpec>& devices, model::RunResult& result,
                                                        const wire::Name& zone) {
    const auto names = names_without_probe_id(result.probes);
    std::vector<std::optional<ObservedTap>> observed;
    for (const auto& device : devices) {
        for (const auto& [side, path] : {std::pair{"in", device.tap_in}, std::pair{"out", device.tap_out}}) {
            if (path.empty()) {
                observed.emplace_back();
                continue;
            }
            const std::string name = device.name + "." + side;
            DNSPATH_TRY(TapSightings sightings, observe_file(name, path, zone, names));
            model::TapSummary summary{name, path, sightings.frames, sightings.kernel_drops, sightings.interface_drops, path};
            with_reading(summary, sightings);
            observed.push_back(ObservedTap{std::move(sightings), std::move(summary)});
        }
    }
    result.taps.clear();
    return correlate_into(devices, observed, result);
}

}  // namespace dnspath::capture
