// `dnspath lab` and `dnspath bench`: the path built (probe/lab), the run made in it as a child, and
// what stands printed; the path is torn down or handed back whatever happens.
#include <unistd.h>

#include <iostream>

#include "probe/cli/options.h"
#include "probe/cli/support.h"

namespace dnspath::cli {
namespace {

// What `lab up` leaves running, and how to use it by hand.
void print_lab(const lab::LabSession& session, const profile::Profile& profile) {
    const auto& layout = session.layout();
    const auto request = session.run_request(run::request_from_profile(profile, ""));
    std::cout << "lab up: " << layout.nodes.size() + layout.servers.size() - 1 << " namespaces, "
              << (layout.load_balanced ? "load-balanced service on " : "responder on ") << layout.server_ipv4() << " and "
              << layout.server_ipv6() << " port 53\n";
    for (const auto& server : layout.servers)
        std::cout << "  responder " << server.ipv4 << " " << server.ipv6 << ": ip netns exec " << server.namespace_name << " bash\n";
    for (const auto& proxy : layout.proxies)
        std::cout << "  dnsmasq proxy of " << proxy.device->name << " on " << proxy.ipv4 << " and " << proxy.ipv6 << "\n";
    for (const auto& resolver : layout.resolvers)
        std::cout << "  validating resolver " << resolver.software << " on " << resolver.address << ": ip netns exec "
                  << layout.probe().namespace_name << " dig +dnssec @" << resolver.address << " " << profile.target.zone << " DNSKEY\n";
    for (std::size_t i = 0; i < layout.nodes.size(); ++i)
        std::cout << "  " << layout.nodes[i].name << ": ip netns exec " << layout.nodes[i].namespace_name << " bash"
                  << (layout.nodes[i].device ? "   (taps " + layout.tap_in(i) + ", " + layout.tap_out(i) + ")" : "") << "\n";
    std::cout << "probe it: ip netns exec " << layout.probe().namespace_name << " " << self_executable() << " run";
    for (auto [flag, list] : {std::pair{" --target ", &request.config.targets}, std::pair{" --proxy ", &request.config.proxies},
                              std::pair{" --baseline ", &request.config.baseline}})
        for (const auto& address : *list) std::cout << flag << address;
    std::cout << " --key-file " << request.key_file;
    for (const auto& resolver : request.resolvers) std::cout << " --resolver " << resolver.name << "=" << resolver.address;
    std::cout << "\nask it:   ip netns exec " << layout.probe().namespace_name << " dig @" << layout.server_ipv4() << " p1.s1500.echo."
              << profile.target.zone << " TXT   (large answers need the token: use run)\n"
              << "remove:   " << self_executable() << " lab down --prefix " << layout.prefix << "\n";
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
        auto choices = options.choices;
        choices.out_dir += "/" + balancer;
        choices.json = false;
        auto code = lab::run_lab_pass(pass, options.profile_path, choices, self_executable(), &balancer == &balancers.back(), stop);
        if (!code) return usage_error(code.error().message);
        if (*code == kExitUsage || stop.load()) return kExitUsage;
        worst = std::max(worst, *code);
    }
    const auto& out = options.choices.out_dir;
    auto first = reports::read_json(out + "/" + balancers[0] + "/result.json");
    auto second = reports::read_json(out + "/" + balancers[1] + "/result.json");
    if (!first || !second) return usage_error(!first ? first.error().message : second.error().message);
    const auto comparison = reports::compare(*first, *second, balancers[0], balancers[1]);
    const auto text = text_options(false, false, options.choices.language);
    if (auto written = emit(reports::render_comparison(comparison, reports::Format::md, text), out + "/comparison.md"); !written)
        return usage_error(written.error().message);
    const bool json = options.choices.json;
    std::cout << reports::render_comparison(comparison, json ? reports::Format::json : reports::Format::text, text)
              << (json ? "" : "comparison: " + out + "/comparison.md\n");
    return worst;
}

void print_bench(const lab::BenchOptions& options, const lab::BenchFacts& facts) {
    if (!facts.wan_namespace.empty())
        std::cerr << "bench: WAN " << options.wan << " plays the ISP: responder and DNS " << lab::kBenchWanIpv4 << " "
                  << lab::kBenchWanIpv6 << ", " << (options.uplink == "dhcp" ? "DHCP 198.18.200.100-199" : "static uplink")
                  << (facts.dut_wan_lease.empty() ? "" : ", the DUT leased " + facts.dut_wan_lease)
                  << (facts.dut_wan_ipv6.empty() ? "" : ", " + facts.dut_wan_ipv6 + " (DHCPv6)")
                  << (facts.delegated_prefix.empty() ? "" : ", delegated " + facts.delegated_prefix + " via " + facts.delegated_via) << "\n";
    if (facts.lan_namespace.empty()) return;
    std::cerr << "bench: LAN " << options.lan << " plays the home: " << facts.lan_ipv4 << (facts.lan_ipv6.empty() ? "" : " " + facts.lan_ipv6)
              << ", gateway " << facts.gateway << ", the DUT's DNS " << (facts.dut_dns.empty() ? "(none)" : facts.dut_dns);
    for (const auto& resolver : facts.resolvers) std::cerr << ", resolver " << resolver;
    std::cerr << "\n";
}

}  // namespace

