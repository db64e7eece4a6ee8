// The run sequence: taps opened, privileges dropped to a raw socket, the plan run, the taps'
// findings judged, real resolvers asked, the record stamped, result.json and report.html written.
#include "probe/run/run.h"

#include <arpa/inet.h>
#include <linux/capability.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include "probe/judge/judge.h"
#include "probe/net/net.h"
#include "probe/peers/peers.h"
#include "probe/wire/wire.h"

namespace dnspath::run {
namespace {

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

// Real resolvers behind the same path, asked signed names once the plan is done.
Result<void> ask_resolvers(model::RunResult& result, const RunRequest& request, const wire::Bytes& key,
                           const std::atomic<bool>& stop, const RunHooks& hooks) {
    std::vector<peers::Resolver> resolvers;
    for (const auto& resolver : request.resolvers) {
        auto server = net::Endpoint::parse(resolver.address, resolver.port);
        if (!server) return fail("resolver " + resolver.name + ": " + server.error().message);
        resolvers.push_back({resolver.name, *server});
    }
    if (hooks.asking_resolvers) hooks.asking_resolvers(resolvers.size());
    char run_id[16];
    std::snprintf(run_id, sizeof run_id, "r%06llx", static_cast<unsigned long long>(request.config.seed & 0xffffff));
    const auto zone = wire::Name::parse(request.config.zone).value_or(wire::Name{});
    result.resolvers = peers::ask_resolvers(resolvers, peers::questions(zone, key, run_id), {}, stop);
    if (stop.load()) result.interrupted = true;
    return Ok{};
}

// The live taps of the request's devices, started before the first probe.
Result<std::optional<capture::CaptureSession>> start_taps(const RunRequest& request) {
    if (request.devices.empty()) return std::optional<capture::CaptureSession>{};
    // Which messages are the run's: the zone's, and in target mode the server's names.
    std::vector<wire::Name> names;
    for (const auto& listed : request.config.target_names)
        if (auto name = wire::Name::parse(listed.name)) names.push_back(*name);
    auto started = capture::CaptureSession::start(request.devices, request.config.port,
                                                  (std::filesystem::path(request.out_dir) / "taps").string(),
                                                  wire::Name::parse(request.config.zone).value_or(wire::Name{}), names);
    if (!started) return fail(started.error().message);
    return std::optional<capture::CaptureSession>{std::move(started).value()};
}

}  // namespace

Result<void> prepare_out_dir(const std::string& dir) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error || !std::filesystem::is_directory(dir, error))
        return fail("cannot create output folder " + dir + (error ? ": " + error.message() : ": not a folder"));
    if (::access(dir.c_str(), W_OK) != 0) return fail("cannot write into output folder " + dir);
    return Ok{};
}

Result<PreparedRun> prepare(RunRequest request) {
    if (request.config.targets.empty()) return fail("run: give --target ADDRESS (or --profile with target.addresses)");
    // A proxy given is a proxy to test: its checks run whether or not the plan listed them.
    auto& probes = request.config.plan.probes;
    if (!request.config.proxies.empty() && std::find(probes.begin(), probes.end(), "proxy") == probes.end())
        probes.push_back("proxy");
    if (!request.key_file.empty()) {
        DNSPATH_TRY(request.config.key, wire::read_key_file(request.key_file));
    }
    for (const auto& resolver : request.resolvers)
        if (auto server = net::Endpoint::parse(resolver.address, resolver.port); !server)
            return fail("resolver " + resolver.name + ": " + server.error().message);
    if (request.config.seed == 0) request.config.seed = std::random_device{}();
    if (auto& addressing = request.addressing)
        addressing->lan_in_delegation = !addressing->lan_ipv6.empty() && inside_prefix(addressing->lan_ipv6, addressing->delegated_prefix);
    if (auto ready = prepare_out_dir(request.out_dir); !ready) return fail(ready.error().message);
    PreparedRun prepared;
    // The switch happens while this is the only thread, keeping what the taps still need (capture,
    // namespaces, trimming the bounding set later); every thread from here is the user's.
    if (!request.user.empty()) {
        const auto& dir = request.out_dir;
        auto became = net::become_user(request.user, {dir, dir + "/result.json", dir + "/report.html"},
                                       {CAP_NET_RAW, CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_SETPCAP});
        if (!became) return fail(became.error().message);
    }
    prepared.request_ = std::move(request);
    return prepared;
}

Result<RunOutcome> execute(const PreparedRun& run, const std::atomic<bool>& stop, const RunHooks& hooks) {
    const auto& request = run.request();
    auto taps = start_taps(request);
    if (!taps) return fail(taps.error().message);
    // Taps and namespaces are open: from here the probes need only raw sockets (crafted fragments,
    // ICMP); everything else goes.
    auto dropped = net::drop_privileges({CAP_NET_RAW});
    if (!dropped) return fail(dropped.error().message);
    if (!request.user.empty() && hooks.privileges_dropped) hooks.privileges_dropped(*dropped);
    auto result = probe::run_plan(request.config, stop, hooks.progress);
    if (!result) return fail(result.error().message);
    // The taps stop here: the resolvers' own traffic after the plan is theirs, not the probes'.
    std::optional<std::vector<model::CaptureFinding>> findings;
    if (*taps) findings = (*taps)->finish(*result);
    result->identities = request.identities;
    result->addressing = request.addressing;
    if (!request.resolvers.empty() && !stop.load())
        if (auto asked = ask_resolvers(*result, request, request.config.key, stop, hooks); !asked) return fail(asked.error().message);
    probe::stamp_run(*result, request.command_line, request.profile_path, request.profile_name);
    return conclude(std::move(result).value(), findings, request.out_dir, request.language);
}

Result<RunOutcome> conclude(model::RunResult result, const std::optional<std::vector<model::CaptureFinding>>& findings,
                            const std::string& out_dir, reports::Language language) {
    if (findings) judge::judge_with_findings(result, *findings);
    auto written = reports::write_outputs(result, out_dir, language);
    if (!written) return fail(written.error().message);
    return RunOutcome{std::move(result), written->first, written->second};
}

Result<model::RunResult> diagnose_zone(const diagnose::Options& options, const std::function<void(std::string_view)>& progress,
                                       const std::string& out_dir, reports::Language language) {
    DNSPATH_TRY_VOID(diagnose::validate(options));
    DNSPATH_TRY(model::RunResult result, diagnose::run(options, progress));
    judge::judge_standards(result);
    if (!out_dir.empty()) DNSPATH_TRY_VOID(reports::write_outputs(result, out_dir, language));
    return result;
}

Result<RunOutcome> analyze(const AnalyzeRequest& request) {
    auto result = reports::read_json(reports::result_file(request.result_path));
    if (!result) return fail(result.error().message);
    auto zone = wire::Name::parse(request.zone);
    if (!zone) return fail("--zone: " + zone.error().message);
    if (auto ready = prepare_out_dir(request.out_dir); !ready) return fail(ready.error().message);
    auto findings = capture::analyze_files(request.devices, *result, *zone);
    if (!findings) return fail(findings.error().message);
    return conclude(std::move(result).value(), *findings, request.out_dir, request.language);
}

}  // namespace dnspath::run
