// The bench's IPv6 ISP (probe/lab/bench.h): radvd announces the WAN link with the M and O flags
// set, Kea answers DHCPv6 with an address (IA_NA), a delegated prefix (IA_PD) and our responder
// as DNS, and Kea's run_script hook routes each delegated prefix to the DUT, as a BNG would.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "probe/lab/lab.h"

namespace dnspath::lab {
namespace {

constexpr const char* kKeaHooks = "/usr/lib/x86_64-linux-gnu/kea/hooks/libdhcp_run_script.so";

// radvd: the DUT learns its default route here and is told to ask DHCPv6 (M: an address, O: other
// configuration). The prefix allows SLAAC too: NTT's NGN numbers a CPE's WAN by SLAAC and
// delegates its LAN prefix by DHCPv6-PD, and a DUT built for that must work here.
std::string radvd_config(const std::string& wan) {
    return "interface " + wan +
           " {\n"
           "  AdvSendAdvert on; AdvManagedFlag on; AdvOtherConfigFlag on;\n"
           "  MinRtrAdvInterval 3; MaxRtrAdvInterval 10; AdvDefaultLifetime 1800;\n"
           "  prefix fd00:200::/64 { AdvOnLink on; AdvAutonomous on; };\n"
           "};\n";
}

std::string kea_config(const std::string& wan, const std::string& state_dir, int delegated_length) {
    std::ostringstream out;
    // The server id is not persisted: /var/lib/kea is the host's Kea, not ours.
    out << R"({"Dhcp6": {
 "server-id": {"type": "LL", "persist": false},
 "interfaces-config": {"interfaces": [")" << wan << R"("]},
 "lease-database": {"type": "memfile", "persist": true, "name": ")" << state_dir << R"(/leases6.csv", "lfc-interval": 0},
 "renew-timer": 1000, "rebind-timer": 2000, "preferred-lifetime": 3000, "valid-lifetime": 4000,
 "option-data": [{"name": "dns-servers", "data": ")" << kBenchWanIpv6 << R"("}],
 "hooks-libraries": [{"library": ")" << kKeaHooks << R"(", "parameters": {"name": ")" << state_dir << R"(/delegate.sh", "sync": false}}],
 "subnet6": [{"id": 1, "subnet": "fd00:200::/64", "interface": ")" << wan << R"(",
   "pools": [{"pool": "fd00:200::100 - fd00:200::1ff"}],
   "pd-pools": [{"prefix": ")" << kBenchDelegationPool << R"(", "prefix-len": 40, "delegated-len": )" << delegated_length << R"(}]}],
 "loggers": [{"name": "kea-dhcp6", "output_options": [{"output": ")" << state_dir << R"(/kea.log"}], "severity": "INFO"}]
}}
)";
    return out.str();
}

// Kea's run_script hook: a route to each delegated prefix via the link-local address the DUT asked
// from (RFC 8415 leaves the route to the delegating router), removed when the lease ends. Each
// change is appended to the delegations file ("PREFIX/LEN VIA", VIA "-" when withdrawn).
std::string delegate_script(const std::string& state_dir) {
    return "#!/bin/sh\n"
           "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
           "log='" + state_dir + "/" + kDelegationsFile + "'\n"
           "route() {\n"
           "  if [ \"$1\" = add ]; then ip -6 route replace \"$2/$3\" via \"$QUERY6_REMOTE_ADDR\" dev \"$QUERY6_IFACE_NAME\" &&\n"
           "    echo \"$2/$3 $QUERY6_REMOTE_ADDR\" >> \"$log\"\n"
           "  else ip -6 route del \"$2/$3\" 2>/dev/null; echo \"$2/$3 -\" >> \"$log\"; fi\n"
           "}\n"
           "each() {  # each add|del LIST: LIST_SIZE leases, LIST_AT<i>_TYPE/_ADDRESS/_PREFIX_LEN\n"
           "  eval \"n=\\${$2_SIZE:-0}\"; i=0\n"
           "  while [ \"$i\" -lt \"$n\" ]; do\n"
           "    eval \"t=\\$$2_AT${i}_TYPE a=\\$$2_AT${i}_ADDRESS l=\\$$2_AT${i}_PREFIX_LEN\"\n"
           "    [ \"$t\" = IA_PD ] && route \"$1\" \"$a\" \"$l\"; i=$((i + 1))\n"
           "  done\n"
           "}\n"
           "case \"$1\" in\n"
           "  leases6_committed) each del DELETED_LEASES6; each add LEASES6;;\n"
           "  lease6_release|lease6_expire|lease6_decline)\n"
           "    [ \"$LEASE6_TYPE\" = IA_PD ] && route del \"$LEASE6_ADDRESS\" \"$LEASE6_PREFIX_LEN\";;\n"
           "esac\n"
           "exit 0\n";
}

}  // namespace