int command_lab(const std::string& action, const LabOptions& options) {
    if (geteuid() != 0) return usage_error("lab needs CAP_NET_ADMIN and CAP_SYS_ADMIN to create network namespaces: run it as root");
    const bool embedded = options.profile_path.empty() && action != "down";
    std::optional<profile::Profile> loaded;
    if (embedded || !options.profile_path.empty()) {
        auto profile = embedded ? profile::parse_profile(profile::default_profile_text(), "<embedded default.toml>")
                                : profile::load_profile_file(options.profile_path);
        if (!profile) return print_profile_errors(profile.error(), options.choices.language), kExitUsage;
        if (!profile->lab) return usage_error(options.profile_path + ": no [lab] section; this profile is for a real path");
        loaded = std::move(profile).value();
    }
    if (action == "down") {
        const std::string prefix = !options.prefix.empty() ? options.prefix : loaded ? loaded->lab->prefix : "";
        if (prefix.empty()) return usage_error("lab down: give --profile or --prefix");
        auto removed = lab::lab_down(prefix);
        if (!removed) return usage_error(removed.error().message);
        std::cout << "lab down: removed " << *removed << " namespaces with prefix " << prefix << "-\n";
        return kExitPass;
    }
    // A lab with several balancers stands with the first one; `lab run` makes a pass with each.
    auto* last = loaded->devices.empty() ? nullptr : &loaded->devices.back();
    const bool several = last && last->balancers.size() > 1;
    if (last && !last->balancers.empty()) last->balancer = last->balancers.front();
    // Signals are taken from here: a Ctrl-C or SIGTERM while the lab is being built is kept until
    // it stands, and then the lab is torn down (the session's destructor) instead of left behind.
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);
    if (action == "up") {
        auto session = lab::LabSession::start(*loaded, self_executable());
        if (!session) return usage_error(session.error().message);
        if (stop.load()) return usage_error("interrupted while the lab was built; it is torn down");
        session->keep();
        print_lab(*session, *loaded);
        if (several) std::cout << "(balancer = \"" << last->balancer << "\", the first of balancers; lab run makes a pass with each)\n";
        return kExitPass;
    }
    if (several) return lab_balancer_passes(*loaded, options, stop);
    auto code = lab::run_lab_pass(*loaded, options.profile_path, options.choices, self_executable(), true, stop);
    return code ? *code : usage_error(code.error().message);
}

int command_bench(BenchCliOptions options) {
    std::optional<profile::Profile> profile;
    if (!options.profile_path.empty()) {
        auto loaded = profile::load_profile_file(options.profile_path);
        if (!loaded) return print_profile_errors(loaded.error(), options.run.choices.language), kExitUsage;
        profile = std::move(loaded).value();
    }
    // The DUT is the profile's one device when it lists one (its model and firmware with it).
    if (options.run.dut.empty()) options.run.dut = profile && profile->devices.size() == 1 ? profile->devices.front().name : "dut";
    auto& bench = options.bench;
    if (geteuid() != 0) return usage_error("bench needs CAP_NET_ADMIN and CAP_SYS_ADMIN to move interfaces into namespaces: run it as root");
    if (bench.wan.empty() && !bench.lan.empty() && options.run.targets.empty())
        return usage_error("bench --lan alone is a field test: give --target ADDR (a remote responder) and --key-file");
    if (!bench.lan_address.empty() && bench.lan_gateway.empty()) return usage_error("--lan-address needs --lan-gateway");
    if (!bench.resolvers.empty() && (bench.lan.empty() || bench.wan.empty()))
        return usage_error("--resolvers needs --lan and --wan: the resolvers sit in the home and resolve through the device "
                           "to the bench's responder");
    if (!bench.lan.empty())
        if (auto ready = run::prepare_out_dir(options.run.choices.out_dir); !ready) return usage_error(ready.error().message);
    if (options.wan_mtu > 0) bench.wan_mtu = options.wan_mtu;
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);  // taken before the bench is built: a Ctrl-C then restores it
    auto session = lab::BenchSession::start(bench, self_executable());
    if (!session) return usage_error(session.error().message);
    print_bench(bench, session->facts());
    if (stop.load()) return usage_error("interrupted while the bench was built; the interfaces are back");
    if (auto dropped = lab::keep_only_teardown_privileges(); !dropped) return usage_error(dropped.error().message);
    if (bench.lan.empty()) {
        const auto& out = options.run.choices.out_dir;
        std::cerr << "bench: serving; probe from the DUT's LAN with: dnspath run --target " << lab::kBenchWanIpv4 << " --key-file "
                  << session->key_path() << " --proxy <the DUT's DNS>; the WAN tap writes " << out << "/taps/" << options.run.dut
                  << ".out.pcapng; Ctrl-C ends\n";
        auto served = lab::serve_wan_side(*session, options.run.dut, out, options.seconds, self_executable(), stop);
        return served ? kExitPass : usage_error(served.error().message);
    }
    auto code = lab::run_bench(*session, options.run, profile, self_executable(), stop);
    return code ? *code : usage_error(code.error().message);
}

}  // namespace dnspath::cli
