#include "probe/net/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dnspath::net {

Fd& Fd::operator=(Fd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

int Fd::release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
}

std::string errno_text(int error) { return std::strerror(error); }

Result<Endpoint> Endpoint::parse(const std::string& address, std::uint16_t port) {
    Endpoint endpoint;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&endpoint.storage);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&endpoint.storage);
    std::string text = address;
    if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
    if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        endpoint.length = sizeof(sockaddr_in);
        return endpoint;
    }
    if (inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        endpoint.length = sizeof(sockaddr_in6);
        return endpoint;
    }
    return fail("'" + address + "' is not an IPv4 or IPv6 address");
}

std::string Endpoint::address() const {
    char buffer[INET6_ADDRSTRLEN] = {};
    if (is_ipv6())
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_addr, buffer, sizeof buffer);
    else
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage)->sin_addr, buffer, sizeof buffer);
    return buffer;
}

std::uint16_t Endpoint::port() const {
    return ntohs(is_ipv6() ? reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port
                           : reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
}

std::string Endpoint::to_string() const {
    return is_ipv6() ? "[" + address() + "]:" + std::to_string(port()) : address() + ":" + std::to_string(port());
}

const sockaddr* Endpoint::sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage); }
sockaddr* Endpoint::sockaddr_ptr() { return reinterpret_cast<sockaddr*>(&storage); }

