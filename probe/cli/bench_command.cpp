// `dnspath bench`: builds the bench (probe/lab/bench.h), runs the plan from its LAN side with taps
// on both interfaces, and gives the interfaces back whatever happens.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "probe/cli/commands.h"
#include "probe/cli/support.h"
#include "probe/lab/lab.h"
#include "probe/profile/profile.h"
#include "probe/run/run.h"

namespace dnspath::cli {
namespace {

// The bench's run: a child run in the LAN namespace, its request on standard input, taps on both
// interfaces naming the DUT.
Result<run::RunRequest> bench_request(const BenchCliOptions& options, const lab::BenchSession& session) {
    run::RunRequest request;
    if (!options.profile_path.empty()) {
        auto profile = profile::load_profile_file(options.profile_path);
        if (!profile) return fail(profile.error().describe());
        request = run::request_from_profile(*profile, options.profile_path);
    }
    request = session.run_request(std::move(request), options.dut_name);
    if (!options.dut_model.empty() || !options.dut_firmware.empty()) {
        auto& identities = request.identities;
        auto found = std::find_if(identities.begin(), identities.end(), [&](const auto& each) { return each.name == options.dut_name; });
        auto& dut = found != identities.end() ? *found : identities.emplace_back(model::DeviceIdentity{options.dut_name, "", ""});
        if (!options.dut_model.empty()) dut.model = options.dut_model;
        if (!options.dut_firmware.empty()) dut.firmware = options.dut_firmware;
    }
    if (!options.targets.empty()) request.config.targets = options.targets;
    if (!options.key_file.empty()) request.key_file = options.key_file;
    // Both of SAC035's modes in one run: the default plan (route mode, through the DUT) and the
    // proxy kind (the DUT's own DNS proxy), unless the profile or --probes say otherwise.
    if (!options.probes.empty()) request.config.plan.probes = options.probes;
    if (!options.families.empty()) request.config.plan.families = options.families;
    request.out_dir = options.out_dir;
    request.language = reports::parse_language(options.lang).value_or(reports::Language::en);
    request.command_line = options.command_line;
    return request;
}

void print_bench(const BenchCliOptions& options, const lab::BenchFacts& facts) {
    if (!facts.wan_namespace.empty())
        std::cerr << "bench: WAN " << options.wan << " plays the ISP: responder and DNS " << lab::kBenchWanIpv4 << " "
                  << lab::kBenchWanIpv6 << ", " << (options.uplink == "dhcp" ? "DHCP 198.18.200.100-199" : "static uplink")
                  << (facts.dut_wan_lease.empty() ? "" : ", the DUT leased " + facts.dut_wan_lease)
                  << (facts.dut_wan_ipv6.empty() ? "" : ", " + facts.dut_wan_ipv6 + " (DHCPv6)")
                  << (facts.delegated_prefix.empty() ? ""
                                                     : ", delegated " + facts.delegated_prefix + " via " + facts.delegated_via)
                  << "\n";
    if (facts.lan_namespace.empty()) return;
    std::cerr << "bench: LAN " << options.lan << " plays the home: " << facts.lan_ipv4
              << (facts.lan_ipv6.empty() ? "" : " " + facts.lan_ipv6) << ", gateway " << facts.gateway << ", the DUT's DNS "
              << (facts.dut_dns.empty() ? "(none)" : facts.dut_dns);
    for (const auto& resolver : facts.resolvers) std::cerr << ", resolver " << resolver;
    std::cerr << "\n";
}

// The far side only: serve until Ctrl-C (or --seconds) while a tap on the WAN interface writes
// OUT/taps/DUT.out.pcapng; a probe elsewhere asks our responder, and `analyze` can join the two.
int serve_wan_side(const BenchCliOptions& options, const lab::BenchSession& session, const std::atomic<bool>& stop) {
    if (auto ready = run::prepare_out_dir(options.out_dir); !ready) return usage_error(ready.error().message);
    auto tap = lab::Process::spawn({self_executable(), "capture", "--device", options.dut_name + "=," + session.wan_tap(),
                                    "--out", options.out_dir},
                                   {options.out_dir + "/capture.log", true});
    if (!tap) return usage_error(tap.error().message);
    std::cerr << "bench: serving; probe from the DUT's LAN with: dnspath run --target " << lab::kBenchWanIpv4
              << " --key-file " << session.key_path() << " --proxy <the DUT's DNS>; the WAN tap writes "
              << options.out_dir << "/taps/" << options.dut_name << ".out.pcapng; Ctrl-C ends\n";
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long>(options.seconds * 1000));
    while (!stop.load() && (options.seconds <= 0 || std::chrono::steady_clock::now() < until))
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const int tapped = tap->wait([] { return true; });  // SIGINT: it closes its pcapng and says what it saw
    return tapped == 0 ? kExitPass : usage_error("the WAN tap failed (" + options.out_dir + "/capture.log)");
}

}  // namespace

int command_bench(const BenchCliOptions& given) {
    BenchCliOptions options = given;
    if (options.dut_name.empty()) {
        // The DUT is the profile's one device when it lists one (its model and firmware with it).
        options.dut_name = "dut";
        if (!options.profile_path.empty())
            if (auto profile = profile::load_profile_file(options.profile_path); profile && profile->devices.size() == 1)
                options.dut_name = profile->devices.front().name;
    }
    if (geteuid() != 0)
        return usage_error("bench needs CAP_NET_ADMIN and CAP_SYS_ADMIN to move interfaces into namespaces: run it as root");
    if (options.wan.empty() && !options.lan.empty() && options.targets.empty())
        return usage_error("bench --lan alone is a field test: give --target ADDR (a remote responder) and --key-file");
    if (!options.lan_address.empty() && options.lan_gateway.empty()) return usage_error("--lan-address needs --lan-gateway");
    if (!options.resolvers.empty() && (options.lan.empty() || options.wan.empty()))
        return usage_error("--resolvers needs --lan and --wan: the resolvers sit in the home and resolve through the device "
                           "to the bench's responder");
    if (!options.lan.empty())
        if (auto ready = run::prepare_out_dir(options.out_dir); !ready) return usage_error(ready.error().message);
    std::atomic<bool> stop{false};
    StopOnSignal on_signal(stop);  // taken before the bench is built: a Ctrl-C then restores it
    lab::BenchOptions bench{options.lan, options.wan, options.uplink, std::nullopt, options.force,
                            options.lan_address, options.lan_gateway, options.lan_dns};
    if (options.wan_mtu > 0) bench.wan_mtu = options.wan_mtu;
    bench.delegated_length = options.pd_length;
    bench.resolvers = options.resolvers;
    auto session = lab::BenchSession::start(bench, self_executable());
    if (!session) return usage_error(session.error().message);
    print_bench(options, session->facts());
    if (stop.load()) return usage_error("interrupted while the bench was built; the interfaces are back");
    if (auto dropped = keep_only_teardown_privileges(); !dropped) return usage_error(dropped.error().message);
    if (options.lan.empty()) return serve_wan_side(options, *session, stop);
    auto request = bench_request(options, *session);
    if (!request) return usage_error(request.error().message);
    std::vector<std::string> argv{"ip", "netns", "exec", session->facts().lan_namespace, self_executable(), "run", "--request", "-"};
    if (options.json) argv.push_back("--json");
    lab::Process::Options child;
    child.standard_input = run::to_json(*request);
    auto probe = lab::Process::spawn(argv, child);
    if (!probe) return usage_error(probe.error().message);
    return probe->wait([&stop] { return stop.load(); });
}

}  // namespace dnspath::cli
