// A probe session against one target: builds probe names, sends queries with retries and an
// RTT-adapted timeout, and records every raw outcome. Probe kinds ask through it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "probe/net/net.h"
#include "probe/profile/profile.h"
#include "probe/wire/wire.h"
#include "probe/model/model.h"
#include "probe/probe.h"

namespace dnspath::probe {

enum class Transport { udp, tcp, tls };  // tls: DNS over TLS (RFC 7858), to spec.port

// What to ask. The query name is built from the fields; the rest shapes the message.
struct QuerySpec {
    std::string kind{};                   // probe kind, for the record
    std::optional<std::uint32_t> size{};  // requested answer size
    bool echo = false;
    bool dnssec_label = false;
    std::optional<wire::Edns> edns{};
    Transport transport = Transport::udp;
    std::uint16_t qtype = wire::rr_type::txt;
    std::optional<int> question_count{};  // 0 or 2 for the RFC 9619 probes; default one question
    std::optional<std::uint8_t> opcode{};  // another opcode than QUERY (RFC 8906 8: unknown ones get NOTIMP)
    bool retry = true;                    // a timeout is retried up to plan.retries times
    std::optional<int> tries{};           // instead of 1 + plan.retries, or more on a lossy path (with retry)
    bool dont_fragment = false;           // the query leaves with DF set (path MTU measurement)
    bool df_answer = false;               // ask the responder to send the answer with DF set
    bool small_fragments_answer = false;  // ask the responder to fragment the answer at 1280 (IPv6)
    std::optional<std::uint32_t> answer_fragment_size{};  // ask for the answer in fragments of this size (f<n>)
    std::optional<std::size_t> query_size{};  // pad the query (EDNS Padding) to this many octets
    std::optional<std::size_t> fragment_size{};  // send the query as crafted IP fragments of this size
    bool apex = false;                    // ask about the zone itself (DNSKEY, SOA), not a probe name
    std::optional<wire::Name> name{};     // target mode: ask about this name instead of a probe name
    bool via_proxy = false;               // ask the DNS proxy under test instead of the target
    std::optional<int> tcp_mss{};         // TCP: the segment size the SYN offers (small: large segments are not needed)
    std::optional<std::uint32_t> answer_delay_ms{};  // ask the responder to answer this late ("w<ms>")
    std::optional<model::HeaderBits> query_bits{};   // header bits the query carries (AD, CD, Z)
    std::optional<model::HeaderBits> answer_bits{};  // ask the responder to set these in its answer ("h<n>")
    bool mixed_case = false;              // send the name in mixed case (all labels but the probe id)
    bool nxdomain = false;                // ask the responder for NXDOMAIN ("nx": a name that does not exist)
    std::optional<std::uint32_t> cache_ttl{};  // ask the responder for this TTL and the time it served ("c<s>")
    bool non_dns = false;                 // send the non-dns-53 probe's datagram (wire::make_raw_probe), not DNS
    std::optional<std::uint16_t> port{};  // to this port of the server instead of its own
    bool tsig = false;                    // TSIG-sign the query with the run key's TSIG key (wire::tsig_key_from)
    // Ask the responder to ask a DNS proxy from outside first ("o" label): "" the address it sees
    // the query come from, else an address in hex (wire::ProbeName::open_check).
    std::optional<std::string> open_check{};
    // Ask the responder to trace the answer's way back over this many hops first ("a<n>").
    std::optional<std::uint32_t> answer_trace{};
    std::optional<std::chrono::milliseconds> wait{};  // instead of the learned timeout
};



// The name with its letters in alternating case, starting upper, the first label (a probe id)
// kept as it is when `keep_first`: what the case-0x20 probe sends, and so what must come back.
wire::Name mixed_case(const wire::Name& name, bool keep_first);

struct QueryOutcome {
    // The results' one vocabulary; a session never says `truncated` (the record does, from TC=1).
    model::Outcome kind = model::Outcome::error;
    std::string probe_id;
    wire::Name name;  // the name asked (a proxy's retries ask it again; the cache probe asks it again later)
    std::optional<wire::Message> message;
    std::size_t answer_size = 0;
    double rtt_ms = 0;
    std::optional<model::LocalError> error;  // error and undecodable outcomes: what failed
    net::Endpoint local;
    int attempts = 0;
    std::size_t query_size = 0;
    std::optional<int> icmp_mtu;  // an ICMP too-big came back naming this MTU
    std::string icmp_from;
    bool tcp_connected = false;  // TCP: the handshake completed, whatever came after
    std::string tls_protocol;    // DoT: the TLS version the handshake settled on ("TLSv1.3")
    // A TSIG-signed query's answer: what verifying its TSIG (over the query's MAC) found.
    std::optional<wire::TsigCheck> tsig;

