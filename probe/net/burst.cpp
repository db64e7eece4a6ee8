#include "probe/net/burst.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace dnspath::net {
namespace {

Result<Fd> open_udp(const Endpoint& server, std::uint16_t source_port) {
    Fd socket(::socket(server.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!socket.valid()) return fail("socket: " + errno_text(errno));
    if (source_port != 0) {
        int on = 1;
        ::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        Endpoint local;
        local.storage.ss_family = static_cast<sa_family_t>(server.family());
        if (server.is_ipv6()) {
            auto* v6 = reinterpret_cast<sockaddr_in6*>(&local.storage);
            v6->sin6_port = htons(source_port);
            local.length = sizeof(sockaddr_in6);
        } else {
            auto* v4 = reinterpret_cast<sockaddr_in*>(&local.storage);
            v4->sin_port = htons(source_port);
            local.length = sizeof(sockaddr_in);
        }
        if (::bind(socket.get(), local.sockaddr_ptr(), local.length) != 0)
            return fail("bind to port " + std::to_string(source_port) + ": " + errno_text(errno));
    }
    if (::connect(socket.get(), server.sockaddr_ptr(), server.length) != 0)
        return fail("connect " + server.to_string() + ": " + errno_text(errno));
    return socket;
}

std::uint16_t local_port_of(const Fd& socket) {
    Endpoint local;
    local.length = sizeof local.storage;
    if (::getsockname(socket.get(), local.sockaddr_ptr(), &local.length) != 0) return 0;
    return local.port();
}

std::uint16_t dns_id(wire::ByteView message) {
    return message.size() >= 2 ? static_cast<std::uint16_t>(message[0] << 8 | message[1]) : 0;
}

}  // namespace

Result<FlowSet> FlowSet::open(const Endpoint& server, std::size_t flows) {
    FlowSet set;
    for (std::size_t i = 0; i < flows; ++i) {
        DNSPATH_TRY(Fd socket, open_udp(server, 0));
        set.ports_.push_back(local_port_of(socket));
        set.sockets_.push_back(std::move(socket));
    }
    return set;
}

Result<std::vector<BurstReply>> FlowSet::exchange(const std::vector<Send>& queries, std::chrono::milliseconds gap,
                                                  std::chrono::milliseconds wait) {
    std::vector<BurstReply> replies(queries.size());
    std::vector<pollfd> polls;
    for (const auto& socket : sockets_) polls.push_back({socket.get(), POLLIN, 0});
    std::vector<std::vector<std::size_t>> sent_on(sockets_.size());  // each flow's queries sent so far
    std::size_t sent = 0, pending = 0;
    auto next_send = Clock::now();
    auto deadline = next_send + wait;
    std::uint8_t buffer[65536];
    while (sent < queries.size() || pending > 0) {
        const auto now = Clock::now();
        if (sent < queries.size() && now >= next_send) {
            const auto& one = queries[sent];
            if (one.flow >= sockets_.size()) return fail("flow " + std::to_string(one.flow) + " is not open");
            replies[sent].local_port = ports_[one.flow];
            // A send that fails (a full neighbour queue) leaves the query unanswered, which is what it is.
            (void)::send(sockets_[one.flow].get(), one.query.data(), one.query.size(), 0);
            sent_on[one.flow].push_back(sent);
            ++sent;
            ++pending;
            next_send = now + gap;
            deadline = now + wait;
            if (gap.count() == 0) continue;
        }
        auto until = sent < queries.size() ? std::min(next_send, deadline) : deadline;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
        if (sent == queries.size() && left <= 0) break;
        int ready = ::poll(polls.data(), polls.size(), static_cast<int>(std::max<long>(left, 0)));
        if (ready < 0 && errno != EINTR) return fail("poll: " + errno_text(errno));
        for (std::size_t flow = 0; flow < polls.size() && ready > 0; ++flow) {
            if (!(polls[flow].revents & (POLLIN | POLLERR))) continue;
            for (;;) {  // every datagram waiting on this flow
                ssize_t got = ::recv(polls[flow].fd, buffer, sizeof buffer, 0);
                if (got < 0 && errno == EAGAIN) break;
                if (got <= 0) continue;  // an ICMP error (refused) is not an answer
                wire::ByteView reply(buffer, static_cast<std::size_t>(got));
                for (std::size_t i : sent_on[flow])
                    if (!replies[i].answered && dns_id(reply) == dns_id(queries[i].query)) {
                        replies[i].answered = true;
                        replies[i].answer.assign(buffer, buffer + got);
                        --pending;
                        break;
                    }
            }
        }
    }
    return replies;
}

Result<std::vector<BurstReply>> udp_burst(const Endpoint& server, const std::vector<wire::Bytes>& queries,
                                          std::chrono::milliseconds wait) {
    DNSPATH_TRY(FlowSet flows, FlowSet::open(server, queries.size()));
    std::vector<FlowSet::Send> sends;
    for (std::size_t i = 0; i < queries.size(); ++i) sends.push_back({i, queries[i]});
    return flows.exchange(sends, std::chrono::milliseconds(0), wait);
}

double LoadFigures::percentile_ms(double fraction) const {
    if (latencies_ms.empty()) return 0;
    auto index = static_cast<std::size_t>(fraction * static_cast<double>(latencies_ms.size() - 1));
    return latencies_ms[index];
}

Result<LoadFigures> udp_load(const Endpoint& server, wire::ByteView query, const LoadOptions& options) {
    if (query.size() < 12) return fail("load: the query is shorter than a DNS header");
    std::vector<Fd> sockets;
    std::vector<pollfd> polls;
    for (int i = 0; i < options.sockets; ++i) {
        auto port = options.first_source_port ? static_cast<std::uint16_t>(options.first_source_port + i) : std::uint16_t{0};
        DNSPATH_TRY(Fd socket, open_udp(server, port));
        polls.push_back({socket.get(), POLLIN, 0});
        sockets.push_back(std::move(socket));
    }
    // In flight: DNS id -> when it left. Ids cycle through 65536, far more than are ever in flight.
    std::vector<Clock::time_point> sent_at(65536);
    std::vector<bool> in_flight(65536, false);
    std::vector<std::uint16_t> flight_order;  // ids in send order, to expire the oldest
    std::size_t oldest = 0;
    wire::Bytes message(query.begin(), query.end());
    LoadFigures figures;
    std::uint16_t next_id = 1;
    std::size_t next_socket = 0;
    int outstanding = 0;
    const auto start = Clock::now();
    const auto end = start + options.duration;
    std::uint8_t buffer[4096];
    auto send_one = [&]() {
        while (in_flight[next_id]) ++next_id;
        message[0] = static_cast<std::uint8_t>(next_id >> 8);
        message[1] = static_cast<std::uint8_t>(next_id);
        auto& socket = sockets[next_socket++ % sockets.size()];
        if (::send(socket.get(), message.data(), message.size(), 0) < 0) return;
        in_flight[next_id] = true;
        sent_at[next_id] = Clock::now();
        flight_order.push_back(next_id);
        ++figures.sent;
        ++outstanding;
        ++next_id;
    };
    while (true) {
        auto now = Clock::now();
        const bool sending = now < end;
        if (!sending && outstanding == 0) break;
        if (!sending && now > end + options.timeout) break;
        while (sending && outstanding < options.outstanding) send_one();
        // Expire the oldest queries that waited too long, so a lossy device cannot stall the loop.
        while (oldest < flight_order.size()) {
            auto id = flight_order[oldest];
            if (!in_flight[id]) { ++oldest; continue; }
            if (now - sent_at[id] < options.timeout) break;
            in_flight[id] = false;
            ++figures.lost;
            --outstanding;
            ++oldest;
        }
        int ready = ::poll(polls.data(), polls.size(), 10);
        if (ready < 0 && errno != EINTR) return fail("poll: " + errno_text(errno));
        for (auto& entry : polls) {
            if (!(entry.revents & POLLIN)) continue;
            while (true) {
                ssize_t got = ::recv(entry.fd, buffer, sizeof buffer, 0);
                if (got < 12) break;
                auto id = dns_id(wire::ByteView(buffer, static_cast<std::size_t>(got)));
                if (!in_flight[id]) continue;
                in_flight[id] = false;
                --outstanding;
                ++figures.answered;
                figures.latencies_ms.push_back(
                    std::chrono::duration<double, std::milli>(Clock::now() - sent_at[id]).count());
                if (Clock::now() < end) send_one();
            }
        }
    }
    figures.seconds = std::chrono::duration<double>(std::min(Clock::now(), end) - start).count();
    std::sort(figures.latencies_ms.begin(), figures.latencies_ms.end());
    return figures;
}

}  // namespace dnspath::net
