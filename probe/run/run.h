// A run as one typed request and the one sequence that carries it out: taps, privilege drop, the
// plan, judges, resolvers, the record and the files. `dnspath run`, the lab and the bench each
// build a RunRequest; a child run in a namespace receives it as JSON on standard input.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capture/capture.h"
#include "probe/diagnose/diagnose.h"
#include "probe/model/model.h"
#include "probe/probe.h"
#include "probe/profile/profile.h"
#include "reports/report.h"

namespace dnspath::run {

// A validating resolver behind the same path, asked signed names once the plan is done.
struct ResolverAddress {
    std::string name;  // "unbound"; its address when none was given
    std::string address;
    std::uint16_t port = 53;
};

// The run's whole input.
struct RunRequest {
    probe::RunConfig config;  // targets, proxies, baseline, port, zone, plan, target names, seed (0: random)
    std::string key_file;     // read when the run starts ("" for none); the key itself never travels
    std::vector<capture::DeviceSpec> devices;  // the path's devices with their taps, in path order
    std::vector<model::DeviceIdentity> identities;
    std::optional<model::Addressing> addressing;  // how a bench numbered its device
    std::vector<ResolverAddress> resolvers;
    std::string out_dir = "dnspath-results";
    std::string user;  // once taps are open, go on as this user ("": stay)
    reports::Language language = reports::Language::en;
    std::string profile_path;  // recorded with its sha256 ("" for none)
    std::optional<std::string> profile_name;
    std::vector<std::string> command_line;  // as typed, for the result's record
};

// What a profile asks for (target, plan, key beside the profile, the devices' taps, models and
// firmware), before anything given on top of it.
RunRequest request_from_profile(const profile::Profile& profile, const std::string& profile_path);

// What `dnspath run` was given: a profile and flags on top of it, each as typed (checked when the
// request is built), or a whole request as JSON in a file or on standard input ("-").
struct RunFlags {
    std::string profile_path, request_path, zone, key_file, user, out_dir = "dnspath-results";
    std::vector<std::string> targets, proxies, baseline, probes, families;
    std::vector<std::string> devices;                          // NAME=TAP_IN,TAP_OUT
    std::vector<std::string> resolvers;                        // NAME=ADDRESS[#PORT]
    std::vector<std::string> device_models, device_firmware;  // NAME=TEXT
    int port = 0, repeat = 0;                                  // 0: the profile's
    std::uint64_t seed = 0;
    reports::Language language = reports::Language::en;
    std::vector<std::string> command_line;
};

// The run the flags describe: the request read from `request_path` when one is given; otherwise
// the profile's request (`loaded`, read from `profile_path`) with each given flag on top.
Result<RunRequest> request_from_flags(const RunFlags& flags, const std::optional<profile::Profile>& loaded);

// A resolver as `NAME=ADDRESS[#PORT]` or `ADDRESS[#PORT]`.
Result<ResolverAddress> parse_resolver_address(const std::string& text);

// The request as JSON and back; a field of the wrong type or an unknown one is an error naming it.
std::string to_json(const RunRequest& request);
Result<RunRequest> request_from_json(std::string_view text);

// A request checked and its run's folder made: done while the process has one thread, because
// taking `user` changes every thread's identity.
class PreparedRun {
public:
    const RunRequest& request() const { return request_; }
    const std::string& became() const { return became_; }  // "" unless the run went on as `user`

private:
    friend Result<PreparedRun> prepare(RunRequest request);
    RunRequest request_;
    std::string became_;
};
Result<PreparedRun> prepare(RunRequest request);

// What the caller hears while the run goes on (each may be empty).
struct RunHooks {
    probe::Progress progress;                                       // a kind ended on a family
    std::function<void(const std::string& now)> privileges_dropped;  // "uid 65534, capabilities cap_net_raw"
    std::function<void(std::size_t count)> asking_resolvers;
};

struct RunOutcome {
    model::RunResult result;
    std::string result_path, report_path;
};

// Carries out a prepared run; `stop` ends it early and what was measured is still written. Call
// it after the signals are taken, so the tap threads never receive one.
Result<RunOutcome> execute(const PreparedRun& run, const std::atomic<bool>& stop, const RunHooks& hooks);

// The end a run shares with `analyze`: the taps' findings (none without taps) judged into the
// verdicts, then result.json and report.html written into `out_dir`.
Result<RunOutcome> conclude(model::RunResult result, const std::optional<std::vector<model::CaptureFinding>>& findings,
                            const std::string& out_dir, reports::Language language);

// `analyze`: saved taps and a run's result.json give the same verdicts, blame and causes as the
// live run did; its findings are replaced, never appended.
struct AnalyzeRequest {
    std::vector<capture::DeviceSpec> devices;  // in path order
    std::string result_path;                   // result.json or its folder
    std::string zone = "probe.dnspath.test.";
    std::string out_dir = "dnspath-analysis";
    reports::Language language = reports::Language::en;
};
Result<RunOutcome> analyze(const AnalyzeRequest& request);

// `diagnose`: the JPRS manual's chain against a zone's servers, judged against the standards, and
// written into `out_dir` when one is given.
Result<model::RunResult> diagnose_zone(const diagnose::Options& options, const std::function<void(std::string_view)>& progress,
                                       const std::string& out_dir, reports::Language language);


// The folder a run writes into, made (or found) before any probe goes out: a run that measured for
// minutes and then could not write would lose everything.
Result<void> prepare_out_dir(const std::string& dir);

}  // namespace dnspath::run
