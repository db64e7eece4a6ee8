// The dnspath command line: a thin layer that parses arguments, calls the components and turns
// their errors into one-line messages and the documented exit codes.
#include <openssl/rand.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <thread>

#include "capture/capture.h"
#include "probe/judge/judge.h"
#include "cli/embedded_profile.h"
#include "probe/lab/lab.h"
#include "probe/responder/responder.h"
#include "probe/probe.h"
#include "probe/wire/wire.h"
#include "reports/report.h"

namespace {

using namespace dnspath;

// Exit codes (README "Exit codes"): 0 every checkpoint passed, 1 one failed, 2 usage/environment.
constexpr int kExitPass = 0;
constexpr int kExitUsage = 2;

int usage_error(const std::string& message) {
    std::cerr << "dnspath: " << message << "\n";
    return kExitUsage;
}

// Turns SIGINT/SIGTERM into a flag the run checks, without a global: the signals are blocked in
// every thread and one thread waits for them.
class StopOnSignal {
public:
    explicit StopOnSignal(std::atomic<bool>& stop) : stop_(stop) {
        sigemptyset(&signals_);
        sigaddset(&signals_, SIGINT);
        sigaddset(&signals_, SIGTERM);
        sigaddset(&signals_, SIGUSR1);  // our own wake-up at shutdown
        pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
        waiter_ = std::thread([this] {
            int signal_number = 0;
            sigwait(&signals_, &signal_number);
            if (signal_number != SIGUSR1) {
                stop_.store(true);
                std::cerr << "\ndnspath: stopping (signal " << signal_number << ")\n";
            }
        });
    }
    ~StopOnSignal() {
        pthread_kill(waiter_.native_handle(), SIGUSR1);
        waiter_.join();
    }
    StopOnSignal(const StopOnSignal&) = delete;
    StopOnSignal& operator=(const StopOnSignal&) = delete;

private:
    std::atomic<bool>& stop_;
    sigset_t signals_{};
    std::thread waiter_;
};

struct RunOptions {
    std::string profile_path;
    bool check_only = false;
    std::vector<std::string> targets;
    int port = 0;
    std::string zone;
    std::string key_file;
    std::string out_dir = "dnspath-results";
    std::vector<std::string> probes;
    std::vector<std::string> families;
    bool json = false;
    bool no_color = false;
    std::uint64_t seed = 0;
    std::vector<std::string> devices;  // NAME=TAP_IN,TAP_OUT
    std::vector<std::string> proxies;
    std::vector<std::string> baseline;
    std::vector<std::string> command_line;  // as typed, for the result's record
};

// Writes OUT/result.json (for machines) and OUT/report.html (for people); returns both paths.
Result<std::pair<std::string, std::string>> write_outputs(const model::RunResult& result, const std::string& out_dir) {
    const std::string json_path = (std::filesystem::path(out_dir) / "result.json").string();
    const std::string html_path = (std::filesystem::path(out_dir) / "report.html").string();
    DNSPATH_TRY_VOID(reports::write_json(result, json_path));
    std::ofstream html(html_path);
    html << reports::render_html(result);
    if (!html) return fail("cannot write " + html_path);
    return std::pair{json_path, html_path};
}

std::string resolve_beside(const std::string& profile_path, const std::string& file) {
    std::filesystem::path path(file);
    if (path.is_absolute() || profile_path.empty()) return file;
    return (std::filesystem::path(profile_path).parent_path() / path).string();
}

int command_run(const RunOptions& options) {
    probe::RunConfig config;
    config.tool_version = DNSPATH_VERSION;
    std::string key_file = options.key_file;
    if (!options.profile_path.empty()) {
        auto loaded = profile::load_profile_file(options.profile_path);
        if (!loaded) {
            std::cerr << loaded.error().describe() << "\n";
            return kExitUsage;
        }
        const auto& profile = *loaded;
        if (options.check_only) {
            std::cout << options.profile_path << ": valid profile '" << profile.name << "': "
                      << profile.plan.probes.size() << " probe kinds, " << profile.devices.size() << " devices"
                      << (profile.lab ? ", lab section" : "") << "\n";
            return kExitPass;
        }
        config.targets = profile.target.addresses;
        config.proxies = profile.target.proxies;
        config.baseline = profile.target.baseline;
        config.port = profile.target.port;
        config.zone = profile.target.zone;
        config.plan = profile.plan;
        if (key_file.empty() && profile.target.key_file)
            key_file = resolve_beside(options.profile_path, *profile.target.key_file);
        if (profile.target.mode == "target") config.target_names = profile.target.names;
        if (config.targets.empty() && options.targets.empty() && profile.lab)
            return usage_error(options.profile_path + ": this profile builds its path in a lab: use `dnspath lab run "
                                                      "--profile " + options.profile_path + "`, or give --target");
    } else if (options.check_only) {
        return usage_error("--check needs --profile");
    }
    if (!options.targets.empty()) config.targets = options.targets;
    if (!options.proxies.empty()) config.proxies = options.proxies;
    if (!options.baseline.empty()) config.baseline = options.baseline;
    if (options.port != 0) config.port = static_cast<std::uint16_t>(options.port);
    if (!options.zone.empty()) config.zone = options.zone;
    if (!options.probes.empty()) config.plan.probes = options.probes;
    if (!options.families.empty()) config.plan.families = options.families;
    if (config.targets.empty()) return usage_error("run: give --target ADDRESS (or --profile with target.addresses)");
    if (!key_file.empty()) {
        auto key = probe::read_key_file(key_file);
        if (!key) return usage_error(key.error().message);
        config.key = std::move(key).value();
    }
    config.seed = options.seed != 0 ? options.seed : std::random_device{}();

    std::error_code error;
    std::filesystem::create_directories(options.out_dir, error);
    if (error) return usage_error("cannot create output folder " + options.out_dir + ": " + error.message());

    std::vector<capture::DeviceSpec> devices;
    if (!options.profile_path.empty())
        if (auto profile = profile::load_profile_file(options.profile_path))
            for (const auto& device : profile->devices)
                if (!device.tap_in.empty() || !device.tap_out.empty())
                    devices.push_back({device.name, device.tap_in, device.tap_out});
    for (const auto& text : options.devices) {
        auto spec = capture::DeviceSpec::parse(text);
        if (!spec) return usage_error(spec.error().message);
        devices.push_back(*spec);
    }
    // Signals are blocked before any tap thread starts, so the threads inherit the mask and the
    // signal reaches the one thread that waits for it.
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);
    std::optional<capture::CaptureSession> capture_session;
    if (!devices.empty()) {
        auto started = capture::CaptureSession::start(
            devices, config.port, (std::filesystem::path(options.out_dir) / "taps").string());
        if (!started) return usage_error(started.error().message);
        capture_session.emplace(std::move(started).value());
    }

