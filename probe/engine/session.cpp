#include "probe/engine/session.h"

#include <cctype>
#include <ctime>
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <thread>

#include "probe/judge/judge.h"
#include "probe/wire/wire.h"

namespace dnspath::probe {

using model::Family;

// The DNS 0x20 bit (RFC 4343: the case must come back as sent). A probe id stays lowercase: taps
// find the probe by it.
wire::Name mixed_case(const wire::Name& name, bool keep_first) {
    std::vector<std::string> labels = name.labels();
    bool upper = true;
    for (std::size_t i = keep_first ? 1 : 0; i < labels.size(); ++i)
        for (char& c : labels[i])
            if (std::isalpha(static_cast<unsigned char>(c))) {
                c = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
                upper = !upper;
            }
    return wire::Name(std::move(labels));
}

namespace {

// The outcome's typed fields on the record: what came back, or why nothing did.
void fill_outcome(model::ProbeRecord& record, const QueryOutcome& outcome) {
    record.outcome = outcome.kind;
    record.query_size = static_cast<std::uint32_t>(outcome.query_size);
    record.attempts = outcome.attempts;
    record.tcp_connected = outcome.tcp_connected;
    record.icmp_mtu = outcome.icmp_mtu;
    record.icmp_from = outcome.icmp_from;
    if (outcome.local.length != 0) record.source = outcome.local.address() + ":" + std::to_string(outcome.local.port());
    if (outcome.kind == model::Outcome::answer || outcome.kind == model::Outcome::undecodable) {
        record.answer_size = static_cast<std::uint32_t>(outcome.answer_size);
        record.rtt_ms = outcome.rtt_ms;
    }
    if (outcome.kind == model::Outcome::error || outcome.kind == model::Outcome::undecodable) record.error = outcome.error;
    if (!outcome.answered()) return;
    const auto& message = *outcome.message;
    if (message.header.tc) record.outcome = model::Outcome::truncated;
    record.rcode = message.full_rcode();
    record.ra = message.header.ra;
    record.aa = message.header.aa;
    for (const auto& option : message.edns ? message.edns->options : std::vector<wire::EdnsOption>{})
        if (auto ede = wire::parse_extended_error(option)) record.ede.push_back(ede->info_code);
    record.echo = typed_echo(message);
    if (record.query_bits || record.answer_bits_asked)
        record.answer_bits = model::HeaderBits{message.header.ad, message.header.cd, message.header.z};
    // Case-sensitive on purpose (Name::equals ignores case, as DNS does everywhere but here), and
    // against the case this try sent: a retry's name differs (r<n>), its case follows the pattern.
    if (record.mixed_case && message.questions.size() == 1) {
        const auto& got = message.questions.front().name;
        record.case_kept = got.to_string() == mixed_case(got, record.id_in_qname).to_string();
    }
}

// The record of a query as asked, before its outcome is known.
model::ProbeRecord query_record(const QuerySpec& spec, const Session::BuiltQuery& built, Family family) {
    model::ProbeRecord record;
    record.id = built.probe_id;
    // Names with no probe id (the zone apex, a real server's names in target mode): capture finds
    // them by their DNS id.
    record.id_in_qname = !(spec.apex || spec.name);
    record.dns_id = built.dns_id;
    record.kind = spec.kind;
    record.family = family;
    record.transport = spec.transport == Transport::tcp ? "tcp" : spec.transport == Transport::tls ? "tls" : "udp";
    record.qname = built.name.to_string();
    record.qtype = spec.qtype;
    record.requested_size = spec.size;
    if (spec.edns) {
        record.bufsize = spec.edns->udp_size;
        record.dnssec_ok = spec.edns->dnssec_ok;
        record.edns_version = spec.edns->version;
    }
    record.question_count = spec.question_count;
    record.opcode = spec.opcode;
    record.query_bits = spec.query_bits;
    record.answer_bits_asked = spec.answer_bits;
    record.mixed_case = spec.mixed_case;
    record.dont_fragment = spec.dont_fragment;
    if (spec.fragment_size) record.fragment_size = static_cast<std::uint32_t>(*spec.fragment_size);
    record.df_answer = spec.df_answer;
    record.small_fragments_answer = spec.small_fragments_answer;
    if (spec.answer_fragment_size) record.answer_fragment_size = *spec.answer_fragment_size;
    record.via_proxy = spec.via_proxy;
    record.tcp_mss = spec.tcp_mss;
    record.non_dns = spec.non_dns;
    record.tsig = spec.tsig;
    record.port = spec.port;
    if (spec.non_dns) record.qname.clear();
    return record;
}

}  // namespace

void SendPacer::wait() {
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    std::int64_t slot = next_ns_.load();
    std::int64_t mine = 0;
    do {
        mine = std::max(slot, static_cast<std::int64_t>(now));
    } while (!next_ns_.compare_exchange_weak(slot, mine + gap_ns_));
    if (mine > now) std::this_thread::sleep_for(std::chrono::nanoseconds(mine - now));
}

Session::Session(SessionConfig config, std::uint64_t seed, const std::atomic<bool>& stop)
    : config_(std::move(config)), random_(seed), stop_(stop), timeout_(config_.plan.timeout_ms) {}

Session Session::child(std::uint32_t first_counter) {
    Session child(config_, random_(), stop_);
    child.loss_ = loss_;
    child.failures_ = failures_;
    child.inherited_failures_ = failures_.size();
    child.timeout_ = timeout_;
    child.smoothed_rtt_ms_ = smoothed_rtt_ms_;
    child.counter_ = first_counter;
    return child;
}

Session Session::lane(std::uint32_t lane) { return child(lane << 12); }

std::vector<QueryOutcome> Session::ask_all(Family family, const std::vector<QuerySpec>& specs) {
    std::vector<QueryOutcome> outcomes(specs.size());
    std::vector<std::function<void(Session&)>> tasks;
    for (std::size_t i = 0; i < specs.size(); ++i)
        tasks.push_back([&, i](Session& lane) { outcomes[i] = lane.ask(family, specs[i]); });
    side_by_side(tasks);
    return outcomes;
}

void Session::side_by_side(const std::vector<std::function<void(Session&)>>& tasks) {
    std::vector<Session> lanes;
    for (std::size_t i = 0; i < tasks.size(); ++i) lanes.push_back(child(counter_ + static_cast<std::uint32_t>(i) * 256));
    counter_ += static_cast<std::uint32_t>(tasks.size()) * 256;
    {
        std::vector<std::jthread> threads;
        for (std::size_t i = 0; i < tasks.size(); ++i) threads.emplace_back([&, i] { tasks[i](lanes[i]); });
    }
    for (auto& lane : lanes) {
        if (lane.smoothed_rtt_ms_ >= 0 && lane.smoothed_rtt_ms_ != smoothed_rtt_ms_) learn_rtt(lane.smoothed_rtt_ms_);
        join(std::move(lane));
    }
}

void Session::join(Session&& lane) {
    records_.insert(records_.end(), std::make_move_iterator(lane.records_.begin()),
                    std::make_move_iterator(lane.records_.end()));
    // The lane started with this session's failures; only what it added is new.
    for (std::size_t i = lane.inherited_failures_; i < lane.failures_.size(); ++i)
        failures_.push_back(std::move(lane.failures_[i]));
}

std::string Session::next_probe_id() {
    // A run-unique counter plus randomness, so two runs' packets never correlate with each other.
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "p%04x%06llx", ++counter_ & 0xffff,
                  static_cast<unsigned long long>(random_() & 0xffffff));
    return buffer;
}

