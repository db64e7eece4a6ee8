// A lab brought up for `lab run` or `lab up`: namespaces built, a key written, the responders
// started in the server namespaces; torn down when the session ends unless it is kept.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "probe/lab/lab.h"
#include "probe/wire/wire.h"

namespace dnspath::lab {
namespace {

std::string server_id(std::size_t index) { return "server" + std::to_string(index + 1); }
std::string responder_log(const Layout& layout, std::size_t index) {
    return layout.state_dir + "/responder" + (index ? std::to_string(index + 1) : "") + ".log";
}

// Waits until a responder's log says it serves, or it exits, or 5 s pass.
Result<void> wait_serving(Process& responder, const std::string& log, const std::string& id) {
    using std::chrono::milliseconds;
    return wait_until("the lab responder " + id + " did not start (log: " + log + ")", milliseconds(5000), milliseconds(50),
                      [&]() -> Result<bool> {
                          std::ifstream in(log);
                          std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
                          if (text.find("serving") != std::string::npos) return true;
                          if (!responder.running()) return fail("the lab responder " + id + " exited: " + text);
                          return false;
                      });
}

// Starts a responder in each server namespace, detached. They share the probe key and the zone
// key, as a real zone's authoritative servers do.
Result<void> start_responders(const Layout& layout, const std::string& zone, const std::string& executable) {
    for (std::size_t i = 0; i < layout.servers.size(); ++i) {
        const auto& server = layout.servers[i];
        std::vector<std::string> listen;
        if (layout.ipv4) listen.push_back(server.ipv4);
        if (layout.ipv6) listen.push_back(server.ipv6);
        DNSPATH_TRY_VOID(start_responder({server.namespace_name, listen, layout.state_dir, zone, executable,
                                          server_id(i), responder_log(layout, i),
                                          !layout.load_balanced}));
    }
    return Ok{};
}

// A dnsdist balancer, once its backends serve: started detached in the lb namespace, ready when
// it answers through the service address (its health checks have found a backend up).
Result<void> start_dnsdist(const Layout& layout, const std::string& zone) {
    const std::string& ns = layout.nodes[layout.nodes.size() - 2].namespace_name;
    const std::string config = layout.state_dir + "/dnsdist.conf", log = layout.state_dir + "/dnsdist.log";
    DNSPATH_TRY_VOID(write_file(config, dnsdist_config(layout)));
    DNSPATH_TRY(Process dnsdist,
                Process::spawn(in_namespace(ns, {"dnsdist", "--supervised", "--disable-syslog", "-C", config}), {log, true}));
    using std::chrono::milliseconds;
    DNSPATH_TRY_VOID(wait_until("dnsdist did not answer through " + layout.server_ipv4() + " (log: " + log + ")",
                                milliseconds(10'000), milliseconds(100), [&]() -> Result<bool> {
                                    auto asked = run_command(in_namespace(
                                        ns, {"dig", "+time=1", "+tries=1", "@" + layout.server_ipv4(), zone, "SOA"}));
                                    if (asked && asked->output.find("status: NOERROR") != std::string::npos) return true;
                                    if (!dnsdist.running()) return fail("dnsdist exited (log: " + log + ")");
                                    return false;
                                }));
    dnsdist.release();  // it lives in the lab until `lab down`
    return Ok{};
}

}  // namespace

std::vector<std::pair<std::string, std::string>> LabSession::responders_gone() const {
    std::vector<std::pair<std::string, std::string>> gone;
    for (std::size_t i = 0; i < layout_.servers.size(); ++i) {
        // A failed `ss` says nothing either way: only a listing without port 53 counts.
        if (auto listening = listens_on_udp_53(layout_.servers[i].namespace_name); listening && !*listening)
            gone.emplace_back(server_id(i), responder_log(layout_, i));
    }
    return gone;
}

Result<void> start_responder(const ResponderStart& start) {
    std::vector<std::string> argv{"ip", "netns", "exec", start.namespace_name, start.executable, "respond",
                                  "--port", "53", "--key-file", start.state_dir + "/key", "--zone", start.zone,
                                  "--zone-key", start.state_dir + "/zone.pem", "--ds-file", start.state_dir + "/ds",
                                  // DNSKEY answers of rollover size (about 1.4 KB), as real signed zones send
                                  "--standby-keys", "2", "--server-id", start.id,
                                  // Load measurements must see the path, not the responder's limiter.
                                  "--rate", "1000000"};
    for (const auto& address : start.listen) argv.insert(argv.end(), {"--listen", address});
    if (start.alt_port)
        argv.insert(argv.end(), {"--alt-port", std::to_string(model::kAltDnsPort), "--tls-port", std::to_string(model::kDotPort)});
    DNSPATH_TRY(Process responder, Process::spawn(argv, {start.log, true}));
    DNSPATH_TRY_VOID(wait_serving(responder, start.log, start.id));
    responder.release();  // it lives until the namespace is removed
    return Ok{};
}

Result<LabSession> LabSession::start(const profile::Profile& profile, const std::string& executable) {
    DNSPATH_TRY(Layout layout, plan_lab(profile));
    DNSPATH_TRY_VOID(lab_up(layout));
    // From here on, anything that goes wrong tears the lab down (the session's destructor).
    LabSession session(std::move(layout));
    std::error_code error;
    std::filesystem::create_directories(session.layout_.state_dir, error);
    if (error) return fail("cannot create " + session.layout_.state_dir + ": " + error.message());
    DNSPATH_TRY_VOID(wire::write_new_key_file(session.key_path()));
    DNSPATH_TRY_VOID(start_responders(session.layout_, profile.target.zone, executable));
    if (session.layout_.load_balanced && profile.devices.back().balancer == "dnsdist")
        DNSPATH_TRY_VOID(start_dnsdist(session.layout_, profile.target.zone));
    DNSPATH_TRY_VOID(start_resolvers(session.layout_, profile.target.zone));
    return session;
}

LabSession::LabSession(LabSession&& other) noexcept : layout_(std::move(other.layout_)), armed_(other.armed_) {
    other.armed_ = false;
}

LabSession::~LabSession() {
    if (armed_) (void)lab_down(layout_.prefix);
}

std::string LabSession::key_path() const { return layout_.state_dir + "/key"; }

run::RunRequest LabSession::run_request(run::RunRequest request) const {
    auto& config = request.config;
    auto both = [this](const std::string& ipv4, const std::string& ipv6) {
        std::vector<std::string> addresses;
        if (layout_.ipv4) addresses.push_back(ipv4);
        if (layout_.ipv6) addresses.push_back(ipv6);
        return addresses;
    };
    config.targets = both(layout_.server_ipv4(), layout_.server_ipv6());
    if (!layout_.proxies.empty()) {
        config.proxies = both(layout_.proxies.front().ipv4, layout_.proxies.front().ipv6);
        config.proxy_wan = both(layout_.proxies.front().wan_ipv4, layout_.proxies.front().wan_ipv6);
    }
    // Without the balancer's function: one backend by its own address, over the same links.
    if (layout_.load_balanced) config.baseline = both(layout_.servers.front().ipv4, layout_.servers.front().ipv6);
    config.port = 53;
    request.key_file = key_path();
    for (const auto& resolver : layout_.resolvers) request.resolvers.push_back({resolver.software, resolver.address, 53});
    // Taps on both sides of every device, so each failing verdict can name the one to blame.
    request.devices.clear();
    for (std::size_t i = 1; i + 1 < layout_.nodes.size(); ++i)
        request.devices.push_back({layout_.nodes[i].name, layout_.tap_in(i), layout_.tap_out(i)});
    return request;
}

}  // namespace dnspath::lab