    const bool tty = isatty(STDERR_FILENO) != 0;
    auto progress = [tty](std::string_view kind, model::Family family, std::size_t step, std::size_t steps) {
        char line[128];
        std::snprintf(line, sizeof line, "[%zu/%zu] %.*s %s", step + 1, steps, static_cast<int>(kind.size()),
                      kind.data(), std::string(model::to_string(family)).c_str());
        if (tty)
            std::cerr << "\r\033[K" << line << std::flush;
        else
            std::cerr << line << "\n";
    };
    auto result = probe::run_plan(config, stop, progress);
    if (tty) std::cerr << "\r\033[K" << std::flush;
    if (!result) return usage_error(result.error().message);
    if (capture_session)
        judge::judge_with_findings(*result, capture_session->finish(*result, wire::Name::parse(config.zone).value_or(wire::Name{})));
    std::optional<std::string> profile_name;
    if (!options.profile_path.empty())
        if (auto profile = profile::load_profile_file(options.profile_path)) profile_name = profile->name;
    probe::stamp_run(*result, options.command_line, options.profile_path, profile_name);

    auto written = write_outputs(*result, options.out_dir);
    if (!written) return usage_error(written.error().message);
    const std::string& json_path = written->first;
    if (options.json) {
        std::cout << reports::to_json(*result);
    } else {
        std::cout << reports::render_text(*result, !options.no_color && isatty(STDOUT_FILENO) != 0);
        std::cout << "result: " << json_path << " (" << result->probes.size() << " probes, " << result->duration_s
                  << " s)\nreport: " << written->second << "\n";
    }
    if (result->interrupted) {
        std::cerr << "dnspath: interrupted; the partial result is in " << json_path << "\n";
        return kExitUsage;
    }
    return reports::exit_code(*result);
}

struct RespondOptions {
    std::vector<std::string> listen;
    int port = 53;
    std::string zone = "probe.dnspath.test.";
    std::string key_file;
    bool dont_fragment = false;
    int rate = 2000;
    std::string zone_key;
    std::string ds_file;
    int standby_keys = 0;
    std::string server_id;
};