void Session::learn_rtt(double rtt_ms) {
    smoothed_rtt_ms_ = smoothed_rtt_ms_ < 0 ? rtt_ms : 0.875 * smoothed_rtt_ms_ + 0.125 * rtt_ms;
    // Four smoothed RTTs plus slack for scheduling, within the plan's ceiling: quick on a fast path
    // without calling a slow one lossy.
    auto adapted = static_cast<long>(4 * smoothed_rtt_ms_ + 150);
    timeout_ = std::chrono::milliseconds(std::clamp<long>(adapted, 150, config_.plan.timeout_ms));
}

Session::BuiltQuery Session::build(const QuerySpec& spec) {
    BuiltQuery first;
    first.probe_id = next_probe_id();
    first.dns_id = static_cast<std::uint16_t>(random_());
    return rebuild(spec, first, 1);
}

Session::BuiltQuery Session::rebuild(const QuerySpec& spec, const BuiltQuery& first, std::uint32_t attempt) {
    BuiltQuery built;
    built.probe_id = first.probe_id;
    built.dns_id = first.dns_id;
    if (spec.non_dns) {
        built.name = config_.zone;
        built.bytes = wire::make_raw_probe(built.dns_id, built.probe_id);
        return built;
    }
    wire::ProbeName probe{built.probe_id, spec.size, spec.dnssec_label, spec.echo, spec.df_answer,
                          spec.small_fragments_answer, std::nullopt, spec.answer_fragment_size};
    if (attempt > 1) probe.attempt = attempt;
    probe.delay_ms = spec.answer_delay_ms;
    probe.nxdomain = spec.nxdomain;
    probe.cache_ttl = spec.cache_ttl;
    probe.open_check = spec.open_check;
    probe.answer_trace = spec.answer_trace;
    if (spec.answer_bits)
        probe.answer_bits = (spec.answer_bits->ad ? 1u : 0u) | (spec.answer_bits->cd ? 2u : 0u) | (spec.answer_bits->z ? 4u : 0u);
    built.name = spec.name ? *spec.name
                 : spec.apex ? config_.zone
                             : wire::make_probe_name(probe, config_.zone, config_.key);
    if (spec.mixed_case) built.name = mixed_case(built.name, !(spec.name || spec.apex));
    auto query = wire::make_query(built.dns_id, built.name, spec.qtype, spec.edns);
    // A proxy is asked as a stub asks it: recursion desired. A recursive proxy (Unbound, Knot
    // Resolver, BIND as a forwarder) answers RD=0 for an uncached name from its own data: REFUSED
    // or a referral, never the upstream's answer. The responder ignores RD.
    query.header.rd = spec.via_proxy;
    // The apex and a name that does not exist (nx) carry no token, so the key vouches for the query
    // in a cookie instead: the responder sends nothing larger than the query over UDP to a query
    // the key does not vouch for (an NXDOMAIN with its SOA would come back TC=1, records stripped).
    // (A name that does not exist asked again by name, as the cache probe does, too.)
    if (((spec.apex && !spec.name) || spec.nxdomain) && query.edns && !config_.key.empty()) {
        wire::Bytes client(8);
        for (auto& octet : client) octet = static_cast<std::uint8_t>(random_());
        query.edns->options.push_back({wire::kCookieOption,
                                       wire::make_keyed_cookie(client, static_cast<std::uint32_t>(std::time(nullptr)),
                                                               config_.zone, config_.key)});
    }
    if (spec.opcode) query.header.opcode = *spec.opcode;
    if (spec.query_bits) {
        query.header.ad = spec.query_bits->ad;
        query.header.cd = spec.query_bits->cd;
        query.header.z = spec.query_bits->z;
    }
    if (spec.question_count) {
        query.questions.clear();
        for (int i = 0; i < *spec.question_count; ++i) query.questions.push_back({built.name, spec.qtype, wire::class_in});
    }
    auto encoded = wire::encode(query);
    if (encoded && spec.query_size && query.edns && *spec.query_size >= encoded->size() + 4) {
        // EDNS Padding (RFC 7830) brings the query to the exact size; the option header is 4 octets.
        query.edns->options.push_back(wire::make_padding(*spec.query_size - encoded->size() - 4));
        encoded = wire::encode(query);
    }
    if (encoded && spec.tsig && !config_.key.empty()) {
        const auto key = wire::tsig_key_from(config_.key);
        const auto now = static_cast<std::uint64_t>(std::time(nullptr));
        encoded = wire::tsig_append(*encoded, key, now);
        // Its answer is signed over this MAC: read back from the record just written.
        if (encoded) built.tsig_mac = wire::tsig_verify(*encoded, key, now).mac;
    }
    if (encoded) built.bytes = std::move(encoded).value();
    else {
        built.error = encoded.error().describe();
        built.error_word = wire::to_string(encoded.error().code);
    }
    return built;
}

