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
#include "probe/wire/wire.h"
#include "reports/report.h"

namespace dnspath::cli {
namespace {




// A run folder stands for the result.json inside it.
std::string result_file(const std::string& path) {
    std::error_code error;
    const auto inside = std::filesystem::path(path) / "result.json";
    if (std::filesystem::is_directory(path, error) && std::filesystem::is_regular_file(inside, error)) return inside.string();
    return path;
}

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

// One progress line per probe kind and family as it ends (kinds run side by side): rewritten in
// place on a terminal, in the run's language.
probe::Progress progress_in(reports::Language language) {
    return [language](std::string_view kind, model::Family family, std::size_t step, std::size_t steps) {
        const bool tty = isatty(STDERR_FILENO) != 0;
        // The "[3/18]" prefix stays outside the template, where brackets mark optional parts.
        std::cerr << (tty ? "\r\033[K" : "") << "[" << step + 1 << "/" << steps << "] "
                  << reports::cli_line("cli:step-done", {{"kind", std::string(kind)}, {"family", std::string(model::to_string(family))}},
                                       language)
                  << (tty ? "" : "\n") << std::flush;
    };
}

// Which boxes the path's devices are: the profile's model and firmware, then NAME=TEXT flags.
Result<std::vector<model::DeviceIdentity>> device_identities(const RunOptions& options,
                                                             const std::optional<profile::Profile>& profile) {
    std::vector<model::DeviceIdentity> identities;
    auto entry = [&](const std::string& name) -> model::DeviceIdentity& {
        for (auto& identity : identities)
            if (identity.name == name) return identity;
        return identities.emplace_back(model::DeviceIdentity{name, "", ""});
    };
    if (profile)
        for (const auto& device : profile->devices)
            if (!device.model.empty() || !device.firmware.empty()) entry(device.name) = {device.name, device.model, device.firmware};
    for (auto [flag, list, field] : {std::tuple{"--device-model", &options.device_models, &model::DeviceIdentity::model},
                                     std::tuple{"--device-firmware", &options.device_firmware, &model::DeviceIdentity::firmware}})
        for (const auto& text : *list) {
            const auto equals = text.find('=');
            if (equals == std::string::npos || equals == 0 || equals + 1 == text.size())
                return fail(std::string(flag) + " " + text + ": expected NAME=TEXT");
            entry(text.substr(0, equals)).*field = text.substr(equals + 1);
        }
    return identities;
}

// Whether IPv6 `address` ("ADDR" or "ADDR/LEN") lies inside `prefix` ("ADDR/LEN").
bool inside_prefix(const std::string& address, const std::string& prefix) {
    const auto slash = prefix.find('/');
    in6_addr host{}, network{};
    if (slash == std::string::npos || inet_pton(AF_INET6, address.substr(0, address.find('/')).c_str(), &host) != 1 ||
        inet_pton(AF_INET6, prefix.substr(0, slash).c_str(), &network) != 1)
        return false;
    const int length = std::atoi(prefix.c_str() + slash + 1);
    for (int bit = 0; bit < length && bit < 128; ++bit) {
        const int mask = 0x80 >> (bit % 8);
        if ((host.s6_addr[bit / 8] & mask) != (network.s6_addr[bit / 8] & mask)) return false;
    }
    return true;
}

// `--addressing KEY=VALUE` from the bench: how it numbered the device and the home behind it.
Result<std::optional<model::Addressing>> addressing_of(const std::vector<std::string>& facts) {
    if (facts.empty()) return std::optional<model::Addressing>{};
    model::Addressing addressing;
    const std::pair<const char*, std::string model::Addressing::*> keys[] = {
        {"device", &model::Addressing::device},       {"wan-ipv4", &model::Addressing::wan_ipv4},
        {"wan-ipv6", &model::Addressing::wan_ipv6},   {"delegated-prefix", &model::Addressing::delegated_prefix},
        {"lan-ipv4", &model::Addressing::lan_ipv4},   {"lan-ipv6", &model::Addressing::lan_ipv6}};
    for (const auto& fact : facts) {
        const auto equals = fact.find('=');
        const auto key = fact.substr(0, equals);
        const auto* known = std::find_if(std::begin(keys), std::end(keys), [&](const auto& entry) { return key == entry.first; });
        if (equals == std::string::npos || known == std::end(keys))
            return fail("--addressing " + fact + ": expected KEY=VALUE, KEY one of device, wan-ipv4, wan-ipv6, "
                        "delegated-prefix, lan-ipv4, lan-ipv6");
        addressing.*(known->second) = fact.substr(equals + 1);
    }
    addressing.lan_in_delegation = !addressing.lan_ipv6.empty() && inside_prefix(addressing.lan_ipv6, addressing.delegated_prefix);
    return std::optional<model::Addressing>{addressing};
}

// Real resolvers behind the same path, asked signed names once the plan is done.
void ask_resolvers(model::RunResult& result, const std::vector<peers::Resolver>& resolvers, const probe::RunConfig& config,
                   const std::atomic<bool>& stop, reports::Language language) {
    const bool tty = isatty(STDERR_FILENO) != 0;
    std::cerr << (tty ? "\r\033[K" : "") << "[" << reports::cli_line("cli:resolvers-tag", {}, language) << "] "
              << reports::cli_line("cli:resolvers", {{"count", resolvers.size()}}, language)
              << (tty ? "" : "\n") << std::flush;
    char run_id[16];
    std::snprintf(run_id, sizeof run_id, "r%06llx", static_cast<unsigned long long>(config.seed & 0xffffff));
    const auto zone = wire::Name::parse(config.zone).value_or(wire::Name{});
    result.resolvers = peers::ask_resolvers(resolvers, peers::questions(zone, config.key, run_id), {}, stop);
    if (stop.load()) result.interrupted = true;
    if (tty) std::cerr << "\r\033[K" << std::flush;
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
int finish(const model::RunResult& result, const std::pair<std::string, std::string>& written, bool json,
           const reports::TextOptions& text) {
    if (json) {
        std::cout << reports::to_json(result);
    } else {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.1f", result.duration_s);
        std::cout << reports::render_text(result, text)
                  << reports::cli_line("cli:result", {{"path", written.first}, {"probes", result.probes.size()}, {"seconds", seconds}},
                                       text.language)
                  << "\n" << reports::cli_line("cli:report", {{"path", written.second}}, text.language) << "\n";
    }
    if (result.interrupted) {
        std::cerr << reports::cli_line("cli:interrupted", {{"path", written.first}}, text.language) << "\n";
        return kExitUsage;
    }
    return reports::exit_code(result);
}

// The run's configuration: the profile's (loaded once), then the command line on top.
Result<probe::ProfileRun> run_setup(const RunOptions& options, const std::optional<profile::Profile>& loaded) {
    probe::ProfileRun run = loaded ? probe::run_from_profile(*loaded, options.profile_path) : probe::ProfileRun{};
    auto& config = run.config;
    if (loaded && config.targets.empty() && options.targets.empty() && loaded->lab)
        return fail(options.profile_path + ": this profile builds its path in a lab: use `dnspath lab run --profile " +
                    options.profile_path + "`, or give --target");
    for (auto [from, into] : {std::pair{&options.targets, &config.targets}, std::pair{&options.proxies, &config.proxies},
                              std::pair{&options.baseline, &config.baseline}})
        if (!from->empty()) *into = *from;
    if (options.port != 0) config.port = static_cast<std::uint16_t>(options.port);
    config.proxy_upstream_unseen = options.proxy_upstream_unseen;
    if (!options.zone.empty()) config.zone = options.zone;
    if (!options.probes.empty()) config.plan.probes = options.probes;
    if (!options.families.empty()) config.plan.families = options.families;
    if (options.repeat > 0) config.plan.repetitions = options.repeat;
    // A proxy given is a proxy to test: its checks run whether or not the plan listed them.
    if (!config.proxies.empty() &&
        std::find(config.plan.probes.begin(), config.plan.probes.end(), "proxy") == config.plan.probes.end())
        config.plan.probes.push_back("proxy");
    if (config.targets.empty()) return fail("run: give --target ADDRESS (or --profile with target.addresses)");
    if (!options.key_file.empty()) run.key_file = options.key_file;
    if (!run.key_file.empty()) {
        DNSPATH_TRY(config.key, wire::read_key_file(run.key_file));
    }
    config.seed = options.seed != 0 ? options.seed : std::random_device{}();
    config.tool_version = DNSPATH_VERSION;
    return run;
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
    auto run = run_setup(options, loaded);
    if (!run) return usage_error(run.error().message);
    auto identities = device_identities(options, loaded);
    if (!identities) return usage_error(identities.error().message);
    auto addressing = addressing_of(options.addressing);
    if (!addressing) return usage_error(addressing.error().message);
    std::vector<peers::Resolver> resolvers;
    for (const auto& text : options.resolvers) {
        auto resolver = peers::parse_resolver(text);
        if (!resolver) return usage_error(resolver.error().message);
        resolvers.push_back(std::move(resolver).value());
    }
    if (auto ready = prepare_out_dir(options.out_dir); !ready) return usage_error(ready.error().message);
    std::vector<std::string> topology_taps;
    if (loaded)
        for (const auto& device : loaded->devices)
            if (!device.tap_in.empty() || !device.tap_out.empty())
                topology_taps.push_back(device.name + "=" + device.tap_in + "," + device.tap_out);
    topology_taps.insert(topology_taps.end(), options.devices.begin(), options.devices.end());
    auto devices = topology_taps.empty() ? Result<std::vector<capture::DeviceSpec>>(std::vector<capture::DeviceSpec>{})
                                         : capture::order_devices(topology_taps, {}, {}, "");
    if (!devices) return usage_error(devices.error().message);
    // --user: the switch happens while this is the only thread, keeping what the taps still need
    // (capture, namespaces, trimming the bounding set later); every thread from here is the user's.
    const std::string user = !options.user.empty() ? options.user : loaded ? loaded->plan.user : "";
    if (!user.empty()) {
        auto became = net::become_user(user,
                                       {options.out_dir, options.out_dir + "/result.json", options.out_dir + "/report.html"},
                                       {CAP_NET_RAW, CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_SETPCAP});
        if (!became) return usage_error(became.error().message);
    }
    // Signals are blocked before any tap thread starts, so the threads inherit the mask.
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);
    std::optional<capture::CaptureSession> taps;
    if (!devices->empty()) {
        // Which messages are the run's: the zone's, and in target mode the server's names.
        std::vector<wire::Name> names;
        for (const auto& listed : run->config.target_names)
            if (auto name = wire::Name::parse(listed.name)) names.push_back(*name);
        auto started = capture::CaptureSession::start(*devices, run->config.port,
                                                      (std::filesystem::path(options.out_dir) / "taps").string(),
                                                      wire::Name::parse(run->config.zone).value_or(wire::Name{}), names);
        if (!started) return usage_error(started.error().message);
        taps.emplace(std::move(started).value());
    }
    // Taps and namespaces are open: from here the probes need only raw sockets (crafted fragments,
    // ICMP); everything else goes.
    auto dropped = net::drop_privileges({CAP_NET_RAW});
    if (!dropped) return usage_error(dropped.error().message);
    const auto text = text_options(options.no_color, options.wide, options.lang);
    if (!user.empty()) std::cerr << reports::cli_line("cli:user", {{"user", *dropped}}, text.language) << "\n";
    auto result = probe::run_plan(run->config, stop, progress_in(text.language));
    if (isatty(STDERR_FILENO)) std::cerr << "\r\033[K" << std::flush;
    if (!result) return usage_error(result.error().message);
    if (taps) judge::judge_with_findings(*result, taps->finish(*result));
    result->identities = std::move(identities).value();
    result->addressing = std::move(addressing).value();
    // After the taps: the resolvers' own traffic is theirs, not the plan's probes.
    if (!resolvers.empty() && !stop.load()) ask_resolvers(*result, resolvers, run->config, stop, text.language);
    probe::stamp_run(*result, options.command_line, options.profile_path,
                     loaded ? std::optional<std::string>(loaded->name) : std::nullopt);
    auto written = reports::write_outputs(*result, options.out_dir, text.language);
    if (!written) return usage_error(written.error().message);
    return finish(*result, *written, options.json, text);
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
    auto result = reports::read_json(result_file(options.path));
    if (!result) return usage_error(result.error().message);
    const std::string path = result_file(options.path);
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
    auto before = reports::read_json(result_file(options.before));
    if (!before) return usage_error(before.error().message);
    auto after = reports::read_json(result_file(options.after));
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
// blame and causes as the live run did; findings are replaced, never appended.
int command_analyze(const AnalyzeOptions& options) {
    std::optional<profile::Profile> profile;
    if (!load_optional_profile(options.profile_path, profile)) return kExitUsage;
    std::vector<std::string> topology;
    if (profile)
        for (const auto& device : profile->devices) topology.push_back(device.name);
    auto devices = capture::order_devices(options.devices, options.taps, topology, profile ? profile->source : "");
    if (!devices) return usage_error(devices.error().message);
    auto result = reports::read_json(result_file(options.result_path));
    if (!result) return usage_error(result.error().message);
    auto zone = wire::Name::parse(!options.zone.empty() ? options.zone : profile ? profile->target.zone : "probe.dnspath.test.");
    if (!zone) return usage_error("--zone: " + zone.error().message);
    if (auto ready = prepare_out_dir(options.out_dir); !ready) return usage_error(ready.error().message);
    auto findings = capture::analyze_files(*devices, *result, *zone);
    if (!findings) return usage_error(findings.error().message);
    judge::judge_with_findings(*result, *findings);
    const auto text = text_options(false, options.wide, options.lang);
    auto written = reports::write_outputs(*result, options.out_dir, text.language);
    if (!written) return usage_error(written.error().message);
    return finish(*result, *written, options.json, text);
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