int command_respond(const RespondOptions& options) {
    responder::ServerConfig config;
    config.listen = options.listen;
    config.port = static_cast<std::uint16_t>(options.port);
    config.force_dont_fragment = options.dont_fragment;
    config.queries_per_second_per_source = options.rate;
    config.answers.server_id = options.server_id;
    auto zone = wire::Name::parse(options.zone);
    if (!zone) return usage_error("--zone: " + zone.error().message);
    config.answers.zone = *zone;
    if (!options.key_file.empty()) {
        auto key = probe::read_key_file(options.key_file);
        if (!key) return usage_error(key.error().message);
        config.answers.key = std::move(key).value();
    } else {
        std::cerr << "dnspath respond: no --key-file: answers larger than their query are REFUSED\n";
    }
    auto signer = responder::ZoneSigner::open(options.zone_key, *zone);
    if (!signer) return usage_error(signer.error().message);
    signer->add_standby_keys(options.standby_keys);
    config.answers.signer = &*signer;
    if (!options.ds_file.empty()) {
        std::ofstream ds(options.ds_file);
        ds << signer->ds_text() << "\n";
        if (!ds) return usage_error("cannot write " + options.ds_file);
    }
    auto server = responder::Server::open(config);
    if (!server) return usage_error(server.error().message);
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);
    std::cerr << "dnspath respond: serving " << zone->to_string() << " on port " << options.port << " (";
    for (std::size_t i = 0; i < options.listen.size(); ++i) std::cerr << (i ? ", " : "") << options.listen[i];
    std::cerr << ")\n";
    std::cerr << "dnspath respond: trust anchor: " << signer->ds_text() << "\n";
    auto served = server->serve(stop);
    if (!served) return usage_error(served.error().message);
    std::cerr << "dnspath respond: stopped after " << server->answered() << " answers\n";
    return kExitPass;
}

Result<void> write_new_key(const std::string& path) {
    unsigned char key[32];
    if (RAND_bytes(key, sizeof key) != 1) return fail("keygen: OpenSSL has no randomness");
    if (std::filesystem::exists(path)) return fail("keygen: " + path + " exists; not overwriting a key");
    std::ofstream out(path, std::ios::binary);
    if (!out) return fail("keygen: cannot write " + path);
    out << wire::hex(wire::ByteView(key, sizeof key)) << "\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    return Ok{};
}

int command_keygen(const std::string& path) {
    if (auto written = write_new_key(path); !written) return usage_error(written.error().message);
    std::cout << "wrote a 256-bit key to " << path << "; give it to both `respond` and `run` with --key-file\n";
    return kExitPass;
}

// A run folder stands for the result.json inside it.
std::string result_file(const std::string& path) {
    std::error_code error;
    const auto inside = std::filesystem::path(path) / "result.json";
    if (std::filesystem::is_directory(path, error) && std::filesystem::is_regular_file(inside, error)) return inside.string();
    return path;
}

int command_report(const std::string& path, bool json, bool no_color, const std::string& html_path) {
    auto result = reports::read_json(result_file(path));
    if (!result) return usage_error(result.error().message);
    if (!html_path.empty()) {
        std::ofstream html(html_path);
        html << reports::render_html(*result);
        if (!html) return usage_error("cannot write " + html_path);
        std::cerr << "report: " << html_path << "\n";
    }
    if (json)
        std::cout << reports::to_json(*result);
    else
        std::cout << reports::render_text(*result, !no_color && isatty(STDOUT_FILENO) != 0);
    return reports::exit_code(*result);
}

struct LabOptions {
    std::string action;  // up, run, down
    std::string profile_path;
    std::string prefix;
    std::string out_dir = "dnspath-results";
    bool json = false;
    std::vector<std::string> probes;
    std::vector<std::string> families;
};

std::string self_executable() {
    std::error_code error;
    auto path = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::string("dnspath") : path.string();
}