const LossEstimate& Session::loss(Family family) const {
    static const LossEstimate unmeasured;
    auto found = loss_.find(family);
    return found == loss_.end() ? unmeasured : found->second;
}

double Session::exchange_loss(Family family, int fragments) const {
    return judge::exchange_loss(loss(family).upper, fragments);
}

int Session::confirm_tries(Family family, int fragments) const {
    // At 10 % loss each way an answer in three fragments needs 8 tries; with a budget of 6 a lossy
    // run now and then lost the largest size on every try and called it a PMTUD black hole (the
    // fault matrix's `loss` case at 10 % on core, once in a CI-sized lab suite).
    const int budget = 10 * std::max(1, config_.plan.repetitions);
    return judge::tries_to_rule_out(exchange_loss(family, fragments), judge::kClaimSignificance / 4, budget);
}

Session::Fetched Session::ask_as_resolver(Family family, QuerySpec spec, std::vector<std::string>& probes,
                                          std::optional<int> tcp_tries) {
    auto udp = ask(family, spec);
    probes.push_back(udp.probe_id);
    return tcp_fallback(family, std::move(spec), std::move(udp), probes, tcp_tries);
}

Session::Fetched Session::tcp_fallback(Family family, QuerySpec spec, QueryOutcome udp, std::vector<std::string>& probes,
                                       std::optional<int> tcp_tries) {
    if (!udp.answered() || !udp.message->header.tc) return {std::move(udp), false};
    spec.transport = Transport::tcp;
    if (tcp_tries) spec.tries = *tcp_tries;
    auto tcp = ask(family, spec);
    probes.push_back(tcp.probe_id);
    return {std::move(tcp), true};
}