namespace {

Unexpected<ExchangeError> os_error(ExchangeFailure kind, const std::string& what, const char* call, int error) {
    return {os_failure(kind, what, call, error)};
}

ExchangeFailure classify(int error) {
    if (error == ECONNREFUSED) return ExchangeFailure::refused;
    if (error == ECONNRESET || error == EPIPE) return ExchangeFailure::reset;
    if (error == ETIMEDOUT) return ExchangeFailure::timeout;
    return ExchangeFailure::error;
}

int remaining_ms(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

// Waits for `events` on fd until the deadline; false on timeout.
bool wait_for(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        pollfd entry{fd, events, 0};
        int ready = ::poll(&entry, 1, remaining_ms(deadline));
        if (ready > 0) return true;
        if (ready == 0) return false;
        if (errno != EINTR) return true;  // let the following call report the error
    }
}

Endpoint local_of(int fd) {
    Endpoint local;
    local.length = sizeof local.storage;
    if (::getsockname(fd, local.sockaddr_ptr(), &local.length) != 0) local.length = 0;
    return local;
}

double elapsed_ms(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Reads ICMP errors queued for the socket (IP_RECVERR); the MTU from the last "too big" one.
void drain_icmp_errors(int fd, bool ipv6, ExchangeError& error) {
    for (int i = 0; i < 16; ++i) {
        char data[64];
        char control[512];
        sockaddr_storage from{};
        iovec vector{data, sizeof data};
        msghdr message{};
        message.msg_name = &from;
        message.msg_namelen = sizeof from;
        message.msg_iov = &vector;
        message.msg_iovlen = 1;
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        if (::recvmsg(fd, &message, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return;
        for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr; header = CMSG_NXTHDR(&message, header)) {
            const bool is_error = (!ipv6 && header->cmsg_level == IPPROTO_IP && header->cmsg_type == IP_RECVERR) ||
                                  (ipv6 && header->cmsg_level == IPPROTO_IPV6 && header->cmsg_type == IPV6_RECVERR);
            if (!is_error) continue;
            sock_extended_err extended{};
            std::memcpy(&extended, CMSG_DATA(header), sizeof extended);
            if (extended.ee_errno != EMSGSIZE) continue;
            if (extended.ee_origin != SO_EE_ORIGIN_ICMP && extended.ee_origin != SO_EE_ORIGIN_ICMP6) continue;
            error.icmp_mtu = static_cast<int>(extended.ee_info);
            // The offender's address follows the extended error in the same control message.
            Endpoint offender;
            const auto* address = reinterpret_cast<const unsigned char*>(CMSG_DATA(header)) + sizeof extended;
            std::memcpy(&offender.storage, address, ipv6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in));
            offender.length = ipv6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
            error.icmp_from = offender.address();
        }
    }
}

}  // namespace

std::optional<int> route_mtu(const Endpoint& server) {
    Fd socket(::socket(server.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!socket.valid() || ::connect(socket.get(), server.sockaddr_ptr(), server.length) != 0) return std::nullopt;
    int mtu = 0;
    socklen_t length = sizeof mtu;
    const int level = server.is_ipv6() ? IPPROTO_IPV6 : IPPROTO_IP;
    const int option = server.is_ipv6() ? IPV6_MTU : IP_MTU;
    if (::getsockopt(socket.get(), level, option, &mtu, &length) != 0) return std::nullopt;
    return mtu;
}

Result<Endpoint> local_address_toward(const Endpoint& server) {
    Fd socket(::socket(server.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!socket.valid()) return fail("socket: " + errno_text(errno));
    if (::connect(socket.get(), server.sockaddr_ptr(), server.length) != 0)
        return fail("no route to " + server.to_string() + ": " + errno_text(errno));
    return local_of(socket.get());
}


Result<Exchange, ExchangeError> udp_exchange(const Endpoint& server, wire::ByteView query,
                                             std::chrono::milliseconds timeout, const UdpOptions& options) {
    Fd socket(::socket(server.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!socket.valid()) return os_error(ExchangeFailure::error, "socket", "socket", errno);
    if (options.dont_fragment) {
        // DF set, but the kernel neither fragments nor trusts its PMTU cache: each size is tried
        // as given, and ICMP errors are queued for us to read.
        int on = 1;
        if (server.is_ipv6()) {
            int mode = IPV6_PMTUDISC_PROBE;
            ::setsockopt(socket.get(), IPPROTO_IPV6, IPV6_MTU_DISCOVER, &mode, sizeof mode);
            ::setsockopt(socket.get(), IPPROTO_IPV6, IPV6_DONTFRAG, &on, sizeof on);
            ::setsockopt(socket.get(), IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on);
        } else {
            int mode = IP_PMTUDISC_PROBE;
            ::setsockopt(socket.get(), IPPROTO_IP, IP_MTU_DISCOVER, &mode, sizeof mode);
            ::setsockopt(socket.get(), IPPROTO_IP, IP_RECVERR, &on, sizeof on);
        }
    }
    // connect() makes the kernel drop datagrams from any other source and report ICMP errors.
    if (::connect(socket.get(), server.sockaddr_ptr(), server.length) != 0)
        return os_error(classify(errno), "connect " + server.to_string(), "connect", errno);
    const auto start = Clock::now();
    auto deadline = start + timeout;
    int sent = 1;
    if (::send(socket.get(), query.data(), query.size(), 0) < 0) {
        if (errno == EMSGSIZE) return os_error(ExchangeFailure::error, "larger than the local interface MTU", "send", errno);
        return os_error(classify(errno), "send", "send", errno);
    }
    const std::uint16_t id = query.size() >= 2 ? wire::load_u16(query.data()) : 0;
    wire::Bytes buffer(65536);
    for (;;) {
        if (!wait_for(socket.get(), POLLIN, deadline)) {
            if (sent < options.sends) {  // the retransmission a stub would send
                (void)::send(socket.get(), query.data(), query.size(), 0);
                ++sent;
                deadline = Clock::now() + timeout;
                continue;
            }
            ExchangeError error{ExchangeFailure::timeout, Error{"no answer within " + std::to_string(timeout.count()) + " ms"},
                                std::nullopt, {}, {}};
            if (options.dont_fragment) drain_icmp_errors(socket.get(), server.is_ipv6(), error);
            return unexpected(std::move(error));
        }
        ssize_t received = ::recv(socket.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (received < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            if (errno == EMSGSIZE && options.dont_fragment) {
                // A "too big" ICMP surfaced as a socket error: keep waiting until the deadline
                // is the wrong call, the query is gone. Report it with the MTU.
                ExchangeError error{ExchangeFailure::timeout, Error{"the path answered ICMP too big"}, std::nullopt, {}, {}};
                drain_icmp_errors(socket.get(), server.is_ipv6(), error);
                return unexpected(std::move(error));
            }
            return os_error(classify(errno), "recv", "recv", errno);
        }
        // A stray datagram with another id (a late answer to an earlier try) is not ours.
        if (received < 2 || wire::load_u16(buffer.data()) != id) continue;
        buffer.resize(static_cast<std::size_t>(received));
        return Exchange{std::move(buffer), elapsed_ms(start), local_of(socket.get()), sent};
    }
}

Result<TcpConnection, ExchangeError> tcp_connect(const Endpoint& server, Clock::time_point deadline,
                                                 const TcpOptions& options) {
    Fd socket(::socket(server.family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!socket.valid()) return os_error(ExchangeFailure::error, "socket", "socket", errno);
    if (options.mss) {
        int mss = *options.mss;
        if (::setsockopt(socket.get(), IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss) != 0)
            return os_error(ExchangeFailure::error, "TCP_MAXSEG", "setsockopt", errno);
    }
    if (::connect(socket.get(), server.sockaddr_ptr(), server.length) != 0 && errno != EINPROGRESS)
        return os_error(classify(errno), "connect " + server.to_string(), "connect", errno);
    // The port is bound once connect() starts: capture follows the connection by it.
    const Endpoint local = local_of(socket.get());
    auto exchange_error = [&local](ExchangeFailure kind, std::string message) {
        return unexpected(ExchangeError{kind, Error{std::move(message)}, std::nullopt, {}, local});
    };
    if (!wait_for(socket.get(), POLLOUT, deadline))
        return exchange_error(ExchangeFailure::timeout, "TCP connect timed out (no SYN-ACK)");
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(socket.get(), SOL_SOCKET, SO_ERROR, &error, &length);
    if (error != 0) {
        auto failed = os_failure(classify(error), "connect " + server.to_string(), "connect", error);
        failed.local = local;
        return unexpected(std::move(failed));
    }
    return TcpConnection{std::move(socket), local};
}

bool wait_until(int fd, short events, Clock::time_point deadline) { return wait_for(fd, events, deadline); }

Result<Exchange, ExchangeError> tcp_exchange(const Endpoint& server, wire::ByteView query,
                                             std::chrono::milliseconds timeout, const TcpOptions& options) {
    if (query.size() > 0xffff) {
        return unexpected(failure_from(ExchangeFailure::error, fail_code("query over 65535 octets", "query-too-large", "").error));
    }
    const auto start = Clock::now();
    const auto deadline = start + timeout;
    DNSPATH_TRY(TcpConnection connection, tcp_connect(server, deadline, options));
    Fd& socket = connection.socket;
    const Endpoint local = connection.local;
    auto stalled = [&local](ExchangeFailure kind, std::string message, const char* call = nullptr, int os_error = 0) {
        ExchangeError failed = call != nullptr ? os_failure(kind, message, call, os_error)
                                               : ExchangeError{kind, Error{std::move(message)}, std::nullopt, {}, {}};
        failed.local = local;
        failed.connected = true;
        return unexpected(std::move(failed));
    };

    wire::Bytes framed{static_cast<std::uint8_t>(query.size() >> 8), static_cast<std::uint8_t>(query.size())};
    framed.insert(framed.end(), query.begin(), query.end());
    std::size_t sent = 0;
    while (sent < framed.size()) {
        if (!wait_for(socket.get(), POLLOUT, deadline)) return stalled(ExchangeFailure::timeout, "TCP send timed out");
        ssize_t n = ::send(socket.get(), framed.data() + sent, framed.size() - sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) continue;
            return stalled(classify(errno), "TCP send", "send", errno);
        }
        sent += static_cast<std::size_t>(n);
    }
    auto read_exact = [&](std::uint8_t* into, std::size_t want) -> Result<void, ExchangeError> {
        std::size_t got = 0;
        while (got < want) {
            if (!wait_for(socket.get(), POLLIN, deadline))
                return stalled(ExchangeFailure::timeout, "TCP answer timed out after " + std::to_string(got) + " of " +
                                                             std::to_string(want) + " octets");
            ssize_t n = ::recv(socket.get(), into + got, want - got, 0);
            if (n == 0) return stalled(ExchangeFailure::reset, "TCP connection closed before the answer ended");
            if (n < 0) {
                if (errno == EAGAIN || errno == EINTR) continue;
                return stalled(classify(errno), "TCP recv", "recv", errno);
            }
            got += static_cast<std::size_t>(n);
        }
        return Ok{};
    };
    std::uint8_t prefix[2];
    if (auto r = read_exact(prefix, 2); !r) return unexpected(r.error());
    wire::Bytes answer(wire::load_u16(prefix));
    if (auto r = read_exact(answer.data(), answer.size()); !r) return unexpected(r.error());
    return Exchange{std::move(answer), elapsed_ms(start), local_of(socket.get())};
}

ExchangeError os_failure(ExchangeFailure kind, const std::string& what, const char* call, int os_error) {
    return failure_from(kind, fail_os(what, call, os_error).error);
}

ExchangeError failure_from(ExchangeFailure kind, const Error& error) { return {kind, error, std::nullopt, {}, {}}; }

std::string_view to_string(ExchangeFailure failure) {
    switch (failure) {
        case ExchangeFailure::timeout: return "timeout";
        case ExchangeFailure::refused: return "refused";
        case ExchangeFailure::reset: return "reset";
        case ExchangeFailure::error: return "error";
    }
    return "error";
}

}  // namespace dnspath::net
