// proxy-cache: what a DNS proxy's cache does with the TTLs and records the responder chooses. A
// TTL handed back must not exceed what the upstream gave, less the time it sat in the cache, nor
// fall below it by more than that; a record whose TTL ran out must be fetched again, not served
// from the cache; an answer cached from a question without DO must not be handed to a question
// with DO (its RRSIGs are missing). RFC 1035 3.2.1 and RFC 2181 8 for TTLs, RFC 4035 3.2.1 for
// DO; a negative answer must not be served longer than its SOA allows (RFC 2308 5). Asked only of a
// proxy, as its stubs ask it (RD=1); it takes about 3.5 s.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>
#include <tuple>

#include "probe/kinds/kinds.h"

namespace dnspath::probe {

using model::CauseCode;
using model::Checkpoint;
using model::Family;
using model::Status;

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kLongTtl = 30;   // seconds: a record that stays in any cache for the probe's run
constexpr std::uint32_t kShortTtl = 2;   // seconds: one the probe waits out
constexpr auto kWithinTtl = std::chrono::milliseconds(1200);
constexpr auto kPastTtl = std::chrono::milliseconds(kShortTtl * 1000 + 1500);

// One answer of the cache probe as the proxy handed it back.
struct Handed {
    bool answered = false;
    std::uint32_t ttl = 0;        // of the record asked for (an A: dnsmasq caches A, not TXT)
    wire::Bytes served;           // its address, which says when the responder served it: the same on a copy from the cache
    bool has_rrsig = false;
    std::uint16_t rcode = 0;
    std::optional<std::uint32_t> soa_serial, soa_ttl;  // a negative answer's SOA: when it was served, and its TTL
    Clock::time_point at{};
};

Handed handed(const QueryOutcome& outcome) {
    Handed got;
    got.at = Clock::now();
    if (!outcome.answered()) return got;
    got.answered = true;
    for (const auto& record : outcome.message->answers) {
        if (record.type == wire::rr_type::a && got.served.empty()) {
            got.ttl = record.ttl;
            got.served = record.rdata;
        }
        got.has_rrsig = got.has_rrsig || record.type == wire::rr_type::rrsig;
    }
    got.rcode = outcome.message->full_rcode();
    for (const auto& record : outcome.message->authorities)
        if (record.type == wire::rr_type::soa && record.rdata.size() >= 20 && !got.soa_serial) {
            got.soa_serial = wire::load_u32(record.rdata.data() + record.rdata.size() - 20);  // SERIAL, then four more
            got.soa_ttl = record.ttl;
        }
    return got;
}

// Waits, ending early when the run is stopped (Ctrl-C keeps what was measured).
void wait_for(Session& session, Clock::duration span) {
    const auto until = Clock::now() + span;
    while (!session.stopped() && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

class CacheProbe {
public:
    CacheProbe(Session& session, Family family) : session_(session), family_(family) {}

    // A new name with this TTL (and DO as given), or the name `again` once more; with `nxdomain`,
    // a name that does not exist with this negative TTL.
    Handed ask(std::uint32_t ttl, bool dnssec_ok, const std::optional<wire::Name>& again = std::nullopt, bool nxdomain = false) {
        QuerySpec spec{.kind = "proxy", .dnssec_label = !nxdomain, .edns = wire::Edns{}, .qtype = wire::rr_type::a, .via_proxy = true};
        spec.edns->dnssec_ok = dnssec_ok;
        spec.cache_ttl = ttl;
        spec.nxdomain = nxdomain;
        spec.tries = session_.confirm_tries(family_);
        if (again) spec.name = *again;
        auto outcome = session_.ask(family_, spec);
        probes_.push_back(outcome.probe_id);
        names_.push_back(outcome.name);
        return handed(outcome);
    }
    const wire::Name& last_name() const { return names_.back(); }
    const std::vector<std::string>& probes() const { return probes_; }

private:
    Session& session_;
    Family family_;
    std::vector<std::string> probes_;
    std::vector<wire::Name> names_;
};

// The rule a handed-back answer broke, if any: a TTL over what the responder gave less the time
// cached (one second of rounding), or under it by more than the time elapsed since it was fetched.
std::optional<model::Params> ttl_broken(const Handed& got, std::uint32_t sent, Clock::time_point fetched) {
    const double elapsed = std::chrono::duration<double>(got.at - fetched).count();
    model::Params figures{{"sent_ttl", sent}, {"got_ttl", got.ttl}, {"elapsed_s", std::round(elapsed * 10) / 10}};
    if (got.ttl > sent) figures["what"] = "ttl-raised";
    else if (got.ttl + elapsed + 1.5 < sent) figures["what"] = "ttl-lowered";
    else return std::nullopt;
    return figures;
}

// The rule a negative answer broke (RFC 2308 5: cached no longer than its SOA's TTL and MINIMUM),
// if any: its SOA handed back with a longer TTL, or the first copy (its serial, the time it was
// served) handed back again once that time was past. Only NXDOMAIN both times counts: a proxy
// that rewrites NXDOMAIN is nxdomain-rewrite's to report.
std::optional<model::Params> negative_broken(const Handed& first, const Handed& again) {
    if (!first.answered || !again.answered || first.rcode != wire::rcode::nxdomain || again.rcode != wire::rcode::nxdomain ||
        !first.soa_serial || !again.soa_serial)
        return std::nullopt;
    const double waited = std::chrono::duration<double>(again.at - first.at).count();
    model::Params figures{{"sent_ttl", kShortTtl}, {"elapsed_s", std::round(waited * 10) / 10}};
    if (*first.soa_ttl > kShortTtl) {
        figures["what"] = "negative-ttl-raised";
        figures["got_ttl"] = *first.soa_ttl;
    } else if (*again.soa_serial == *first.soa_serial) {
        figures["what"] = "negative-stale";
        figures["got_ttl"] = *again.soa_ttl;
    } else {
        return std::nullopt;
    }
    return figures;
}

}  // namespace

void judge_proxy_cache(Session& session, Family family, model::RunResult& result, const std::string& proxy) {
    CacheProbe probe(session, family);
    auto verdict = [&](Status status, model::Cause found) {
        found.params["proxy"] = proxy;
        add_verdict(result, Checkpoint::proxy_cache, family, status, std::move(found), probe.probes(), model::Via::proxy);
    };
    auto silent = [&] { return verdict(Status::fail, cause(CauseCode::no_answer, {{"what", "proxy-cache"}, {"outcome", "timeout"}})); };
    // Asked as most stubs ask, without DO (dnsmasq caches no answer to DO), the short TTL first
    // so its wait covers the rest; the long one asked again with DO last.
    const Handed short_first = probe.ask(kShortTtl, false);
    const wire::Name short_name = probe.last_name();
    const Handed long_first = probe.ask(kLongTtl, false);
    const wire::Name long_name = probe.last_name();
    const Handed negative_first = probe.ask(kShortTtl, false, std::nullopt, true);
    const wire::Name negative_name = probe.last_name();
    if (!short_first.answered || !long_first.answered) return silent();
    wait_for(session, kWithinTtl);
    const Handed long_again = probe.ask(kLongTtl, false, long_name);
    const Handed signed_again = probe.ask(kLongTtl, true, long_name);
    wait_for(session, kPastTtl - (Clock::now() - short_first.at));
    if (session.stopped()) return;
    const Handed short_again = probe.ask(kShortTtl, false, short_name);
    const Handed negative_again = probe.ask(kShortTtl, false, negative_name, true);
    if (!long_again.answered || !signed_again.answered || !short_again.answered) return silent();
    for (const auto* got : {&short_first, &long_first, &long_again, &signed_again, &short_again})
        if (got->served.size() != 4) return verdict(Status::na, cause(CauseCode::not_measured, {{"why", "no-record"}}));
    // Every rule broken, the first with its figures; the others by name (`rules`).
    std::vector<model::Params> broken;
    for (const auto& [got, sent, fetched] : {std::tuple{long_first, kLongTtl, long_first.at}, std::tuple{long_again, kLongTtl, long_first.at},
                                             std::tuple{short_first, kShortTtl, short_first.at}})
        if (auto rule = ttl_broken(got, sent, fetched)) broken.push_back(*rule);
    if (!short_again.served.empty() && short_again.served == short_first.served) {
        const double waited = std::chrono::duration<double>(short_again.at - short_first.at).count();
        broken.push_back({{"what", "stale"}, {"sent_ttl", kShortTtl}, {"got_ttl", short_again.ttl}, {"elapsed_s", std::round(waited * 10) / 10}});
    }
    if (auto rule = negative_broken(negative_first, negative_again)) broken.push_back(*rule);
    // Unsigned only counts when it came from the cache: a proxy that never passes DO upstream
    // hands back unsigned answers fresh, which dns-proxy reports (do-cleared).
    if (!signed_again.has_rrsig && signed_again.served == long_first.served)
        broken.push_back({{"what", "unsigned"}, {"sent_ttl", kLongTtl}});
    if (!broken.empty()) {
        std::vector<std::string> rules;
        for (const auto& rule : broken)
            if (std::find(rules.begin(), rules.end(), rule["what"].get<std::string>()) == rules.end()) rules.push_back(rule["what"]);
        auto first = broken.front();
        first["rules"] = rules;
        return verdict(Status::fail, cause(CauseCode::cache_rule_broken, first));
    }
    // Whether it caches at all: the same answer handed back twice.
    const bool caches = !long_again.served.empty() && long_again.served == long_first.served;
    verdict(Status::pass, cause(CauseCode::ok, {{"cached", caches}, {"sent_ttl", kLongTtl}, {"got_ttl", long_again.ttl}}));
}

}  // namespace dnspath::probe
