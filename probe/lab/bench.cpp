// Bench mode (probe/lab/bench.h): the WAN side plays the ISP (responder, DHCP, RA), the LAN side
// plays the home (DHCP from the DUT); the interfaces are moved into namespaces for the run and
// moved back afterwards, whatever happens in between.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <arpa/inet.h>

#include <nlohmann/json.hpp>

#include "probe/lab/lab.h"
#include "probe/wire/wire.h"

namespace dnspath::lab {
namespace {

// `ip -j link show IFACE` → its MTU and whether it is up; output that does not read is an error
// naming the command, never a guess.
Result<std::pair<int, bool>> link_state(const std::string& interface) {
    const std::vector<std::string> command{"ip", "-j", "link", "show", "dev", interface};
    DNSPATH_TRY(auto shown, run_command(command));
    if (shown.exit_code != 0) return fail_code("interface " + interface + " does not exist on this host", "no-such-interface", interface);
    const auto links = nlohmann::json::parse(shown.output, nullptr, false);
    if (links.is_discarded() || !links.is_array() || links.empty() || !links[0].is_object() ||
        !links[0].value("mtu", nlohmann::json()).is_number_integer())
        return fail(join_command(command) + ": output that does not read as JSON with an mtu");
    const auto flags = links[0].value("flags", nlohmann::json::array());
    const bool up = flags.is_array() && std::find(flags.begin(), flags.end(), "UP") != flags.end();
    return std::pair{links[0]["mtu"].get<int>(), up};
}

// The udhcpc script: writes the lease's variables to $LEASE_FILE, applying nothing itself (the
// bench applies them inside its namespace, so no resolv.conf or route of this host is touched).
constexpr const char* kLeaseScript =
    "#!/bin/sh\n"
    "case \"$1\" in bound|renew) printf 'ip=%s\\nmask=%s\\nrouter=%s\\ndns=%s\\n' \"$ip\" \"$mask\" \"$router\" \"$dns\" "
    "> \"$LEASE_FILE.tmp\" && mv \"$LEASE_FILE.tmp\" \"$LEASE_FILE\";; esac\n";

std::string lease_value(const std::string& text, const std::string& key) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind(key + "=", 0) == 0) {
            std::string value = line.substr(key.size() + 1);
            return value.substr(0, value.find(' '));  // the first router or DNS server
        }
    return "";
}

}  // namespace

namespace {

// Whether two address literals of one family share their first `length` bits.
bool same_prefix(const std::string& a, const std::string& b, int length) {
    unsigned char first[16] = {}, second[16] = {};
    const int family = a.find(':') == std::string::npos ? AF_INET : AF_INET6;
    if (::inet_pton(family, a.c_str(), first) != 1 || ::inet_pton(family, b.c_str(), second) != 1) return false;
    for (int bit = 0; bit < length && bit < (family == AF_INET ? 32 : 128); ++bit) {
        const int mask = 0x80 >> (bit % 8);
        if ((first[bit / 8] & mask) != (second[bit / 8] & mask)) return false;
    }
    return true;
}

}  // namespace

