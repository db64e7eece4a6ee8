// Each subcommand: its options handed to the part that does the work, and what came back printed.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "probe/cli/options.h"
#include "probe/cli/support.h"

namespace dnspath::cli {
namespace {

// The profile at `path` into `into` ("" for none, `embedded` for the built-in one); false, after
// printing its FILE:LINE:COL errors, when it is bad.
bool load_profile(const std::string& path, std::optional<profile::Profile>& into, reports::Language language, bool embedded = false) {
    if (path.empty() && !embedded) return true;
    auto profile = path.empty() ? profile::parse_profile(profile::default_profile_text(), "<embedded default.toml>")
                                : profile::load_profile_file(path);
    if (!profile) return print_profile_errors(profile.error(), language), false;
    into = std::move(profile).value();
    return true;
}

// The lab and the bench build namespaces and move interfaces: root, or its two capabilities.
Error needs_root(const std::string& command, const std::string& why) {
    return fail_capability(command + " needs CAP_NET_ADMIN and CAP_SYS_ADMIN " + why + ": run it as root", "CAP_NET_ADMIN, CAP_SYS_ADMIN").error;
}

// What is said when Ctrl-C or SIGTERM arrives: the work stops, and what it measured is kept.
std::string stopping(reports::Language language) { return reports::cli_line("cli:stopping", {}, language); }

run::RunHooks hooks_in(reports::Language language) {
    run::RunHooks hooks;
    hooks.progress = [language](std::string_view kind, model::Family family, std::size_t step, std::size_t steps) {
        // The "[3/18]" prefix stays outside the template, where brackets mark optional parts.
        status_line("[" + std::to_string(step + 1) + "/" + std::to_string(steps) + "] " +
                    reports::cli_line("cli:step-done", {{"kind", std::string(kind)}, {"family", std::string(model::to_string(family))}},
                                      language));
    };
    hooks.privileges_dropped = [language](const std::string& now) { say(reports::cli_line("cli:user", {{"user", now}}, language)); };
    hooks.asking_resolvers = [language](std::size_t count) {
        status_line("[" + reports::cli_line("cli:resolvers-tag", {}, language) + "] " +
                    reports::cli_line("cli:resolvers", {{"count", count}}, language));
    };
    return hooks;
}

// Prints a result (findings and table, or JSON), says where it was written, and gives the exit code.
int finish(const run::RunOutcome& outcome, const Printing& print) {
    const auto& result = outcome.result;
    const auto text = reports::terminal_text_options(print.no_color, print.wide, print.language);
    if (print.json) {
        std::cout << reports::to_json(result);
    } else {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.1f", result.duration_s);
        std::cout << reports::render_text(result, text)
                  << reports::cli_line("cli:result", {{"path", outcome.result_path}, {"probes", result.probes.size()}, {"seconds", seconds}},
                                       text.language)
                  << "\n" << reports::cli_line("cli:report", {{"path", outcome.report_path}}, text.language) << "\n";
    }
    if (!result.interrupted) return reports::exit_code(result);
    say(reports::cli_line("cli:interrupted", {{"path", outcome.result_path}}, text.language));
    return kExitUsage;
}

}  // namespace

int command_run(const RunOptions& options) {
    std::optional<profile::Profile> loaded;
    if (!load_profile(options.flags.profile_path, loaded, options.flags.language)) return kExitUsage;
    if (options.check_only) {
        if (!loaded) return usage_error(fail_usage("--check needs --profile", "flag-needs-flag", "--check", "--profile").error, options.flags.language);
        const auto language = options.flags.language;
        std::cout << reports::cli_line("cli:profile-valid", {{"path", options.flags.profile_path}, {"name", loaded->name},
                                       {"kinds", loaded->plan.probes.size()}, {"devices", loaded->devices.size()},
                                       {"lab", loaded->lab ? reports::cli_line("cli:lab-section", {}, language) : ""}}, language) << "\n";
        return kExitPass;
    }
    auto request = run::request_from_flags(options.flags, loaded);
    if (!request) return usage_error(request.error(), options.flags.language);
    request->config.tool_version = DNSPATH_VERSION;
    const auto language = request->language;
    auto prepared = run::prepare(std::move(request).value());
    if (!prepared) return usage_error(prepared.error(), language);
    std::atomic<bool> stop{false};
    net::StopOnSignal on_signal(stop, stopping(options.flags.language));  // before any tap thread starts, so the threads inherit the mask
    Printing print = options.print;
    print.language = prepared->request().language;  // a child's request says it
    auto outcome = run::execute(*prepared, stop, hooks_in(print.language));
    clear_status_line();
    return outcome ? finish(*outcome, print) : usage_error(outcome.error(), print.language);
}

int command_analyze(const AnalyzeOptions& options) {
    std::optional<profile::Profile> profile;
    if (!load_profile(options.profile_path, profile, options.print.language)) return kExitUsage;
    std::vector<std::string> topology;
    for (const auto& device : profile ? profile->devices : std::vector<profile::Device>{}) topology.push_back(device.name);
    auto devices = capture::order_devices(options.devices, options.taps, topology, profile ? profile->source : "");
    if (!devices) return usage_error(devices.error(), options.print.language);
    auto request = options.request;
    request.devices = *devices;
    request.zone = !options.zone.empty() ? options.zone : profile ? profile->target.zone : request.zone;
    request.language = options.print.language;
    auto outcome = run::analyze(request);
    return outcome ? finish(*outcome, options.print) : usage_error(outcome.error(), request.language);
}

int command_respond(const RespondOptions& options) {
    const auto& request = options.request;
    auto service = responder::Service::open(request);
    if (!service) return usage_error(service.error(), options.language);
    std::atomic<bool> stop{false};
    net::StopOnSignal on_signal(stop, stopping(options.language));
    std::string addresses;
    for (const auto& address : request.server.listen) addresses += (addresses.empty() ? "" : ", ") + address;
    if (request.key_file.empty()) say(reports::cli_line("cli:respond-no-key", {}, options.language));
    say(reports::cli_line("cli:respond-serving", {{"zone", request.zone}, {"port", request.server.port}, {"addresses", addresses}},
                          options.language));
    say(reports::cli_line("cli:respond-anchor", {{"anchor", service->trust_anchor()}}, options.language));
    if (auto served = service->serve(stop); !served) return usage_error(served.error(), options.language);
    say(reports::cli_line("cli:respond-stopped", {{"answers", service->answered()}}, options.language));
    return kExitPass;
}

int command_keygen(const KeygenOptions& options) {
    if (auto written = wire::write_new_key_file(options.path); !written) return usage_error(written.error(), options.language);
    std::cout << reports::cli_line("cli:keygen", {{"path", options.path}}, options.language) << "\n";
    return kExitPass;
}

int command_report(const ReportOptions& options) {
    auto format = reports::parse_format(options.print.json ? "json" : options.format);
    if (!format) return usage_error(format.error(), options.print.language);
    auto text = reports::terminal_text_options(options.print.no_color || !options.out.empty(), options.print.wide, options.print.language);
    text.junit_warnings = options.junit_warn == "fail" ? reports::JunitWarnings::fail : reports::JunitWarnings::skip;
    auto code = reports::report_saved({options.path, options.out, options.html, options.bundle, *format, text}, say);
    return code ? *code : usage_error(code.error(), text.language);
}

int command_compare(const CompareOptions& options) {
    auto format = reports::parse_format(options.format);
    if (!format) return usage_error(format.error(), options.print.language);
    const auto text = reports::terminal_text_options(options.print.no_color || !options.out.empty(), options.print.wide, options.print.language);
    auto code = reports::compare_saved(options.before, options.after, *format, text, options.out);
    return code ? *code : usage_error(code.error(), text.language);
}

// A probe name, so dig, a resolver or a script can ask the responder what the probe asks.
int command_name(NameOptions options) {
    if (options.tsig) {
        auto key = wire::read_key_file(options.key_file);
        if (!key) return usage_error(key.error(), options.language);
        std::cout << wire::tsig_dig_argument(wire::tsig_key_from(*key)) << "\n";
        return kExitPass;
    }
    if (options.size > 0) options.probe.size = options.size;
    auto name = wire::probe_name_text(options.probe, options.zone, options.key_file);
    return name ? (std::cout << *name << "\n", kExitPass) : usage_error(name.error(), options.language);
}

int command_capture(const CaptureOptions& options) {
    const auto language = options.language;
    auto devices = capture::order_devices(options.devices, {}, {}, "");
    if (!devices) return usage_error(devices.error(), language);
    std::atomic<bool> stop{false};
    net::StopOnSignal on_signal(stop, stopping(language));  // before the tap threads start, so they never take the signal
    const std::string taps_dir = (std::filesystem::path(options.out_dir) / "taps").string();
    model::Params start{{"devices", devices->size()}, {"path", taps_dir}};
    if (options.seconds > 0) start["seconds"] = options.seconds;
    say(reports::cli_line(options.seconds > 0 ? "cli:capture-timed" : "cli:capture-until-stopped", start, language));
    auto taps = capture::capture_until(*devices, static_cast<std::uint16_t>(options.port), taps_dir, options.seconds, stop);
    if (!taps) return usage_error(taps.error(), language);
    bool lost = false;
    for (const auto& tap : *taps) {
        std::cout << reports::cli_line("cli:capture-tap", {{"tap", tap.name}, {"source", tap.source}, {"frames", tap.frames},
                                       {"kernel", tap.kernel_drops}, {"interface", tap.interface_drops}, {"path", tap.pcapng}}, language) << "\n";
        lost = lost || tap.kernel_drops + tap.interface_drops > 0;
    }
    if (lost) std::cout << reports::cli_line("cli:capture-lost", {}, language) << "\n";
    return kExitPass;
}

int command_diagnose(DiagnoseOptions options) {
    auto& diagnose = options.diagnose;
    auto zone = wire::Name::parse(options.name);
    if (!zone) return usage_error(Error{"NAME: " + zone.error().message.substr(0, 200) + " (dnspath diagnose --help)"}, options.print.language);
    diagnose.zone = *zone;
    diagnose.tool_version = DNSPATH_VERSION;
    const bool progress_shown = !options.print.json && isatty(STDERR_FILENO);
    auto result = run::diagnose_zone(
        diagnose, [&](std::string_view checkpoint) { if (progress_shown) status_line("diagnose: " + std::string(checkpoint)); },
        options.out_dir, options.print.language);
    if (progress_shown) clear_status_line();
    if (!result) return usage_error(Error{result.error().message + " (dnspath diagnose --help)"}, options.print.language);
    if (options.print.json) std::cout << reports::to_json(*result);
    else std::cout << reports::render_text(*result, reports::terminal_text_options(options.print.no_color, options.print.wide, options.print.language));
    return reports::exit_code(*result);
}

int command_lab(const std::string& action, const LabOptions& options) {
    if (geteuid() != 0) return usage_error(needs_root("lab", "to create network namespaces"), options.choices.language);
    std::optional<profile::Profile> loaded;
    if (!load_profile(options.profile_path, loaded, options.choices.language, action != "down")) return kExitUsage;
    if (loaded && !loaded->lab)
        return usage_error(fail_usage(options.profile_path + ": no [lab] section; this profile is for a real path", "no-lab-section", "", options.profile_path).error,
                           options.choices.language);
    if (action == "down") {
        const std::string prefix = !options.prefix.empty() ? options.prefix : loaded ? loaded->lab->prefix : "";
        if (prefix.empty())
            return usage_error(fail_usage("lab down: give --profile or --prefix", "lab-down-needs", "", "").error, options.choices.language);
        auto removed = lab::lab_down(prefix);
        if (!removed) return usage_error(removed.error(), options.choices.language);
        std::cout << reports::cli_line("cli:lab-down", {{"count", *removed}, {"prefix", prefix + "-"}}, options.choices.language) << "\n";
        return kExitPass;
    }
    // Signals are taken from here: a Ctrl-C while the lab is built is kept until it stands, and
    // then the lab is torn down (the session's destructor) instead of left behind.
    std::atomic<bool> stop{false};
    net::StopOnSignal on_signal(stop, stopping(options.choices.language));
    if (action == "up") {
        auto described = lab::lab_up(*loaded, self_executable(), stop, options.choices.language);
        return described ? (std::cout << *described, kExitPass) : usage_error(described.error(), options.choices.language);
    }
    auto ran = lab::lab_run(*loaded, options.profile_path, options.choices, self_executable(), stop, say);
    if (!ran) return usage_error(ran.error(), options.choices.language);
    if (ran->passes) {
        const auto text = reports::terminal_text_options(false, false, options.choices.language);
        const bool json = options.choices.json;
        std::cout << reports::render_comparison(ran->passes->comparison, json ? reports::Format::json : reports::Format::text, text)
                  << (json ? "" : "comparison: " + ran->passes->comparison_path + "\n");
    }
    return ran->code;
}

int command_lab_reproduce(const LabOptions& options) {
    const auto language = options.reproduce.choices.language;
    if (options.reproduce.run && geteuid() != 0) return usage_error(needs_root("lab reproduce --run", "to create network namespaces"), language);
    std::atomic<bool> stop{false};
    net::StopOnSignal on_signal(stop, stopping(language));
    auto done = lab::lab_reproduce(options.reproduce, self_executable(), stop);
    if (!done) return usage_error(done.error(), language);
    if (options.reproduce.choices.json) std::cout << lab::reproduced_json(*done);
    else
        for (const auto& line : lab::reproduced_lines(*done, language)) say(line);
    return lab::reproduced_code(*done);
}

int command_bench(const BenchCliOptions& options) {
    if (geteuid() != 0) return usage_error(needs_root("bench", "to move interfaces into namespaces"), options.run.choices.language);
    std::optional<profile::Profile> profile;
    if (!load_profile(options.profile_path, profile, options.run.choices.language)) return kExitUsage;
    std::atomic<bool> stop{false};
    net::StopOnSignal on_signal(stop, stopping(options.run.choices.language));  // taken before the bench is built: a Ctrl-C then restores it
    auto code = lab::bench(options.bench, options.run, profile, options.seconds, self_executable(), stop, say);
    return code ? *code : usage_error(code.error(), options.run.choices.language);
}

}  // namespace dnspath::cli
