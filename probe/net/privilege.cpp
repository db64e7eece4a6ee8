#include "probe/net/privilege.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>

namespace dnspath::net {
namespace {

// The kernel's own interface (capget/capset): two 32-bit words per set since version 3.
bool read_sets(std::uint64_t& effective, std::uint64_t& permitted) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    if (::syscall(SYS_capget, &header, data) != 0) return false;
    effective = std::uint64_t{data[1].effective} << 32 | data[0].effective;
    permitted = std::uint64_t{data[1].permitted} << 32 | data[0].permitted;
    return true;
}

bool write_sets(std::uint64_t effective, std::uint64_t permitted) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    data[0].effective = static_cast<std::uint32_t>(effective);
    data[1].effective = static_cast<std::uint32_t>(effective >> 32);
    data[0].permitted = static_cast<std::uint32_t>(permitted);
    data[1].permitted = static_cast<std::uint32_t>(permitted >> 32);
    return ::syscall(SYS_capset, &header, data) == 0;  // inheritable: none
}

int last_capability() {
    int last = CAP_LAST_CAP;
    std::ifstream("/proc/sys/kernel/cap_last_cap") >> last;
    return std::clamp(last, 0, 63);
}

std::uint64_t mask_of(const std::vector<int>& capabilities) {
    std::uint64_t mask = 0;
    for (int capability : capabilities) mask |= std::uint64_t{1} << capability;
    return mask;
}

}  // namespace

std::string capability_name(int capability) {
    static constexpr const char* kNames[] = {
        "cap_chown", "cap_dac_override", "cap_dac_read_search", "cap_fowner", "cap_fsetid", "cap_kill",
        "cap_setgid", "cap_setuid", "cap_setpcap", "cap_linux_immutable", "cap_net_bind_service",
        "cap_net_broadcast", "cap_net_admin", "cap_net_raw", "cap_ipc_lock", "cap_ipc_owner", "cap_sys_module",
        "cap_sys_rawio", "cap_sys_chroot", "cap_sys_ptrace", "cap_sys_pacct", "cap_sys_admin", "cap_sys_boot",
        "cap_sys_nice", "cap_sys_resource", "cap_sys_time", "cap_sys_tty_config", "cap_mknod", "cap_lease",
        "cap_audit_write", "cap_audit_control", "cap_setfcap", "cap_mac_override", "cap_mac_admin", "cap_syslog",
        "cap_wake_alarm", "cap_block_suspend", "cap_audit_read", "cap_perfmon", "cap_bpf", "cap_checkpoint_restore"};
    if (capability >= 0 && capability < static_cast<int>(std::size(kNames))) return kNames[capability];
    return "cap_" + std::to_string(capability);
}

std::string effective_capabilities() {
    std::uint64_t effective = 0, permitted = 0;
    if (!read_sets(effective, permitted)) return "unknown";
    std::string names;
    for (int capability = 0; capability < 64; ++capability)
        if (effective >> capability & 1) names += (names.empty() ? "" : ", ") + capability_name(capability);
    return names.empty() ? "none" : names;
}

void drop_thread_capabilities() { (void)write_sets(0, 0); }

Result<void> become_user(const std::string& user, const std::vector<std::string>& hand_over, const std::vector<int>& keep) {
    passwd entry{}, *found = nullptr;
    char buffer[4096];
    if (::getpwnam_r(user.c_str(), &entry, buffer, sizeof buffer, &found) != 0 || found == nullptr)
        return fail_code("--user " + user + ": no such user", "no-such-user", user);
    for (const auto& path : hand_over)
        if (::chown(path.c_str(), entry.pw_uid, entry.pw_gid) != 0 && errno != ENOENT)
            return fail("--user " + user + ": cannot give " + path + " to the user: " + std::strerror(errno) +
                        (errno == EPERM ? " (needs CAP_CHOWN: run as root)" : ""));
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return fail("cannot keep capabilities across the user change");
    if (::setgroups(0, nullptr) != 0 || ::setresgid(entry.pw_gid, entry.pw_gid, entry.pw_gid) != 0)
        return fail_capability("--user " + user + ": changing the group needs CAP_SETGID (run as root)", "CAP_SETGID");
    if (::setresuid(entry.pw_uid, entry.pw_uid, entry.pw_uid) != 0)
        return fail_capability("--user " + user + ": changing the user needs CAP_SETUID (run as root)", "CAP_SETUID");
    ::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    // The change cleared the effective set; raise what setup still needs from the permitted one.
    std::uint64_t effective = 0, permitted = 0;
    if (!read_sets(effective, permitted)) return fail("cannot read this process's capabilities");
    const std::uint64_t wanted = mask_of(keep) & permitted;
    if (!write_sets(wanted, wanted)) return fail("cannot keep capabilities as " + user + ": " + std::strerror(errno));
    return Ok{};
}

Result<std::string> drop_privileges(const std::vector<int>& keep_list) {
    std::uint64_t effective = 0, permitted = 0;
    if (!read_sets(effective, permitted)) return fail("cannot read this process's capabilities");
    const std::uint64_t keep = mask_of(keep_list) & permitted;  // what was never granted cannot be kept
    // The bounding set first, while CAP_SETPCAP may still be effective (without it, as with file
    // capabilities on the binary, it stays as it was: the sets below are what matter).
    if (effective >> CAP_SETPCAP & 1)
        for (int capability = 0; capability <= last_capability(); ++capability)
            if (!(keep >> capability & 1)) ::prctl(PR_CAPBSET_DROP, capability, 0, 0, 0);
    if (!write_sets(keep, keep)) return fail("cannot drop capabilities: " + std::string(std::strerror(errno)));
    ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    return "uid " + std::to_string(::getuid()) + ", capabilities " + effective_capabilities();
}

}  // namespace dnspath::net