std::string configured_by_hand(const std::string& addresses_json, const std::string& routes_json) {
    using json = nlohmann::json;
    const json addresses = json::parse(addresses_json, nullptr, false);
    const json routes = json::parse(routes_json, nullptr, false);
    if (!addresses.is_array() || !routes.is_array()) return "its addresses and routes could not be read";
    std::string why;
    auto add = [&](const std::string& what) { why += (why.empty() ? "" : ", ") + what; };
    // A lease's or SLAAC's address has a lifetime; one set by hand lives forever (0xffffffff).
    std::vector<std::pair<std::string, int>> leased;  // (address, prefix length) of the dynamic ones
    for (const auto& link : addresses)
        for (const auto& address : link.value("addr_info", json::array())) {
            if (address.value("scope", "") != "global") continue;
            const std::string local = address.value("local", "");
            const int length = address.value("prefixlen", 0);
            const bool dynamic = address.value("dynamic", false) || address.value("valid_life_time", 0xffffffffLL) != 0xffffffffLL;
            if (!dynamic) add(local + "/" + std::to_string(length));
            else leased.emplace_back(local, length);
        }
    auto via_lease_router = [&](const std::string& gateway) {
        for (const auto& [address, length] : leased)
            if (same_prefix(address, gateway, length)) return true;
        return false;
    };
    for (const auto& route : routes) {
        const std::string destination = route.value("dst", ""), protocol = route.value("protocol", "");
        const std::string gateway = route.value("gateway", "");
        if (destination.rfind("fe80::", 0) == 0 || destination.rfind("ff00::", 0) == 0 || route.value("type", "") == "multicast")
            continue;
        if (protocol == "ra" || protocol == "kernel" || protocol == "dhcp") continue;  // the DUT's, or an address's own
        if (!gateway.empty() && via_lease_router(gateway)) continue;  // a DHCP client's default route
        add("route " + destination + (gateway.empty() ? "" : " via " + gateway) + (protocol.empty() ? "" : " proto " + protocol));
    }
    return why;
}

std::string interface_in_use(const std::string& interface) {
    auto addresses = run_command({"ip", "-j", "addr", "show", "dev", interface});
    auto routes4 = run_command({"ip", "-j", "-4", "route", "show", "dev", interface});
    auto routes6 = run_command({"ip", "-j", "-6", "route", "show", "dev", interface});
    if (!addresses || !routes4 || !routes6) return "its addresses and routes could not be read";
    nlohmann::json routes = nlohmann::json::parse(routes4->output, nullptr, false);
    const nlohmann::json more = nlohmann::json::parse(routes6->output, nullptr, false);
    if (!routes.is_array()) routes = nlohmann::json::array();
    if (more.is_array()) routes.insert(routes.end(), more.begin(), more.end());
    return configured_by_hand(addresses->output, routes.dump());
}

Result<void> BenchSession::take(const std::string& interface, const std::string& namespace_name) {
    DNSPATH_TRY(auto state, link_state(interface));
    if (!options_.force)
        if (auto used = interface_in_use(interface); !used.empty())
            return fail_usage("interface " + interface + " is in use (" + used + "); free it or give --force", "interface-in-use", interface, used);
    DNSPATH_TRY_VOID(run_checked({"ip", "netns", "add", namespace_name}));
    DNSPATH_TRY_VOID(run_checked({"ip", "-n", namespace_name, "link", "set", "lo", "up"}));
    DNSPATH_TRY_VOID(run_checked({"ip", "link", "set", interface, "netns", namespace_name}));
    // Written down as well, so `lab down` hands it back even when this process was killed.
    std::ofstream(facts_.state_dir + "/" + kMovedInterfacesFile, std::ios::app)
        << interface << " " << namespace_name << " " << state.first << " " << (state.second ? "up" : "down") << "\n";
    // The bench's own cable: nothing else can hold its link-local address, and radvd and Kea need
    // it at once rather than after duplicate address detection.
    DNSPATH_TRY_VOID(run_checked(in_namespace(namespace_name, {"sysctl", "-qw", "net.ipv6.conf." + interface + ".accept_dad=0"})));
    DNSPATH_TRY_VOID(run_checked({"ip", "-n", namespace_name, "link", "set", interface, "up"}));
    return Ok{};
}