    bool answered() const { return kind == model::Outcome::answer && message.has_value(); }
};

// `params` with the outcome's local error as a cause's `error` parameter, when it has one.
model::Params with_error(model::Params params, const QueryOutcome& outcome);

// Spaces the run's queries at least `gap` apart, across every lane (thread-safe; the one thing
// lanes share): side by side, the kinds would otherwise start in one burst, and a device that
// rate-limits DNS (nftables' limit with its burst of 5) would drop a ladder of sizes sent at once
// and read as a size limit. 1 ms is no faster than the one-by-one engine sent on a lab path.
class SendPacer {
public:
    explicit SendPacer(std::chrono::microseconds gap) : gap_ns_(std::chrono::nanoseconds(gap).count()) {}
    void wait();

private:
    std::int64_t gap_ns_;
    std::atomic<std::int64_t> next_ns_{0};
};

struct SessionConfig {
    std::map<model::Family, net::Endpoint> targets;  // one server address per family
    std::map<model::Family, net::Endpoint> proxies;  // a DNS proxy in front of it (a CPE's LAN address)
    bool proxy_upstream_unseen = false;  // the proxies forward elsewhere (RunConfig's, which see)
    std::map<model::Family, net::Endpoint> proxy_wan;  // the proxies' WAN sides, port 53 (RunConfig's, which see)
    std::map<model::Family, net::Endpoint> baseline; // the server without the device (load comparison)
    std::vector<profile::TargetName> target_names;      // target mode: names to ask a real server
    wire::Name zone;
    wire::Bytes key;
    profile::Plan plan;
    std::shared_ptr<SendPacer> pacer = std::make_shared<SendPacer>(std::chrono::microseconds(1000));
};

// The round-trip loss this family's path showed before the plan (small queries, paced): every
// decisive loss is weighed against it. Until it is measured nothing is ruled out (upper 1).
struct LossEstimate {
    int sent = 0;
    int lost = 0;
    double upper = 1.0;  // the rate's upper 99 % bound: what a cause must beat
};

class Session {
public:
    Session(SessionConfig config, std::uint64_t seed, const std::atomic<bool>& stop);

    // A session for one of the kinds that run side by side: the same target, key, loss estimates
    // and learned timeout, its own probe ids (numbered from `lane` × 4096, so no two lanes' ids
    // meet), random numbers, records and sockets. Nothing is shared, so lanes need no locks.
    Session lane(std::uint32_t lane);
    // Takes a finished lane's records and failures, in the order the lanes are joined.
    void join(Session&& lane);

    QueryOutcome ask(model::Family family, const QuerySpec& spec);
    // A question asked as a resolver asks it: over UDP, then again over TCP when the answer came
    // back TC=1 (with `tcp_tries`, else the spec's). Every probe's id joins `probes`.
    struct Fetched {
        QueryOutcome outcome;  // the last answer: TCP's when it fell back
        bool via_tcp = false;
    };
    Fetched ask_as_resolver(model::Family family, QuerySpec spec, std::vector<std::string>& probes,
                            std::optional<int> tcp_tries = std::nullopt);
    // The fallback alone, after a UDP answer the caller asked (and recorded) its own way.
    Fetched tcp_fallback(model::Family family, QuerySpec spec, QueryOutcome udp, std::vector<std::string>& probes,
                         std::optional<int> tcp_tries = std::nullopt);
    // The queries asked at once, each on a lane of its own, so their waits overlap; the outcomes
    // and records in the order of `specs`. For probes whose tries do not depend on each other.
    std::vector<QueryOutcome> ask_all(model::Family family, const std::vector<QuerySpec>& specs);
    // Runs the tasks at once, each on a session of its own (the same target, estimates and
    // timeout; its own ids, up to 256 before they overlap another task's counter, and records),
    // and takes their records in the order given. For measurements that do not depend on each other.
    void side_by_side(const std::vector<std::function<void(Session&)>>& tasks);

