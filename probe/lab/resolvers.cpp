// Real validating resolvers beside the lab's probe: Unbound, BIND, Knot Resolver and PowerDNS
// Recursor, each on its own loopback address in the probe namespace, reaching the responder's
// zone through the whole path with its DS as the trust anchor. Their root hints name the
// responder too, so nothing they do leaves the lab.
#include <filesystem>
#include <fstream>
#include <thread>

#include "probe/lab/lab.h"

namespace dnspath::lab {
namespace {

struct Software {
    std::string_view name, executable, package;
    int last_octet;  // its loopback address, 127.0.0.N, the same in every lab
};
constexpr Software kSoftware[] = {
    {"unbound", "/usr/sbin/unbound", "unbound", 11},
    {"bind", "/usr/sbin/named", "bind9", 12},
    {"knot-resolver", "/usr/sbin/kresd", "knot-resolver", 13},
    {"powerdns", "/usr/sbin/pdns_recursor", "pdns-recursor", 14},
};

const Software* find_software(std::string_view name) {
    for (const auto& software : kSoftware)
        if (software.name == name) return &software;
    return nullptr;
}

// "probe.dnspath.test. IN DS 12345 13 2 ABCD" → its fields after the type: "12345 13 2 ABCD".
std::string ds_fields(const std::string& ds_text) {
    const auto at = ds_text.find(" DS ");
    return at == std::string::npos ? ds_text : ds_text.substr(at + 4);
}

bool is_ipv6(const std::string& address) { return address.find(':') != std::string::npos; }

std::string root_hints(const std::string& upstream) {
    const bool v6 = is_ipv6(upstream);
    return ".                 3600000 NS ns.lab-root.\nns.lab-root.      3600000 " + std::string(v6 ? "AAAA " : "A ") +
           upstream + "\n";
}

ResolverLaunch unbound_launch(const LabResolver& resolver, const std::string& dir, const std::string& zone,
                              const std::string& ds_text, const std::string& upstream) {
    const bool v6 = is_ipv6(upstream);
    std::string conf = "server:\n  interface: " + resolver.address + "\n  port: 53\n  access-control: 127.0.0.0/8 allow\n" +
                       "  do-ip6: " + (v6 ? "yes" : "no") + "\n  username: \"\"\n  chroot: \"\"\n  directory: \"" + dir +
                       "\"\n  pidfile: \"" + dir + "/unbound.pid\"\n  use-syslog: no\n  logfile: \"\"\n" +
                       "  module-config: \"validator iterator\"\n  trust-anchor: \"" + ds_text + "\"\n" +
                       "  root-hints: \"" + dir + "/root.hints\"\n  qname-minimisation: no\n  ede: yes\n" +
                       "  val-log-level: 2\n  local-zone: \"test.\" nodefault\n" +
                       "stub-zone:\n  name: \"" + zone + "\"\n  stub-addr: " + upstream + "\n";
    return {{{dir + "/unbound.conf", conf}, {dir + "/root.hints", root_hints(upstream)}},
            {"unbound", "-d", "-c", dir + "/unbound.conf"}};
}

ResolverLaunch bind_launch(const LabResolver& resolver, const std::string& dir, const std::string& zone,
                           const std::string& ds_text, const std::string& upstream) {
    std::string fields = ds_fields(ds_text);  // tag algorithm digest-type digest
    const auto last_space = fields.rfind(' ');
    if (last_space != std::string::npos) fields = fields.substr(0, last_space) + " \"" + fields.substr(last_space + 1) + "\"";
    std::string conf = "options {\n  directory \"" + dir + "\";\n  pid-file \"" + dir + "/named.pid\";\n" +
                       "  listen-on port 53 { " + resolver.address + "; };\n  listen-on-v6 { none; };\n" +
                       "  recursion yes;\n  allow-recursion { any; };\n  allow-query { any; };\n" +
                       "  dnssec-validation yes;\n  qname-minimization off;\n  empty-zones-enable no;\n};\n" +
                       "controls { };\n" + "trust-anchors { \"" + zone + "\" static-ds " + fields + "; };\n" +
                       "zone \".\" { type hint; file \"" + dir + "/root.hints\"; };\n" + "zone \"" + zone +
                       "\" { type static-stub; server-addresses { " + upstream + "; }; };\n";
    return {{{dir + "/named.conf", conf}, {dir + "/root.hints", root_hints(upstream)}},
            {"named", "-g", "-n", "1", "-c", dir + "/named.conf"}};
}

ResolverLaunch knot_resolver_launch(const LabResolver& resolver, const std::string& dir, const std::string& zone,
                                    const std::string& ds_text, const std::string& upstream) {
    // FORWARD, not STUB: STUB does not validate. The priming and time-skew modules ask the root.
    std::string conf = "net.listen('" + resolver.address + "', 53, { kind = 'dns' })\n" +
                       "modules.unload('priming')\nmodules.unload('detect_time_skew')\nmodules.load('hints > iterate')\n" +
                       "hints.root({['ns.lab-root.'] = '" + upstream + "'})\n" + "trust_anchors.remove('.')\n" +
                       "trust_anchors.add('" + ds_text + "')\n" + "option('NO_MINIMIZE', true)\n" +
                       "policy.add(policy.suffix(policy.FORWARD('" + upstream + "'), {todname('" + zone + "')}))\n" +
                       "cache.open(10 * MB, 'lmdb://" + dir + "/cache')\n";
    return {{{dir + "/kresd.conf", conf}}, {"kresd", "-n", "-c", dir + "/kresd.conf", dir}};
}

ResolverLaunch powerdns_launch(const LabResolver& resolver, const std::string& dir, const std::string& zone,
                               const std::string& ds_text, const std::string& upstream) {
    const bool v6 = is_ipv6(upstream);
    std::string conf = "local-address=" + resolver.address + "\nlocal-port=53\nallow-from=127.0.0.0/8\n" +
                       "forward-zones=" + zone + "=" + (v6 ? "[" + upstream + "]:53" : upstream + ":53") + "\n" +
                       "dnssec=validate\nlua-config-file=" + dir + "/recursor.lua\nhint-file=" + dir + "/root.hints\n" +
                       "qname-minimization=no\nextended-resolution-errors=yes\nsocket-dir=" + dir + "\n" +
                       "daemon=no\ndisable-syslog=yes\n" + (v6 ? "query-local-address=::\n" : "");
    std::string lua = "addTA('" + zone + "', '" + ds_fields(ds_text) + "')\n";
    return {{{dir + "/recursor.conf", conf}, {dir + "/recursor.lua", lua}, {dir + "/root.hints", root_hints(upstream)}},
            {"pdns_recursor", "--config-dir=" + dir}};
}

// Ready when its UDP socket is bound; asking it a question would cross a path that may be broken.
Result<void> wait_listening(Process& process, const std::string& ns, const std::string& address, const std::string& log,
                            const std::string& name) {
    using std::chrono::milliseconds;
    return wait_until(name + " did not listen on " + address + " (log: " + log + ")", milliseconds(10'000), milliseconds(100),
                      [&]() -> Result<bool> {
                          auto bound = run_command(in_namespace(ns, {"ss", "-Hlun", "src", address + ":53"}));
                          if (bound && bound->output.find(address) != std::string::npos) return true;
                          if (!process.running()) return fail(name + " exited at start (log: " + log + ")");
                          return false;
                      });
}

}  // namespace

std::vector<LabResolver> plan_resolvers(const std::vector<std::string>& software) {
    std::vector<LabResolver> resolvers;
    for (const auto& name : software)
        if (const auto* known = find_software(name))
            resolvers.push_back({name, "127.0.0." + std::to_string(known->last_octet)});
    return resolvers;
}

ResolverLaunch resolver_launch(const LabResolver& resolver, const std::string& dir, const std::string& zone,
                               const std::string& ds_text, const std::string& upstream) {
    if (resolver.software == "unbound") return unbound_launch(resolver, dir, zone, ds_text, upstream);
    if (resolver.software == "bind") return bind_launch(resolver, dir, zone, ds_text, upstream);
    if (resolver.software == "knot-resolver") return knot_resolver_launch(resolver, dir, zone, ds_text, upstream);
    return powerdns_launch(resolver, dir, zone, ds_text, upstream);
}

Result<void> start_resolvers(const Layout& layout, const std::string& zone) {
    return start_resolvers({layout.probe().namespace_name, layout.resolvers, layout.state_dir, zone,
                            layout.ipv4 ? layout.server_ipv4() : layout.server_ipv6()});
}

Result<void> start_resolvers(const ResolverStart& start) {
    if (start.resolvers.empty()) return Ok{};
    std::ifstream ds_file(start.state_dir + "/ds");
    std::string ds_text;
    if (!std::getline(ds_file, ds_text) || ds_text.empty()) return fail("no DS in " + start.state_dir + "/ds to anchor the resolvers");
    const std::string& ns = start.namespace_name;
    const std::string& upstream = start.upstream;
    const std::string& zone = start.zone;
    for (const auto& resolver : start.resolvers) {
        const auto* software = find_software(resolver.software);
        if (software == nullptr || !std::filesystem::exists(software->executable))
            return fail("lab.resolvers: " + resolver.software + " is not installed (apt-get install " +
                        std::string(software ? software->package : "?") + ")");
        // On lo by name: BIND listens only on addresses an interface holds, not on all of 127/8.
        DNSPATH_TRY_VOID(run_checked({"ip", "-n", ns, "addr", "add", resolver.address + "/32", "dev", "lo"}));
        const std::string dir = start.state_dir + "/" + resolver.software;
        std::error_code error;
        std::filesystem::create_directories(dir + "/cache", error);
        const auto launch = resolver_launch(resolver, dir, zone, ds_text, upstream);
        for (const auto& [path, text] : launch.files) DNSPATH_TRY_VOID(write_file(path, text));
        const std::string log = dir + "/log";
        DNSPATH_TRY(Process process, Process::spawn(in_namespace(ns, launch.argv), {log, true}));
        DNSPATH_TRY_VOID(wait_listening(process, ns, resolver.address, log, resolver.software));
        process.release();  // it lives in the probe namespace until `lab down`
    }
    return Ok{};
}

}  // namespace dnspath::lab
