// Each subcommand: its options turned into the part's request, the part's work, and what it printed.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <random>
#include <tuple>

#include "probe/cli/options.h"
#include "probe/cli/support.h"

namespace dnspath::cli {
namespace {

// The profile at `path` into `into` ("" for none); false, after printing its FILE:LINE:COL
// errors, when the profile is bad.
bool load_optional_profile(const std::string& path, std::optional<profile::Profile>& into, reports::Language language) {
    if (path.empty()) return true;
    auto profile = profile::load_profile_file(path);
    if (!profile) return print_profile_errors(profile.error(), language), false;
    into = std::move(profile).value();
    return true;
}

run::RunHooks hooks_in(reports::Language language) {
    run::RunHooks hooks;
    // The "[3/18]" prefix stays outside the template, where brackets mark optional parts.
    hooks.progress = [language](std::string_view kind, model::Family family, std::size_t step, std::size_t steps) {
        status_line("[" + std::to_string(step + 1) + "/" + std::to_string(steps) + "] " +
                    reports::cli_line("cli:step-done", {{"kind", std::string(kind)}, {"family", std::string(model::to_string(family))}},
                                      language));
    };
    hooks.privileges_dropped = [language](const std::string& now) {
        std::cerr << reports::cli_line("cli:user", {{"user", now}}, language) << "\n";
    };
    hooks.asking_resolvers = [language](std::size_t count) {
        status_line("[" + reports::cli_line("cli:resolvers-tag", {}, language) + "] " +
                    reports::cli_line("cli:resolvers", {{"count", count}}, language));
    };
    return hooks;
}

// NAME=TEXT (--device-model, --device-firmware) on top of the profile's identities.
Result<void> add_identities(const RunOptions& options, std::vector<model::DeviceIdentity>& identities) {
    for (auto [flag, list, field] : {std::tuple{"--device-model", &options.device_models, &model::DeviceIdentity::model},
                                     std::tuple{"--device-firmware", &options.device_firmware, &model::DeviceIdentity::firmware}})
        for (const auto& text : *list) {
            const auto equals = text.find('=');
            if (equals == std::string::npos || equals == 0 || equals + 1 == text.size())
                return fail(std::string(flag) + " " + text + ": expected NAME=TEXT");
            auto named = [&](const auto& identity) { return identity.name == text.substr(0, equals); };
            auto found = std::find_if(identities.begin(), identities.end(), named);
            auto& entry = found != identities.end() ? *found : identities.emplace_back(model::DeviceIdentity{text.substr(0, equals), "", ""});
            entry.*field = text.substr(equals + 1);
        }
    return Ok{};
}

// A child run's request, as JSON in a file or on standard input ("-").
Result<run::RunRequest> read_request(const std::string& path) {
    constexpr std::size_t kLimit = 1 << 20;  // a request is a few KiB; a folder, FIFO or huge file is refused
    std::string text;
    if (path == "-") {  // a socket pair from the lab: /dev/stdin would not open, so read the stream
        char buffer[4096];
        while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
            text.append(buffer, static_cast<std::size_t>(std::cin.gcount()));
            if (text.size() > kLimit) return fail("--request -: over 1 MiB, not a run request");
        }
    } else {
        DNSPATH_TRY(text, wire::read_regular_file(path, kLimit));
    }
    auto request = run::request_from_json(text);
    if (!request) return fail("--request " + path + ": " + request.error().message);
    return request;
}

// The run the flags describe: the profile's request, then each flag given on top of it.
Result<run::RunRequest> request_from_options(const RunOptions& options, const std::optional<profile::Profile>& loaded) {
    if (!options.request_path.empty()) return read_request(options.request_path);
    auto request = loaded ? run::request_from_profile(*loaded, options.profile_path) : run::RunRequest{};
    auto& config = request.config;
    if (loaded && config.targets.empty() && options.targets.empty() && loaded->lab)
        return fail(options.profile_path + ": this profile builds its path in a lab: use `dnspath lab run --profile " +
                    options.profile_path + "`, or give --target");
    for (auto [from, into] : {std::pair{&options.targets, &config.targets}, std::pair{&options.proxies, &config.proxies},
                              std::pair{&options.baseline, &config.baseline}, std::pair{&options.probes, &config.plan.probes},
                              std::pair{&options.families, &config.plan.families}})
        if (!from->empty()) *into = *from;
    if (options.port != 0) config.port = static_cast<std::uint16_t>(options.port);
    if (!options.zone.empty()) config.zone = options.zone;
    if (options.repeat > 0) config.plan.repetitions = options.repeat;
    config.seed = options.seed;
    for (const auto& text : options.devices) {
        DNSPATH_TRY(capture::DeviceSpec device, capture::DeviceSpec::parse(text));
        request.devices.push_back(std::move(device));
    }
    DNSPATH_TRY_VOID(add_identities(options, request.identities));
    for (const auto& text : options.resolvers) {
        DNSPATH_TRY(run::ResolverAddress resolver, run::parse_resolver_address(text));
        request.resolvers.push_back(std::move(resolver));
    }
    for (auto [from, into] : {std::pair{&options.key_file, &request.key_file}, std::pair{&options.user, &request.user}})
        if (!from->empty()) *into = *from;
    request.out_dir = options.out_dir;
    request.language = options.print.language;
    request.command_line = options.command_line;
    return request;
}

// Prints a result (findings and table, or JSON), says where it was written, and gives the exit code.
int finish(const run::RunOutcome& outcome, const Printing& print) {
    const auto& result = outcome.result;
    const auto text = text_options(print.no_color, print.wide, print.language);
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
    std::cerr << reports::cli_line("cli:interrupted", {{"path", outcome.result_path}}, text.language) << "\n";
    return kExitUsage;
}

}  // namespace

