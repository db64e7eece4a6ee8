#include "probe/cli/commands.h"
#include "probe/cli/support.h"

#include <arpa/inet.h>
#include <linux/capability.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <thread>
#include <tuple>

#include "capture/capture.h"
#include "cli/embedded_profile.h"
#include "probe/judge/judge.h"
#include "probe/lab/lab.h"
#include "probe/net/net.h"
#include "probe/peers/peers.h"
#include "probe/probe.h"
#include "probe/responder/responder.h"
#include "probe/run/run.h"
#include "probe/wire/wire.h"
#include "reports/report.h"

namespace dnspath::cli {
namespace {




// The profile at `path` into `into` ("" for none); false, after printing its FILE:LINE:COL
// errors, when the profile is bad.
bool load_optional_profile(const std::string& path, std::optional<profile::Profile>& into) {
    if (path.empty()) return true;
    auto profile = profile::load_profile_file(path);
    if (!profile) {
        print_profile_errors(profile.error());
        return false;
    }
    into = std::move(profile).value();
    return true;
}

// A progress or status line on standard error, in the run's language: rewritten in place on a
// terminal. The "[3/18]" prefix stays outside the template, where brackets mark optional parts.
void status_line(const std::string& prefix, const std::string& line) {
    const bool tty = isatty(STDERR_FILENO) != 0;
    std::cerr << (tty ? "\r\033[K" : "") << prefix << line << (tty ? "" : "\n") << std::flush;
}

run::RunHooks hooks_in(reports::Language language) {
    run::RunHooks hooks;
    hooks.progress = [language](std::string_view kind, model::Family family, std::size_t step, std::size_t steps) {
        status_line("[" + std::to_string(step + 1) + "/" + std::to_string(steps) + "] ",
                    reports::cli_line("cli:step-done",
                                      {{"kind", std::string(kind)}, {"family", std::string(model::to_string(family))}}, language));
    };
    hooks.privileges_dropped = [language](const std::string& now) {
        std::cerr << reports::cli_line("cli:user", {{"user", now}}, language) << "\n";
    };
    hooks.asking_resolvers = [language](std::size_t count) {
        status_line("[" + reports::cli_line("cli:resolvers-tag", {}, language) + "] ",
                    reports::cli_line("cli:resolvers", {{"count", count}}, language));
    };
    return hooks;
}

// NAME=TEXT flags (--device-model, --device-firmware) on top of the profile's identities.
Result<void> add_identities(const RunOptions& options, std::vector<model::DeviceIdentity>& identities) {
    auto entry = [&](const std::string& name) -> model::DeviceIdentity& {
        for (auto& identity : identities)
            if (identity.name == name) return identity;
        return identities.emplace_back(model::DeviceIdentity{name, "", ""});
    };
    for (auto [flag, list, field] : {std::tuple{"--device-model", &options.device_models, &model::DeviceIdentity::model},
                                     std::tuple{"--device-firmware", &options.device_firmware, &model::DeviceIdentity::firmware}})
        for (const auto& text : *list) {
            const auto equals = text.find('=');
            if (equals == std::string::npos || equals == 0 || equals + 1 == text.size())
                return fail(std::string(flag) + " " + text + ": expected NAME=TEXT");
            entry(text.substr(0, equals)).*field = text.substr(equals + 1);
        }
    return Ok{};
}

// A child run's request, as JSON in a file or on standard input ("-").
Result<run::RunRequest> read_request(const std::string& path) {
    std::ifstream file;
    if (path != "-") {
        file.open(path, std::ios::binary);
        if (!file) return fail("--request " + path + ": cannot read it");
    }
    std::istream& in = path == "-" ? std::cin : file;
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto request = run::request_from_json(text);
    if (!request) return fail("--request " + path + ": " + request.error().message);
    return request;
}

// The run the flags describe: the profile's request, then each flag given on top of it.
Result<run::RunRequest> request_from_options(const RunOptions& options, const std::optional<profile::Profile>& loaded) {
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
    if (!options.key_file.empty()) request.key_file = options.key_file;
    for (const auto& text : options.devices) {
        DNSPATH_TRY(capture::DeviceSpec device, capture::DeviceSpec::parse(text));
        request.devices.push_back(std::move(device));
    }
    DNSPATH_TRY_VOID(add_identities(options, request.identities));
    for (const auto& text : options.resolvers) {
        DNSPATH_TRY(run::ResolverAddress resolver, run::parse_resolver_address(text));
        request.resolvers.push_back(std::move(resolver));
    }
    request.out_dir = options.out_dir;
    if (!options.user.empty()) request.user = options.user;
    request.language = reports::parse_language(options.lang).value_or(reports::Language::en);
    request.command_line = options.command_line;
    return request;
}

}  // namespace

reports::TextOptions text_options(bool no_color, bool wide, const std::string& lang) {
    reports::TextOptions options;
    options.language = reports::parse_language(lang).value_or(reports::Language::en);
    const char* no_color_env = std::getenv("NO_COLOR");  // no-color.org: set and not empty
    options.color = !no_color && (no_color_env == nullptr || *no_color_env == '\0') && isatty(STDOUT_FILENO) != 0;
    options.wide = wide;
    winsize size{};
    const char* columns = std::getenv("COLUMNS");
    if (columns != nullptr && std::atoi(columns) >= 40) options.width = static_cast<std::size_t>(std::atoi(columns));
    else if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 40) options.width = size.ws_col;
    return options;
}