    // A query as `ask` would send it, without sending it (the ttl kind sends it itself).
    struct BuiltQuery {
        std::string probe_id;
        wire::Name name;
        wire::Bytes bytes;
        std::uint16_t dns_id = 0;
        std::string error;  // not empty when it could not be encoded
        std::string error_word;  // the wire error's code word ("size-unreachable")
        wire::Bytes tsig_mac;    // a TSIG-signed query's MAC: its answer is signed over it
    };
    BuiltQuery build(const QuerySpec& spec);
    // Try `attempt` (from 2) of a built probe: the same probe id and DNS id (what the judges compare
    // an echo with), a new name ("r<attempt>"), so a forwarder does not merge it into the lost
    // first try's pending upstream query.
    BuiltQuery rebuild(const QuerySpec& spec, const BuiltQuery& first, std::uint32_t attempt);
    // The first plain UDP query of this family that got no answer, if any.
    std::optional<QuerySpec> first_failure(model::Family family) const;
    bool stopped() const { return stop_.load(); }
    void set_loss(model::Family family, LossEstimate estimate) { loss_[family] = estimate; }
    const LossEstimate& loss(model::Family family) const;
    // Tries a decisive probe gets: enough that, all lost, random loss at this family's measured
    // rate would explain it with a chance under a quarter of the significance level (a verdict
    // weighs a few such probes), at most the budget (10 × plan.repetitions). `fragments`: packets
    // the answer takes.
    int confirm_tries(model::Family family, int fragments = 1) const;
    // The chance random loss alone loses one exchange of this family (`fragments` answer packets).
    double exchange_loss(model::Family family, int fragments = 1) const;
    const SessionConfig& config() const { return config_; }
    std::vector<model::ProbeRecord>& records() { return records_; }
    std::chrono::milliseconds timeout() const { return timeout_; }

    // The source ports of this run's flows (FlowSets), each handed out once.
    net::PortAllocator& flow_ports() { return flow_ports_; }

private:
    // One try of a query on the wire, and the MAC its answer must be signed over.
    struct SentTry {
        wire::Bytes query;
        wire::Bytes mac;
    };
    Result<net::Exchange, net::ExchangeError> exchange_once(const net::Endpoint& server, const QuerySpec& spec,
                                                            const wire::Bytes& query, int attempts, bool one_socket,
                                                            QueryOutcome& outcome);
    // Tries sent together, each from its own socket: which one to take (an answer first) and how it went.
    std::pair<std::size_t, Result<net::Exchange, net::ExchangeError>> exchange_together(const net::Endpoint& server,
                                                                                          const QuerySpec& spec,
                                                                                          const std::vector<SentTry>& sent);
    void take_failure(const net::ExchangeError& error, QueryOutcome& outcome);
    void take_answer(const net::Exchange& exchange, const QuerySpec& spec, const BuiltQuery& built,
                     const wire::Bytes& request_mac, QueryOutcome& outcome);
    Session child(std::uint32_t first_counter);
    std::string next_probe_id();
    void learn_rtt(double rtt_ms);

    SessionConfig config_;
    std::mt19937_64 random_;
    const std::atomic<bool>& stop_;
    std::vector<model::ProbeRecord> records_;
    std::vector<std::pair<model::Family, QuerySpec>> failures_;
    std::size_t inherited_failures_ = 0;  // a lane's: the failures it started with
    std::map<model::Family, LossEstimate> loss_;
    std::chrono::milliseconds timeout_;
    double smoothed_rtt_ms_ = -1;
    std::uint32_t counter_ = 0;
    net::PortAllocator flow_ports_{random_()};
};

// A dig command line that asks the record's question of `server` the way the probe asked it: one
// try, TC=1 answers shown rather than retried over TCP, and a shell comment naming what dig cannot
// send (crafted query fragments, padding over 512 octets, QDCOUNT other than 1, a small TCP MSS).
// `padded_to`: the size EDNS Padding brought the query to; `keyed_cookie`: the query carried the
// key's cookie (an apex question), which dig cannot make.
std::string reproduce_command(const model::ProbeRecord& record, const net::Endpoint& server,
                              std::optional<std::size_t> padded_to = std::nullopt, bool keyed_cookie = false);

// The responder's echo (TXT key=value strings) as a multimap: "opt" may repeat.
std::multimap<std::string, std::string> parse_echo(const wire::Message& answer);
std::optional<std::string> echo_value(const std::multimap<std::string, std::string>& echo, const std::string& key);
// One `atr=` entry of an answer trace's echo ("HOP/SMALL/LARGE", responder/answer_trace.h) as a
// hop's typed parameters (hop, from, and large_from, large, mtu, quoted_ip_length, fragment when a
// router quoted the large copy); nullopt when it is not one.
std::optional<model::Params> answer_trace_hop(const std::string& entry);
// The echo as typed fields (nullopt: the answer carries no echo).
std::optional<model::Echo> typed_echo(const wire::Message& answer);
// An echo field read as a number; nullopt when absent or not a number (the echo crossed the path
// and may have been mangled, so it is parsed like any other input, without throwing).
std::optional<std::uint32_t> echo_number(std::string_view text);

}  // namespace dnspath::probe