int command_run(const RunOptions& options) {
    std::optional<profile::Profile> loaded;
    if (!load_optional_profile(options.profile_path, loaded, options.print.language)) return kExitUsage;
    if (options.check_only) {
        if (!loaded) return usage_error("--check needs --profile");
        std::cout << options.profile_path << ": valid profile '" << loaded->name << "': " << loaded->plan.probes.size()
                  << " probe kinds, " << loaded->devices.size() << " devices" << (loaded->lab ? ", lab section" : "") << "\n";
        return kExitPass;
    }
    auto request = request_from_options(options, loaded);
    if (!request) return usage_error(request.error().message);
    request->config.tool_version = DNSPATH_VERSION;
    const auto language = request->language;
    auto prepared = run::prepare(std::move(request).value());
    if (!prepared) return usage_error(prepared.error(), language);
    // Signals are blocked before any tap thread starts, so the threads inherit the mask.
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);
    Printing print = options.print;
    print.language = prepared->request().language;  // a child's request says it
    auto outcome = run::execute(*prepared, stop, hooks_in(print.language));
    clear_status_line();
    if (!outcome) return usage_error(outcome.error(), print.language);
    return finish(*outcome, print);
}

int command_analyze(const AnalyzeOptions& options) {
    std::optional<profile::Profile> profile;
    if (!load_optional_profile(options.profile_path, profile, options.print.language)) return kExitUsage;
    std::vector<std::string> topology;
    for (const auto& device : profile ? profile->devices : std::vector<profile::Device>{}) topology.push_back(device.name);
    auto devices = capture::order_devices(options.devices, options.taps, topology, profile ? profile->source : "");
    if (!devices) return usage_error(devices.error().message);
    auto request = options.request;
    request.devices = *devices;
    request.zone = !options.zone.empty() ? options.zone : profile ? profile->target.zone : request.zone;
    request.language = options.print.language;
    auto outcome = run::analyze(request);
    if (!outcome) return usage_error(outcome.error(), request.language);
    return finish(*outcome, options.print);
}

int command_respond(const responder::ServeRequest& request) {
    auto service = responder::Service::open(request);
    if (!service) return usage_error(service.error().message);
    if (request.key_file.empty()) std::cerr << "dnspath respond: no --key-file: answers larger than their query are REFUSED\n";
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);
    std::cerr << "dnspath respond: serving " << request.zone << " on port " << request.server.port << " (";
    for (std::size_t i = 0; i < request.server.listen.size(); ++i) std::cerr << (i ? ", " : "") << request.server.listen[i];
    std::cerr << ")\ndnspath respond: trust anchor: " << service->trust_anchor() << "\n";
    if (auto served = service->serve(stop); !served) return usage_error(served.error().message);
    std::cerr << "dnspath respond: stopped after " << service->answered() << " answers\n";
    return kExitPass;
}

int command_keygen(const std::string& path) {
    if (auto written = wire::write_new_key_file(path); !written) return usage_error(written.error().message);
    std::cout << "wrote a 256-bit key to " << path << "; give it to both `respond` and `run` with --key-file\n";
    return kExitPass;
}

int command_report(const ReportOptions& options) {
    auto format = reports::parse_format(options.print.json ? "json" : options.format);
    if (!format) return usage_error(format.error().message);
    auto text = text_options(options.print.no_color || !options.out.empty(), options.print.wide, options.print.language);
    text.junit_warnings = options.junit_warn == "fail" ? reports::JunitWarnings::fail : reports::JunitWarnings::skip;
    const std::string path = run::result_file(options.path);
    auto result = reports::read_json(path);
    if (!result) return usage_error(result.error(), text.language);
    if (!options.html.empty()) {
        const reports::PagePlace place{std::filesystem::path(options.html).parent_path().string(),
                                       std::filesystem::path(path).parent_path().string()};
        if (auto written = emit(reports::render_html(*result, text.language, place), options.html); !written)
            return usage_error(written.error().message);
        std::cerr << reports::cli_line("cli:report", {{"path", options.html}}, text.language) << "\n";
    }
    if (!options.bundle.empty()) {
        auto missing = reports::write_bundle(*result, path, options.bundle, text.language);
        if (!missing) return usage_error(missing.error().message);
        std::cerr << reports::cli_line("cli:bundle", {{"path", options.bundle}, {"taps", result->taps.size() - missing->size()}},
                                       text.language) << "\n";
        for (const auto& tap : *missing) std::cerr << reports::cli_line("cli:bundle-missing", {{"tap", tap}}, text.language) << "\n";
        if (options.out.empty()) return reports::exit_code(*result);
    }
    if (auto written = emit(reports::render(*result, *format, text), options.out); !written) return usage_error(written.error().message);
    return reports::exit_code(*result);
}

