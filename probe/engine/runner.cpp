#include <chrono>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>

#include "probe/kinds/kinds.h"
#include "probe/probe.h"

namespace dnspath::probe {

using reports::Family;

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

}  // namespace

Result<wire::Bytes> read_key_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("cannot read key file " + path);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    auto first = text.find_first_not_of(" \t\r\n");
    auto last = text.find_last_not_of(" \t\r\n");
    if (first == std::string::npos) return fail("key file " + path + " is empty");
    text = text.substr(first, last - first + 1);
    if (text.size() < 16) return fail("key file " + path + " holds under 16 octets: too weak to guard against reflection");
    return wire::Bytes(text.begin(), text.end());
}

Result<reports::RunResult> run_plan(const RunConfig& config, const std::atomic<bool>& stop, const Progress& progress) {
    const auto started = std::chrono::steady_clock::now();
    SessionConfig session_config;
    DNSPATH_TRY(session_config.zone, wire::Name::parse(config.zone));
    session_config.key = config.key;
    session_config.plan = config.plan;
    session_config.target_names = config.target_names;
    const bool target_mode = !config.target_names.empty();
    for (const auto& target : config.targets) {
        DNSPATH_TRY(net::Endpoint endpoint, net::Endpoint::parse(target, config.port));
        Family family = endpoint.is_ipv6() ? Family::ipv6 : Family::ipv4;
        if (session_config.targets.count(family))
            return fail("two " + std::string(reports::to_string(family)) + " targets given; one per family is probed");
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
                return fail("two " + std::string(reports::to_string(family)) + " " + what + " addresses given; one per family");
            into->emplace(family, endpoint);
        }
    }
    for (const auto& name : config.plan.probes)
        if (!find_probe_kind(name)) return fail("unknown probe kind '" + name + "'");

    reports::RunResult result;
    result.tool_version = config.tool_version;
    result.started_at = utc_now();
    for (const auto& target : config.targets) result.targets.push_back(target);

    Session session(std::move(session_config), config.seed, stop);
    std::vector<std::pair<const ProbeKind*, Family>> steps;
    for (const auto& name : config.plan.probes)
        for (const auto& family_name : config.plan.families)
            steps.emplace_back(find_probe_kind(name, target_mode), family_of(family_name));

    // Before any verdict: does the target answer a small query at all? This also measures the RTT
    // the timeouts adapt to, so the first lost probes do not wait the full ceiling.
    std::set<Family> unreachable;
    for (const auto& [family, endpoint] : session.config().targets) {
        if (stop.load()) break;
        QuerySpec hello{.kind = "reachability", .echo = true, .edns = wire::Edns{}};
        if (target_mode) {
            hello.echo = false;
            hello.name = wire::Name::parse(config.target_names.front().name).value_or(wire::Name{});
            hello.qtype = wire::rr_type::soa;
        }
        auto outcome = session.ask(family, hello);
        if (!outcome.answered()) {
            unreachable.insert(family);
            add_verdict(result, "reachability", family, reports::Status::fail,
                        "the target " + endpoint.to_string() + " does not answer a small query (" +
                            std::string(to_string(outcome.kind)) + "): nothing else on this path can be judged",
                        {evidence_line(outcome, "small echo query")});
        }
    }

    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (stop.load()) break;
        const auto [kind, family] = steps[i];
        if (progress) progress(kind->id, family, i, steps.size());
        if (unreachable.count(family)) {
            for (auto checkpoint : kind->checkpoints)
                add_verdict(result, std::string(checkpoint), family, reports::Status::na, "the target is unreachable");
            continue;
        }
        if (!session.config().targets.count(family)) {
            for (auto checkpoint : kind->checkpoints)
                add_verdict(result, std::string(checkpoint), family, reports::Status::na,
                            "no " + std::string(reports::to_string(family)) + " target was given");
            continue;
        }
        if (kind->run == nullptr) {
            for (auto checkpoint : kind->checkpoints)
                add_verdict(result, std::string(checkpoint), family, reports::Status::na,
                            target_mode ? "not measured in target mode: the '" + std::string(kind->id) +
                                              "' kind needs a dnspath responder"
                                        : "not measured: the '" + std::string(kind->id) +
                                              "' probe kind is not implemented yet (see README: status)");
            continue;
        }
        kind->run(session, family, result);
    }
    result.interrupted = stop.load();
    result.probes = std::move(session.records());
    result.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

}  // namespace dnspath::probe
