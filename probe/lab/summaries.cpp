// What a standing lab or bench is, told to the person who built it: where its parts are and how
// to use them by hand.
#include "probe/lab/lab.h"
#include "reports/report.h"

namespace dnspath::lab {

std::string describe_lab(const LabSession& session, const profile::Profile& profile, const std::string& executable,
                         reports::Language language) {
    const auto& layout = session.layout();
    const auto request = session.run_request(run::request_from_profile(profile, ""));
    const auto line = [language](std::string_view key, const model::Params& params) { return reports::cli_line(key, params, language) + "\n"; };
    const std::string probe_ns = layout.probe().namespace_name;
    std::string out = line(layout.load_balanced ? "cli:lab-up-balanced" : "cli:lab-up",
                           {{"namespaces", layout.nodes.size() + layout.servers.size() - 1}, {"ipv4", layout.server_ipv4()},
                            {"ipv6", layout.server_ipv6()}});
    for (const auto& server : layout.servers)
        out += "  " + line("cli:lab-responder", {{"ipv4", server.ipv4}, {"ipv6", server.ipv6}, {"command", "ip netns exec " + server.namespace_name + " bash"}});
    for (const auto& proxy : layout.proxies)
        out += "  " + line("cli:lab-proxy", {{"device", proxy.device->name}, {"ipv4", proxy.ipv4}, {"ipv6", proxy.ipv6}});
    for (const auto& resolver : layout.resolvers)
        out += "  " + line("cli:lab-resolver", {{"software", resolver.software}, {"address", resolver.address},
                                                {"command", "ip netns exec " + probe_ns + " dig +dnssec @" + resolver.address + " " +
                                                                profile.target.zone + " DNSKEY"}});
    for (std::size_t i = 0; i < layout.nodes.size(); ++i) {
        model::Params params{{"node", layout.nodes[i].name}, {"command", "ip netns exec " + layout.nodes[i].namespace_name + " bash"}};
        if (layout.nodes[i].device) params["taps"] = layout.tap_in(i) + ", " + layout.tap_out(i);
        out += "  " + line("cli:lab-node", params);
    }
    std::string probe_it = "ip netns exec " + probe_ns + " " + executable + " run";
    for (auto [flag, list] : {std::pair{" --target ", &request.config.targets}, std::pair{" --proxy ", &request.config.proxies},
                              std::pair{" --baseline ", &request.config.baseline}})
        for (const auto& address : *list) probe_it += flag + address;
    probe_it += " --key-file " + request.key_file;
    for (const auto& resolver : request.resolvers) probe_it += " --resolver " + resolver.name + "=" + resolver.address;
    out += line("cli:lab-probe-it", {{"command", probe_it}});
    out += line("cli:lab-ask-it", {{"command", "ip netns exec " + probe_ns + " dig @" + layout.server_ipv4() + " p1.s1500.echo." +
                                                   profile.target.zone + " TXT"}});
    out += line("cli:lab-remove", {{"command", executable + " lab down --prefix " + layout.prefix}});
    const auto* last = profile.devices.empty() ? nullptr : &profile.devices.back();
    if (last && last->balancers.size() > 1) out += line("cli:lab-balancer", {{"balancer", last->balancer}});
    return out;
}

std::string describe_bench(const BenchOptions& options, const BenchFacts& facts, reports::Language language) {
    std::string out;
    if (!facts.wan_namespace.empty()) {
        const auto uplink = reports::cli_line(options.uplink == "dhcp" ? "cli:bench-uplink-dhcp" : "cli:bench-uplink-static", {}, language);
        out += reports::cli_line("cli:bench-wan", {{"wan", options.wan}, {"ipv4", kBenchWanIpv4}, {"ipv6", kBenchWanIpv6}, {"uplink", uplink},
                                                   {"lease", facts.dut_wan_lease}, {"lease6", facts.dut_wan_ipv6},
                                                   {"prefix", facts.delegated_prefix}, {"via", facts.delegated_via}}, language) + "\n";
    }
    if (facts.lan_namespace.empty()) return out;
    std::string resolvers;
    for (const auto& resolver : facts.resolvers) resolvers += (resolvers.empty() ? "" : ", ") + resolver;
    return out + reports::cli_line("cli:bench-lan", {{"lan", options.lan}, {"address", facts.lan_ipv4}, {"address6", facts.lan_ipv6},
                                                     {"gateway", facts.gateway}, {"dns", facts.dut_dns.empty() ? "-" : facts.dut_dns},
                                                     {"resolvers", resolvers}}, language) + "\n";
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
