// The capture component's public face: taps on both sides of each device during a run (or pcap
// files afterwards), and the device each failing verdict is blamed on.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capture/correlate.h"
#include "capture/pcap_file.h"
#include "capture/tap.h"
#include "probe/model/model.h"

namespace dnspath::capture {

// A device and its two taps, as `--device NAME=IN,OUT` and the profile's topology give them.
struct DeviceSpec {
    std::string name;
    std::string tap_in;   // probe side; "" for none
    std::string tap_out;  // server side
    // Parses "NAME=IN,OUT" (either tap may be empty: "NAME=,OUT").
    static Result<DeviceSpec> parse(const std::string& text);
};

// Live taps for a run: started before the first probe, stopped after the last; each writes
// TAPS_DIR/DEVICE.in.pcapng and DEVICE.out.pcapng and feeds its frames, as they come, to the tap
// observer offline analysis uses too (memory stays bounded however long the run). `zone` and
// `names` (a real server's names in target mode) say which messages are the run's.
class CaptureSession {
public:
    static Result<CaptureSession> start(const std::vector<DeviceSpec>& devices, std::uint16_t port,
                                        const std::string& taps_dir, const wire::Name& zone = {},
                                        const std::vector<wire::Name>& names = {});
    CaptureSession(CaptureSession&&) noexcept;
    CaptureSession& operator=(CaptureSession&&) noexcept;
    ~CaptureSession();
    // Stops the taps, records them and the path in `result`, and returns what they show about
    // the run's probes (probe/judge turns that into blame and causes).
    std::vector<model::CaptureFinding> finish(model::RunResult& result);
    // Stops the taps without a run to correlate (`dnspath capture`): what each tap saw and lost.
    std::vector<model::TapSummary> stop();

private:
    CaptureSession() = default;
    std::vector<DeviceSpec> devices_;
    // Each tap's observer, made on its capture thread once the link type is known (heap-held, so
    // the session can move while the threads hold pointers to them; declared before the taps,
    // so the taps' threads are joined before the observers go).
    std::vector<std::unique_ptr<std::optional<TapObserver>>> observers_;
    std::vector<std::unique_ptr<LiveTap>> taps_;  // device i: taps_[2i] (in), taps_[2i+1] (out); null if absent
    std::vector<std::string> paths_;
};

// `dnspath capture`: taps alone, for a run made elsewhere, until `stop` or `seconds` (0: until
// stop); what each tap saw and lost. `analyze` then names the devices from the pcapng files.
Result<std::vector<model::TapSummary>> capture_until(const std::vector<DeviceSpec>& devices, std::uint16_t port,
                                                     const std::string& taps_dir, double seconds,
                                                     const std::atomic<bool>& stop);

// The devices to analyze, in path order: `device_specs` (NAME=IN,OUT) as given, then `tap_specs`
// (DEVICE.in=FILE, .out, or a CPE's .lan/.wan) grouped by device — ordered as `topology` lists
// the devices when it is given (`topology_source` names it in errors), else as first named.
Result<std::vector<DeviceSpec>> order_devices(const std::vector<std::string>& device_specs,
                                              const std::vector<std::string>& tap_specs,
                                              const std::vector<std::string>& topology,
                                              const std::string& topology_source);

// Offline: the same findings from saved taps (pcap or pcapng files) and a run's result.json; the
// taps and path in `result` are replaced, never appended to.
Result<std::vector<model::CaptureFinding>> analyze_files(const std::vector<DeviceSpec>& devices, model::RunResult& result,
                                                        const wire::Name& zone);

}  // namespace dnspath::capture
