// What a standing lab or bench is, told to the person who built it: where its parts are and how
// to use them by hand.
#include <sstream>

#include "probe/lab/lab.h"

namespace dnspath::lab {

std::string describe_lab(const LabSession& session, const profile::Profile& profile, const std::string& executable) {
    const auto& layout = session.layout();
    const auto request = session.run_request(run::request_from_profile(profile, ""));
    std::ostringstream out;
    out << "lab up: " << layout.nodes.size() + layout.servers.size() - 1 << " namespaces, "
        << (layout.load_balanced ? "load-balanced service on " : "responder on ") << layout.server_ipv4() << " and "
        << layout.server_ipv6() << " port 53\n";
    for (const auto& server : layout.servers)
        out << "  responder " << server.ipv4 << " " << server.ipv6 << ": ip netns exec " << server.namespace_name << " bash\n";
    for (const auto& proxy : layout.proxies)
        out << "  dnsmasq proxy of " << proxy.device->name << " on " << proxy.ipv4 << " and " << proxy.ipv6 << "\n";
    for (const auto& resolver : layout.resolvers)
        out << "  validating resolver " << resolver.software << " on " << resolver.address << ": ip netns exec "
            << layout.probe().namespace_name << " dig +dnssec @" << resolver.address << " " << profile.target.zone << " DNSKEY\n";
    for (std::size_t i = 0; i < layout.nodes.size(); ++i)
        out << "  " << layout.nodes[i].name << ": ip netns exec " << layout.nodes[i].namespace_name << " bash"
            << (layout.nodes[i].device ? "   (taps " + layout.tap_in(i) + ", " + layout.tap_out(i) + ")" : "") << "\n";
    out << "probe it: ip netns exec " << layout.probe().namespace_name << " " << executable << " run";
    for (auto [flag, list] : {std::pair{" --target ", &request.config.targets}, std::pair{" --proxy ", &request.config.proxies},
                              std::pair{" --baseline ", &request.config.baseline}})
        for (const auto& address : *list) out << flag << address;
    out << " --key-file " << request.key_file;
    for (const auto& resolver : request.resolvers) out << " --resolver " << resolver.name << "=" << resolver.address;
    out << "\nask it:   ip netns exec " << layout.probe().namespace_name << " dig @" << layout.server_ipv4() << " p1.s1500.echo."
        << profile.target.zone << " TXT   (large answers need the token: use run)\n"
        << "remove:   " << executable << " lab down --prefix " << layout.prefix << "\n";
    const auto* last = profile.devices.empty() ? nullptr : &profile.devices.back();
    if (last && last->balancers.size() > 1)
        out << "(balancer = \"" << last->balancer << "\", the first of balancers; lab run makes a pass with each)\n";
    return out.str();
}

std::string describe_bench(const BenchOptions& options, const BenchFacts& facts) {
    std::ostringstream out;
    if (!facts.wan_namespace.empty())
        out << "bench: WAN " << options.wan << " plays the ISP: responder and DNS " << kBenchWanIpv4 << " " << kBenchWanIpv6 << ", "
            << (options.uplink == "dhcp" ? "DHCP 198.18.200.100-199" : "static uplink")
            << (facts.dut_wan_lease.empty() ? "" : ", the DUT leased " + facts.dut_wan_lease)
            << (facts.dut_wan_ipv6.empty() ? "" : ", " + facts.dut_wan_ipv6 + " (DHCPv6)")
            << (facts.delegated_prefix.empty() ? "" : ", delegated " + facts.delegated_prefix + " via " + facts.delegated_via) << "\n";
    if (facts.lan_namespace.empty()) return out.str();
    out << "bench: LAN " << options.lan << " plays the home: " << facts.lan_ipv4 << (facts.lan_ipv6.empty() ? "" : " " + facts.lan_ipv6)
        << ", gateway " << facts.gateway << ", the DUT's DNS " << (facts.dut_dns.empty() ? "(none)" : facts.dut_dns);
    for (const auto& resolver : facts.resolvers) out << ", resolver " << resolver;
    out << "\n";
    return out.str();
}

Result<void> check_bench(const BenchOptions& bench, const BenchRun& run) {
    if (bench.wan.empty() && bench.lan.empty()) return fail_usage("bench needs --lan IFACE, --wan IFACE or both", "bench-needs-side", "", "");
    if (bench.wan.empty() && run.targets.empty())
        return fail_usage("bench --lan alone is a field test: give --target ADDR (a remote responder) and --key-file", "bench-field-needs-target", "", "");
    if (!bench.lan_address.empty() && bench.lan_gateway.empty()) return fail_usage("--lan-address needs --lan-gateway", "flag-needs-flag", "--lan-address", "--lan-gateway");
    if (!bench.resolvers.empty() && (bench.lan.empty() || bench.wan.empty()))
        return fail_usage("--resolvers needs --lan and --wan: the resolvers sit in the home and resolve through the device to the bench's "
                          "responder", "bench-resolvers-need-both", "--resolvers", "");
    return Ok{};
}

}  // namespace dnspath::lab
