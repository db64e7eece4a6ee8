#include <openssl/evp.h>
#include <sys/utsname.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "probe/judge/judge.h"
#include "probe/kinds/kinds.h"
#include "probe/probe.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Checkpoint;
using model::Family;

namespace {

std::string utc_now() {
    std::time_t now = std::time(nullptr);
    std::tm parts{};
    gmtime_r(&now, &parts);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &parts);
    return buffer;
}

Family family_of(const std::string& name) { return name == "ipv6" ? Family::ipv6 : Family::ipv4; }

// The SHA-256 of a file's bytes as hex, "" when it cannot be read.
std::string file_sha256(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "";
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const std::string data = bytes.str();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) return "";
    return wire::hex(wire::ByteView(digest, length));
}

}  // namespace

ProfileRun run_from_profile(const profile::Profile& profile, const std::string& profile_path) {
    ProfileRun run;
    run.config.targets = profile.target.addresses;
    run.config.proxies = profile.target.proxies;
    run.config.baseline = profile.target.baseline;
    run.config.port = profile.target.port;
    run.config.zone = profile.target.zone;
    run.config.plan = profile.plan;
    if (profile.target.mode == "target") run.config.target_names = profile.target.names;
    if (profile.target.key_file) {
        std::filesystem::path key(*profile.target.key_file);
        run.key_file = key.is_absolute() || profile_path.empty()
                           ? key.string()
                           : (std::filesystem::path(profile_path).parent_path() / key).string();
    }
    return run;
}

void stamp_run(model::RunResult& result, const std::vector<std::string>& command_line, const std::string& profile_path,
               const std::optional<std::string>& profile_name) {
    result.command_line = command_line;
    result.ended_at = utc_now();
    struct utsname host {};
    if (uname(&host) == 0) result.host_kernel = std::string(host.sysname) + " " + host.release;
    if (!profile_path.empty())
        result.profile = model::ProfileInfo{profile_name.value_or(""), profile_path, file_sha256(profile_path)};
}

namespace {

// Before any verdict: does the target answer a small query at all? This also measures the RTT
// the timeouts adapt to, so the first lost probes do not wait the full ceiling. The families that
// did not answer (a failed reachability verdict each).
std::set<Family> check_reachability(Session& session, const RunConfig& config, bool target_mode,
                                    const std::atomic<bool>& stop, model::RunResult& result) {
    std::set<Family> unreachable;
    for (const auto& [family, endpoint] : session.config().targets) {
        if (stop.load()) break;
        // A lossy path is still reachable: more tries than a probe gets before calling it dead
        // (at 30 % loss each way, three tries all fail one time in eight; eight, one in 200).
        QuerySpec hello{.kind = "reachability", .echo = true, .edns = wire::Edns{}, .tries = 8};
        if (target_mode) {
            hello.echo = false;
            hello.name = wire::Name::parse(config.target_names.front().name).value_or(wire::Name{});
            hello.qtype = wire::rr_type::soa;
        }
        auto outcome = session.ask(family, hello);
        if (!outcome.answered()) {
            unreachable.insert(family);
            add_verdict(result, Checkpoint::reachability, family, model::Status::fail,
                        cause(CauseCode::no_answer, {{"what", "reachability"}, {"target", endpoint.to_string()},
                                                     {"outcome", to_string(outcome.kind)}}),
                        {outcome.probe_id});
        }
    }
    return unreachable;
}

}  // namespace

Result<model::RunResult> run_plan(const RunConfig& config, const std::atomic<bool>& stop, const Progress& progress) {
    const auto started = std::chrono::steady_clock::now();
    SessionConfig session_config;
    DNSPATH_TRY(session_config.zone, wire::Name::parse(config.zone));
    session_config.key = config.key;
    session_config.plan = config.plan;
    session_config.target_names = config.target_names;
    session_config.proxy_upstream_unseen = config.proxy_upstream_unseen;
    const bool target_mode = !config.target_names.empty();
    for (const auto& target : config.targets) {
        DNSPATH_TRY(net::Endpoint endpoint, net::Endpoint::parse(target, config.port));
        Family family = endpoint.is_ipv6() ? Family::ipv6 : Family::ipv4;
        if (session_config.targets.count(family))
            return fail("two " + std::string(model::to_string(family)) + " targets given; one per family is probed");
        session_config.targets.emplace(family, endpoint);
    }
    if (session_config.targets.empty()) return fail("no target: give --target ADDRESS (IPv4 and/or IPv6)");
    for (const auto& [addresses, into, what] :
         {std::tuple{&config.proxies, &session_config.proxies, "proxy"},
          std::tuple{&config.baseline, &session_config.baseline, "baseline"}}) {
        for (const auto& address : *addresses) {
            DNSPATH_TRY(net::Endpoint endpoint, net::Endpoint::parse(address, config.port));
            Family family = endpoint.is_ipv6() ? Family::ipv6 : Family::ipv4;
            if (into->count(family))
                return fail("two " + std::string(model::to_string(family)) + " " + what + " addresses given; one per family");
            into->emplace(family, endpoint);
        }
    }
    for (const auto& name : config.plan.probes)
        if (!find_probe_kind(name)) return fail("unknown probe kind '" + name + "'");

    model::RunResult result;
    result.tool_version = config.tool_version;
    result.started_at = utc_now();
    for (const auto& target : config.targets) result.targets.push_back(target);

    Session session(std::move(session_config), config.seed, stop);
    std::vector<std::pair<const ProbeKind*, Family>> steps;
    for (const auto& name : config.plan.probes)
        for (const auto& family_name : config.plan.families)
            steps.emplace_back(find_probe_kind(name, target_mode), family_of(family_name));

    std::set<Family> unreachable = check_reachability(session, config, target_mode, stop, result);

    // The path's loss rate, before any verdict is weighed against it.
    for (const auto& [family, endpoint] : session.config().targets) {
        if (stop.load() || unreachable.count(family)) continue;
        if (progress) progress("loss", family, 0, steps.size());
        measure_loss(session, family, result);
    }

    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (stop.load()) break;
        const auto [kind, family] = steps[i];
        if (progress) progress(model::to_string(kind->id), family, i, steps.size());
        if (unreachable.count(family)) {
            for (auto checkpoint : kind->checkpoints)
                add_verdict(result, checkpoint, family, model::Status::na,
                            cause(CauseCode::not_measured, {{"why", "unreachable"}}));
            continue;
        }
        if (!session.config().targets.count(family)) {
            for (auto checkpoint : kind->checkpoints)
                add_verdict(result, checkpoint, family, model::Status::na,
                            cause(CauseCode::not_measured, {{"why", "no-target"}}));
            continue;
        }
        if (kind->run == nullptr) {
            for (auto checkpoint : kind->checkpoints)
                add_verdict(result, checkpoint, family, model::Status::na,
                            cause(CauseCode::not_measured, {{"why", "target-mode"}, {"kind", model::to_string(kind->id)}}));
            continue;
        }
        kind->run(session, family, result);
    }
    result.interrupted = stop.load();
    result.probes = std::move(session.records());
    judge::judge_together(result);
    result.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

}  // namespace dnspath::probe