// Starts a responder in each of the lab's server namespaces, detached, and waits until they serve.
// They share the probe key and the zone key, as a real zone's authoritative servers do.
Result<void> start_lab_responders(const lab::Layout& layout, const profile::Profile& profile) {
    const std::string key = layout.state_dir + "/key";
    for (std::size_t i = 0; i < layout.servers.size(); ++i) {
        const auto& server = layout.servers[i];
        const std::string id = "server" + std::to_string(i + 1);
        const std::string log = layout.state_dir + "/responder" + (i ? std::to_string(i + 1) : "") + ".log";
        std::vector<std::string> argv{"ip", "netns", "exec", server.namespace_name, self_executable(), "respond",
                                      "--port", "53", "--key-file", key, "--zone", profile.target.zone,
                                      "--zone-key", layout.state_dir + "/zone.pem", "--ds-file", layout.state_dir + "/ds",
                                      // DNSKEY answers of rollover size (about 1.4 KB), as real signed zones send
                                      "--standby-keys", "2", "--server-id", id,
                                      // Load measurements must see the path, not the responder's limiter.
                                      "--rate", "1000000"};
        if (layout.ipv4) argv.insert(argv.end(), {"--listen", server.ipv4});
        if (layout.ipv6) argv.insert(argv.end(), {"--listen", server.ipv6});
        DNSPATH_TRY(lab::Process responder, lab::Process::spawn(argv, {log, true}));
        bool serving = false;
        for (int attempt = 0; attempt < 100 && !serving; ++attempt) {
            std::ifstream in(log);
            std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            serving = text.find("serving") != std::string::npos;
            if (serving) break;
            if (!responder.running()) return fail("the lab responder " + id + " exited: " + text);
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (!serving) return fail("the lab responder " + id + " did not start within 5 s (log: " + log + ")");
        responder.release();  // it lives in the lab until `lab down`
    }
    return Ok{};
}

int command_lab(const LabOptions& options) {
    if (geteuid() != 0)
        return usage_error("lab needs CAP_NET_ADMIN and CAP_SYS_ADMIN to create network namespaces: run it as root");
    std::string prefix = options.prefix;
    std::optional<profile::Profile> loaded;
    std::string profile_path = options.profile_path;
    const bool embedded = profile_path.empty() && options.action != "down";
    if (embedded) {
        auto profile = profile::parse_profile(cli::kEmbeddedDefaultProfile, "<embedded default.toml>");
        if (!profile) return usage_error("the embedded default profile is invalid: " + profile.error().describe());
        loaded = std::move(profile).value();
        prefix = loaded->lab->prefix;
    } else if (!profile_path.empty()) {
        auto profile = profile::load_profile_file(profile_path);
        if (!profile) {
            std::cerr << profile.error().describe() << "\n";
            return kExitUsage;
        }
        loaded = std::move(profile).value();
        if (!loaded->lab) return usage_error(options.profile_path + ": no [lab] section; this profile is for a real path");
        if (prefix.empty()) prefix = loaded->lab->prefix;
    }
    if (options.action == "down") {
        if (prefix.empty()) return usage_error("lab down: give --profile or --prefix");
        auto removed = lab::lab_down(prefix);
        if (!removed) return usage_error(removed.error().message);
        std::cout << "lab down: removed " << *removed << " namespaces with prefix " << prefix << "-\n";
        return kExitPass;
    }
    if (!loaded) return usage_error("lab " + options.action + ": give --profile");
    auto layout = lab::plan_lab(*loaded);
    if (!layout) return usage_error(layout.error().message);
    if (auto built = lab::lab_up(*layout); !built) return usage_error(built.error().message);
    // From here on, anything that goes wrong in `run` must still tear the lab down.
    struct Teardown {
        std::string prefix;
        bool armed = true;
        ~Teardown() {
            if (armed) (void)lab::lab_down(prefix);
        }
    } teardown{layout->prefix, options.action == "run"};
    std::error_code error;
    std::filesystem::create_directories(layout->state_dir, error);
    if (error) return usage_error("cannot create " + layout->state_dir + ": " + error.message());
    const std::string key = layout->state_dir + "/key";
    if (auto written = write_new_key(key); !written) return usage_error(written.error().message);
    if (embedded) {
        // The probe runs as a child and reads its plan from a file: give it the embedded one.
        profile_path = layout->state_dir + "/default.toml";
        std::ofstream(profile_path) << cli::kEmbeddedDefaultProfile;
    }
    if (auto started = start_lab_responders(*layout, *loaded); !started) {
        (void)lab::lab_down(layout->prefix);
        return usage_error(started.error().message);
    }
    std::vector<std::string> target_args;
    if (layout->ipv4) target_args.insert(target_args.end(), {"--target", layout->server_ipv4()});
    if (layout->ipv6) target_args.insert(target_args.end(), {"--target", layout->server_ipv6()});
    if (!layout->proxies.empty()) {
        const auto& proxy = layout->proxies.front();
        if (layout->ipv4) target_args.insert(target_args.end(), {"--proxy", proxy.ipv4});
        if (layout->ipv6) target_args.insert(target_args.end(), {"--proxy", proxy.ipv6});
    }
    if (layout->load_balanced) {
        // Without the balancer's function: one backend by its own address, over the same links.
        const auto& backend = layout->servers.front();
        if (layout->ipv4) target_args.insert(target_args.end(), {"--baseline", backend.ipv4});
        if (layout->ipv6) target_args.insert(target_args.end(), {"--baseline", backend.ipv6});
    }
    if (options.action == "up") {
        std::cout << "lab up: " << layout->nodes.size() + layout->servers.size() - 1 << " namespaces, "
                  << (layout->load_balanced ? "load-balanced service on " : "responder on ") << layout->server_ipv4()
                  << " and " << layout->server_ipv6() << " port 53\n";
        for (const auto& server : layout->servers)
            std::cout << "  responder " << server.ipv4 << " " << server.ipv6 << ": ip netns exec "
                      << server.namespace_name << " bash\n";
        for (const auto& proxy : layout->proxies)
            std::cout << "  dnsmasq proxy of " << proxy.device->name << " on " << proxy.ipv4 << " and " << proxy.ipv6 << "\n";
        for (std::size_t i = 0; i < layout->nodes.size(); ++i) {
            const auto& node = layout->nodes[i];
            std::cout << "  " << node.name << ": ip netns exec " << node.namespace_name << " bash";
            if (node.device) std::cout << "   (taps " << layout->tap_in(i) << ", " << layout->tap_out(i) << ")";
            std::cout << "\n";
        }
        std::cout << "probe it: ip netns exec " << layout->probe().namespace_name << " " << self_executable()
                  << " run";
        for (const auto& arg : target_args) std::cout << " " << arg;
        std::cout << " --key-file " << key << "\n";
        std::cout << "ask it:   ip netns exec " << layout->probe().namespace_name << " dig @" << layout->server_ipv4()
                  << " p1.s1500.echo." << loaded->target.zone << " TXT   (large answers need the token: use run)\n";
        std::cout << "remove:   " << self_executable() << " lab down --prefix " << layout->prefix << "\n";
        return kExitPass;
    }
    // lab run: the probe runs in the probe namespace as a child, so a Ctrl-C reaches it and it
    // still writes what it measured before the lab goes away.
    std::vector<std::string> argv{"ip", "netns", "exec", layout->probe().namespace_name, self_executable(), "run",
                                  "--profile", profile_path, "--port", "53", "--key-file", key,
                                  "--out", options.out_dir};
    argv.insert(argv.end(), target_args.begin(), target_args.end());
    // Taps on both sides of every device, so each failing verdict can name the one to blame.
    for (std::size_t i = 1; i + 1 < layout->nodes.size(); ++i)
        argv.insert(argv.end(), {"--device", layout->nodes[i].name + "=" + layout->tap_in(i) + "," + layout->tap_out(i)});
    if (options.json) argv.push_back("--json");
    auto join = [](const std::vector<std::string>& items) {
        std::string out;
        for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
        return out;
    };
    if (!options.probes.empty()) argv.insert(argv.end(), {"--probes", join(options.probes)});
    if (!options.families.empty()) argv.insert(argv.end(), {"--families", join(options.families)});
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);
    auto probe = lab::Process::spawn(argv, {});
    if (!probe) return usage_error(probe.error().message);
    int rc = probe->wait([&stop] { return stop.load(); });
    return rc;
}

