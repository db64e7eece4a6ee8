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
#include <random>
#include <thread>

#include "capture/capture.h"
#include "probe/probe.h"
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
};

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
        config.port = profile.target.port;
        config.zone = profile.target.zone;
        config.plan = profile.plan;
        if (key_file.empty() && profile.target.key_file)
            key_file = resolve_beside(options.profile_path, *profile.target.key_file);
        if (profile.target.mode == "target")
            return usage_error(options.profile_path + ": target mode (asking a real server) is not implemented yet");
        if (config.targets.empty() && profile.lab)
            return usage_error(options.profile_path + ": this profile builds its path in a lab; `dnspath lab run` "
                                                      "is not implemented yet, so give --target");
    } else if (options.check_only) {
        return usage_error("--check needs --profile");
    }
    if (!options.targets.empty()) config.targets = options.targets;
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

    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);
    const bool tty = isatty(STDERR_FILENO) != 0;
    auto progress = [tty](std::string_view kind, reports::Family family, std::size_t step, std::size_t steps) {
        char line[128];
        std::snprintf(line, sizeof line, "[%zu/%zu] %.*s %s", step + 1, steps, static_cast<int>(kind.size()),
                      kind.data(), std::string(reports::to_string(family)).c_str());
        if (tty)
            std::cerr << "\r\033[K" << line << std::flush;
        else
            std::cerr << line << "\n";
    };
    auto result = probe::run_plan(config, stop, progress);
    if (tty) std::cerr << "\r\033[K" << std::flush;
    if (!result) return usage_error(result.error().message);

    const std::string json_path = (std::filesystem::path(options.out_dir) / "result.json").string();
    if (auto written = reports::write_json(*result, json_path); !written) return usage_error(written.error().message);
    if (options.json) {
        std::cout << reports::to_json(*result);
    } else {
        std::cout << reports::render_text(*result, !options.no_color && isatty(STDOUT_FILENO) != 0);
        std::cout << "result: " << json_path << " (" << result->probes.size() << " probes, " << result->duration_s
                  << " s)\n";
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
};

int command_respond(const RespondOptions& options) {
    responder::ServerConfig config;
    config.listen = options.listen;
    config.port = static_cast<std::uint16_t>(options.port);
    config.force_dont_fragment = options.dont_fragment;
    config.queries_per_second_per_source = options.rate;
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
    auto server = responder::Server::open(config);
    if (!server) return usage_error(server.error().message);
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);
    std::cerr << "dnspath respond: serving " << zone->to_string() << " on port " << options.port << " (";
    for (std::size_t i = 0; i < options.listen.size(); ++i) std::cerr << (i ? ", " : "") << options.listen[i];
    std::cerr << ")\n";
    auto served = server->serve(stop);
    if (!served) return usage_error(served.error().message);
    std::cerr << "dnspath respond: stopped after " << server->answered() << " answers\n";
    return kExitPass;
}

int command_keygen(const std::string& path) {
    unsigned char key[32];
    if (RAND_bytes(key, sizeof key) != 1) return usage_error("keygen: OpenSSL has no randomness");
    if (std::filesystem::exists(path)) return usage_error("keygen: " + path + " exists; not overwriting a key");
    std::ofstream out(path, std::ios::binary);
    if (!out) return usage_error("keygen: cannot write " + path);
    out << wire::hex(wire::ByteView(key, sizeof key)) << "\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::cout << "wrote a 256-bit key to " << path << "; give it to both `respond` and `run` with --key-file\n";
    return kExitPass;
}

int command_report(const std::string& path, bool json, bool no_color) {
    auto result = reports::read_json(path);
    if (!result) return usage_error(result.error().message);
    if (json)
        std::cout << reports::to_json(*result);
    else
        std::cout << reports::render_text(*result, !no_color && isatty(STDOUT_FILENO) != 0);
    return reports::exit_code(*result);
}

int not_implemented(const std::string& what) {
    std::cerr << "dnspath " << what << ": not implemented yet (see README, \"Status\")\n";
    return kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"dnspath: finds which box on a network path breaks DNS.\n"
                 "Exit codes: 0 every checkpoint passed, 1 a checkpoint failed, 2 usage or environment error."};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("dnspath ") + DNSPATH_VERSION);

    RunOptions run;
    auto* run_cmd = app.add_subcommand("run", "Probe a path: every checkpoint against a responder (or a profile's plan)");
    // No ExistingFile check here: the profile loader's own one-line error is clearer.
    run_cmd->add_option("--profile,-p", run.profile_path, "TOML profile with target, plan and topology");
    run_cmd->add_flag("--check", run.check_only, "Validate the profile and exit (0 valid, 2 invalid)");
    run_cmd->add_option("--target,-t", run.targets, "Responder address (IPv4 and/or IPv6; repeat for both)");
    run_cmd->add_option("--port", run.port, "Responder port (default 53)")->check(CLI::Range(1, 65535));
    run_cmd->add_option("--zone", run.zone, "Probe zone the responder serves (default probe.dnspath.test.)");
    run_cmd->add_option("--key-file,-k", run.key_file, "Key shared with the responder (dnspath keygen)");
    run_cmd->add_option("--out,-o", run.out_dir, "Folder for result.json")->capture_default_str();
    run_cmd->add_option("--probes", run.probes, "Probe kinds to run, in order (default: all)")
        ->check(CLI::IsMember(profile::known_probe_kinds()))
        ->delimiter(',');
    run_cmd->add_option("--families", run.families, "ipv4, ipv6 or both (default both)")
        ->check(CLI::IsMember({"ipv4", "ipv6"}))
        ->delimiter(',');
    run_cmd->add_option("--seed", run.seed, "Seed for probe ids and DNS ids (default random)");
    run_cmd->add_flag("--json", run.json, "Print result.json to stdout instead of the table");
    run_cmd->add_flag("--no-color", run.no_color, "No colors in the table");

    RespondOptions respond;
    auto* respond_cmd = app.add_subcommand("respond", "Serve the probe zone: exact-size answers, TC=1, echo");
    respond_cmd->add_option("--listen,-l", respond.listen, "Address to listen on (repeat)")->required();
    respond_cmd->add_option("--port", respond.port, "Port (default 53)")->check(CLI::Range(1, 65535));
    respond_cmd->add_option("--zone", respond.zone, "Probe zone")->capture_default_str();
    respond_cmd->add_option("--key-file,-k", respond.key_file, "Key shared with the probe; without it no large answers");
    respond_cmd->add_flag("--dont-fragment", respond.dont_fragment, "Set DF / IPV6_DONTFRAG on UDP answers (PMTU tests)");
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

    auto* capture_cmd = app.add_subcommand("capture", "Capture on taps around each device (not implemented yet)");
    auto* analyze_cmd = app.add_subcommand("analyze", "Attribute losses from saved taps (not implemented yet)");
    auto* lab_cmd = app.add_subcommand("lab", "Build a profile's path from network namespaces (not implemented yet)");
    for (auto* stub : {capture_cmd, analyze_cmd, lab_cmd}) stub->allow_extras();
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
    if (report_cmd->parsed()) return command_report(report_path, report_json, report_no_color);
    if (capture_cmd->parsed()) return not_implemented("capture");
    if (analyze_cmd->parsed()) return not_implemented("analyze");
    if (lab_cmd->parsed()) return not_implemented("lab");
    if (version_cmd->parsed()) {
        std::cout << "dnspath " << DNSPATH_VERSION << "\n";
        return kExitPass;
    }
    return kExitUsage;
}
