#include "probe/net/live_capture.h"

#include <pcap/pcap.h>

#include "probe/net/namespace.h"

namespace dnspath::net {

Result<pcap*> open_live_capture(const LiveCaptureSpec& spec) {
    DNSPATH_TRY(auto guard, NamespaceGuard::enter(spec.namespace_name));
    char error[PCAP_ERRBUF_SIZE] = {};
    pcap_t* handle = pcap_create(spec.interface.c_str(), error);
    if (handle == nullptr) return fail(spec.label + ": " + error);
    pcap_set_snaplen(handle, 65535);
    pcap_set_timeout(handle, static_cast<int>(kCaptureBlockTimeout.count()));
    pcap_set_buffer_size(handle, 16 * 1024 * 1024);
    const int activated = pcap_activate(handle);
    const std::string message = activated < 0 ? pcap_geterr(handle) : "";
    if (activated < 0) pcap_close(handle);
    // The handle stays bound to the namespace it was activated in; this thread goes back.
    if (auto left = guard->leave(); !left) {
        if (activated >= 0) pcap_close(handle);
        return fail(spec.label + ": " + left.error().message);
    }
    if (activated == PCAP_ERROR_NO_SUCH_DEVICE)
        return fail_code(spec.label + ": no interface '" + spec.interface + "'" +
                             (spec.namespace_name.empty() ? "" : " in namespace " + spec.namespace_name),
                         "no-such-interface", spec.interface);
    if (activated == PCAP_ERROR_PERM_DENIED) return fail_capability(spec.label + ": capturing needs CAP_NET_RAW (run as root)", "CAP_NET_RAW");
    if (activated < 0) return fail(spec.label + ": " + message);
    return handle;
}

}  // namespace dnspath::net
