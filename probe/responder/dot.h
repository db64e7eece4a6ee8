// The responder's DNS-over-TLS listener (RFC 7858): TLS on its own TCP port (853 in the lab and the
// bench) with a self-signed certificate made at start, each query answered as over TCP. It lets
// the dot-853 checkpoint ask whether DoT gets through a path.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "probe/net/net.h"
#include "probe/responder/answer.h"

namespace dnspath::responder {

class DotServer {
public:
    struct Listener {
        net::Fd fd;
        net::Endpoint local;
    };
    // Takes bound, listening TCP sockets; makes the key and certificate.
    static Result<std::unique_ptr<DotServer>> create(std::vector<Listener> listeners);
    ~DotServer();
    DotServer(const DotServer&) = delete;
    DotServer& operator=(const DotServer&) = delete;

    // Accepts and serves until `stop` (checked every 200 ms): a thread per connection, at most
    // kMaxConnections at once (more are closed at once), each idle one closed after 2 s.
    void serve(const AnswerConfig& answers, const std::atomic<bool>& stop);

    static constexpr std::size_t kMaxConnections = 16;

private:
    struct Context;
    DotServer(std::vector<Listener> listeners, std::unique_ptr<Context> context);
    std::vector<Listener> listeners_;
    std::unique_ptr<Context> context_;
};

}  // namespace dnspath::responder
