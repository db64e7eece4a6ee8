// `dnspath lab up|run|down`: builds the profile's lab from network namespaces (probe/lab), runs the
// plan as a child in its probe namespace (one pass per balancer when several are listed), and
// tears it down whatever happens.
#include <fstream>
#include <iostream>

#include "cli/embedded_profile.h"
#include "probe/cli/commands.h"
#include "probe/cli/support.h"
#include "probe/lab/lab.h"
#include "probe/profile/profile.h"
#include "probe/run/run.h"
#include "reports/report.h"

namespace dnspath::cli {

namespace {

// The command a person types to probe the lab by hand (`lab up` prints it).
std::string typed_run(const run::RunRequest& request) {
    std::string line;
    for (auto [flag, list] : {std::pair{" --target ", &request.config.targets}, std::pair{" --proxy ", &request.config.proxies},
                              std::pair{" --baseline ", &request.config.baseline}})
        for (const auto& address : *list) line += flag + address;
    line += " --port " + std::to_string(request.config.port) + " --key-file " + request.key_file;
    for (const auto& resolver : request.resolvers) line += " --resolver " + resolver.name + "=" + resolver.address;
    return line;
}

// What `lab up` leaves running, and how to use it.
void print_lab(const lab::LabSession& session, const profile::Profile& profile, const run::RunRequest& request) {
    const auto& layout = session.layout();
    std::cout << "lab up: " << layout.nodes.size() + layout.servers.size() - 1 << " namespaces, "
              << (layout.load_balanced ? "load-balanced service on " : "responder on ") << layout.server_ipv4() << " and "
              << layout.server_ipv6() << " port 53\n";
    for (const auto& server : layout.servers)
        std::cout << "  responder " << server.ipv4 << " " << server.ipv6 << ": ip netns exec " << server.namespace_name << " bash\n";
    for (const auto& proxy : layout.proxies)
        std::cout << "  dnsmasq proxy of " << proxy.device->name << " on " << proxy.ipv4 << " and " << proxy.ipv6 << "\n";
    for (const auto& resolver : layout.resolvers)
        std::cout << "  validating resolver " << resolver.software << " on " << resolver.address << ": ip netns exec "
                  << layout.probe().namespace_name << " dig +dnssec @" << resolver.address << " " << profile.target.zone
                  << " DNSKEY\n";
    for (std::size_t i = 0; i < layout.nodes.size(); ++i) {
        std::cout << "  " << layout.nodes[i].name << ": ip netns exec " << layout.nodes[i].namespace_name << " bash";
        if (layout.nodes[i].device) std::cout << "   (taps " << layout.tap_in(i) << ", " << layout.tap_out(i) << ")";
        std::cout << "\n";
    }
    std::cout << "probe it: ip netns exec " << layout.probe().namespace_name << " " << self_executable() << " run"
              << typed_run(request);
    std::cout << "\nask it:   ip netns exec " << layout.probe().namespace_name << " dig @" << layout.server_ipv4()
              << " p1.s1500.echo." << profile.target.zone << " TXT   (large answers need the token: use run)\n"
              << "remove:   " << self_executable() << " lab down --prefix " << layout.prefix << "\n";
}

}  // namespace

namespace {

// One `lab run` pass: the lab built for `profile`, the probe run as a child in its probe
// namespace, writing to `out_dir`; the lab is torn down when the pass ends.
int lab_pass(const profile::Profile& profile, std::string profile_path, const std::string& out_dir,
             const LabOptions& options, bool json, bool last, const std::atomic<bool>& stop) {
    auto session = lab::LabSession::start(profile, self_executable());
    if (!session) return usage_error(session.error().message);
    if (stop.load()) return usage_error("interrupted while the lab was built; it is torn down, nothing was measured");
    // No lab is built after this one: from here the parent only waits and tears down.
    if (last)
        if (auto dropped = keep_only_teardown_privileges(); !dropped) return usage_error(dropped.error().message);
    // The probe runs in the probe namespace as a child given its request on standard input, so a
    // Ctrl-C reaches it and it still writes what it measured before the lab goes away. The embedded
    // profile gets a file, for the record's sha256.
    if (profile_path.empty()) {
        profile_path = session->layout().state_dir + "/default.toml";
        std::ofstream(profile_path) << cli::kEmbeddedDefaultProfile;
    }
    auto request = session->run_request(run::request_from_profile(profile, profile_path));
    for (auto [from, into] : {std::pair{&options.probes, &request.config.plan.probes},
                              std::pair{&options.families, &request.config.plan.families}})
        if (!from->empty()) *into = *from;
    request.out_dir = out_dir;
    request.language = reports::parse_language(options.lang).value_or(reports::Language::en);
    request.command_line = options.command_line;
    std::vector<std::string> argv{"ip", "netns", "exec", session->layout().probe().namespace_name, self_executable(),
                                  "run", "--request", "-"};
    if (json) argv.push_back("--json");
    lab::Process::Options child;
    child.standard_input = run::to_json(request);
    auto probe = lab::Process::spawn(argv, child);
    if (!probe) return usage_error(probe.error().message);
    return probe->wait([&stop] { return stop.load(); });
}

// A load balancer listed with several `balancers`: one pass per balancer into OUT/<balancer>/,
// then the passes compared (the first as "before"), printed and written to OUT/comparison.md.
int lab_balancer_passes(const profile::Profile& profile, const LabOptions& options, const std::atomic<bool>& stop) {
    const auto& balancers = profile.devices.back().balancers;
    int worst = kExitPass;
    for (const auto& balancer : balancers) {
        profile::Profile pass = profile;
        pass.devices.back().balancer = balancer;
        std::cerr << "lab run: pass with balancer = \"" << balancer << "\"\n";
        const int code = lab_pass(pass, options.profile_path, options.out_dir + "/" + balancer, options, false,
                                  &balancer == &balancers.back(), stop);
        if (code == kExitUsage) return code;
        worst = std::max(worst, code);
        if (stop.load()) return kExitUsage;
    }
    auto first = reports::read_json(options.out_dir + "/" + balancers[0] + "/result.json");
    auto second = reports::read_json(options.out_dir + "/" + balancers[1] + "/result.json");
    if (!first || !second) return usage_error(!first ? first.error().message : second.error().message);
    const auto comparison = reports::compare(*first, *second, balancers[0], balancers[1]);
    const auto text = text_options(false, false, options.lang);
    if (auto written = emit(reports::render_comparison(comparison, reports::Format::md, text), options.out_dir + "/comparison.md");
        !written)
        return usage_error(written.error().message);
    std::cout << (options.json ? reports::render_comparison(comparison, reports::Format::json, text)
                               : reports::render_comparison(comparison, reports::Format::text, text))
              << (options.json ? "" : "comparison: " + options.out_dir + "/comparison.md\n");
    return worst;
}

}  // namespace

int command_lab(const LabOptions& options) {
    if (geteuid() != 0)
        return usage_error("lab needs CAP_NET_ADMIN and CAP_SYS_ADMIN to create network namespaces: run it as root");
    const bool embedded = options.profile_path.empty() && options.action != "down";
    std::optional<profile::Profile> loaded;
    if (embedded || !options.profile_path.empty()) {
        auto profile = embedded ? profile::parse_profile(cli::kEmbeddedDefaultProfile, "<embedded default.toml>")
                                : profile::load_profile_file(options.profile_path);
        if (!profile) return print_profile_errors(profile.error()), kExitUsage;
        if (!profile->lab) return usage_error(options.profile_path + ": no [lab] section; this profile is for a real path");
        loaded = std::move(profile).value();
    }
    if (options.action == "down") {
        const std::string prefix = !options.prefix.empty() ? options.prefix : loaded ? loaded->lab->prefix : "";
        if (prefix.empty()) return usage_error("lab down: give --profile or --prefix");
        auto removed = lab::lab_down(prefix);
        if (!removed) return usage_error(removed.error().message);
        std::cout << "lab down: removed " << *removed << " namespaces with prefix " << prefix << "-\n";
        return kExitPass;
    }
    // A lab with several balancers stands with the first one; `lab run` makes a pass with each.
    const bool several = !loaded->devices.empty() && loaded->devices.back().balancers.size() > 1;
    if (!loaded->devices.empty() && !loaded->devices.back().balancers.empty())
        loaded->devices.back().balancer = loaded->devices.back().balancers.front();
    // Signals are taken from here: a Ctrl-C or SIGTERM while the lab is being built is kept until
    // it stands, and then the lab is torn down (the session's destructor) instead of left behind.
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);
    if (options.action == "up") {
        auto session = lab::LabSession::start(*loaded, self_executable());
        if (!session) return usage_error(session.error().message);
        if (stop.load()) return usage_error("interrupted while the lab was built; it is torn down");
        session->keep();
        print_lab(*session, *loaded, session->run_request(run::request_from_profile(*loaded, options.profile_path)));
        if (several) std::cout << "(balancer = \"" << loaded->devices.back().balancer << "\", the first of balancers; lab run makes a pass with each)\n";
        return kExitPass;
    }
    if (several) return lab_balancer_passes(*loaded, options, stop);
    return lab_pass(*loaded, options.profile_path, options.out_dir, options, options.json, true, stop);
}

}  // namespace dnspath::cli