model::Params with_error(model::Params params, const QueryOutcome& outcome) {
    if (outcome.error) params["error"] = model::to_params(*outcome.error);
    return params;
}

model::LocalError local_error(const Error& error) {
    return {error.code, error.call, error.os_error, error.argument, error.message};
}

std::optional<QuerySpec> Session::first_failure(Family family) const {
    for (const auto& [failed_family, spec] : failures_)
        if (failed_family == family) return spec;
    return std::nullopt;
}

QueryOutcome Session::ask(Family family, const QuerySpec& spec) {
    QueryOutcome outcome;
    net::Endpoint server = spec.via_proxy ? config_.proxies.at(family) : config_.targets.at(family);
    if (spec.port) server = net::Endpoint::parse(server.address(), *spec.port).value_or(server);
    const BuiltQuery built = build(spec);
    outcome.probe_id = built.probe_id;
    outcome.name = built.name;
    std::optional<wire::Bytes> encoded;
    if (built.error.empty()) encoded = built.bytes;

    model::ProbeRecord record = query_record(spec, built, family);

    if (!encoded) {
        outcome.kind = model::Outcome::error;
        outcome.error = model::LocalError{"encode", "", 0, built.error_word, "cannot encode the query: " + built.error};
    } else {
        // Unless the kind chose its tries, a silence must outlast the path's loss: any probe's silence
        // can decide a verdict (qdcount's did, at 5 % loss, once in a CI run of the fault matrix).
        const int attempts = !spec.retry ? 1 : spec.tries ? *spec.tries : std::max(1 + config_.plan.retries, confirm_tries(family));
        // A proxy is retried as a stub retries it: the same query again from the same socket.
        const bool one_socket = spec.via_proxy && spec.transport == Transport::udp && !spec.fragment_size;
        const int tries = one_socket ? 1 : attempts;
        // Once the first try met silence, the others confirm a loss: each its own question from its
        // own socket, they leave together (kTogetherGap apart) and share one wait, instead of a
        // timeout each in turn. Over TCP and for fragments crafted here, one at a time as before.
        const bool together = spec.transport == Transport::udp && !spec.fragment_size && record.id_in_qname && !one_socket;
        for (int attempt = 1; attempt <= tries && !stopped();) {
            const int batch = together && attempt == 2 ? tries - 1 : 1;
            std::vector<SentTry> sent;
            for (int each = attempt; each < attempt + batch; ++each) {
                // Over UDP each try is a new question (see ProbeName::attempt); TCP reaches the
                // server whole or fails on its own, and names the profile gives are asked as given.
                SentTry next{*encoded, built.tsig_mac};
                if (each > 1 && record.id_in_qname && spec.transport == Transport::udp) {
                    BuiltQuery again = rebuild(spec, built, static_cast<std::uint32_t>(each));
                    if (again.error.empty()) next = {std::move(again.bytes), std::move(again.tsig_mac)};
                }
                sent.push_back(std::move(next));
            }
            outcome.attempts = one_socket ? attempts : attempt + batch - 1;
            attempt += batch;
            auto [index, exchange] = batch == 1 ? std::pair{std::size_t{0}, exchange_once(server, spec, sent.front().query, attempts, one_socket, outcome)}
                                                : exchange_together(server, spec, sent);
            outcome.query_size = sent[index].query.size();
            if (!exchange) {
                take_failure(exchange.error(), outcome);
                // Only silence is worth another try; a refusal or reset is an answer in itself.
                if (outcome.kind != model::Outcome::timeout) break;
                continue;
            }
            take_answer(*exchange, spec, built, sent[index].mac, outcome);  // signed over that try's MAC
            // From one socket: the sends it took, so a kind can tell a proxy's first forward from
            // its retransmission (dnsmasq resends the stub's query as it came, unrewritten).
            if (one_socket) outcome.attempts = exchange->sends;
            break;
        }
    }

    fill_outcome(record, outcome);
    if (record.outcome != model::Outcome::answer) record.reproduce = reproduce_command(record, server, spec.query_size,
                                               spec.apex && !spec.name && !config_.key.empty());
    records_.push_back(std::move(record));
    // Plain UDP queries that met silence are what the ttl kind traces; losses that are the
    // measurement itself (pmtu steps) are not failures.
    if (outcome.kind == model::Outcome::timeout && spec.transport == Transport::udp && !spec.fragment_size &&
        !spec.dont_fragment && !spec.df_answer && !spec.small_fragments_answer && !spec.answer_fragment_size &&
        !spec.non_dns && !spec.port && !spec.open_check && spec.kind != "reachability" && spec.kind != "loss")
        failures_.emplace_back(family, spec);
    return outcome;
}

