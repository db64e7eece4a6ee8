#include "probe/peers/peers.h"

#include <random>
#include <thread>

namespace dnspath::peers {
namespace {

// A failed exchange in the results' vocabulary.
model::Outcome outcome_of(net::ExchangeFailure failure) {
    switch (failure) {
        case net::ExchangeFailure::timeout: return model::Outcome::timeout;
        case net::ExchangeFailure::refused: return model::Outcome::refused;
        case net::ExchangeFailure::reset: return model::Outcome::reset;
        case net::ExchangeFailure::error: break;
    }
    return model::Outcome::error;
}

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kStubRetry{2000};

// The query a stub sends a validating resolver: RD=1, EDNS with DO=1, CD=0.
wire::Bytes stub_query(const Question& question, std::uint16_t id) {
    wire::Edns edns;
    edns.udp_size = 4096;  // loopback carries it whole: only the resolver's own upstream queries meet the path
    edns.dnssec_ok = true;
    auto query = wire::make_query(id, question.name, question.qtype, edns);
    query.header.rd = true;
    auto encoded = wire::encode(query);
    return encoded ? std::move(encoded).value() : wire::Bytes{};
}

void read_answer(model::ResolverAnswer& answer, wire::ByteView bytes) {
    auto message = wire::decode(bytes);
    if (!message) {
        answer.outcome = model::Outcome::undecodable;
        return;
    }
    answer.outcome = model::Outcome::answer;
    answer.rcode = message->full_rcode();
    answer.authenticated = message->header.ad;
    if (message->edns)
        for (const auto& option : message->edns->options)
            if (auto error = wire::parse_extended_error(option))
                answer.errors.push_back({error->info_code, error->extra_text});
    answer.over_tcp = message->header.tc;
}

// One question, as a stub asks it: UDP on loopback, then TCP when the answer is truncated.
model::ResolverAnswer ask(const Resolver& resolver, const Question& question, const AskOptions& options,
                          std::mt19937& random, const std::atomic<bool>& stop) {
    model::ResolverAnswer answer{question.role, question.name.to_string(), question.qtype, question.size};
    const auto started = Clock::now();
    auto finish = [&] {
        answer.ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
        return answer;
    };
    // Asked again every two seconds, as a stub does, so that a Ctrl-C is heard within two seconds.
    const auto query = stub_query(question, static_cast<std::uint16_t>(random()));
    auto left = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(options.timeout - (Clock::now() - started));
    };
    auto udp = net::udp_exchange(resolver.server, query, std::min(left(), kStubRetry));
    while (!udp && udp.error().kind == net::ExchangeFailure::timeout && !stop.load() && left().count() > 0)
        udp = net::udp_exchange(resolver.server, query, std::min(left(), kStubRetry));
    if (!udp) {
        answer.outcome = outcome_of(udp.error().kind);
        return finish();
    }
    read_answer(answer, udp->answer);
    if (!answer.over_tcp) return finish();
    auto tcp = net::tcp_exchange(resolver.server, stub_query(question, static_cast<std::uint16_t>(random())),
                                 std::max(left(), std::chrono::milliseconds(1)));
    if (!tcp) {
        answer.outcome = outcome_of(tcp.error().kind);
        return finish();
    }
    answer.errors.clear();
    read_answer(answer, tcp->answer);
    answer.over_tcp = true;  // it took the TCP retry
    return finish();
}

// RESINFO for resolver.arpa asked once (RD=1, UDP, 2 s): what the resolver says of itself.
void describe_self(model::ResolverExperience& experience, const Resolver& resolver, std::mt19937& random) {
    const Question question{"resinfo", wire::Name::parse("resolver.arpa").value(), wire::rr_type::resinfo, 0};
    auto exchange = net::udp_exchange(resolver.server, stub_query(question, static_cast<std::uint16_t>(random())), kStubRetry);
    if (!exchange) return;
    auto message = wire::decode(exchange->answer);
    if (!message) return;
    experience.self_rcode = wire::rcode_name(message->full_rcode());
    for (const auto& record : message->answers) {
        if (record.type != wire::rr_type::resinfo) continue;
        std::string keys;
        if (auto texts = wire::parse_txt_rdata(record.rdata))
            for (const auto& text : *texts) keys += (keys.empty() ? "" : " ") + text;
        experience.self_resinfo = keys;
    }
}

}  // namespace

Result<Resolver> parse_resolver(const std::string& text) {
    const auto equals = text.find('=');
    std::string name = equals == std::string::npos ? "" : text.substr(0, equals);
    std::string address = equals == std::string::npos ? text : text.substr(equals + 1);
    std::uint16_t port = 53;
    if (const auto hash = address.find('#'); hash != std::string::npos) {
        const std::string digits = address.substr(hash + 1);
        if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos ||
            std::stoul(digits) == 0 || std::stoul(digits) > 65535)
            return fail_usage("--resolver " + text + ": the port after # must be 1..65535", "expected-resolver", "--resolver", text);
        port = static_cast<std::uint16_t>(std::stoul(digits));
        address.resize(hash);
    }
    auto server = net::Endpoint::parse(address, port);
    if (!server)
        return fail_usage("--resolver " + text + ": " + server.error().message + " (NAME=ADDRESS[#PORT])", "expected-resolver", "--resolver", text);
    if (equals != std::string::npos && name.empty())
        return fail_usage("--resolver " + text + ": empty name before =", "expected-resolver", "--resolver", text);
    return Resolver{name.empty() ? address : name, *server};
}

std::vector<Question> questions(const wire::Name& zone, wire::ByteView key, const std::string& run_id) {
    auto signed_name = [&](const std::string& role, std::optional<std::uint32_t> size) {
        wire::ProbeName probe{run_id + "-" + role, size, true, false, false, false, std::nullopt};
        return wire::make_probe_name(probe, zone, key);
    };
    return {{"dnskey", zone, wire::rr_type::dnskey, 0},
            {"small", signed_name("small", std::nullopt), wire::rr_type::txt, 0},
            {"s1000", signed_name("s1000", 1000), wire::rr_type::txt, 1000},
            {"s3000", signed_name("s3000", 3000), wire::rr_type::txt, 3000}};
}

std::vector<model::ResolverExperience> ask_resolvers(const std::vector<Resolver>& resolvers,
                                                     const std::vector<Question>& questions, const AskOptions& options,
                                                     const std::atomic<bool>& stop) {
    std::vector<model::ResolverExperience> experiences(resolvers.size());
    std::vector<std::jthread> askers;
    for (std::size_t i = 0; i < resolvers.size(); ++i)
        askers.emplace_back([&, i] {
            std::mt19937 random{std::random_device{}()};
            experiences[i].name = resolvers[i].name;
            experiences[i].address = resolvers[i].server.to_string();
            for (const auto& question : questions) {
                if (stop.load()) return;
                experiences[i].answers.push_back(ask(resolvers[i], question, options, random, stop));
            }
            if (!stop.load()) describe_self(experiences[i], resolvers[i], random);
        });
    askers.clear();  // joins
    return experiences;
}

}  // namespace dnspath::peers
