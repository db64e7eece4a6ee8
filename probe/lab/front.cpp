// `dnspath lab up|run` and `dnspath bench` from a loaded profile to an exit code: what stands is
// told through `say`, and torn down or handed back whatever happens.
#include "probe/lab/lab.h"
#include <nlohmann/json.hpp>

#include <algorithm>

#include "reports/report.h"

namespace dnspath::lab {

Result<std::string> lab_up(profile::Profile profile, const std::string& executable, const std::atomic<bool>& stop,
                           reports::Language language) {
    // A lab with several balancers stands with the first one; `lab run` makes a pass with each.
    if (!profile.devices.empty() && !profile.devices.back().balancers.empty())
        profile.devices.back().balancer = profile.devices.back().balancers.front();
    DNSPATH_TRY(LabSession session, LabSession::start(profile, executable));
    if (stop.load()) return fail_usage("interrupted while the lab was built; it is torn down", "interrupted-building", "lab", "");
    session.keep();
    return describe_lab(session, profile, executable, language);
}

Result<LabRun> lab_run(profile::Profile profile, const std::string& profile_path, const RunChoices& choices,
                       const std::string& executable, const std::atomic<bool>& stop, const Say& say) {
    const auto* last = profile.devices.empty() ? nullptr : &profile.devices.back();
    LabRun outcome;
    if (!last || last->balancers.size() < 2) {
        if (last && !last->balancers.empty()) profile.devices.back().balancer = last->balancers.front();
        DNSPATH_TRY(outcome.code, run_lab_pass(profile, profile_path, choices, executable, true, stop));
        return outcome;
    }
    DNSPATH_TRY(BalancerPasses passes, run_balancer_passes(profile, profile_path, choices, executable, stop, [&](const std::string& balancer) {
        say(reports::cli_line("cli:lab-pass", {{"balancer", balancer}}, choices.language));
    }));
    outcome.code = passes.stopped ? 2 : passes.worst;
    if (!passes.stopped) outcome.passes = std::move(passes);
    return outcome;
}

namespace {

// Runs the reproduced lab until every expected verdict came back, or `request.tries` runs are
// spent: a device's fault may come and go (dnsdist dropping a burst in one run and not the next),
// and so may the field's. The first run's result is what `compare` sets beside the field's.
Result<model::RunResult> run_until_reproduced(const profile::Profile& profile, const ReproduceRequest& request,
                                              Reproduced& done, const std::string& executable, const std::atomic<bool>& stop) {
    const auto& out = request.choices.out_dir;
    std::vector<ReproductionCheck> checks;
    std::optional<model::RunResult> first_lab;
    profile::Profile again = profile;
    Reproduction still_missing = done.reproduction;
    for (int run = 1; run <= std::max(1, request.tries); ++run) {
        if (run > 1) {
            // Again only for what is still missing: its kinds and its verdicts, so a run costs what
            // the intermittent part costs (dnsdist's burst: the sessions kind, seconds, not the lab).
            std::erase_if(still_missing.expected, [&](const ExpectedVerdict& expected) {
                return std::none_of(done.check->missing.begin(), done.check->missing.end(),
                                    [&](const auto& missing) { return missing.first == expected.name(); });
            });
            again.plan.probes.clear();
            for (const auto& expected : still_missing.expected) {
                const std::string kind(to_string(model::entry_of(expected.checkpoint).kind));
                if (std::find(again.plan.probes.begin(), again.plan.probes.end(), kind) == again.plan.probes.end())
                    again.plan.probes.push_back(kind);
            }
        }
        auto choices = request.choices;
        const std::string suffix = run == 1 ? "" : "-" + std::to_string(run);
        choices.out_dir = out + "/lab" + suffix;
        // Machines read only the JSON: the lab run's own table goes to a log beside its result.
        if (choices.json) choices.child_log = out + "/lab" + suffix + ".log";
        choices.json = false;
        // Building a lab again needs what building needed: kept until the last run that may come.
        const bool last = run == std::max(1, request.tries);
        DNSPATH_TRY(int code, run_lab_pass(again, done.profile_path, choices, executable, last, stop));
        if (code == 2 || stop.load()) return fail_usage("the reproduced lab did not run to the end (" + choices.out_dir + ")", "reproduce-lab-stopped", "", choices.out_dir);
        DNSPATH_TRY(model::RunResult lab, reports::read_json(choices.out_dir + "/result.json"));
        checks.push_back(check_reproduction(still_missing, lab));
        if (run == 1) {
            done.lab_code = code;
            done.lab_result_path = choices.out_dir + "/result.json";
            first_lab = std::move(lab);
        }
        done.check = combine_checks(done.reproduction, checks);
        if (done.check->ok()) break;
    }
    return std::move(*first_lab);
}

}  // namespace

Result<Reproduced> lab_reproduce(const ReproduceRequest& request, const std::string& executable, const std::atomic<bool>& stop) {
    DNSPATH_TRY(model::RunResult field, reports::read_json(reports::result_file(request.result_path)));
    DNSPATH_TRY(Reproduction reproduction, plan_reproduction(field, request.result_path));
    const auto& out = request.choices.out_dir;
    DNSPATH_TRY_VOID(run::prepare_out_dir(out));
    Reproduced done{std::move(reproduction), out + "/profile.toml", std::nullopt, "", "", 0};
    // Its own prefix (--prefix), so a reproduction stands beside the lab whose result it reproduces.
    DNSPATH_TRY_VOID(reports::write_output(done.reproduction.profile_text(request.prefix), done.profile_path));
    if (!request.run) return done;
    auto profile = profile::load_profile_file(done.profile_path);
    if (!profile) return fail_usage(profile.error().describe(), "profile-invalid", "", done.profile_path);
    DNSPATH_TRY(model::RunResult lab, run_until_reproduced(*profile, request, done, executable, stop));
    // Everything else side by side too (figures, warnings, resolvers): `compare`'s table, run vs lab.
    reports::TextOptions text;
    text.language = request.choices.language;
    text.color = false;
    done.comparison_path = out + "/comparison.md";
    const auto comparison = reports::compare(field, lab, request.result_path, "lab");
    DNSPATH_TRY_VOID(reports::write_output(reports::render_comparison(comparison, reports::Format::md, text), done.comparison_path));
    return done;
}

std::string reproduced_json(const Reproduced& done) {
    using Json = nlohmann::ordered_json;
    Json devices = Json::array(), expected = Json::array(), gone = Json::array();
    for (const auto& device : done.reproduction.devices) {
        Json settings = Json::object();
        for (const auto* list : {&device.settings, &device.faults})
            for (const auto& setting : *list) settings[setting.key] = Json::parse(setting.value, nullptr, false);
        devices.push_back({{"name", device.name}, {"field_name", device.field_name}, {"kind", device.kind}, {"settings", settings}});
    }
    for (const auto& each : done.reproduction.expected) expected.push_back(each.name());
    for (const auto& each : done.reproduction.unreproducible)
        gone.push_back({{"verdict", each.verdict}, {"code", each.code}, {"device", each.device}, {"why", each.why}});
    Json out{{"profile", done.profile_path}, {"devices", devices}, {"expected", expected}, {"not_reproducible", gone}};
    if (done.check) {
        Json missing = Json::array();
        for (const auto& [verdict, said] : done.check->missing) missing.push_back({{"verdict", verdict}, {"lab", said}});
        Json intermittent = Json::array();
        for (const auto& [verdict, runs] : done.check->intermittent) intermittent.push_back({{"verdict", verdict}, {"runs", runs}});
        out["reproduced"] = done.check->reproduced;
        out["missing"] = missing;
        out["lab_runs"] = done.check->runs;
        out["intermittent"] = intermittent;
        out["comparison"] = done.comparison_path;
        out["lab_result"] = done.lab_result_path;
    }
    return out.dump(2) + "\n";
}

std::vector<std::string> reproduced_lines(const Reproduced& done, reports::Language language) {
    std::vector<std::string> lines;
    auto say = [&](std::string_view key, const model::Params& params) { lines.push_back(reports::cli_line(key, params, language)); };
    std::size_t faults = 0;
    for (const auto& device : done.reproduction.devices) faults += device.faults.size() + device.settings.size();
    say("cli:reproduce-wrote", {{"path", done.profile_path}, {"devices", done.reproduction.devices.size()}, {"faults", faults}});
    for (const auto& gone : done.reproduction.unreproducible)
        say("cli:reproduce-not-in-lab:" + gone.why,
            {{"code", gone.code}, {"verdict", gone.verdict}, {"device", gone.device.empty() ? model::Params() : model::Params(gone.device)}});
    if (!done.check) return lines;
    for (const auto& again : done.check->reproduced) say("cli:reproduce-again", {{"verdict", again}});
    for (const auto& [verdict, runs] : done.check->intermittent)
        say("cli:reproduce-intermittent", {{"verdict", verdict}, {"runs", runs}, {"of", done.check->runs}});
    for (const auto& [expected, said] : done.check->missing) say("cli:reproduce-missing", {{"verdict", expected}, {"said", said}});
    say("cli:reproduce-summary",
        {{"reproduced", done.check->reproduced.size()}, {"expected", done.reproduction.expected.size()}, {"path", done.comparison_path}});
    return lines;
}

int reproduced_code(const Reproduced& done) { return !done.check || done.check->ok() ? 0 : 1; }

Result<int> bench(BenchOptions options, BenchRun run, const std::optional<profile::Profile>& profile, double seconds,
                  const std::string& executable, const std::atomic<bool>& stop, const Say& say) {
    // The DUT is the profile's one device when it lists one (its model and firmware with it).
    if (run.dut.empty()) run.dut = profile && profile->devices.size() == 1 ? profile->devices.front().name : "dut";
    DNSPATH_TRY_VOID(check_bench(options, run));
    if (!options.lan.empty()) DNSPATH_TRY_VOID(run::prepare_out_dir(run.choices.out_dir));
    DNSPATH_TRY(BenchSession session, BenchSession::start(options, executable));
    say(describe_bench(options, session.facts(), run.choices.language));
    if (stop.load()) return fail_usage("interrupted while the bench was built; the interfaces are back", "interrupted-building", "bench", "");
    DNSPATH_TRY_VOID(keep_only_teardown_privileges());
    if (!options.lan.empty()) return run_bench(session, run, profile, executable, stop);
    const auto& out = run.choices.out_dir;
    const std::string command = "dnspath run --target " + std::string(kBenchWanIpv4) + " --key-file " + session.key_path() + " --proxy DNS";
    say(reports::cli_line("cli:bench-serving", {{"command", command}, {"path", out + "/taps/" + run.dut + ".out.pcapng"}}, run.choices.language));
    DNSPATH_TRY_VOID(serve_wan_side(session, run.dut, out, seconds, executable, stop));
    return 0;
}

}  // namespace dnspath::lab