namespace {

// Prints a result (findings and table, or JSON), says where it was written, and gives the exit code.
int finish(const run::RunOutcome& outcome, bool json, const reports::TextOptions& text) {
    const auto& result = outcome.result;
    if (json) {
        std::cout << reports::to_json(result);
    } else {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.1f", result.duration_s);
        std::cout << reports::render_text(result, text)
                  << reports::cli_line("cli:result", {{"path", outcome.result_path}, {"probes", result.probes.size()}, {"seconds", seconds}},
                                       text.language)
                  << "\n" << reports::cli_line("cli:report", {{"path", outcome.report_path}}, text.language) << "\n";
    }
    if (result.interrupted) {
        std::cerr << reports::cli_line("cli:interrupted", {{"path", outcome.result_path}}, text.language) << "\n";
        return kExitUsage;
    }
    return reports::exit_code(result);
}

}  // namespace

int command_run(const RunOptions& options) {
    std::optional<profile::Profile> loaded;
    if (!load_optional_profile(options.profile_path, loaded)) return kExitUsage;
    if (options.check_only) {
        if (!loaded) return usage_error("--check needs --profile");
        std::cout << options.profile_path << ": valid profile '" << loaded->name << "': " << loaded->plan.probes.size()
                  << " probe kinds, " << loaded->devices.size() << " devices" << (loaded->lab ? ", lab section" : "") << "\n";
        return kExitPass;
    }
    auto request = options.request_path.empty() ? request_from_options(options, loaded) : read_request(options.request_path);
    if (!request) return usage_error(request.error().message);
    request->config.tool_version = DNSPATH_VERSION;
    auto prepared = run::prepare(std::move(request).value());
    if (!prepared) return usage_error(prepared.error().message);
    // Signals are blocked before any tap thread starts, so the threads inherit the mask.
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);
    const auto text = text_options(options.no_color, options.wide, std::string(reports::to_string(prepared->request().language)));
    auto outcome = run::execute(*prepared, stop, hooks_in(text.language));
    if (isatty(STDERR_FILENO)) std::cerr << "\r\033[K" << std::flush;
    if (!outcome) return usage_error(outcome.error().message);
    return finish(*outcome, options.json, text);
}

