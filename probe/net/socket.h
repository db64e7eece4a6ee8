// Sockets as RAII values and the few blocking exchanges the probe makes (one UDP datagram, one
// length-prefixed TCP message), each bounded by a deadline.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "probe/wire/wire.h"

namespace dnspath::net {

// Owns one file descriptor; closing it is the destructor's job.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(other.release()) {}
    Fd& operator=(Fd&& other) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd();

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    int release();

private:
    int fd_ = -1;
};

// An IPv4 or IPv6 socket address.
struct Endpoint {
    sockaddr_storage storage{};
    socklen_t length = 0;

    static Result<Endpoint> parse(const std::string& address, std::uint16_t port);
    int family() const { return storage.ss_family; }
    bool is_ipv6() const { return family() == AF_INET6; }
    std::string address() const;  // without the port
    std::uint16_t port() const;
    std::string to_string() const;  // "198.18.2.2:53", "[fd00::2]:53"
    const sockaddr* sockaddr_ptr() const;
    sockaddr* sockaddr_ptr();
};

std::string errno_text(int error);

using Clock = std::chrono::steady_clock;

struct Exchange {
    wire::Bytes answer;
    double rtt_ms = 0;
    Endpoint local;  // the address and port the query left from
    int sends = 1;   // how often the query had been sent when the answer came (UdpOptions::sends)
};

enum class ExchangeFailure { timeout, refused, reset, error };
// "timeout", "refused", "reset", "error": as results record it.
std::string_view to_string(ExchangeFailure failure);
struct ExchangeError {
    ExchangeFailure kind = ExchangeFailure::error;
    Error cause;  // its words, and for a local failure its code (a call and its errno, say)
    // An ICMP error that came back for the query (read from the socket's error queue): a router
    // saying "fragmentation needed / packet too big" names the MTU it could not exceed.
    std::optional<int> icmp_mtu;
    std::string icmp_from;
    Endpoint local;  // the address and port the query left from, when a socket got that far (length 0: none)
    bool connected = false;  // TCP: the handshake completed before it failed (a data stall, not a filter)
};
// A system call that failed an exchange: "WHAT: strerror" in words; the call and errno as the code.
ExchangeError os_failure(ExchangeFailure kind, const std::string& what, const char* call, int os_error);
// An Error (a crafted packet that could not leave, say) as an exchange's failure.
ExchangeError failure_from(ExchangeFailure kind, const Error& error);

// How a UDP query leaves: DF set without the kernel's PMTU cache (to measure the path MTU), and
// whether ICMP errors about it are collected.
struct UdpOptions {
    bool dont_fragment = false;
    // The same query sent this many times from one socket, `timeout` apart, as a stub retries: a
    // proxy takes a retry from the same client and id as a retransmission and asks upstream again,
    // where a new socket's query would join the one still pending upstream (dnsmasq).
    int sends = 1;
};

// Sends one UDP query from a fresh socket and waits for a reply with the same DNS id.
Result<Exchange, ExchangeError> udp_exchange(const Endpoint& server, wire::ByteView query,
                                             std::chrono::milliseconds timeout, const UdpOptions& options = {});
// The MTU of the route toward `server` as the kernel knows it (interface MTU or cached PMTU).
std::optional<int> route_mtu(const Endpoint& server);
// The local address the kernel would use toward `server`.
Result<Endpoint> local_address_toward(const Endpoint& server);
// How a TCP query leaves: `mss` set before connecting is the segment size the SYN offers, so the
// server's segments are no larger (small segments cross a path whose large ones die).
struct TcpOptions {
    std::optional<int> mss;
};
// A TCP connection made within a deadline (non-blocking), and the port it left from.
struct TcpConnection {
    Fd socket;
    Endpoint local;
};
Result<TcpConnection, ExchangeError> tcp_connect(const Endpoint& server, std::chrono::steady_clock::time_point deadline,
                                                 const TcpOptions& options = {});
// Waits for `events` (poll) on a non-blocking socket until the deadline; false on timeout.
bool wait_until(int fd, short events, std::chrono::steady_clock::time_point deadline);

// Connects, sends one length-prefixed query and reads one length-prefixed answer.
Result<Exchange, ExchangeError> tcp_exchange(const Endpoint& server, wire::ByteView query,
                                             std::chrono::milliseconds timeout, const TcpOptions& options = {});

}  // namespace dnspath::net