Result<void> BenchSession::build_wan(const std::string& executable) {
    const std::string& wan = options_.wan;
    const std::string ns = facts_.wan_namespace;
    DNSPATH_TRY_VOID(take(wan, ns));
    if (options_.wan_mtu)
        DNSPATH_TRY_VOID(run_checked({"ip", "-n", ns, "link", "set", wan, "mtu", std::to_string(*options_.wan_mtu)}));
    DNSPATH_TRY_VOID(run_checked({"ip", "-n", ns, "addr", "add", std::string(kBenchWanIpv4) + "/24", "dev", wan}));
    DNSPATH_TRY_VOID(run_checked({"ip", "-n", ns, "addr", "add", std::string(kBenchWanIpv6) + "/64", "dev", wan, "nodad"}));
    DNSPATH_TRY_VOID(run_checked(in_namespace(ns, {"sysctl", "-qw", "net.ipv6.conf.all.forwarding=1"})));
    DNSPATH_TRY_VOID(start_responder({ns, {kBenchWanIpv4, kBenchWanIpv6}, facts_.state_dir, options_.zone, executable,
                                      "bench-isp", facts_.state_dir + "/responder.log"}));
    DNSPATH_TRY_VOID(start_ipv6_isp());
    if (options_.uplink != "dhcp") return Ok{};
    // The ISP's DHCPv4 (address, router, our responder as DNS); no DNS service of its own (port
    // 0): the responder is the DNS.
    return start_detached(in_namespace(ns, {"dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--port=0",
                                                 "--interface=" + wan, "--bind-interfaces", "--log-dhcp",
                                                 "--pid-file=" + facts_.state_dir + "/wan-dnsmasq.pid",
                                                 "--dhcp-leasefile=" + facts_.state_dir + "/wan.leases",
                                                 "--dhcp-range=198.18.200.100,198.18.200.199,255.255.255.0,12h",
                                                 "--dhcp-authoritative", "--dhcp-option=option:router," + std::string(kBenchWanIpv4),
                                                 "--dhcp-option=option:dns-server," + std::string(kBenchWanIpv4)}),
                          facts_.state_dir + "/wan-dnsmasq.log", "dnsmasq on the WAN side");
}