int command_respond(const RespondOptions& options) {
    responder::ServerConfig config;
    config.listen = options.listen;
    config.port = static_cast<std::uint16_t>(options.port);
    config.force_dont_fragment = options.dont_fragment;
    config.queries_per_second_per_source = options.rate;
    config.workers = static_cast<unsigned>(options.workers);
    config.answers.server_id = options.server_id;
    auto zone = wire::Name::parse(options.zone);
    if (!zone) return usage_error("--zone: " + zone.error().message);
    config.answers.zone = *zone;
    if (auto key = options.key_file.empty() ? Result<wire::Bytes>(wire::Bytes{}) : wire::read_key_file(options.key_file))
        config.answers.key = std::move(key).value();
    else
        return usage_error(key.error().message);
    auto signer = responder::ZoneSigner::open(options.zone_key, *zone);
    if (!signer) return usage_error(signer.error().message);
    signer->add_standby_keys(options.standby_keys);
    config.answers.signer = &*signer;
    auto server = responder::Server::open(config);
    if (!server) return usage_error(server.error().message);
    if (!options.ds_file.empty())
        if (auto written = emit(signer->ds_text() + "\n", options.ds_file); !written)
            return usage_error("--ds-file: " + written.error().message);
    // Sockets are bound (a low port needed CAP_NET_BIND_SERVICE): answering needs only a raw socket,
    // for answers crafted into 1280-octet IPv6 fragments.
    if (auto dropped = net::drop_privileges({CAP_NET_RAW}); !dropped) return usage_error(dropped.error().message);
    if (options.key_file.empty()) std::cerr << "dnspath respond: no --key-file: answers larger than their query are REFUSED\n";
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);
    std::cerr << "dnspath respond: serving " << zone->to_string() << " on port " << options.port << " (";
    for (std::size_t i = 0; i < options.listen.size(); ++i) std::cerr << (i ? ", " : "") << options.listen[i];
    std::cerr << ")\ndnspath respond: trust anchor: " << signer->ds_text() << "\n";
    if (auto served = server->serve(stop); !served) return usage_error(served.error().message);
    std::cerr << "dnspath respond: stopped after " << server->answered() << " answers\n";
    return kExitPass;
}

void prepare_process() { net::raise_open_file_limit(); }

int command_keygen(const std::string& path) {
    if (auto written = wire::write_new_key_file(path); !written) return usage_error(written.error().message);
    std::cout << "wrote a 256-bit key to " << path << "; give it to both `respond` and `run` with --key-file\n";
    return kExitPass;
}

namespace {


// The format, language and layout a report or comparison is rendered with.
Result<std::pair<reports::Format, reports::TextOptions>> render_options(const std::string& format, const std::string& lang,
                                                                         bool no_color, bool wide, bool to_file) {
    auto parsed_format = reports::parse_format(format);
    if (!parsed_format) return fail(parsed_format.error().message);
    auto language = reports::parse_language(lang);
    if (!language) return fail(language.error().message);
    auto text = text_options(no_color || to_file, wide);
    text.language = *language;
    return std::pair{*parsed_format, text};
}

}  // namespace

int command_report(const ReportOptions& options) {
    auto how = render_options(options.json ? "json" : options.format, options.lang, options.no_color, options.wide,
                              !options.out.empty());
    if (!how) return usage_error(how.error().message);
    how->second.junit_warnings = options.junit_warn == "fail" ? reports::JunitWarnings::fail : reports::JunitWarnings::skip;
    auto result = reports::read_json(run::result_file(options.path));
    if (!result) return usage_error(result.error().message);
    const std::string path = run::result_file(options.path);
    if (!options.html.empty()) {
        const reports::PagePlace place{std::filesystem::path(options.html).parent_path().string(),
                                       std::filesystem::path(path).parent_path().string()};
        if (auto written = emit(reports::render_html(*result, how->second.language, place), options.html); !written)
            return usage_error(written.error().message);
        std::cerr << reports::cli_line("cli:report", {{"path", options.html}}, how->second.language) << "\n";
    }
    if (!options.bundle.empty()) {
        auto missing = reports::write_bundle(*result, path, options.bundle, how->second.language);
        if (!missing) return usage_error(missing.error().message);
        const auto language = how->second.language;
        std::cerr << reports::cli_line("cli:bundle", {{"path", options.bundle}, {"taps", result->taps.size() - missing->size()}},
                                       language)
                  << "\n";
        for (const auto& tap : *missing) std::cerr << reports::cli_line("cli:bundle-missing", {{"tap", tap}}, language) << "\n";
        if (options.out.empty()) return reports::exit_code(*result);
    }
    if (auto written = emit(reports::render(*result, how->first, how->second), options.out); !written)
        return usage_error(written.error().message);
    return reports::exit_code(*result);
}