std::string reproduce_command(const model::ProbeRecord& record, const net::Endpoint& server,
                              std::optional<std::size_t> padded_to, bool keyed_cookie) {
    if (record.non_dns) {
        // Not DNS, so not dig: the same octets with printf (the DNS id, then the text) and nc.
        char id[16];
        std::snprintf(id, sizeof id, "\\x%02x\\x%02x", record.dns_id >> 8, record.dns_id & 0xff);
        return "printf '" + std::string(id) + "dnspath-raw " + record.id + "' | nc -u -w 2 " + server.address() + " " +
               std::to_string(server.port());
    }
    std::string line = "dig @" + server.address();
    if (server.port() != 53) line += " -p " + std::to_string(server.port());
    line += " " + record.qname + " " + wire::type_name(record.qtype);
    line += record.via_proxy ? " +recurse" : " +norecurse";
    if (record.transport == "tcp") line += " +tcp";
    if (record.transport == "tls") line += " +tls";
    if (!record.bufsize) {
        line += " +noedns";
    } else {
        line += " +bufsize=" + std::to_string(*record.bufsize);
        if (record.edns_version != 0) line += " +edns=" + std::to_string(record.edns_version) + " +noednsnegotiation";  // dig 9.18 would retry with version 0
        if (record.dnssec_ok) line += " +dnssec";
    }
    if (record.opcode) line += " +opcode=" + std::to_string(*record.opcode);
    // The TSIG key is derived from the run's key file; `dnspath name --tsig` prints dig's -y for it.
    if (record.tsig) line += " -y \"$(dnspath name --tsig -k KEYFILE)\"";
    if (record.query_bits && record.query_bits->ad) line += " +adflag";
    if (record.query_bits && record.query_bits->cd) line += " +cdflag";
    if (record.query_bits && record.query_bits->z) line += " +zflag";
    std::vector<std::string> cannot;
    if (record.fragment_size) cannot.push_back("the query in " + std::to_string(*record.fragment_size) + "-octet IP fragments");
    if (record.question_count) cannot.push_back("QDCOUNT " + std::to_string(*record.question_count));
    if (record.tcp_mss) cannot.push_back("TCP MSS " + std::to_string(*record.tcp_mss));
    // Without the key's cookie the responder answers a large apex question over UDP with TC=1.
    if (keyed_cookie && record.transport != "tcp") cannot.push_back("the key's cookie (needed for a large UDP answer)");
    // EDNS Padding (RFC 7830) brought the query to its size; dig pads to a multiple of at most 512.
    if (padded_to && record.bufsize && !record.fragment_size) {
        if (*padded_to <= 512) line += " +padding=" + std::to_string(*padded_to);
        else cannot.push_back("a query padded to " + std::to_string(*padded_to) + " octets");
    }
    // (Over IPv4 Linux sends dig's queries with DF set, as the probe's; over IPv6 the probe also
    // kept the kernel from fragmenting them.)
    if (record.dont_fragment && server.is_ipv6()) cannot.push_back("IPV6_DONTFRAG");
    line += record.transport == "tcp" ? " +tries=1 +time=3" : " +ignore +tries=1 +time=2";
    if (!cannot.empty()) {
        line += "  # dig cannot send:";
        for (std::size_t i = 0; i < cannot.size(); ++i) line += (i ? ", " : " ") + cannot[i];
    }
    return line;
}

