// The responder's sockets: on every listen address one UDP socket per worker (SO_REUSEPORT, one
// thread each, batched with recvmmsg/sendmmsg) and one TCP socket; a per-source rate limit they share.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "probe/net/net.h"
#include "probe/responder/answer.h"
#include "probe/responder/dot.h"

namespace dnspath::responder {

struct ServerConfig {
    std::vector<std::string> listen;  // address literals
    std::uint16_t port = 53;
    std::uint16_t alt_port = 0;  // also answer UDP on this port (the non-dns-53 probe's DNS elsewhere); 0: none
    std::uint16_t tls_port = 0;  // also answer DNS over TLS on this TCP port (dot-853; 853); 0: none
    AnswerConfig answers;
    bool force_dont_fragment = false;  // DF on IPv4 / IPV6_DONTFRAG, for PMTU tests
    int queries_per_second_per_source = 2000;
    unsigned workers = 0;  // UDP threads; 0: one per core
};

class Server {
public:
    // One bound socket.
    struct Listener {
        net::Fd fd;
        bool tcp = false;
        net::Endpoint local;  // the address and port it is bound to (crafted fragments leave from it)
    };

    // Binds every socket first, so a bad address or a missing privilege is reported before serving.
    static Result<Server> open(const ServerConfig& config);
    // Serves until `stop` becomes true (checked at least every 200 ms).
    Result<void> serve(const std::atomic<bool>& stop);

    std::size_t answered() const { return answered_->load(); }

private:
    explicit Server(ServerConfig config) : config_(std::move(config)) {}

    ServerConfig config_;
    std::vector<Listener> tcp_listeners_;
    std::vector<std::vector<Listener>> udp_by_worker_;  // worker i's socket on each listen address
    std::unique_ptr<DotServer> dot_;                    // with a tls_port
    std::unique_ptr<std::atomic<std::size_t>> answered_ = std::make_unique<std::atomic<std::size_t>>(0);
};

}  // namespace dnspath::responder
