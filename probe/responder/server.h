// The responder's sockets: UDP and TCP on every listen address, one poll loop, per-source rate limit.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "probe/net/net.h"
#include "probe/responder/answer.h"

namespace dnspath::responder {

struct ServerConfig {
    std::vector<std::string> listen;  // address literals
    std::uint16_t port = 53;
    AnswerConfig answers;
    bool force_dont_fragment = false;  // DF on IPv4 / IPV6_DONTFRAG, for PMTU tests
    int queries_per_second_per_source = 2000;
};

class Server {
public:
    // Binds every socket first, so a bad address or a missing privilege is reported before serving.
    static Result<Server> open(const ServerConfig& config);
    // Serves until `stop` becomes true (checked at least every 200 ms).
    Result<void> serve(const std::atomic<bool>& stop);

    std::size_t answered() const { return answered_; }

private:
    struct Listener {
        net::Fd fd;
        bool tcp = false;
        net::Endpoint local;  // the address and port it is bound to (crafted fragments leave from it)
    };
    explicit Server(ServerConfig config) : config_(std::move(config)) {}

    ServerConfig config_;
    std::vector<Listener> listeners_;
    std::size_t answered_ = 0;
};

}  // namespace dnspath::responder