std::multimap<std::string, std::string> parse_echo(const wire::Message& answer) {
    std::multimap<std::string, std::string> echo;
    for (const auto& record : answer.answers) {
        if (record.type != wire::rr_type::txt) continue;
        auto strings = wire::parse_txt_rdata(record.rdata);
        if (!strings || strings->empty() || strings->front().rfind("src=", 0) != 0) continue;
        for (const auto& text : *strings) {
            auto equals = text.find('=');
            if (equals == std::string::npos) continue;
            echo.emplace(text.substr(0, equals), text.substr(equals + 1));
        }
        break;
    }
    return echo;
}

// One `atr=` entry of the responder's echo ("HOP/SMALL/LARGE", responder/answer_trace.h) as a hop.
std::optional<model::Params> answer_trace_hop(const std::string& entry) {
    auto first = entry.find('/'), second = entry.find('/', first == std::string::npos ? first : first + 1);
    if (first == std::string::npos || second == std::string::npos) return std::nullopt;
    const auto hop = echo_number(entry.substr(0, first));
    if (!hop) return std::nullopt;
    const std::string small = entry.substr(first + 1, second - first - 1), large = entry.substr(second + 1);
    model::Params line{{"hop", *hop}, {"from", small == "-" ? model::Params() : model::Params(small)}};
    // FROM,WHAT,IPLENGTH,whole|first
    std::vector<std::string> parts;
    for (std::size_t at = 0; at <= large.size();) {
        auto comma = large.find(',', at);
        parts.push_back(large.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
        if (comma == std::string::npos) break;
        at = comma + 1;
    }
    if (parts.size() != 4) return line;
    line["large_from"] = parts[0];
    line["large"] = parts[1].rfind("ptb", 0) == 0 ? "too-big" : parts[1] == "te" ? "time-exceeded" : "unreachable";
    if (parts[1].rfind("ptb", 0) == 0)
        if (auto mtu = echo_number(parts[1].substr(3))) line["mtu"] = *mtu;
    if (auto length = echo_number(parts[2])) line["quoted_ip_length"] = *length;
    line["fragment"] = parts[3] == "first";
    return line;
}

std::optional<model::Echo> typed_echo(const wire::Message& answer) {
    auto echo = parse_echo(answer);
    if (echo.empty()) return std::nullopt;
    auto number = [&](const char* key) {
        auto value = echo_value(echo, key);
        return value ? echo_number(*value) : std::nullopt;
    };
    auto flag = [&](const char* key) -> std::optional<bool> {
        auto value = echo_value(echo, key);
        if (!value) return std::nullopt;
        return *value == "1";
    };
    model::Echo typed;
    typed.source = echo_value(echo, "src");
    typed.source_port = number("sport");
    typed.transport = echo_value(echo, "transport");
    typed.query_size = number("qlen");
    typed.dns_id = number("id");
    typed.edns = flag("edns");
    typed.bufsize = number("bufsize");
    typed.dnssec_ok = flag("do");
    typed.server = echo_value(echo, "server");
    typed.ad = flag("ad");
    typed.cd = flag("cd");
    typed.qname = echo_value(echo, "qname");
    typed.alt_port = number("altport");
    typed.dot_port = number("dot");
    return typed;
}

std::optional<std::uint32_t> echo_number(std::string_view text) {
    std::uint32_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return value;
}

std::optional<std::string> echo_value(const std::multimap<std::string, std::string>& echo, const std::string& key) {
    auto it = echo.find(key);
    if (it == echo.end()) return std::nullopt;
    return it->second;
}

}  // namespace dnspath::probe