Result<void> BenchSession::start_ipv6_isp() {
    const std::string& wan = options_.wan;
    const std::string& dir = facts_.state_dir;
    for (auto [program, package] : {std::pair{"/usr/sbin/kea-dhcp6", "kea-dhcp6-server"}, std::pair{"/usr/sbin/radvd", "radvd"},
                                    std::pair{kKeaHooks, "kea-dhcp6-server"}})
        if (!std::filesystem::exists(program))
            return fail_usage(std::string("the bench's IPv6 side needs ") + program + " (apt-get install " + package + ")", "needs-program",
                              program, package);
    DNSPATH_TRY_VOID(write_file(dir + "/radvd.conf", radvd_config(wan)));
    DNSPATH_TRY_VOID(write_file(dir + "/kea-dhcp6.json", kea_config(wan, dir, options_.delegated_length)));
    using std::filesystem::perms;
    DNSPATH_TRY_VOID(write_file(dir + "/delegate.sh", delegate_script(dir),
                                perms::owner_all | perms::group_read | perms::others_read));
    const std::string ns = facts_.wan_namespace;
    DNSPATH_TRY_VOID(start_detached(in_namespace(ns, {"/usr/sbin/radvd", "-n", "-m", "stderr", "-C", dir + "/radvd.conf", "-p",
                                                    dir + "/radvd.pid"}),
                                    dir + "/radvd.log", "radvd on the WAN side"));
    // Kea keeps its pid and lock files where these say, away from the host's own Kea.
    return start_detached(in_namespace(ns, {"env", "KEA_PIDFILE_DIR=" + dir, "KEA_LOCKFILE_DIR=" + dir, "/usr/sbin/kea-dhcp6",
                                          "-c", dir + "/kea-dhcp6.json"}),
                          dir + "/kea-dhcp6.out", "kea-dhcp6 on the WAN side");
}

void BenchSession::read_dhcpv6_leases() {
    // Kea's lease file: "address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,…";
    // type 0 is an address (IA_NA). The last line for an address is its latest state.
    std::ifstream leases(facts_.state_dir + "/leases6.csv");
    for (std::string line; std::getline(leases, line);) {
        std::vector<std::string> fields;
        std::istringstream cells(line);
        for (std::string cell; std::getline(cells, cell, ',');) fields.push_back(cell);
        if (fields.size() > 6 && fields[6] == "0" && fields[0].find(':') != std::string::npos)
            facts_.dut_wan_ipv6 = fields[2] == "0" ? "" : fields[0];  // valid lifetime 0: released
    }
    std::ifstream delegations(facts_.state_dir + "/" + kDelegationsFile);
    for (std::string prefix, via; delegations >> prefix >> via;) {
        if (via != "-") facts_.delegated_prefix = prefix, facts_.delegated_via = via;
        else if (prefix == facts_.delegated_prefix) facts_.delegated_prefix.clear(), facts_.delegated_via.clear();
    }
}

}  // namespace dnspath::lab
