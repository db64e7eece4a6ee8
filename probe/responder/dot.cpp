#include "probe/responder/dot.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <fcntl.h>
#include <poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>

namespace dnspath::responder {

struct DotServer::Context {
    struct Free {
        void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
    };
    std::unique_ptr<SSL_CTX, Free> ssl;
};

namespace {

struct KeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct CertificateFree {
    void operator()(X509* certificate) const { X509_free(certificate); }
};
struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
};

constexpr int kIdleSeconds = 2;

// A P-256 key and a certificate for it, signed by itself, valid a year from an hour ago: DoT
// clients probing reachability (RFC 7858's opportunistic profile) do not check it.
Result<void> add_self_signed(SSL_CTX* context) {
    std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_EC_gen("P-256"));
    std::unique_ptr<X509, CertificateFree> certificate(X509_new());
    if (!key || !certificate) return fail("DoT: cannot make a key and certificate");
    X509_set_version(certificate.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 365L * 86400);
    X509_set_pubkey(certificate.get(), key.get());
    X509_NAME* name = X509_get_subject_name(certificate.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("dnspath responder"), -1, -1, 0);
    X509_set_issuer_name(certificate.get(), name);
    if (X509_sign(certificate.get(), key.get(), EVP_sha256()) == 0 ||
        SSL_CTX_use_certificate(context, certificate.get()) != 1 || SSL_CTX_use_PrivateKey(context, key.get()) != 1)
        return fail("DoT: cannot sign or load the certificate");
    return Ok{};
}

// Reads exactly `want` octets; false on a close, an error or the idle timeout.
bool read_exact(SSL* ssl, std::uint8_t* into, std::size_t want) {
    for (std::size_t got = 0; got < want;) {
        const int n = SSL_read(ssl, into + got, static_cast<int>(want - got));
        if (n <= 0) return false;
        got += static_cast<std::size_t>(n);
    }
    return true;
}

// One client: the handshake, then length-prefixed queries answered as over TCP until it closes,
// goes idle or the server stops.
void serve_connection(SSL_CTX* context, net::Fd fd, const net::Endpoint& peer, const AnswerConfig& answers,
                      const std::atomic<bool>& stop) {
    const int flags = ::fcntl(fd.get(), F_GETFL);
    ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
    timeval idle{kIdleSeconds, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof idle);
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &idle, sizeof idle);
    // TLS 1.3 sends its session tickets in small writes after the handshake: with Nagle the second
    // waited for the client's delayed ACK, 40 ms on every DoT exchange.
    const int no_delay = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &no_delay, sizeof no_delay);
    std::unique_ptr<SSL, SslFree> ssl(SSL_new(context));
    if (!ssl || SSL_set_fd(ssl.get(), fd.get()) != 1 || SSL_accept(ssl.get()) != 1) return;
    const QueryContext seen{peer.address(), peer.port(), true, std::nullopt, false, true};
    while (!stop.load()) {
        std::uint8_t prefix[2];
        if (!read_exact(ssl.get(), prefix, 2)) break;
        wire::Bytes query(wire::load_u16(prefix));
        if (!read_exact(ssl.get(), query.data(), query.size())) break;
        auto answer = answer_query(query, seen, answers);
        if (!answer) continue;
        wire::Bytes framed{static_cast<std::uint8_t>(answer->bytes.size() >> 8), static_cast<std::uint8_t>(answer->bytes.size())};
        framed.insert(framed.end(), answer->bytes.begin(), answer->bytes.end());
        if (SSL_write(ssl.get(), framed.data(), static_cast<int>(framed.size())) <= 0) break;
    }
    SSL_shutdown(ssl.get());
}

}  // namespace

DotServer::DotServer(std::vector<Listener> listeners, std::unique_ptr<Context> context)
    : listeners_(std::move(listeners)), context_(std::move(context)) {}

DotServer::~DotServer() = default;

Result<std::unique_ptr<DotServer>> DotServer::create(std::vector<Listener> listeners) {
    auto context = std::make_unique<Context>();
    context->ssl.reset(SSL_CTX_new(TLS_server_method()));
    if (!context->ssl) return fail("DoT: cannot make a TLS context");
    SSL_CTX_set_min_proto_version(context->ssl.get(), TLS1_2_VERSION);
    DNSPATH_TRY_VOID(add_self_signed(context->ssl.get()));
    return std::unique_ptr<DotServer>(new DotServer(std::move(listeners), std::move(context)));
}

void DotServer::serve(const AnswerConfig& answers, const std::atomic<bool>& stop) {
    struct Connection {
        std::shared_ptr<std::atomic<bool>> done;
        std::jthread thread;
    };
    std::vector<Connection> connections;
    std::vector<pollfd> poll_set;
    while (!stop.load()) {
        poll_set.clear();
        for (const auto& listener : listeners_) poll_set.push_back({listener.fd.get(), POLLIN, 0});
        if (::poll(poll_set.data(), poll_set.size(), 200) <= 0) continue;
        std::erase_if(connections, [](const Connection& connection) { return connection.done->load(); });
        for (std::size_t i = 0; i < poll_set.size(); ++i) {
            if (!(poll_set[i].revents & POLLIN)) continue;
            net::Endpoint peer;
            peer.length = sizeof peer.storage;
            net::Fd accepted(::accept4(poll_set[i].fd, peer.sockaddr_ptr(), &peer.length, SOCK_NONBLOCK | SOCK_CLOEXEC));
            if (!accepted.valid() || connections.size() >= kMaxConnections) continue;  // closed at once
            auto done = std::make_shared<std::atomic<bool>>(false);
            try {
                connections.push_back({done, std::jthread([this, fd = std::move(accepted), peer, &answers, &stop, done]() mutable {
                                           serve_connection(context_->ssl.get(), std::move(fd), peer, answers, stop);
                                           done->store(true);
                                       })});
            } catch (const std::system_error&) {
                // No thread to be had: this client is closed, the next may find one.
            }
        }
    }
}

}  // namespace dnspath::responder
