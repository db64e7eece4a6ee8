// `dnspath respond` as one request: the server, its zone, and the files its keys come from and go
// to, opened whole before anything is served.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "probe/responder/server.h"
#include "probe/responder/signer.h"

namespace dnspath::responder {

struct ServeRequest {
    ServerConfig server;  // its answers' zone, key and signer are filled from the fields below
    std::string zone = "probe.dnspath.test.";
    std::string key_file;  // "" : no key, and answers larger than their query are REFUSED
    std::string zone_key;  // PEM zone key, created there when missing ("" : a new key per start)
    std::string ds_file;   // where the zone's DS goes ("" : nowhere)
    int standby_keys = 0;
};

// A responder opened from a request: sockets bound, the zone's key loaded, its DS written, and
// every privilege dropped but a raw socket (answers crafted into IPv6 fragments).
class Service {
public:
    static Result<Service> open(const ServeRequest& request);
    const std::string& trust_anchor() const { return trust_anchor_; }  // the zone's DS record
    Result<void> serve(const std::atomic<bool>& stop) { return server_->serve(stop); }
    std::size_t answered() const { return server_->answered(); }

private:
    std::unique_ptr<ZoneSigner> signer_;  // the server's answers point at it: it must not move
    std::unique_ptr<Server> server_;
    std::string trust_anchor_;
};

}  // namespace dnspath::responder
