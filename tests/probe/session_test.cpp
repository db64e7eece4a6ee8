// The session's lanes on loopback: queries asked at once are all in flight together, come back in
// the order asked, each with its own probe id, and a lane's records and failures reach the session.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <set>
#include <thread>
#include <unistd.h>

#include "probe/engine/session.h"

namespace dnspath::probe {
namespace {

// A UDP server on 127.0.0.1 that answers each query with its own question (QR set) once
// `together` queries have arrived (those held till then), never when `together` is 0; it stops
// when the test ends.
class LoopbackServer {
public:
    explicit LoopbackServer(std::size_t together) : together_(together) {
        socket_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address);
        socklen_t length = sizeof address;
        ::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        thread_ = std::jthread([this](std::stop_token stop) { serve(stop); });
    }
    ~LoopbackServer() {
        thread_.request_stop();
        thread_.join();
        ::close(socket_);
    }
    std::uint16_t port() const { return port_; }

private:
    void serve(const std::stop_token& stop) {
        wire::Bytes buffer(4096);
        while (!stop.stop_requested()) {
            pollfd entry{socket_, POLLIN, 0};
            if (::poll(&entry, 1, 20) <= 0) continue;
            sockaddr_in from{};
            socklen_t length = sizeof from;
            auto n = ::recvfrom(socket_, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&from), &length);
            if (n <= 0 || together_ == 0) continue;
            auto query = wire::decode(wire::ByteView(buffer.data(), static_cast<std::size_t>(n)));
            if (!query) continue;
            auto answer = *query;
            answer.header.qr = true;
            auto bytes = wire::encode(answer);
            if (bytes) held_.push_back({std::move(bytes).value(), from});
            if (held_.size() < together_) continue;
            for (const auto& [answer_bytes, to] : held_)
                ::sendto(socket_, answer_bytes.data(), answer_bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
            held_.clear();
            together_ = 1;
        }
    }
    std::size_t together_;
    std::vector<std::pair<wire::Bytes, sockaddr_in>> held_;
    int socket_ = -1;
    std::uint16_t port_ = 0;
    std::jthread thread_;
};

SessionConfig config_for(std::uint16_t port) {
    SessionConfig config;
    config.targets.emplace(model::Family::ipv4, net::Endpoint::parse("127.0.0.1", port).value());
    config.zone = wire::Name::parse("probe.dnspath.test").value();
    config.plan.timeout_ms = 300;
    config.plan.retries = 0;
    return config;
}

std::vector<QuerySpec> sized_queries(int count) {
    std::vector<QuerySpec> specs;
    for (int i = 0; i < count; ++i)
        specs.push_back({.kind = "edns-size", .size = static_cast<std::uint32_t>(512 + i), .edns = wire::Edns{}});
    return specs;
}

TEST(SessionLanes, QueriesAskedAtOnceAreInFlightTogetherAndComeBackInTheOrderAsked) {
    // The server answers only once all twelve are in: one at a time, each would time out alone.
    LoopbackServer server(12);
    std::atomic<bool> stop{false};
    Session session(config_for(server.port()), 7, stop);
    auto outcomes = session.ask_all(model::Family::ipv4, sized_queries(12));
    ASSERT_EQ(outcomes.size(), 12u);
    ASSERT_EQ(session.records().size(), 12u);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        EXPECT_TRUE(outcomes[i].answered()) << i;
        const auto& record = session.records()[i];
        EXPECT_EQ(record.id, outcomes[i].probe_id);
        EXPECT_EQ(record.requested_size, 512 + i);
        ids.insert(record.id);
    }
    EXPECT_EQ(ids.size(), 12u) << "every probe id is the run's only one";
    // The session asks on after its lanes joined, with an id none of them had.
    auto after = session.ask(model::Family::ipv4, {.kind = "edns-size", .size = 600u, .edns = wire::Edns{}});
    EXPECT_TRUE(after.answered());
    EXPECT_FALSE(ids.count(after.probe_id));
}

TEST(SessionLanes, ALanesLossesReachTheSession) {
    LoopbackServer server(0);
    std::atomic<bool> stop{false};
    Session session(config_for(server.port()), 7, stop);
    auto outcomes = session.ask_all(model::Family::ipv4, sized_queries(3));
    for (const auto& outcome : outcomes) EXPECT_EQ(outcome.kind, model::Outcome::timeout);
    ASSERT_TRUE(session.first_failure(model::Family::ipv4).has_value());
    EXPECT_EQ(session.first_failure(model::Family::ipv4)->size, 512u) << "the first in the order asked";
}