struct NameOptions {
    std::string key_file;
    std::string zone = "probe.dnspath.test.";
    std::string id;
    std::uint32_t size = 0;
    bool dnssec = false, echo = false, dont_fragment = false, minimum_mtu = false;
};

// Prints a probe name, so dig, a resolver or a script can ask the responder what the probe asks.
int command_name(const NameOptions& options) {
    auto zone = wire::Name::parse(options.zone);
    if (!zone) return usage_error("--zone: " + zone.error().message);
    wire::Bytes key;
    if (!options.key_file.empty()) {
        auto read = probe::read_key_file(options.key_file);
        if (!read) return usage_error(read.error().message);
        key = std::move(read).value();
    }
    std::string id = options.id;
    if (id.empty()) {
        std::random_device random;
        char buffer[16];
        std::snprintf(buffer, sizeof buffer, "m%08x", random());
        id = buffer;
    }
    wire::ProbeName probe{id, options.size ? std::optional<std::uint32_t>(options.size) : std::nullopt, options.dnssec,
                          options.echo, options.dont_fragment, options.minimum_mtu, std::nullopt};
    auto name = wire::make_probe_name(probe, *zone, key);
    if (auto check = wire::parse_probe_name(name, *zone); !check) return usage_error(check.error().message);
    std::cout << name.to_string() << "\n";
    return kExitPass;
}

struct AnalyzeOptions {
    std::vector<std::string> devices;
    std::vector<std::string> taps;  // DEVICE.in=FILE, DEVICE.out=FILE
    std::string profile_path;       // device order (path order) and zone from its topology
    std::string result_path;
    std::string out_dir = "dnspath-analysis";
    std::string zone;
    bool json = false;
};

// The devices to analyze, in path order: --device specs as given, then --tap files grouped by
// device, ordered as the profile's topology lists them (or as first named).
Result<std::vector<capture::DeviceSpec>> analysis_devices(const AnalyzeOptions& options,
                                                           const std::optional<profile::Profile>& profile) {
    std::vector<capture::DeviceSpec> devices;
    for (const auto& text : options.devices) {
        DNSPATH_TRY(capture::DeviceSpec spec, capture::DeviceSpec::parse(text));
        devices.push_back(spec);
    }
    std::vector<capture::DeviceSpec> tapped;
    for (const auto& text : options.taps) {
        auto equals = text.find('=');
        auto dot = text.rfind('.', equals);
        if (equals == std::string::npos || dot == std::string::npos || dot == 0)
            return fail("--tap '" + text + "': expected DEVICE.in=FILE or DEVICE.out=FILE");
        const std::string device = text.substr(0, dot);
        std::string side = text.substr(dot + 1, equals - dot - 1);
        // A CPE's sides are usually called LAN and WAN.
        if (side == "lan") side = "in";
        if (side == "wan") side = "out";
        if (side != "in" && side != "out")
            return fail("--tap '" + text + "': the side is '" + side +
                        "'; expected DEVICE.in (or .lan, the probe side) or DEVICE.out (or .wan)");
        auto found = std::find_if(tapped.begin(), tapped.end(), [&](const auto& spec) { return spec.name == device; });
        if (found == tapped.end()) found = tapped.insert(tapped.end(), capture::DeviceSpec{device, "", ""});
        (side == "in" ? found->tap_in : found->tap_out) = text.substr(equals + 1);
    }
    if (profile) {
        std::vector<capture::DeviceSpec> ordered;
        for (const auto& device : profile->devices) {
            auto found = std::find_if(tapped.begin(), tapped.end(), [&](const auto& spec) { return spec.name == device.name; });
            if (found != tapped.end()) ordered.push_back(*found);
        }
        for (const auto& spec : tapped)
            if (std::none_of(profile->devices.begin(), profile->devices.end(),
                             [&](const auto& device) { return device.name == spec.name; }))
                return fail("--tap names device '" + spec.name + "', which " + profile->source +
                            " does not list in its topology");
        tapped = std::move(ordered);
    }
    devices.insert(devices.end(), tapped.begin(), tapped.end());
    if (devices.empty()) return fail("analyze: give --device NAME=IN,OUT or --tap DEVICE.in=FILE");
    return devices;
}

