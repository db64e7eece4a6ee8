#include "probe/net/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <memory>

namespace dnspath::net {
namespace {

using Clock = std::chrono::steady_clock;

struct SslContextFree {
    void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
};
struct SslFree {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
};

// Runs one non-blocking TLS call until it completes, waiting on the socket as OpenSSL asks; the
// call's result, or 0 when the deadline passed (`timed_out` set).
template <typename Call>
int drive(SSL* ssl, int fd, Clock::time_point deadline, bool& timed_out, Call call) {
    for (;;) {
        const int result = call();
        if (result > 0) return result;
        const int reason = SSL_get_error(ssl, result);
        const short events = reason == SSL_ERROR_WANT_READ ? POLLIN : reason == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
        if (events == 0) return result;
        if (!wait_until(fd, events, deadline)) {
            timed_out = true;
            return 0;
        }
    }
}

ExchangeError tls_failure(ExchangeFailure kind, std::string message, std::string code, const Endpoint& local) {
    ExchangeError failed{kind, Error{std::move(message), std::move(code), "", 0, ""}, std::nullopt, {}, local};
    failed.connected = true;
    return failed;
}

// Why a TLS call failed: the peer's reset, a close, or TLS itself ("tls-handshake" in the code).
ExchangeError tls_call_failed(SSL* ssl, int result, bool timed_out, const char* stage, const Endpoint& local) {
    if (timed_out) return tls_failure(ExchangeFailure::timeout, std::string("TLS ") + stage + " timed out", "", local);
    const int reason = SSL_get_error(ssl, result);
    if (reason == SSL_ERROR_SYSCALL && (errno == ECONNRESET || errno == EPIPE))
        return tls_failure(ExchangeFailure::reset, std::string("TLS ") + stage + ": connection reset", "", local);
    if (reason == SSL_ERROR_ZERO_RETURN || (reason == SSL_ERROR_SYSCALL && errno == 0))
        return tls_failure(ExchangeFailure::reset, std::string("TLS ") + stage + ": connection closed", "", local);
    char text[256] = "unknown";
    if (const unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, text, sizeof text);
    ERR_clear_error();
    return tls_failure(ExchangeFailure::error, std::string("TLS ") + stage + ": " + text,
                       std::string("tls-") + stage, local);
}

}  // namespace

Result<TlsExchange, ExchangeError> tls_exchange(const Endpoint& server, wire::ByteView query,
                                                std::chrono::milliseconds timeout) {
    if (query.size() > 0xffff)
        return unexpected(failure_from(ExchangeFailure::error, fail_code("query over 65535 octets", "query-too-large", "").error));
    const auto start = Clock::now();
    const auto deadline = start + timeout;
    DNSPATH_TRY(TcpConnection connection, tcp_connect(server, deadline));
    const int fd = connection.socket.get();
    const int no_delay = 1;  // the handshake's last flight and the query are small writes: no Nagle wait
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &no_delay, sizeof no_delay);
    const Endpoint local = connection.local;
    std::unique_ptr<SSL_CTX, SslContextFree> context(SSL_CTX_new(TLS_client_method()));
    if (!context) return unexpected(tls_failure(ExchangeFailure::error, "TLS: no context", "tls-setup", local));
    SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION);  // RFC 7858 3.2 / RFC 8310
    SSL_CTX_set_verify(context.get(), SSL_VERIFY_NONE, nullptr);   // opportunistic (RFC 7858 4.1)
    std::unique_ptr<SSL, SslFree> ssl(SSL_new(context.get()));
    if (!ssl || SSL_set_fd(ssl.get(), fd) != 1) return unexpected(tls_failure(ExchangeFailure::error, "TLS: no session", "tls-setup", local));
    SSL_set_mode(ssl.get(), SSL_MODE_ENABLE_PARTIAL_WRITE);
    bool timed_out = false;
    int result = drive(ssl.get(), fd, deadline, timed_out, [&] { return SSL_connect(ssl.get()); });
    if (result != 1) return unexpected(tls_call_failed(ssl.get(), result, timed_out, "handshake", local));

    wire::Bytes framed{static_cast<std::uint8_t>(query.size() >> 8), static_cast<std::uint8_t>(query.size())};
    framed.insert(framed.end(), query.begin(), query.end());
    for (std::size_t sent = 0; sent < framed.size();) {
        result = drive(ssl.get(), fd, deadline, timed_out,
                       [&] { return SSL_write(ssl.get(), framed.data() + sent, static_cast<int>(framed.size() - sent)); });
        if (result <= 0) return unexpected(tls_call_failed(ssl.get(), result, timed_out, "send", local));
        sent += static_cast<std::size_t>(result);
    }
    auto read_exact = [&](std::uint8_t* into, std::size_t want) -> Result<void, ExchangeError> {
        for (std::size_t got = 0; got < want;) {
            result = drive(ssl.get(), fd, deadline, timed_out,
                           [&] { return SSL_read(ssl.get(), into + got, static_cast<int>(want - got)); });
            if (result <= 0) return unexpected(tls_call_failed(ssl.get(), result, timed_out, "answer", local));
            got += static_cast<std::size_t>(result);
        }
        return Ok{};
    };
    std::uint8_t prefix[2];
    if (auto read = read_exact(prefix, 2); !read) return unexpected(read.error());
    wire::Bytes answer(wire::load_u16(prefix));
    if (auto read = read_exact(answer.data(), answer.size()); !read) return unexpected(read.error());
    const double rtt = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return TlsExchange{Exchange{std::move(answer), rtt, local}, SSL_get_version(ssl.get())};
}

}  // namespace dnspath::net
