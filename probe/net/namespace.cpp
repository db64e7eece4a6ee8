#include "probe/net/namespace.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dnspath::net {

Result<std::unique_ptr<NamespaceGuard>> NamespaceGuard::enter(const std::string& name) {
    auto guard = std::unique_ptr<NamespaceGuard>(new NamespaceGuard());
    if (name.empty()) return guard;
    guard->original_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (guard->original_ < 0)
        return fail("cannot open this thread's network namespace: " + std::string(std::strerror(errno)));
    const int target = ::open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    if (target < 0) return fail("network namespace '" + name + "' does not exist (ip netns list)");
    const int entered = ::setns(target, CLONE_NEWNET);
    const int error = errno;
    ::close(target);
    if (entered != 0)
        return fail("cannot enter namespace '" + name + "': " + std::strerror(error) +
                    (error == EPERM ? " (needs CAP_SYS_ADMIN: run as root)" : ""));
    guard->entered_ = true;
    return guard;
}

Result<void> NamespaceGuard::leave() {
    if (!entered_) return Ok{};
    entered_ = false;
    if (::setns(original_, CLONE_NEWNET) != 0)
        return fail("cannot return to the original network namespace: " + std::string(std::strerror(errno)));
    return Ok{};
}

NamespaceGuard::~NamespaceGuard() {
    // Only an early return gets here still entered; its own error is what the caller reports.
    if (entered_) (void)::setns(original_, CLONE_NEWNET);
    if (original_ >= 0) ::close(original_);
}

}  // namespace dnspath::net
