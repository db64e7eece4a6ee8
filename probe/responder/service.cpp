#include "probe/responder/service.h"

#include <linux/capability.h>

#include <fstream>

#include "probe/net/net.h"
#include "probe/wire/wire.h"

namespace dnspath::responder {

Result<Service> Service::open(const ServeRequest& request) {
    Service service;
    ServerConfig config = request.server;
    auto zone = wire::Name::parse(request.zone);
    if (!zone) return fail("--zone: " + zone.error().message);
    config.answers.zone = *zone;
    config.answers.alt_port = config.alt_port;  // the echo says where else it answers
    config.answers.tls_port = config.tls_port;
    if (!request.key_file.empty()) {
        DNSPATH_TRY(config.answers.key, wire::read_key_file(request.key_file));
        config.answers.tsig = wire::tsig_key_from(config.answers.key);
    }
    DNSPATH_TRY(ZoneSigner signer, ZoneSigner::open(request.zone_key, *zone));
    service.signer_ = std::make_unique<ZoneSigner>(std::move(signer));
    service.signer_->add_standby_keys(request.standby_keys);
    config.answers.signer = service.signer_.get();
    DNSPATH_TRY(Server server, Server::open(config));
    service.server_ = std::make_unique<Server>(std::move(server));
    service.trust_anchor_ = service.signer_->ds_text();
    if (!request.ds_file.empty()) {
        std::ofstream file(request.ds_file, std::ios::binary);
        if (!(file << service.trust_anchor_ << "\n") || !file.flush()) return fail("--ds-file: cannot write " + request.ds_file);
    }
    // Sockets are bound (a low port needed CAP_NET_BIND_SERVICE): answering needs only a raw socket,
    // for answers crafted into 1280-octet IPv6 fragments.
    if (auto dropped = net::drop_privileges({CAP_NET_RAW}); !dropped) return fail(dropped.error().message);
    return service;
}

}  // namespace dnspath::responder