int command_compare(const CompareOptions& options) {
    auto format = reports::parse_format(options.format);
    if (!format) return usage_error(format.error().message);
    const auto text = text_options(options.print.no_color || !options.out.empty(), options.print.wide, options.print.language);
    auto before = reports::read_json(run::result_file(options.before));
    if (!before) return usage_error(before.error(), text.language);
    auto after = reports::read_json(run::result_file(options.after));
    if (!after) return usage_error(after.error(), text.language);
    const auto comparison = reports::compare(*before, *after, options.before, options.after);
    if (auto written = emit(reports::render_comparison(comparison, *format, text), options.out); !written)
        return usage_error(written.error().message);
    return comparison.worse() ? kExitFail : kExitPass;
}

// A probe name, so dig, a resolver or a script can ask the responder what the probe asks.
int command_name(const NameOptions& options) {
    auto zone = wire::Name::parse(options.zone);
    if (!zone) return usage_error("--zone: " + zone.error().message);
    auto key = options.key_file.empty() ? Result<wire::Bytes>(wire::Bytes{}) : wire::read_key_file(options.key_file);
    if (!key) return usage_error(key.error().message);
    char random_id[16];
    std::snprintf(random_id, sizeof random_id, "m%08x", std::random_device{}());
    wire::ProbeName probe{options.id.empty() ? random_id : options.id,
                          options.size ? std::optional<std::uint32_t>(options.size) : std::nullopt, options.dnssec,
                          options.echo, options.dont_fragment, options.minimum_mtu, std::nullopt};
    auto name = wire::make_probe_name(probe, *zone, *key);
    if (auto check = wire::parse_probe_name(name, *zone); !check) return usage_error(check.error().message);
    std::cout << name.to_string() << "\n";
    return kExitPass;
}

int command_capture(const CaptureOptions& options) {
    auto devices = capture::order_devices(options.devices, {}, {}, "");
    if (!devices) return usage_error(devices.error().message);
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);  // before the tap threads start, so they never take the signal
    const std::string taps_dir = (std::filesystem::path(options.out_dir) / "taps").string();
    std::cerr << "dnspath capture: " << devices->size() << " device(s), writing " << taps_dir << "; "
              << (options.seconds > 0 ? "for " + std::to_string(options.seconds) + " s" : std::string("Ctrl-C to stop")) << "\n";
    auto taps = capture::capture_until(*devices, static_cast<std::uint16_t>(options.port), taps_dir, options.seconds, stop);
    if (!taps) return usage_error(taps.error().message);
    bool lost = false;
    for (const auto& tap : *taps) {
        std::cout << tap.name << " (" << tap.source << "): " << tap.frames << " frames, " << tap.kernel_drops
                  << " dropped by the kernel, " << tap.interface_drops << " by the interface → " << tap.pcapng << "\n";
        lost = lost || tap.kernel_drops + tap.interface_drops > 0;
    }
    if (lost) std::cout << "some taps lost packets: analysis will not blame devices on what they missed\n";
    return kExitPass;
}

int command_diagnose(DiagnoseOptions options) {
    auto& diagnose = options.diagnose;
    auto zone = wire::Name::parse(options.name);
    if (!zone) return usage_error("NAME: " + zone.error().message.substr(0, 200) + " (dnspath diagnose --help)");
    diagnose.zone = *zone;
    if (options.symptom > 0) diagnose.symptom = options.symptom;
    if (!options.opt_out.empty()) diagnose.opt_out = options.opt_out == "yes";
    diagnose.timeout = std::chrono::milliseconds(options.timeout_ms);
    diagnose.tool_version = DNSPATH_VERSION;
    const bool progress_shown = !options.print.json && isatty(STDERR_FILENO);
    auto result = run::diagnose_zone(
        diagnose, [&](std::string_view checkpoint) { if (progress_shown) status_line("diagnose: " + std::string(checkpoint)); },
        options.out_dir, options.print.language);
    if (progress_shown) clear_status_line();
    if (!result) return usage_error(result.error().message + " (dnspath diagnose --help)");
    if (options.print.json) std::cout << reports::to_json(*result);
    else std::cout << reports::render_text(*result, text_options(options.print.no_color, options.print.wide, options.print.language));
    return reports::exit_code(*result);
}

}  // namespace dnspath::cli
