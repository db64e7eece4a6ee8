// The engine's public face: run a plan against a target and get the typed result.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/profile/profile.h"
#include "probe/wire/wire.h"
#include "probe/model/model.h"

namespace dnspath::probe {

struct RunConfig {
    std::vector<std::string> targets;  // address literals, at most one per family
    std::vector<std::string> proxies;  // a DNS proxy to test (proxy kind), at most one per family
    // The proxies forward to an upstream of their own, not to our responder (a bench with its LAN
    // side only): what they send upstream cannot be seen, so dns-proxy is not measured.
    bool proxy_upstream_unseen = false;
    // The proxies' WAN-side addresses (one per family): the responder asks them from outside
    // (proxy-wan-open). None given: the address the responder sees the probe come from, when a NAT
    // shows it another than the probe's own.
    std::vector<std::string> proxy_wan;
    std::vector<std::string> baseline; // the server reached without the device (load kind)
    std::uint16_t port = 53;
    std::string zone = "probe.dnspath.test.";
    wire::Bytes key;
    profile::Plan plan = profile::default_plan();
    std::vector<profile::TargetName> target_names;  // non-empty: target mode against a real server
    std::uint64_t seed = 0;  // probe ids, DNS ids and cookies derive from it
    std::string tool_version;
};

// The run a profile describes, before command-line overrides: targets, proxies, baseline, port,
// zone, plan, target-mode names, and its key file resolved beside the profile ("" for none).
struct ProfileRun {
    RunConfig config;
    std::string key_file;
};
ProfileRun run_from_profile(const profile::Profile& profile, const std::string& profile_path);

// Called as each probe kind ends on a family (kinds run side by side, so in the order they end): its
// name, the family, and how many steps ended before it out of how many.
using Progress = std::function<void(std::string_view kind, model::Family family, std::size_t step, std::size_t steps)>;

// Runs the plan; `stop` ends it early, and the result then holds what was measured, marked interrupted.
Result<model::RunResult> run_plan(const RunConfig& config, const std::atomic<bool>& stop, const Progress& progress);

// A local error as results record it: its code and argument, the English words beside them.
model::LocalError local_error(const Error& error);

// Records what the result needs to be compared and traced later: the command line, the profile
// (name, path, sha256 of its bytes), the end time and the host kernel.
void stamp_run(model::RunResult& result, const std::vector<std::string>& command_line, const std::string& profile_path,
               const std::optional<std::string>& profile_name);

}  // namespace dnspath::probe
