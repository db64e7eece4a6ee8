// Least privilege: once a run's sockets, taps and namespaces are open, it keeps only the
// capabilities its probes still use (CAP_NET_RAW for crafted fragments and ICMP), optionally as
// an unprivileged user; capture threads keep none. Capabilities are per thread in Linux, so each
// thread drops its own.
#pragma once

#include <string>
#include <vector>

#include "probe/wire/wire.h"

namespace dnspath::net {

// Goes on as `user` (its uid and gid, no supplementary groups), keeping only the capabilities in
// `keep` (what setup still needs: taps, namespaces). Call it while the process has one thread:
// threads started later inherit the user and those capabilities. `hand_over` paths (where results
// will be written) are given to the user first; missing ones are skipped. An unknown user, or no
// CAP_SETUID/CAP_SETGID/CAP_CHOWN to do it, is an error that names it.
Result<void> become_user(const std::string& user, const std::vector<std::string>& hand_over, const std::vector<int>& keep);

// Drops every capability but `keep` from this thread, and from the bounding set when CAP_SETPCAP
// allows, and sets no_new_privs. Returns what the thread is now: "uid 65534, capabilities
// cap_net_raw".
Result<std::string> drop_privileges(const std::vector<int>& keep);

// This thread keeps no capability at all (a capture thread once its handle is open).
void drop_thread_capabilities();

// "cap_net_raw, cap_net_admin": this thread's effective capabilities, for messages and tests.
std::string effective_capabilities();

// The capability's name as capabilities(7) spells it ("cap_net_raw").
std::string capability_name(int capability);

}  // namespace dnspath::net
