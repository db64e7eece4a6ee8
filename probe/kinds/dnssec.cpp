// dnssec: DNSSEC data crosses the path intact — the zone's DNSKEY with its RRSIG (JPRS A-95), and
// signed answers of realistic sizes, each signature verified here against the DNSKEY so a box that
// strips or rewrites records is caught; DO must reach the server (echo).
#include "probe/kinds/kinds.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

namespace {

// The first problem a signed answer shows, as a cause; nullopt when its RRSIG verifies.
std::optional<model::Cause> signature_cause(const wire::Message& answer, std::uint16_t type, const wire::Dnskey& key,
                                            model::Params where) {
    auto problem = signature_problem(answer, type, key);
    if (!problem) return std::nullopt;
    where["records"] = wire::type_name(type);
    switch (*problem) {
        case SignatureProblem::records_missing: return cause(CauseCode::no_answer, where);
        case SignatureProblem::rrsig_missing: return cause(CauseCode::rrsig_stripped, where);
        case SignatureProblem::invalid: return cause(CauseCode::signature_invalid, where);
    }
    return std::nullopt;
}

}  // namespace

void run_dnssec(Session& session, Family family, model::RunResult& result) {
    std::vector<std::string> probes;
    std::vector<model::Cause> problems;
    wire::Edns edns;
    edns.udp_size = 1232;
    edns.dnssec_ok = true;
    auto fetched = fetch_zone_key(session, family, false, probes);
    if (!fetched.key) {
        add_verdict(result, Checkpoint::dnssec_passthrough, family, Status::fail, fetched.cause, probes);
        return;
    }
    const auto& key = *fetched.key;
    if (auto problem = signature_cause(*fetched.answer.message, wire::rr_type::dnskey, key, {{"what", "dnskey"}}))
        problems.push_back(*problem);

    // DO must reach the server, or every answer comes back unsigned.
    auto echo_probe = session.ask(family, {.kind = "dnssec", .echo = true, .dnssec_label = true, .edns = edns});
    probes.push_back(echo_probe.probe_id);
    if (echo_probe.answered()) {
        auto echo = parse_echo(*echo_probe.message);
        if (!echo.empty() && echo_value(echo, "do") != "1")
            problems.push_back(cause(CauseCode::do_cleared, {{"direction", "query"}}));
        else if (auto problem = signature_cause(*echo_probe.message, wire::rr_type::txt, key, {{"what", "small"}}))
            problems.push_back(*problem);
    }

    wire::Edns large = edns;
    large.udp_size = 4096;
    std::vector<std::uint32_t> over_tcp;  // sizes that came back TC=1 and arrived signed over TCP
    for (std::uint32_t size : {1232u, 1500u, 4000u}) {
        if (session.stopped()) return;
        // A lost answer here is a verdict (size-cap, tcp-filter), so each is asked until random
        // loss at the measured rate cannot explain its silence.
        QuerySpec spec{.kind = "dnssec", .size = size, .dnssec_label = true, .edns = large,
                       .tries = session.confirm_tries(family, static_cast<int>(size / 1400 + 1))};
        // A resolver retries over TCP; the records must survive that way at least. Through an
        // interceptor that is two connections, each of whose handshakes a lossy path can stall.
        auto [outcome, truncated] = session.ask_as_resolver(family, spec, probes, session.confirm_tries(family, 2));
        model::Params where{{"what", "signed"}, {"size", size}, {"via_tcp", truncated}};
        if (!outcome.answered()) {
            problems.push_back(cause(truncated ? CauseCode::tcp_filter : CauseCode::size_cap, where));
        } else if (outcome.message->header.tc) {
            problems.push_back(cause(CauseCode::truncated_without_tc, where));
        } else if (auto problem = signature_cause(*outcome.message, wire::rr_type::txt, key, where)) {
            problems.push_back(*problem);
        } else if (truncated) {
            over_tcp.push_back(size);
        }
    }
    if (!problems.empty()) {
        // The first problem is the cause; the rest are listed with it.
        auto first = problems.front();
        if (problems.size() > 1) {
            std::vector<std::string> others;
            for (std::size_t i = 1; i < problems.size(); ++i) others.emplace_back(to_string(problems[i].code));
            first.params["also"] = others;
        }
        add_verdict(result, Checkpoint::dnssec_passthrough, family, Status::fail, first, probes);
    } else if (!over_tcp.empty()) {
        add_verdict(result, Checkpoint::dnssec_passthrough, family, Status::warn,
                    cause(CauseCode::edns_buffer_cap, {{"sizes", over_tcp}, {"advertised", 4096}, {"fallback", "tcp"}}),
                    probes);
    } else {
        add_verdict(result, Checkpoint::dnssec_passthrough, family, Status::pass,
                    cause(CauseCode::ok, {{"dnskey_size", fetched.answer.answer_size},
                                          {"key_tag", wire::key_tag(wire::encode_dnskey(key))},
                                          {"sizes", {1232, 1500, 4000}}}),
                    probes);
    }
}

}  // namespace dnspath::probe
