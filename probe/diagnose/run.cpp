// The manual's chains: which checkpoints each JPRS scenario runs and in what order (the path
// first, then the zone's data, then the resolver's view, so a zone fault is only named once the
// path has been cleared, and a resolver fault only once the zone has), and `run`, which asks each
// question once and stops at the first finding.
#include "probe/diagnose/diagnose.h"

#include <arpa/inet.h>
#include <sys/utsname.h>

#include <chrono>
#include <ctime>
#include <random>

#include "probe/diagnose/checks.h"

namespace dnspath::diagnose {
namespace {

using model::Checkpoint;
using model::Status;

enum class Stage { path, data, resolver };

// One step of a chain: a checkpoint of the path or the zone's data, or (none) the resolver's
// checks, which yield several checkpoints at once.
struct Step {
    std::optional<Checkpoint> checkpoint;
    Stage stage;
};

constexpr Step kPath[] = {{Checkpoint::server_reach, Stage::path}, {Checkpoint::server_edns, Stage::path}, {Checkpoint::server_tcp, Stage::path},
                          {Checkpoint::server_large_udp, Stage::path}};
constexpr Step kData[] = {{Checkpoint::zone_signed, Stage::data},   {Checkpoint::signature_validity, Stage::data}, {Checkpoint::signing_keys, Stage::data},
                          {Checkpoint::signature_crypto, Stage::data}, {Checkpoint::ds_delegation, Stage::data},    {Checkpoint::ds_ttl, Stage::data},
                          {Checkpoint::referral_ds, Stage::data},   {Checkpoint::ds_not_at_apex, Stage::data},     {Checkpoint::denial, Stage::data}};

// Scenarios 1–3 (authoritative: fails, sometimes fails, slow) are path questions; 4 (wrong
// result) adds the zone's data; 5–7 (resolver: fails, sometimes, slow) ask the resolver and the
// server's path; 8–9 (validation fails, wrong result) need everything.
std::vector<Step> chain_for(const Options& options) {
    const int symptom = options.symptom.value_or(0);
    std::vector<Step> chain;
    const bool server = !options.server.empty();
    const bool resolver = !options.resolver.empty() && (symptom == 0 || symptom >= 5);
    const bool data = symptom == 0 || symptom == 4 || symptom >= 8;
    // One step at a time: gcc 12's -Wstringop-overflow misreads a range insert of these.
    if (server)
        for (const auto& step : kPath) chain.push_back(step);
    if (server && data)
        for (const auto& step : kData) chain.push_back(step);
    if (resolver) chain.push_back({std::nullopt, Stage::resolver});
    return chain;
}

std::uint32_t epoch_now() { return static_cast<std::uint32_t>(std::time(nullptr)); }
std::string utc_text() { return iso_time(epoch_now()); }

// Everything asked of the servers, gathered stage by stage as the chain reaches it.
struct Asked {
    Reply plain, plain_tcp, small_buffer, resolver, resolver_tcp;
    std::optional<Reply> echo;
    ZoneEvidence zone;
};

void ask_path(const net::Endpoint& server, const Options& options, Asked& asked) {
    Ask plain{std::nullopt, false, false, 3, options.timeout};
    asked.plain = ask_udp(server, options.zone, wire::rr_type::soa, plain);
    asked.plain_tcp = ask_tcp(server, options.zone, wire::rr_type::soa, plain);
    Ask signed_query{4096, true, false, 2, options.timeout};
    auto& zone = asked.zone;
    zone.soa = look_up(server, options.zone, wire::rr_type::soa, signed_query);
    zone.dnskey = look_up(server, options.zone, wire::rr_type::dnskey, signed_query);
    std::random_device random;
    char label[24];
    std::snprintf(label, sizeof label, "dnspath-%08x", static_cast<unsigned>(random()));
    zone.nonexistent = look_up(server, options.zone.prepend(label), wire::rr_type::a, signed_query);
    // The larger of the two, asked again with a 512-octet buffer: gets through (TC=1) when only
    // large datagrams are lost.
    const bool nx_larger = zone.nonexistent.tcp.size > zone.dnskey.tcp.size;
    Ask small{512, true, false, 2, options.timeout};
    asked.small_buffer = nx_larger ? ask_udp(server, options.zone.prepend(label), wire::rr_type::a, small)
                                   : ask_udp(server, options.zone, wire::rr_type::dnskey, small);
}

void ask_data(const net::Endpoint& server, const std::optional<net::Endpoint>& parent, const Options& options, Asked& asked) {
    Ask signed_query{4096, true, false, 2, options.timeout};
    auto& zone = asked.zone;
    zone.nsec3param = look_up(server, options.zone, wire::rr_type::nsec3param, signed_query);
    zone.apex_nsec = look_up(server, options.zone, wire::rr_type::nsec, signed_query);
    zone.apex_ds = look_up(server, options.zone, wire::rr_type::ds, signed_query);
    if (parent) {
        zone.parent_ds = look_up(*parent, options.zone, wire::rr_type::ds, signed_query);
        zone.referral = look_up(*parent, options.zone, wire::rr_type::ns, signed_query);
        zone.parent_is_server = parent->to_string() == server.to_string();
    }
}

std::vector<model::Verdict> evaluate(const Step& step, const Asked& asked, const Options& options) {
    if (!step.checkpoint) return check_resolver(asked.resolver, asked.resolver_tcp, options.resolver, asked.echo);
    const Checkpoint name = *step.checkpoint;
    const auto& zone = asked.zone;
    if (name == Checkpoint::server_reach) return {check_server_reach(asked.plain, asked.plain_tcp, options.server)};
    if (name == Checkpoint::server_edns) return {check_server_edns(zone.soa)};
    if (name == Checkpoint::server_tcp) return {check_server_tcp(zone.soa)};
    if (name == Checkpoint::server_large_udp) return {check_server_large_udp({&zone.dnskey, &zone.nonexistent}, asked.small_buffer)};
    if (name == Checkpoint::zone_signed) return {check_zone_signed(zone)};
    if (name == Checkpoint::signature_validity) return {check_signature_validity(zone)};
    if (name == Checkpoint::signing_keys) return {check_signing_keys(zone)};
    if (name == Checkpoint::signature_crypto) return {check_signature_crypto(zone)};
    if (name == Checkpoint::ds_delegation) return {check_ds_delegation(zone)};
    if (name == Checkpoint::ds_ttl) return {check_ds_ttl(zone)};
    if (name == Checkpoint::referral_ds) return {check_referral_ds(zone)};
    if (name == Checkpoint::ds_not_at_apex) return {check_ds_not_at_apex(zone)};
    if (name == Checkpoint::denial) return {check_denial(zone)};
    return check_resolver(asked.resolver, asked.resolver_tcp, options.resolver, asked.echo);
}

Result<net::Endpoint> endpoint(const std::string& address, std::uint16_t port, const char* what) {
    auto parsed = net::Endpoint::parse(address, port);
    if (!parsed) return fail(std::string("--") + what + " " + address + ": not an IPv4 or IPv6 address");
    return parsed;
}

// The zone's first authoritative server, through the resolver: NS, then its A (or AAAA).
Result<std::string> server_through(const net::Endpoint& resolver, const Options& options) {
    Ask recursive{1232, false, true, 2, std::chrono::milliseconds(4000)};
    auto ns = ask_udp(resolver, options.zone, wire::rr_type::ns, recursive);
    if (!ns.message) return fail("the resolver did not answer NS " + options.zone.to_string() + " (" + ns.failure + "); give --server");
    for (const auto& record : ns.message->answers) {
        if (record.type != wire::rr_type::ns) continue;
        wire::ByteReader reader(record.rdata);
        auto host = wire::decode_name(reader);
        if (!host) continue;
        for (auto type : {wire::rr_type::a, wire::rr_type::aaaa}) {
            auto address = ask_udp(resolver, *host, type, recursive);
            if (!address.message) continue;
            for (const auto& answer : address.message->answers)
                if (answer.type == type && (answer.rdata.size() == 4 || answer.rdata.size() == 16)) {
                    char text[64];
                    inet_ntop(type == wire::rr_type::a ? AF_INET : AF_INET6, answer.rdata.data(), text, sizeof text);
                    return std::string(text);
                }
        }
    }
    return fail("no address found for the servers of " + options.zone.to_string() + "; give --server");
}

}  // namespace

Result<void> validate(const Options& options) {
    if (options.server.empty() && options.resolver.empty()) return fail("give --server ADDR or --resolver ADDR (or both)");
    if (options.symptom && (*options.symptom < 1 || *options.symptom > 9)) return fail("--symptom takes 1..9 (the JPRS scenarios)");
    if (!options.server.empty()) DNSPATH_TRY_VOID(endpoint(options.server, options.port, "server"));
    if (!options.parent.empty()) DNSPATH_TRY_VOID(endpoint(options.parent, options.port, "parent"));
    if (!options.resolver.empty()) DNSPATH_TRY_VOID(endpoint(options.resolver, 53, "resolver"));
    if (!options.echo_name.empty()) {
        if (options.resolver.empty()) return fail("--echo-name needs --resolver (it is asked through the resolver)");
        if (auto name = wire::Name::parse(options.echo_name); !name) return fail("--echo-name: " + name.error().message);
    }
    return Ok{};
}

Result<model::RunResult> run(const Options& given, const std::function<void(std::string_view)>& progress) {
    DNSPATH_TRY_VOID(validate(given));
    Options options = given;
    const auto started = std::chrono::steady_clock::now();
    model::RunResult result;
    result.tool_version = options.tool_version;
    result.command_line = options.command_line;
    result.started_at = utc_text();
    if (utsname host{}; uname(&host) == 0) result.host_kernel = std::string(host.sysname) + " " + host.release;
    std::optional<net::Endpoint> resolver, parent;
    if (!options.resolver.empty()) resolver = endpoint(options.resolver, 53, "resolver").value();
    if (options.server.empty()) {
        DNSPATH_TRY(options.server, server_through(*resolver, options));
    }
    const auto server = endpoint(options.server, options.port, "server").value();
    if (!options.parent.empty()) parent = endpoint(options.parent, options.port, "parent").value();
    model::Diagnosis diagnosis{options.zone.to_string(), options.server, options.parent, options.resolver, options.symptom, {}, {}};
    Asked asked;
    asked.zone.zone = options.zone;
    asked.zone.now = epoch_now();
    asked.zone.expiry_warning_days = options.expiry_warning_days;
    asked.zone.opt_out = options.opt_out;
    std::optional<Stage> gathered;
    for (const auto& step : chain_for(options)) {
        if (gathered != step.stage) {
            if (step.stage == Stage::path) ask_path(server, options, asked);
            if (step.stage == Stage::data) ask_data(server, parent, options, asked);
            if (step.stage == Stage::resolver) {
                Ask recursive{1232, true, true, 2, std::chrono::milliseconds(4000)};
                asked.resolver = ask_udp(*resolver, options.zone, wire::rr_type::soa, recursive);
                if (!asked.resolver.message) asked.resolver_tcp = ask_tcp(*resolver, options.zone, wire::rr_type::soa, recursive);
                if (!options.echo_name.empty()) {
                    // Asked with DO clear: a validating resolver sets DO upstream all the same.
                    Ask plain_recursive{1232, false, true, 2, std::chrono::milliseconds(4000)};
                    asked.echo = ask_udp(*resolver, wire::Name::parse(options.echo_name).value(), wire::rr_type::txt, plain_recursive);
                }
            }
            gathered = step.stage;
        }
        if (progress) progress(step.checkpoint ? model::to_string(*step.checkpoint) : "resolver");
        bool stop = false;
        for (auto& verdict : evaluate(step, asked, options)) {
            if (stop) break;  // one step may yield several checkpoints: none after the finding
            diagnosis.chain.push_back(verdict.checkpoint);
            if (verdict.status == Status::fail && !diagnosis.stopped_at) {
                diagnosis.stopped_at = verdict.checkpoint;
                stop = !options.keep_going;
            }
            result.verdicts.push_back(std::move(verdict));
        }
        if (stop) break;
    }
    for (const auto& target : {options.server, options.parent, options.resolver})
        if (!target.empty()) result.targets.push_back(target);
    result.diagnosis = std::move(diagnosis);
    result.ended_at = utc_text();
    result.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

}  // namespace dnspath::diagnose