// Offline: the saved taps of a run (pcap or pcapng) and its result.json give the same device
// verdicts as the live run did.
int command_analyze(const AnalyzeOptions& options) {
    std::optional<profile::Profile> profile;
    if (!options.profile_path.empty()) {
        auto loaded = profile::load_profile_file(options.profile_path);
        if (!loaded) {
            std::cerr << loaded.error().describe() << "\n";
            return kExitUsage;
        }
        profile = std::move(loaded).value();
    }
    auto devices = analysis_devices(options, profile);
    if (!devices) return usage_error(devices.error().message);
    auto result = reports::read_json(result_file(options.result_path));
    if (!result) return usage_error(result.error().message);
    std::string zone_text = options.zone;
    if (zone_text.empty()) zone_text = profile ? profile->target.zone : "probe.dnspath.test.";
    auto zone = wire::Name::parse(zone_text);
    if (!zone) return usage_error("--zone: " + zone.error().message);
    auto findings = capture::analyze_files(*devices, *result, *zone);
    if (!findings) return usage_error(findings.error().message);
    judge::judge_with_findings(*result, *findings);
    std::error_code error;
    std::filesystem::create_directories(options.out_dir, error);
    auto written = write_outputs(*result, options.out_dir);
    if (!written) return usage_error(written.error().message);
    if (options.json)
        std::cout << reports::to_json(*result);
    else
        std::cout << reports::render_text(*result, isatty(STDOUT_FILENO) != 0) << "result: " << written->first
                  << "\nreport: " << written->second << "\n";
    return reports::exit_code(*result);
}

struct CaptureOptions {
    std::vector<std::string> devices;
    std::string out_dir = "dnspath-capture";
    int port = 53;
    double seconds = 0;  // 0: until Ctrl-C
};