TEST(SessionLanes, ALaneJoinsItsRecordsAndFailuresAfterTheSessions) {
    LoopbackServer server(0);
    std::atomic<bool> stop{false};
    Session session(config_for(server.port()), 7, stop);
    Session first = session.lane(1), second = session.lane(2);
    first.ask(model::Family::ipv4, {.kind = "edns-size", .size = 700u, .edns = wire::Edns{}});
    second.ask(model::Family::ipv4, {.kind = "edns-size", .size = 800u, .edns = wire::Edns{}});
    session.join(std::move(second));
    session.join(std::move(first));
    ASSERT_EQ(session.records().size(), 2u);
    EXPECT_EQ(session.records()[0].requested_size, 800u) << "joined in the order joined";
    EXPECT_NE(session.records()[0].id, session.records()[1].id);
    EXPECT_EQ(session.first_failure(model::Family::ipv4)->size, 800u);
}

TEST(Reproduce, TheDigLineAsksTheSameQuestionTheSameWay) {
    model::ProbeRecord record;
    record.qname = "p0001.s1480.tabc.probe.dnspath.test.";
    record.qtype = wire::rr_type::txt;
    record.bufsize = 4096;
    record.dnssec_ok = true;
    EXPECT_EQ(reproduce_command(record, net::Endpoint::parse("198.18.2.2", 53).value()),
              "dig @198.18.2.2 p0001.s1480.tabc.probe.dnspath.test. TXT +norecurse +bufsize=4096 +dnssec +ignore "
              "+tries=1 +time=2");
    record.transport = "tcp";
    record.bufsize.reset();
    record.via_proxy = true;
    record.qtype = wire::rr_type::dnskey;
    EXPECT_EQ(reproduce_command(record, net::Endpoint::parse("fd00::2", 5353).value()),
              "dig @fd00::2 -p 5353 p0001.s1480.tabc.probe.dnspath.test. DNSKEY +recurse +tcp +noedns +tries=1 +time=3");
}

TEST(Reproduce, WhatDigCannotSendIsNamedNotDropped) {
    model::ProbeRecord record;
    record.qname = "p0002.echo.tabc.probe.dnspath.test.";
    record.bufsize = 1232;
    record.edns_version = 1;
    record.fragment_size = 576;
    const auto line = reproduce_command(record, net::Endpoint::parse("198.18.2.2", 53).value(), std::size_t{1400});
    EXPECT_NE(line.find("+edns=1 +noednsnegotiation"), std::string::npos) << line;
    EXPECT_NE(line.find("  # dig cannot send: the query in 576-octet IP fragments"), std::string::npos) << line;
    record.fragment_size.reset();
    EXPECT_NE(reproduce_command(record, net::Endpoint::parse("198.18.2.2", 53).value(), std::size_t{1400})
                  .find("a query padded to 1400 octets"),
              std::string::npos);
    EXPECT_NE(reproduce_command(record, net::Endpoint::parse("198.18.2.2", 53).value(), std::size_t{300}).find("+padding=300"),
              std::string::npos);
}

TEST(AnswerTraceEcho, EachEntryIsAHopAndAnythingElseIsNone) {
    auto large = answer_trace_hop("1/198.18.2.1/198.18.2.1,te,1428,whole").value();
    EXPECT_EQ(large["hop"], 1);
    EXPECT_EQ(large["from"], "198.18.2.1");
    EXPECT_EQ(large["large_from"], "198.18.2.1");
    EXPECT_EQ(large["large"], "time-exceeded");
    EXPECT_EQ(large["quoted_ip_length"], 1428);
    EXPECT_EQ(large["fragment"], false);
    auto small = answer_trace_hop("2/198.18.1.1/-").value();
    EXPECT_FALSE(small.contains("large_from"));
    auto too_big = answer_trace_hop("3/-/fd00:1::1,ptb1280,1500,first").value();
    EXPECT_TRUE(too_big["from"].is_null());
    EXPECT_EQ(too_big["large"], "too-big");
    EXPECT_EQ(too_big["mtu"], 1280);
    EXPECT_EQ(too_big["fragment"], true);
    for (const char* bad : {"", "x/y", "1/", "one/a/b", "/1/2"}) EXPECT_FALSE(answer_trace_hop(bad)) << bad;
    EXPECT_FALSE(answer_trace_hop("1/a/b,c").value().contains("large_from"));  // a mangled large part is dropped
}

}  // namespace
}  // namespace dnspath::probe