Result<void> BenchSession::build_lan() {
    const std::string& lan = options_.lan;
    const std::string ns = facts_.lan_namespace;
    DNSPATH_TRY_VOID(take(lan, ns));
    DNSPATH_TRY_VOID(run_checked(in_namespace(ns, {"sysctl", "-qw", "net.ipv6.conf." + lan + ".accept_ra=2"})));
    if (!options_.lan_address.empty()) {
        DNSPATH_TRY_VOID(run_checked({"ip", "-n", ns, "addr", "add", options_.lan_address, "dev", lan}));
        DNSPATH_TRY_VOID(run_checked({"ip", "-n", ns, "route", "add", "default", "via", options_.lan_gateway}));
        facts_.lan_ipv4 = options_.lan_address;
        facts_.gateway = options_.lan_gateway;
        facts_.dut_dns = options_.lan_dns.empty() ? options_.lan_gateway : options_.lan_dns;
    } else {
        // The home side asks the DUT's DHCP, as a PC on its LAN would.
        const std::string script = facts_.state_dir + "/lease.sh", lease = facts_.state_dir + "/lan.lease";
        DNSPATH_TRY_VOID(write_file(script, kLeaseScript, std::filesystem::perms::owner_all));
        DNSPATH_TRY(auto got, run_command(in_namespace(ns, {"env", "LEASE_FILE=" + lease, "udhcpc", "-f", "-q", "-n", "-i", lan,
                                                           "-s", script, "-t", "8", "-T", "2", "-A", "1"})));
        std::ifstream in(lease);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (got.exit_code != 0 || text.empty())
            return fail_usage("no DHCP lease from the DUT on " + lan + " within 16 s (is its DHCP server on? else give --lan-address)",
                              "no-dhcp-lease", lan, "");
        const std::string ip = lease_value(text, "ip"), mask = lease_value(text, "mask");
        facts_.gateway = lease_value(text, "router");
        facts_.dut_dns = lease_value(text, "dns");
        if (ip.empty() || facts_.gateway.empty())
            return fail_usage("the DUT's DHCP lease on " + lan + " has no address or router", "lease-incomplete", lan, "");
        facts_.lan_ipv4 = ip + "/" + (mask.empty() ? "24" : mask);
        DNSPATH_TRY_VOID(run_checked({"ip", "-n", ns, "addr", "add", facts_.lan_ipv4, "dev", lan}));
        DNSPATH_TRY_VOID(run_checked({"ip", "-n", ns, "route", "add", "default", "via", facts_.gateway}));
    }
    // A global IPv6 address from the DUT's router advertisements: up to 3 s, or 10 s once the DUT
    // holds a DHCPv6 lease from our WAN side (it may still be numbering its LAN from the delegation).
    // One from the delegated prefix first, when the DUT announces a ULA beside it.
    auto global_address = [&](const std::string& within) -> std::string {
        std::vector<std::string> show{"ip", "-n", ns, "-j", "-6", "addr", "show", "dev", lan, "scope", "global"};
        if (!within.empty()) show.insert(show.end(), {"to", within});
        auto shown = run_command(show);
        const auto links = shown ? nlohmann::json::parse(shown->output, nullptr, false) : nlohmann::json();
        if (!links.is_array()) return "";
        for (const auto& link : links)
            for (const auto& address : link.value("addr_info", nlohmann::json::array()))
                if (address.is_object() && address.value("local", nlohmann::json()).is_string())
                    return address["local"].get<std::string>() + "/" + std::to_string(address.value("prefixlen", 64));
        return "";
    };
    const auto started = std::chrono::steady_clock::now();
    for (;;) {
        if (!facts_.wan_namespace.empty()) read_dhcpv6_leases();
        facts_.lan_ipv6 = facts_.delegated_prefix.empty() ? "" : global_address(facts_.delegated_prefix);
        if (facts_.lan_ipv6.empty()) facts_.lan_ipv6 = global_address("");
        const bool dhcpv6 = !facts_.dut_wan_ipv6.empty() || !facts_.delegated_prefix.empty();
        if (!facts_.lan_ipv6.empty() || std::chrono::steady_clock::now() - started > std::chrono::seconds(dhcpv6 ? 10 : 3)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return Ok{};
}

Result<BenchSession> BenchSession::start(const BenchOptions& options, const std::string& executable) {
    if (options.lan.empty() && options.wan.empty()) return fail_usage("bench needs --lan IFACE, --wan IFACE or both", "bench-needs-side", "", "");
    if (!options.lan.empty() && options.lan == options.wan)
        return fail_usage("--lan and --wan must be two interfaces", "same-interface", "", "");
    BenchSession session(options);
    session.facts_.state_dir = "/run/dnspath-" + options.prefix;
    if (!options.wan.empty()) session.facts_.wan_namespace = options.prefix + "-wan";
    if (!options.lan.empty()) session.facts_.lan_namespace = options.prefix + "-lan";
    for (const auto& name : {session.facts_.wan_namespace, session.facts_.lan_namespace})
        if (!name.empty() && std::filesystem::exists("/run/netns/" + name))
            return fail_usage("namespace " + name + " exists: another bench is running (or: dnspath lab down --prefix " + options.prefix + ")",
                              "bench-running", name, options.prefix);
    std::error_code error;
    std::filesystem::create_directories(session.facts_.state_dir, error);
    if (error) return fail("cannot create " + session.facts_.state_dir + ": " + error.message());
    DNSPATH_TRY_VOID(wire::write_new_key_file(session.key_path()));
    if (!options.wan.empty()) DNSPATH_TRY_VOID(session.build_wan(executable));
    if (!options.lan.empty()) DNSPATH_TRY_VOID(session.build_lan());
    if (!options.wan.empty()) {
        // The DUT's WAN lease, when it took one (the lease file: "expiry MAC address name id").
        std::ifstream leases(session.facts_.state_dir + "/wan.leases");
        for (std::string expiry, mac, address, rest; leases >> expiry >> mac >> address && std::getline(leases, rest);)
            if (address.find('.') != std::string::npos) session.facts_.dut_wan_lease = address;
        session.read_dhcpv6_leases();
    }
    DNSPATH_TRY_VOID(session.route_home_back());
    DNSPATH_TRY_VOID(session.start_home_resolvers());
    return session;
}

Result<void> BenchSession::route_home_back() {
    // A DUT that routes its LAN without NAT (a business line's routed subnet) is reached the way
    // an ISP would reach it: the LAN side's address via the DUT's WAN address. Behind a NAT the
    // route is never used. Without it such a DUT reads as "the target does not answer".
    const std::string via = !facts_.dut_wan_lease.empty() ? facts_.dut_wan_lease
                            : options_.uplink == "static"  ? std::string(kBenchDutStaticIpv4)
                                                           : "";
    if (facts_.wan_namespace.empty() || facts_.lan_ipv4.empty() || via.empty()) return Ok{};
    const std::string host = facts_.lan_ipv4.substr(0, facts_.lan_ipv4.find('/')) + "/32";
    return run_checked({"ip", "-n", facts_.wan_namespace, "route", "replace", host, "via", via});
}

Result<void> BenchSession::start_home_resolvers() {
    if (options_.resolvers.empty()) return Ok{};
    if (facts_.wan_namespace.empty() || facts_.lan_namespace.empty())
        return fail("--resolvers needs both sides: they sit in the home and resolve through the DUT to the bench's responder");
    const auto planned = plan_resolvers(options_.resolvers);
    // A home server's resolver behind the DUT: IPv4 through its NAT, as the probe goes.
    DNSPATH_TRY_VOID(start_resolvers({facts_.lan_namespace, planned, facts_.state_dir, options_.zone, kBenchWanIpv4}));
    for (const auto& resolver : planned) facts_.resolvers.push_back(resolver.software + "=" + resolver.address);
    return Ok{};
}

BenchSession::BenchSession(BenchSession&& other) noexcept
    : options_(std::move(other.options_)), facts_(std::move(other.facts_)),
      armed_(other.armed_) {
    other.armed_ = false;
}

BenchSession::~BenchSession() {
    if (armed_) restore();
}

void BenchSession::restore() {
    // lab_down hands the interfaces back from the state folder's list, written as they moved (a
    // veth would die with its namespace, a NIC would come back without its MTU), then stops what
    // runs in the namespaces and removes them: the same path as after a SIGKILL.
    (void)lab_down(options_.prefix);
}

run::RunRequest BenchSession::run_request(run::RunRequest request, const std::string& dut_name) const {
    auto& config = request.config;
    if (!facts_.wan_namespace.empty()) {  // else a field test: the caller names the remote responder
        config.targets = {kBenchWanIpv4};
        if (!facts_.lan_ipv6.empty()) config.targets.push_back(kBenchWanIpv6);
        config.port = 53;
        request.key_file = key_path();
    }
    if (!facts_.dut_dns.empty()) config.proxies = {facts_.dut_dns};
    // A field test: the DUT's proxy forwards to the ISP's resolvers, which this bench cannot see.
    config.proxy_upstream_unseen = facts_.wan_namespace.empty() && !facts_.dut_dns.empty();
    for (const auto& resolver : facts_.resolvers)
        if (auto address = run::parse_resolver_address(resolver)) request.resolvers.push_back(*address);
    // Taps on both sides name the DUT for what it drops or changes; a LAN-side tap alone (a field
    // test) records the evidence and blames nobody: one side cannot tell the DUT from the far path.
    if (!facts_.lan_namespace.empty())
        request.devices = {{dut_name, "netns:" + facts_.lan_namespace + "/" + options_.lan, wan_tap()}};
    request.addressing = model::Addressing{dut_name, facts_.dut_wan_lease, facts_.dut_wan_ipv6, facts_.delegated_prefix,
                                           facts_.lan_ipv4, facts_.lan_ipv6, false};
    return request;
}

std::string BenchSession::wan_tap() const {
    return facts_.wan_namespace.empty() ? "" : "netns:" + facts_.wan_namespace + "/" + options_.wan;
}

}  // namespace dnspath::lab