int command_compare(const CompareOptions& options) {
    auto how = render_options(options.format, options.lang, options.no_color, options.wide, !options.out.empty());
    if (!how) return usage_error(how.error().message);
    auto before = reports::read_json(run::result_file(options.before));
    if (!before) return usage_error(before.error().message);
    auto after = reports::read_json(run::result_file(options.after));
    if (!after) return usage_error(after.error().message);
    const auto comparison = reports::compare(*before, *after, options.before, options.after);
    if (auto written = emit(reports::render_comparison(comparison, how->first, how->second), options.out); !written)
        return usage_error(written.error().message);
    return comparison.worse() ? kExitFail : kExitPass;
}

// Prints a probe name, so dig, a resolver or a script can ask the responder what the probe asks.
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

// Offline: the saved taps of a run (pcap or pcapng) and its result.json give the same verdicts,
// blame and causes as the live run did.
int command_analyze(const AnalyzeOptions& options) {
    std::optional<profile::Profile> profile;
    if (!load_optional_profile(options.profile_path, profile)) return kExitUsage;
    std::vector<std::string> topology;
    if (profile)
        for (const auto& device : profile->devices) topology.push_back(device.name);
    auto devices = capture::order_devices(options.devices, options.taps, topology, profile ? profile->source : "");
    if (!devices) return usage_error(devices.error().message);
    const auto text = text_options(false, options.wide, options.lang);
    run::AnalyzeRequest request{*devices, options.result_path,
                                !options.zone.empty() ? options.zone : profile ? profile->target.zone : "probe.dnspath.test.",
                                options.out_dir, text.language};
    auto outcome = run::analyze(request);
    if (!outcome) return usage_error(outcome.error().message);
    return finish(*outcome, options.json, text);
}

// Taps alone, for a run made elsewhere (another host's probe, dig by hand): pcapng per tap until
// Ctrl-C or --seconds; `analyze` then names the devices from them and the run's result.json.
int command_capture(const CaptureOptions& options) {
    auto devices = capture::order_devices(options.devices, {}, {}, "");
    if (!devices) return usage_error(devices.error().message);
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);  // before the tap threads start, so they never take the signal
    const std::string taps_dir = (std::filesystem::path(options.out_dir) / "taps").string();
    auto session = capture::CaptureSession::start(*devices, static_cast<std::uint16_t>(options.port), taps_dir);
    if (!session) return usage_error(session.error().message);
    std::cerr << "dnspath capture: " << devices->size() << " device(s), writing " << taps_dir << "; "
              << (options.seconds > 0 ? "for " + std::to_string(options.seconds) + " s" : std::string("Ctrl-C to stop")) << "\n";
    const auto started = std::chrono::steady_clock::now();
    while (!stop.load() &&
           (options.seconds <= 0 || std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() < options.seconds))
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    bool lost = false;
    for (const auto& tap : session->stop()) {
        std::cout << tap.name << " (" << tap.source << "): " << tap.frames << " frames, " << tap.kernel_drops
                  << " dropped by the kernel, " << tap.interface_drops << " by the interface → " << tap.pcapng << "\n";
        lost = lost || tap.kernel_drops + tap.interface_drops > 0;
    }
    if (lost) std::cout << "some taps lost packets: analysis will not blame devices on what they missed\n";
    return kExitPass;
}

}  // namespace dnspath::cli
