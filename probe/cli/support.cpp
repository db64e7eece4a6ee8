#include "probe/cli/support.h"

#include <linux/capability.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "probe/net/net.h"

namespace dnspath::cli {

int usage_error(const std::string& message) {
    std::cerr << "dnspath: " << message << "\n";
    return kExitUsage;
}

std::string self_executable() {
    std::error_code error;
    auto path = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::string("dnspath") : path.string();
}

Result<std::string> keep_only_teardown_privileges() {
    // SYS_PTRACE: `ip netns pids` reads /proc/PID/ns of daemons that kept every capability.
    return net::drop_privileges({CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_NET_RAW, CAP_KILL, CAP_DAC_OVERRIDE, CAP_SYS_PTRACE,
                                 CAP_SETPCAP});
}

void drop_capabilities_of_this_thread() { net::drop_thread_capabilities(); }

// Writes a rendered report to `out`, or to standard output when none is given.
Result<void> emit(const std::string& text, const std::string& out) {
    if (out.empty()) {
        std::cout << text;
        return Ok{};
    }
    std::error_code error;
    if (std::filesystem::is_directory(out, error)) return fail(out + ": is a folder; give a file name");
    // A FIFO or a device would block or swallow the report: only a regular file (or a new one).
    if (std::filesystem::exists(out, error) && !std::filesystem::is_regular_file(out, error))
        return fail(out + ": not a regular file");
    std::ofstream file(out, std::ios::binary);
    if (!(file << text) || !file.flush()) return fail("cannot write " + out);
    return Ok{};
}

void print_profile_errors(const profile::ProfileErrors& problems) {
    const bool unreadable = problems.errors.size() == 1 && problems.errors.front().line == 0;
    std::cerr << (unreadable ? "dnspath: profile " : "") << problems.describe() << "\n";
}

}  // namespace dnspath::cli
