#include <linux/capability.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "probe/lab/lab.h"
#include "probe/net/net.h"

namespace dnspath::lab {

Result<int> run_child(const std::string& namespace_name, const std::string& executable, const run::RunRequest& request,
                      bool json, const std::atomic<bool>& stop, const std::string& log_path) {
    std::vector<std::string> argv{"ip", "netns", "exec", namespace_name, executable, "run", "--request", "-"};
    if (json) argv.push_back("--json");
    Process::Options child;
    child.standard_input = run::to_json(request);
    child.log_path = log_path;
    DNSPATH_TRY(Process probe, Process::spawn(argv, child));
    return probe.wait([&stop] { return stop.load(); });
}

Result<std::string> keep_only_teardown_privileges() {
    // SYS_PTRACE: `ip netns pids` reads /proc/PID/ns of daemons that kept every capability.
    return net::drop_privileges({CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW, CAP_KILL, CAP_DAC_OVERRIDE, CAP_SYS_PTRACE,
                                 CAP_SETPCAP});
}

namespace {

void apply(const RunChoices& choices, run::RunRequest& request) {
    for (auto [from, into] : {std::pair{&choices.probes, &request.config.plan.probes},
                              std::pair{&choices.families, &request.config.plan.families}})
        if (!from->empty()) *into = *from;
    request.out_dir = choices.out_dir;
    request.language = choices.language;
    request.command_line = choices.command_line;
}

}  // namespace

Result<int> run_lab_pass(const profile::Profile& profile, const std::string& profile_path, const RunChoices& choices,
                         const std::string& executable, bool last, const std::atomic<bool>& stop) {
    DNSPATH_TRY(LabSession session, LabSession::start(profile, executable));
    if (stop.load()) return fail_usage("interrupted while the lab was built; it is torn down, nothing was measured", "interrupted-building", "lab", "");
    if (last) DNSPATH_TRY_VOID(keep_only_teardown_privileges());
    // The built-in profile gets a file for the record's sha256, as a profile given by path has.
    std::string recorded = profile_path;
    if (recorded.empty()) {
        recorded = session.layout().state_dir + "/default.toml";
        std::ofstream(recorded) << profile::default_profile_text();
    }
    auto request = session.run_request(run::request_from_profile(profile, recorded));
    apply(choices, request);
    // A child in the probe namespace: a Ctrl-C reaches it and it still writes what it measured
    // before the lab goes away.
    DNSPATH_TRY(int code, run_child(session.layout().probe().namespace_name, executable, request, choices.json, stop, choices.child_log));
    // A responder that died mid-run (it did once, to SIGPIPE) turns every later probe into a
    // failure the path did not cause: said, with its log, instead of a verdict on the path.
    if (code != 2 && !stop.load())
        if (auto gone = session.responders_gone(); !gone.empty()) {
            // Its log lives in the lab's state folder, which teardown removes: kept beside the result.
            const auto& [id, log] = gone.front();
            const std::string kept = choices.out_dir + "/" + id + ".responder.log";
            std::error_code ignored;
            std::filesystem::copy_file(log, kept, std::filesystem::copy_options::overwrite_existing, ignored);
            return fail_usage("the lab responder " + id + " died during the run; what it did not answer is not the path's doing (log: " +
                                  kept + ", result: " + choices.out_dir + ")",
                              "lab-responder-died", id, kept);
        }
    return code;
}

Result<int> run_bench(const BenchSession& session, const BenchRun& bench, const std::optional<profile::Profile>& profile,
                      const std::string& executable, const std::atomic<bool>& stop) {
    auto request = profile ? run::request_from_profile(*profile, profile->source) : run::RunRequest{};
    request = session.run_request(std::move(request), bench.dut);
    if (!bench.dut_model.empty() || !bench.dut_firmware.empty()) {
        auto& identities = request.identities;
        auto found = std::find_if(identities.begin(), identities.end(), [&](const auto& each) { return each.name == bench.dut; });
        auto& dut = found != identities.end() ? *found : identities.emplace_back(model::DeviceIdentity{bench.dut, "", ""});
        if (!bench.dut_model.empty()) dut.model = bench.dut_model;
        if (!bench.dut_firmware.empty()) dut.firmware = bench.dut_firmware;
    }
    if (!bench.targets.empty()) request.config.targets = bench.targets;
    if (!bench.key_file.empty()) request.key_file = bench.key_file;
    // Both of SAC035's modes in one run: the plan (route mode, through the DUT) and the proxy kind
    // (the DUT's own DNS proxy, added by the run whenever a proxy is known).
    apply(bench.choices, request);
    return run_child(session.facts().lan_namespace, executable, request, bench.choices.json, stop);
}

Result<void> serve_wan_side(const BenchSession& session, const std::string& dut, const std::string& out_dir, double seconds,
                            const std::string& executable, const std::atomic<bool>& stop) {
    DNSPATH_TRY_VOID(run::prepare_out_dir(out_dir));
    DNSPATH_TRY(Process tap, Process::spawn({executable, "capture", "--device", dut + "=," + session.wan_tap(), "--out", out_dir},
                                            {out_dir + "/capture.log", true}));
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long>(seconds * 1000));
    while (!stop.load() && (seconds <= 0 || std::chrono::steady_clock::now() < until))
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    // SIGINT: it closes its pcapng and says what it saw.
    if (tap.wait([] { return true; }) != 0) return fail("the WAN tap failed (" + out_dir + "/capture.log)");
    return Ok{};
}

Result<BalancerPasses> run_balancer_passes(const profile::Profile& profile, const std::string& profile_path, const RunChoices& choices,
                                           const std::string& executable, const std::atomic<bool>& stop,
                                           const std::function<void(const std::string&)>& announce) {
    const auto& balancers = profile.devices.back().balancers;
    BalancerPasses passes;
    for (const auto& balancer : balancers) {
        profile::Profile pass = profile;
        pass.devices.back().balancer = balancer;
        if (announce) announce(balancer);
        auto each = choices;
        each.out_dir += "/" + balancer;
        each.json = false;
        DNSPATH_TRY(int code, run_lab_pass(pass, profile_path, each, executable, &balancer == &balancers.back(), stop));
        passes.worst = std::max(passes.worst, code);
        if (code == 2 || stop.load()) return passes.stopped = true, passes;
    }
    const auto& out = choices.out_dir;
    DNSPATH_TRY(model::RunResult first, reports::read_json(out + "/" + balancers[0] + "/result.json"));
    DNSPATH_TRY(model::RunResult second, reports::read_json(out + "/" + balancers[1] + "/result.json"));
    passes.comparison = reports::compare(first, second, balancers[0], balancers[1]);
    reports::TextOptions text;
    text.language = choices.language;
    text.color = false;
    passes.comparison_path = out + "/comparison.md";
    DNSPATH_TRY_VOID(reports::write_output(reports::render_comparison(passes.comparison, reports::Format::md, text), passes.comparison_path));
    return passes;
}

}  // namespace dnspath::lab
