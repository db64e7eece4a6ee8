#include <openssl/evp.h>
#include <sys/utsname.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <mutex>

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

// One kind on one family, as the plan lists it.
struct Step {
    const ProbeKind* kind;
    Family family;
};

// A part's verdicts appended, and the figures it measured written over the result's.
void absorb(model::RunResult& result, model::RunResult&& part) {
    for (auto& verdict : part.verdicts) result.verdicts.push_back(std::move(verdict));
    model::overlay(result.ipv4, part.ipv4);
    model::overlay(result.ipv6, part.ipv6);
}

// The path's loss rate per family, before any verdict is weighed against it: the families are
// measured side by side, each on a lane, and their estimates go back to the session.
void measure_losses(Session& session, const std::set<Family>& unreachable, model::RunResult& result) {
    std::vector<Family> families;
    for (const auto& [family, endpoint] : session.config().targets)
        if (!unreachable.count(family)) families.push_back(family);
    std::vector<model::RunResult> parts(families.size());
    std::vector<LossEstimate> estimates(families.size());
    std::vector<std::function<void(Session&)>> tasks;
    for (std::size_t i = 0; i < families.size(); ++i)
        tasks.push_back([&, i](Session& lane) {
            if (lane.stopped()) return;
            measure_loss(lane, families[i], parts[i]);
            estimates[i] = lane.loss(families[i]);
        });
    session.side_by_side(tasks);
    for (std::size_t i = 0; i < families.size(); ++i) {
        session.set_loss(families[i], estimates[i]);
        absorb(result, std::move(parts[i]));
    }
}

// The na verdicts of a step that cannot run: its family is unreachable or has no target, or the
// kind needs the responder and this is target mode. False when the step is to run.
bool settled_without_running(const Step& step, const Session& session, const std::set<Family>& unreachable,
                             model::RunResult& part) {
    std::optional<model::Cause> why;
    if (unreachable.count(step.family)) why = cause(CauseCode::not_measured, {{"why", "unreachable"}});
    else if (!session.config().targets.count(step.family)) why = cause(CauseCode::not_measured, {{"why", "no-target"}});
    else if (step.kind->run == nullptr)
        why = cause(CauseCode::not_measured, {{"why", "target-mode"}, {"kind", model::to_string(step.kind->id)}});
    if (!why) return false;
    for (auto checkpoint : step.kind->checkpoints) add_verdict(part, checkpoint, step.family, model::Status::na, *why);
    return true;
}

// Runs the steps at once, each on a lane of the session with a part of its own, and joins the
// lanes' records in plan order. A lost probe's wait then overlaps the others' waits.
void run_side_by_side(Session& session, const std::vector<Step>& steps, const std::vector<std::size_t>& chosen,
                      std::vector<model::RunResult>& parts, const std::function<void(std::size_t)>& finished) {
    std::mutex telling;  // progress is told in the order the steps end, one line at a time
    std::vector<std::function<void(Session&)>> tasks;
    for (auto index : chosen)
        tasks.push_back([&, index](Session& lane) {
            const Step& step = steps[index];
            if (!lane.stopped()) step.kind->run(lane, step.family, parts[index]);
            const std::lock_guard<std::mutex> lock(telling);
            finished(index);
        });
    session.side_by_side(tasks);
}

// Runs a segment of steps side by side, with every waiting after-together step (ttl) whose family
// already has a failure: the plan's first failure is then known (the segments run in plan
// order), so it need not wait for the rest of the plan.
void run_segment(Session& session, const std::vector<Step>& steps, std::vector<std::size_t> segment,
                 std::vector<std::size_t>& after_together, std::vector<model::RunResult>& parts,
                 const std::function<void(std::size_t)>& finished) {
    std::erase_if(after_together, [&](std::size_t i) {
        if (!session.first_failure(steps[i].family)) return false;
        segment.push_back(i);
        return true;
    });
    run_side_by_side(session, steps, segment, parts, finished);
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
    for (const auto& address : config.proxy_wan) {
        DNSPATH_TRY(net::Endpoint endpoint, net::Endpoint::parse(address, 53));
        session_config.proxy_wan[endpoint.is_ipv6() ? Family::ipv6 : Family::ipv4] = endpoint;
    }
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
    std::vector<Step> steps;
    for (const auto& name : config.plan.probes)
        for (const auto& family_name : config.plan.families)
            steps.push_back({find_probe_kind(name, target_mode), family_of(family_name)});

    std::set<Family> unreachable = check_reachability(session, config, target_mode, stop, result);
    measure_losses(session, unreachable, result);

    // Each step decides into a part of its own; the parts join in plan order, so the verdicts
    // read as the plan lists them whichever step ended first.
    std::vector<model::RunResult> parts(steps.size());
    std::size_t done = 0;
    auto finished = [&](std::size_t step) {
        if (progress) progress(model::to_string(steps[step].kind->id), steps[step].family, done++, steps.size());
    };
    // Steps side by side in segments: a barrier kind's steps (both families) are a segment of
    // their own between the steps before and after them.
    std::vector<std::size_t> side_by_side, after_together, alone;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (settled_without_running(steps[i], session, unreachable, parts[i])) {
            finished(i);
            continue;
        }
        const auto schedule = steps[i].kind->schedule;
        (schedule == Schedule::alone            ? alone
         : schedule == Schedule::after_together ? after_together
                                                : side_by_side).push_back(i);
    }
    std::vector<std::size_t> segment;
    bool barrier_segment = false;
    for (auto i : side_by_side) {
        const bool barrier = steps[i].kind->schedule == Schedule::barrier;
        const bool same_barrier = barrier && barrier_segment && steps[segment.back()].kind == steps[i].kind;
        if (!segment.empty() && (barrier || barrier_segment) && !same_barrier) {
            run_segment(session, steps, segment, after_together, parts, finished);
            segment.clear();
        }
        barrier_segment = barrier;
        segment.push_back(i);
    }
    run_segment(session, steps, segment, after_together, parts, finished);
    run_side_by_side(session, steps, after_together, parts, finished);
    for (auto i : alone) {
        if (stop.load()) break;
        steps[i].kind->run(session, steps[i].family, parts[i]);
        finished(i);
    }
    for (auto& part : parts) absorb(result, std::move(part));

    result.interrupted = stop.load();
    result.probes = std::move(session.records());
    judge::judge_together(result);
    result.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

}  // namespace dnspath::probe
