// Entering another network namespace on this thread, and only for as long as needed: a capture
// handle is activated there and stays bound to it while the thread goes back.
#pragma once

#include <memory>
#include <string>

#include "probe/wire/wire.h"

namespace dnspath::net {

// Enters a network namespace on this thread; `leave` returns to the original one and says whether
// it could. Every call is checked: a thread left in a tap's namespace would send the rest of the
// run's probes from the wrong place.
class NamespaceGuard {
public:
    // "" stays in this namespace. Errors name the namespace and, for EPERM, the capability.
    static Result<std::unique_ptr<NamespaceGuard>> enter(const std::string& name);
    Result<void> leave();
    ~NamespaceGuard();
    NamespaceGuard(const NamespaceGuard&) = delete;
    NamespaceGuard& operator=(const NamespaceGuard&) = delete;

private:
    NamespaceGuard() = default;
    int original_ = -1;
    bool entered_ = false;
};

}  // namespace dnspath::net