// Taps alone, for a run made elsewhere (another host's probe, dig by hand): pcapng per tap until
// Ctrl-C or --seconds; `analyze` then names the devices from them and the run's result.json.
int command_capture(const CaptureOptions& options) {
    std::vector<capture::DeviceSpec> devices;
    for (const auto& text : options.devices) {
        auto spec = capture::DeviceSpec::parse(text);
        if (!spec) return usage_error(spec.error().message);
        devices.push_back(*spec);
    }
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);  // before the tap threads start, so they never take the signal
    const std::string taps_dir = (std::filesystem::path(options.out_dir) / "taps").string();
    auto session = capture::CaptureSession::start(devices, static_cast<std::uint16_t>(options.port), taps_dir);
    if (!session) return usage_error(session.error().message);
    std::cerr << "dnspath capture: " << devices.size() << " device(s), writing " << taps_dir << "; "
              << (options.seconds > 0 ? "for " + std::to_string(options.seconds) + " s" : std::string("Ctrl-C to stop"))
              << "\n";
    const auto started = std::chrono::steady_clock::now();
    while (!stop.load()) {
        if (options.seconds > 0 &&
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() >= options.seconds)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    bool lost = false;
    for (const auto& tap : session->stop()) {
        std::cout << tap.name << " (" << tap.source << "): " << tap.frames << " frames, " << tap.kernel_drops
                  << " dropped by the kernel, " << tap.interface_drops << " by the interface → " << tap.pcapng << "\n";
        lost = lost || tap.kernel_drops + tap.interface_drops > 0;
    }
    if (lost) std::cout << "some taps lost packets: analysis will not blame devices on what they missed\n";
    return kExitPass;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"dnspath: finds which box on a network path breaks DNS.\n"
                 "Exit codes: 0 every checkpoint passed, 1 a checkpoint failed, 2 usage or environment error."};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("dnspath ") + DNSPATH_VERSION);

    RunOptions run;
    run.command_line.assign(argv, argv + argc);
    auto* run_cmd = app.add_subcommand("run", "Probe a path: every checkpoint against a responder (or a profile's plan)");
    // No ExistingFile check here: the profile loader's own one-line error is clearer.
    run_cmd->add_option("--profile,-p", run.profile_path, "TOML profile with target, plan and topology");
    run_cmd->add_flag("--check", run.check_only, "Validate the profile and exit (0 valid, 2 invalid)");
    run_cmd->add_option("--target,-t", run.targets, "Responder address (IPv4 and/or IPv6; repeat for both)");
    run_cmd->add_option("--proxy", run.proxies,
                        "A DNS proxy to test with the proxy kind, e.g. a CPE's LAN address (one per family)");
    run_cmd->add_option("--baseline", run.baseline,
                        "The responder reached without the device under test, for the load kind (one per family)");
    run_cmd->add_option("--port", run.port, "Responder port (default 53)")->check(CLI::Range(1, 65535));
    run_cmd->add_option("--zone", run.zone, "Probe zone the responder serves (default probe.dnspath.test.)");
    run_cmd->add_option("--key-file,-k", run.key_file, "Key shared with the responder (dnspath keygen)");
    run_cmd->add_option("--out,-o", run.out_dir, "Folder for result.json, report.html and taps/")->capture_default_str();
    run_cmd->add_option("--probes", run.probes, "Probe kinds to run, in order (default: all)")
        ->check(CLI::IsMember(profile::known_probe_kinds()))
        ->delimiter(',');
    run_cmd->add_option("--families", run.families, "ipv4, ipv6 or both (default both)")
        ->check(CLI::IsMember({"ipv4", "ipv6"}))
        ->delimiter(',');
    run_cmd->add_option("--seed", run.seed, "Seed for probe ids and DNS ids (default random)");
    run_cmd->add_option("--device", run.devices,
                        "A device on the path and its taps, in path order: NAME=TAP_IN,TAP_OUT (IFACE, "
                        "netns:NS/IFACE); pcapng goes to OUT/taps/");
    run_cmd->add_flag("--json", run.json, "Print result.json to stdout instead of the table");
    run_cmd->add_flag("--no-color", run.no_color, "No colors in the table");

    RespondOptions respond;
    auto* respond_cmd = app.add_subcommand("respond", "Serve the probe zone: exact-size answers, TC=1, echo");
    respond_cmd->add_option("--listen,-l", respond.listen, "Address to listen on (repeat)")->required();
    respond_cmd->add_option("--port", respond.port, "Port (default 53)")->check(CLI::Range(1, 65535));
    respond_cmd->add_option("--zone", respond.zone, "Probe zone")->capture_default_str();
    respond_cmd->add_option("--key-file,-k", respond.key_file, "Key shared with the probe; without it no large answers");
    respond_cmd->add_flag("--dont-fragment", respond.dont_fragment, "Set DF / IPV6_DONTFRAG on UDP answers (PMTU tests)");
    respond_cmd->add_option("--zone-key", respond.zone_key,
                            "PEM ECDSA P-256 zone key; created there if missing (default: a new key per start)");
    respond_cmd->add_option("--ds-file", respond.ds_file, "Write the zone's DS record (a trust anchor) to this file");
    respond_cmd->add_option("--standby-keys", respond.standby_keys,
                            "Publish N RSA-4096-sized standby DNSKEYs (an algorithm rollover's DNSKEY size)")
        ->check(CLI::Range(0, 4));
    respond_cmd->add_option("--server-id", respond.server_id, "Name echoed as server=ID (which backend answered)");
    respond_cmd->add_option("--rate", respond.rate, "Queries per second per source address")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();

    std::string key_path;
    auto* keygen_cmd = app.add_subcommand("keygen", "Write a new random key file for respond and run");
    keygen_cmd->add_option("file", key_path, "Where to write the key")->required();

    std::string report_path;
    bool report_json = false, report_no_color = false;
    auto* report_cmd = app.add_subcommand("report", "Render a saved result.json as a table (or JSON)");
    report_cmd->add_option("result", report_path, "Path to result.json")->required();
    report_cmd->add_flag("--json", report_json, "Print JSON instead of the table");
    report_cmd->add_flag("--no-color", report_no_color, "No colors");
    std::string report_html;
    report_cmd->add_option("--html", report_html, "Also write the HTML report (path diagram, charts) to this file");

    NameOptions name_options;
    auto* name_cmd = app.add_subcommand("name", "Print a probe name for dig or a resolver (with the token from the key)");
    name_cmd->add_option("--key-file,-k", name_options.key_file, "Key shared with the responder (needed above the query size)");
    name_cmd->add_option("--zone", name_options.zone, "Probe zone")->capture_default_str();
    name_cmd->add_option("--id", name_options.id, "Probe id label ([a-z0-9-]; default random)");
    name_cmd->add_option("--size", name_options.size, "Answer size in octets")->check(CLI::Range(0, 65535));
    name_cmd->add_flag("--do", name_options.dnssec, "Mark the probe as DNSSEC (the answer is signed when the query has DO=1)");
    name_cmd->add_flag("--echo", name_options.echo, "Ask for the echo of what the responder saw");
    name_cmd->add_flag("--df", name_options.dont_fragment, "Ask for the answer with DF set");
    name_cmd->add_flag("--min", name_options.minimum_mtu, "Ask for the answer in 1280-octet fragments (IPv6)");

    CaptureOptions capture_options;
    auto* capture_cmd = app.add_subcommand(
        "capture", "Tap both sides of devices (pcapng per tap) until Ctrl-C, for a run made elsewhere; then analyze");
    capture_cmd->add_option("--device", capture_options.devices,
                            "NAME=TAP_IN,TAP_OUT (interface or netns:NS/IFACE), in path order")
        ->required();
    capture_cmd->add_option("--out,-o", capture_options.out_dir, "Folder; the pcapng files go in OUT/taps/")
        ->capture_default_str();
    capture_cmd->add_option("--port", capture_options.port, "DNS port to capture")->check(CLI::Range(1, 65535))->capture_default_str();
    capture_cmd->add_option("--seconds", capture_options.seconds, "Stop after this long (default: at Ctrl-C)")
        ->check(CLI::Range(0.0, 86400.0));
    AnalyzeOptions analyze;
    auto* analyze_cmd = app.add_subcommand("analyze", "Name the guilty devices from saved taps and a run's result.json");
    analyze_cmd->add_option("--device", analyze.devices, "NAME=IN.pcapng,OUT.pcapng, in path order");
    analyze_cmd->add_option("--tap", analyze.taps,
                            "DEVICE.in=FILE or DEVICE.out=FILE (.lan/.wan also work; pcap or pcapng; repeat)");
    analyze_cmd->add_option("--profile,-p", analyze.profile_path,
                            "Profile whose topology gives the devices' path order (and the zone)");
    analyze_cmd->add_option("--result", analyze.result_path, "The run's result.json")->required();
    analyze_cmd->add_option("--out,-o", analyze.out_dir, "Folder for the re-attributed result.json and report.html")->capture_default_str();
    analyze_cmd->add_option("--zone", analyze.zone, "Probe zone (default: the profile's, else probe.dnspath.test.)");
    analyze_cmd->add_flag("--json", analyze.json, "Print JSON instead of the table");

    LabOptions lab_options;
    auto* lab_cmd = app.add_subcommand("lab", "Build a profile's path from network namespaces with real faults");
    lab_cmd->require_subcommand(1);
    auto* lab_up_cmd = lab_cmd->add_subcommand("up", "Build the lab and start its responder; leave it running");
    auto* lab_run_cmd = lab_cmd->add_subcommand("run", "Build the lab, run the profile's plan in it, tear it down");
    auto* lab_down_cmd = lab_cmd->add_subcommand("down", "Remove every namespace of the lab (idempotent)");
    for (auto* sub : {lab_up_cmd, lab_run_cmd, lab_down_cmd})
        sub->add_option("--profile,-p", lab_options.profile_path,
                        "Profile with a [lab] section (default: the built-in profiles/default.toml)");
    lab_down_cmd->add_option("--prefix", lab_options.prefix, "Remove namespaces named PREFIX-* (instead of --profile)");
    lab_run_cmd->add_option("--out,-o", lab_options.out_dir, "Folder for result.json, report.html and taps/")->capture_default_str();
    lab_run_cmd->add_flag("--json", lab_options.json, "Print result.json to stdout instead of the table");
    lab_run_cmd->add_option("--probes", lab_options.probes, "Probe kinds to run (default: the profile's plan)")
        ->check(CLI::IsMember(profile::known_probe_kinds()))
        ->delimiter(',');
    lab_run_cmd->add_option("--families", lab_options.families, "ipv4, ipv6 or both")
        ->check(CLI::IsMember({"ipv4", "ipv6"}))
        ->delimiter(',');
    auto* version_cmd = app.add_subcommand("version", "Print the version");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForAllHelp& help) {
        return app.exit(help);
    } catch (const CLI::CallForVersion& version) {
        return app.exit(version);
    } catch (const CLI::ParseError& error) {
        app.exit(error);
        return kExitUsage;
    }

    if (run_cmd->parsed()) return command_run(run);
    if (respond_cmd->parsed()) return command_respond(respond);
    if (keygen_cmd->parsed()) return command_keygen(key_path);
    if (report_cmd->parsed()) return command_report(report_path, report_json, report_no_color, report_html);
    if (name_cmd->parsed()) return command_name(name_options);
    if (capture_cmd->parsed()) return command_capture(capture_options);
    if (analyze_cmd->parsed()) return command_analyze(analyze);
    if (lab_cmd->parsed()) {
        lab_options.action = lab_up_cmd->parsed() ? "up" : lab_run_cmd->parsed() ? "run" : "down";
        return command_lab(lab_options);
    }
    if (version_cmd->parsed()) {
        std::cout << "dnspath " << DNSPATH_VERSION << "\n";
        return kExitPass;
    }
    return kExitUsage;
}
