#include "probe/lab/reproduce.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>


namespace dnspath::lab {
namespace {

using model::CauseCode;
using model::Family;
using model::Params;
using model::Status;
using model::Verdict;

std::optional<double> number(const Params& params, const char* key) {
    auto found = params.find(key);
    if (found == params.end() || !found->is_number()) return std::nullopt;
    return found->get<double>();
}

std::string text(const Params& params, const char* key) {
    auto found = params.find(key);
    return found != params.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::string quoted(const std::string& value) { return "\"" + value + "\""; }

std::string verdict_label(const Verdict& verdict) {
    return model::verdict_name(verdict) + "/" + std::string(to_string(verdict.family));
}

// A device name as a namespace name wants it (1-15 of a-z, 0-9, -); `fallback` when nothing is left.
std::string lab_name(const std::string& field, const std::string& fallback, std::set<std::string>& taken) {
    std::string name;
    for (char c : field) {
        const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') || lower == '-') name += lower;
        else if (!name.empty() && name.back() != '-') name += '-';
    }
    while (!name.empty() && name.back() == '-') name.pop_back();
    if (name.size() > 15) name.resize(15);
    if (name.empty() || name == "probe" || name == "server" || taken.count(name)) name = fallback;
    taken.insert(name);
    return name;
}

// The devices of the run: its path (taps named them), else one router per hop path-trace saw.
struct Path {
    std::vector<ReproducedDevice> devices;
    std::map<std::string, std::size_t> by_field_name;
    // No taps: the position (0-based) path-trace located each family's loss at, when it did.
    std::map<Family, std::size_t> located;
};

// Where path-trace put a family's loss, counted from the probe, among `routers` routers.
std::optional<std::size_t> located_position(const Params& params) {
    if (auto hops = params.find("answer_hops"); text(params, "direction") == "answer" && hops != params.end() && hops->is_array()) {
        const auto dies = number(params, "answer_dies_at_hop");
        if (!dies || hops->empty()) return std::nullopt;
        // Hop k counted from the responder is router (routers - k) from the probe; 0 is the last.
        const auto routers = static_cast<std::size_t>(hops->back().value("hop", 0));
        const auto k = static_cast<std::size_t>(*dies);
        return routers == 0 ? std::nullopt : std::optional<std::size_t>(k == 0 ? routers - 1 : routers - std::min(k, routers));
    }
    if (auto hop = number(params, "hop"); hop && *hop >= 1) return static_cast<std::size_t>(*hop) - 1;
    return std::nullopt;
}

Path path_of(const model::RunResult& run) {
    Path path;
    std::set<std::string> taken;
    for (const auto& name : run.path) {
        ReproducedDevice device;
        device.field_name = name;
        device.name = lab_name(name, "dev" + std::to_string(path.devices.size() + 1), taken);
        path.by_field_name[name] = path.devices.size();
        path.devices.push_back(std::move(device));
    }
    if (!path.devices.empty()) return path;
    std::size_t routers = 0;
    for (const auto& verdict : run.verdicts) {
        if (verdict.checkpoint != model::Checkpoint::path_trace || verdict.cause.code != CauseCode::loss_located) continue;
        const auto& params = verdict.cause.params;
        std::size_t seen = 0;
        if (auto hops = params.find("hops"); hops != params.end() && hops->is_array())
            for (const auto& hop : *hops) seen += hop.is_object() && hop.value("from", Params()).is_string() ? 1 : 0;
        if (auto hops = params.find("answer_hops"); hops != params.end() && hops->is_array() && !hops->empty())
            seen = std::max<std::size_t>(seen, static_cast<std::size_t>(hops->back().value("hop", 0)));
        routers = std::max(routers, seen);
        if (auto at = located_position(params)) path.located[verdict.family] = *at;
    }
    for (std::size_t i = 0; i < routers; ++i) {
        ReproducedDevice device;
        device.name = lab_name("hop" + std::to_string(i + 1), "hop" + std::to_string(i + 1), taken);
        device.kind_because = "path-trace saw a router at hop " + std::to_string(i + 1) + " (no taps)";
        path.devices.push_back(std::move(device));
    }
    return path;
}

// Places each failing or warning verdict's cause on its device as the lab fault that yields it.
class Planner {
public:
    Planner(const model::RunResult& run, Path path) : run_(run), path_(std::move(path)) {}

    Reproduction plan(const std::string& source) {
        Reproduction out;
        out.source = source;
        // The probe's own cause too: a balancer that answers in the servers' place has its
        // udp-sessions verdict recast to `interception`, whose params no longer list who answered.
        for (const auto& verdict : run_.verdicts)
            if (balancer(verdict.cause.params) || (verdict.probe_cause && balancer(verdict.probe_cause->params)))
                for (auto index : devices_of(verdict)) balancers_.insert(index);
        // Verdicts one device explains first: a verdict blamed on several adds no fault to a device
        // that already has one (the default lab's IPv6 size cap is the CPE's cap and the router's
        // fragment filter together), only says which families it hit.
        for (bool shared : {false, true})
            for (const auto& verdict : run_.verdicts)
                if ((devices_of(verdict).size() > 1) == shared) place(verdict, out);
        place_measured_loss();
        settle_kinds();
        plan_keys(out);
        out.devices = path_.devices;
        return out;
    }

private:
    // The lab devices a verdict names: its blamed devices, or the router path-trace located.
    std::vector<std::size_t> devices_of(const Verdict& verdict) const {
        std::vector<std::size_t> found;
        for (const auto& name : model::blamed_devices(verdict))
            if (auto at = path_.by_field_name.find(name); at != path_.by_field_name.end()) found.push_back(at->second);
        // Blamed on nobody, but the cause names the box that answered in the server's place.
        if (found.empty())
            for (const char* key : {"device", "intercepted_by"})
                if (auto at = path_.by_field_name.find(text(verdict.cause.params, key)); found.empty() && at != path_.by_field_name.end())
                    found.push_back(at->second);
        if (found.empty() && run_.path.empty() && located_cause(verdict.cause.code))
            if (auto at = path_.located.find(verdict.family); at != path_.located.end() && at->second < path_.devices.size())
                found.push_back(at->second);
        return found;
    }

    // Causes of a lost large answer or query: what path-trace follows (the first failing probe).
    static bool located_cause(CauseCode code) {
        return code == CauseCode::size_cap || code == CauseCode::fragment_filter || code == CauseCode::mtu ||
               code == CauseCode::pmtud_blackhole;
    }

    void set(std::vector<ReproducedSetting>& into, const std::string& key, const std::string& value, const std::string& because) {
        auto found = std::find_if(into.begin(), into.end(), [&](const ReproducedSetting& s) { return s.key == key; });
        if (found == into.end()) return into.push_back({key, value, because});
        if (found->because.find(because) == std::string::npos) found->because += "; " + because;
    }

    void family_hit(std::size_t device, Family family) { families_[device].insert(family); }

    // The lab fault a cause implies on `device`; false when no lab fault yields it.
    bool apply(const Verdict& verdict, std::size_t index, const std::string& because) {
        auto& device = path_.devices[index];
        const auto& p = verdict.cause.params;
        const Family family = verdict.family;
        switch (verdict.cause.code) {
            case CauseCode::size_cap:
                if (text(p, "direction") == "queries") return false;  // the lab caps answers only
                if (auto largest = number(p, "largest"); largest && *largest >= 512)
                    set(device.faults, "udp_size_cap", std::to_string(static_cast<int>(*largest)), because);
                else if (!has(device.faults, "udp_size_cap")) return false;
                family_hit(index, family);
                return true;
            case CauseCode::fragment_filter:
                if (family == Family::ipv4) set(device.faults, "drop_ipv4_fragments", quoted(text(p, "fragments") == "all" ? "all" : "non-first"), because);
                else set(device.faults, "drop_ipv6_fragments", "true", because);
                return true;
            case CauseCode::mtu:
            case CauseCode::pmtud_blackhole: return apply_mtu(verdict, device, because);
            case CauseCode::tcp_filter:
                set(device.faults, "tcp53", quoted(text(p, "action") == "reset" ? "reset" : "drop"), because);
                family_hit(index, family);
                return true;
            case CauseCode::dot_blocked:
                set(device.faults, "tcp853", quoted(text(p, "outcome") == "refused" || text(p, "outcome") == "reset" ? "reset" : "drop"), because);
                return true;
            case CauseCode::random_loss: {
                // Round-trip loss r is 1 - (1 - p)² for a device losing p each way.
                const double round_trip = number(p, "loss_rate").value_or(0);
                const int each_way = static_cast<int>(std::lround(100 * (1 - std::sqrt(std::max(0.0, 1 - round_trip)))));
                if (each_way < 1) return false;
                set(device.faults, "loss_percent", std::to_string(std::min(each_way, 100)), because);
                family_hit(index, family);
                return true;
            }
            default: return apply_stateful(verdict, index, because);
        }
    }

    bool apply_mtu(const Verdict& verdict, ReproducedDevice& device, const std::string& because) {
        const auto& p = verdict.cause.params;
        const auto& summary = verdict.family == Family::ipv4 ? run_.ipv4 : run_.ipv6;
        std::optional<double> mtu = number(p, "mtu");
        if (!mtu) mtu = number(p, "path_mtu");
        if (!mtu && summary.path_mtu) mtu = *summary.path_mtu;
        if (!mtu) mtu = number(p, "icmp_mtu");
        if (!mtu || *mtu < 576 || *mtu >= 1500) return false;
        if (!has(device.faults, "mtu")) set(device.faults, "mtu", std::to_string(static_cast<int>(*mtu)), because);
        if (verdict.cause.code == CauseCode::pmtud_blackhole) {
            set(device.faults, "drop_icmp_too_big", "true", because);
            icmp_families_[device.name].insert(verdict.family);
        }
        return true;
    }

    // Causes that need a NAT, a DNS proxy or a balancer in the lab.
    bool apply_stateful(const Verdict& verdict, std::size_t index, const std::string& because) {
        auto& device = path_.devices[index];
        const auto& p = verdict.cause.params;
        switch (verdict.cause.code) {
            case CauseCode::nat: want_kind(index, "nat", because); return true;
            case CauseCode::state_table_full:
                want_kind(index, "nat", because);
                if (auto capacity = number(p, "capacity")) set(device.faults, "state_limit", std::to_string(static_cast<int>(*capacity)), because);
                if (auto minimum = number(p, "minimum")) plan_["sessions_min"] = std::to_string(static_cast<int>(*minimum));
                if (auto flows = number(p, "tested_to")) plan_["sessions_max"] = std::to_string(static_cast<int>(*flows));
                family_hit(index, verdict.family);
                return true;
            case CauseCode::short_mapping_timeout:
                want_kind(index, "nat", because);
                if (auto timeout = number(p, "mapping_timeout_s")) {
                    set(device.faults, "udp_timeout", std::to_string(std::max(1L, std::lround(*timeout))), because);
                    plan_["timeout_max_s"] = std::to_string(std::clamp(3 * std::lround(*timeout), 5L, 900L));
                }
                if (auto minimum = number(p, "minimum_s")) plan_["mapping_timeout_min_s"] = std::to_string(std::lround(*minimum));
                return true;
            case CauseCode::rate_limit:
                // A DNS-aware balancer's own limits (dnsdist's) come with it.
                if (balancers_.count(index)) return want_kind(index, "lb", because), true;
                // The run saw flows refused past a rate, not the rate itself: the lab's 2,000/s.
                set(device.faults, "rate_limit", "2000", because + " (rate assumed: the run measures none)");
                family_hit(index, verdict.family);
                return true;
            default: return apply_proxy(verdict, index, because);
        }
    }

    bool apply_proxy(const Verdict& verdict, std::size_t index, const std::string& because) {
        auto& device = path_.devices[index];
        const auto& p = verdict.cause.params;
        switch (verdict.cause.code) {
            case CauseCode::interception:
            case CauseCode::dns_aware_filter:
                if (balancers_.count(index)) return want_kind(index, "lb", because), true;
                if (verdict.cause.code == CauseCode::dns_aware_filter && text(p, "intercepted_by").empty()) return false;
                want_kind(index, "cpe", because);
                set(device.settings, "intercept_dns", "true", because);
                return true;
            case CauseCode::edns_buffer_cap:
                if (text(p, "intercepted_by").empty() && verdict.via != model::Via::proxy) return false;
                want_kind(index, "cpe", because);
                if (auto size = number(p, "upstream_bufsize"); size && *size >= 512 && *size <= 4096)
                    set(device.settings, "edns_packet_max", std::to_string(static_cast<int>(*size)), because);
                return true;
            case CauseCode::header_bit_changed:
                if (text(p, "direction") != "proxy-ad") return false;
                want_kind(index, "cpe", because);
                set(device.settings, "proxy_dnssec", "false", because);
                return true;
            case CauseCode::nxdomain_rewritten:
                // The lab's proxy rewrites what it is asked itself, not what crosses the path.
                if (verdict.via != model::Via::proxy) return false;
                want_kind(index, "cpe", because);
                set(device.settings, "nxdomain_address", quoted("198.18.99.1"), because);
                return true;
            case CauseCode::open_resolver:
                want_kind(index, "cpe", because);
                set(device.settings, "proxy_wan_open", "true", because);
                return true;
            case CauseCode::cache_rule_broken: {
                if (text(p, "what") != "ttl-raised" && text(p, "what") != "stale") return false;
                want_kind(index, "cpe", because);
                const auto ttl = number(p, "got_ttl").value_or(600);
                set(device.settings, "min_cache_ttl", std::to_string(std::clamp(static_cast<int>(ttl), 1, 3600)), because);
                return true;
            }
            default: return false;
        }
    }

    // A balancer in front of several servers: the flows were answered by more than one.
    static bool balancer(const Params& params) {
        auto by = params.find("answered_by");
        return by != params.end() && by->is_object() && by->size() >= 2;
    }

    static bool has(const std::vector<ReproducedSetting>& settings, const std::string& key) {
        return std::any_of(settings.begin(), settings.end(), [&](const ReproducedSetting& s) { return s.key == key; });
    }

    void want_kind(std::size_t index, const std::string& kind, const std::string& because) {
        auto& wanted = kinds_[index];
        // A cpe is a NAT with a proxy; a balancer is a balancer whatever else it shows.
        static const std::map<std::string, int> rank{{"router", 0}, {"nat", 1}, {"cpe", 2}, {"lb", 3}};
        if (wanted.first.empty() || rank.at(kind) > rank.at(wanted.first)) wanted = {kind, because};
    }

    void place(const Verdict& verdict, Reproduction& out) {
        if (verdict.status != Status::fail && verdict.status != Status::warn) return;
        if (verdict.checkpoint == model::Checkpoint::path_trace) return;  // a view of the others' losses
        const bool failing = verdict.status == Status::fail;
        const auto devices = devices_of(verdict);
        // A balancer that answers in the server's place re-originates queries: a DNS-aware one.
        if (verdict.cause.code == CauseCode::interception)
            for (auto index : devices)
                if (balancers_.count(index)) reoriginating_balancer_ = index;
        const std::string label = verdict_label(verdict);
        const std::string code(to_string(verdict.cause.code));
        if (verdict.cause.code == CauseCode::inconclusive) {
            if (failing) out.unreproducible.push_back({label, code, "", "inconclusive"});
            return;
        }
        if (devices.empty()) {
            if (failing) out.unreproducible.push_back({label, code, "", "not-located"});
            return;
        }
        const std::string because = label + " " + code + " (probes " + probe_list(verdict) + ")";
        bool placed = false;
        // Blamed on several devices, one of which already has a fault of its own: that explains it
        // (the verdict still says which families it hit); none has: each gets what it implies.
        const bool explained = devices.size() > 1 && std::any_of(devices.begin(), devices.end(), [&](std::size_t index) {
            return !path_.devices[index].faults.empty() || !path_.devices[index].settings.empty();
        });
        for (auto index : devices) {
            auto& device = path_.devices[index];
            const auto faults = device.faults, settings = device.settings;
            placed = apply(verdict, index, because) || placed;
            if (explained && (device.faults.size() != faults.size() || device.settings.size() != settings.size()))
                device.faults = faults, device.settings = settings;
        }
        if (!failing) return;
        ExpectedVerdict expected{verdict.checkpoint, verdict.family, verdict.via, verdict.cause.code, {}};
        // The devices it blames (none when the run named nobody), or where path-trace put it.
        for (const auto& name : model::blamed_devices(verdict))
            if (auto at = path_.by_field_name.find(name); at != path_.by_field_name.end()) expected.devices.push_back(path_.devices[at->second].name);
        if (run_.path.empty())
            for (auto index : devices) expected.devices.push_back(path_.devices[index].name);
        out.expected.push_back(expected);
        if (!placed) {
            pending_.push_back({label, code, path_.devices[devices.front()].name, "no-lab-fault"});
            pending_devices_.push_back(devices.front());
        }
    }

    static std::string probe_list(const Verdict& verdict) {
        std::string list;
        for (std::size_t i = 0; i < verdict.probes.size() && i < 4; ++i) list += (i ? " " : "") + verdict.probes[i];
        if (verdict.probes.size() > 4) list += " …";
        return list.empty() ? "none" : list;
    }

    // The path's loss as the run measured it, when no random-loss verdict put it on a device: on
    // the device the most failures blame (in the field the lossy box is rarely known), each way.
    void place_measured_loss() {
        double round_trip = 0;
        for (const auto* summary : {&run_.ipv4, &run_.ipv6}) round_trip = std::max(round_trip, summary->loss_rate.value_or(0));
        const int each_way = static_cast<int>(std::lround(100 * (1 - std::sqrt(std::max(0.0, 1 - round_trip)))));
        if (each_way < 1 || path_.devices.empty()) return;
        for (const auto& device : path_.devices)
            if (has(device.faults, "loss_percent")) return;
        std::map<std::size_t, int> blamed;
        for (const auto& verdict : run_.verdicts)
            if (verdict.status == Status::fail)
                for (auto index : devices_of(verdict)) ++blamed[index];
        std::size_t most = 0;
        for (const auto& [index, count] : blamed)
            if (count > blamed[most]) most = index;
        char measured[64];
        std::snprintf(measured, sizeof measured, "the path's measured round-trip loss, %.1f %%", 100 * round_trip);
        set(path_.devices[most].faults, "loss_percent", std::to_string(std::min(each_way, 100)), measured);
    }

    void settle_kinds() {
        for (std::size_t i = 0; i < path_.devices.size(); ++i) {
            auto& device = path_.devices[i];
            if (auto wanted = kinds_.find(i); wanted != kinds_.end()) {
                device.kind = wanted->second.first;
                device.kind_because = wanted->second.second;
            } else if (!device.faults.empty()) {
                device.kind = "firewall";
            }
            if (device.kind == "lb") {
                device.settings.push_back({"backends", "2", "answered by several servers"});
                device.settings.push_back({"balancer", quoted(reoriginating_balancer_ == i ? "dnsdist" : "nftables"),
                                           reoriginating_balancer_ == i ? "it re-originated queries (a DNS-aware proxy)" : "an L4 balancer"});
            }
            // One family's faults only: the device's `family` key says which.
            if (auto hit = families_.find(i); hit != families_.end() && hit->second.size() == 1 && both_families())
                device.faults.push_back({"family", quoted(std::string(to_string(*hit->second.begin()))), "only that family failed"});
            if (auto icmp = icmp_families_.find(device.name); icmp != icmp_families_.end() && icmp->second.size() == 1 && both_families())
                device.faults.push_back({"drop_icmp_too_big_family", quoted(std::string(to_string(*icmp->second.begin()))),
                                         "only that family's black hole"});
        }
    }

    bool both_families() const { return family_present(Family::ipv4) && family_present(Family::ipv6); }
    bool family_present(Family family) const {
        return std::any_of(run_.verdicts.begin(), run_.verdicts.end(), [&](const Verdict& v) { return v.family == family && v.status != Status::na; });
    }

    void plan_keys(Reproduction& out) {
        // An expected verdict whose cause has no lab fault may still follow from its device's others
        // (a DNSKEY over TCP lost to a TCP filter): listed only when its device got none.
        for (std::size_t i = 0; i < pending_.size(); ++i) {
            const auto& device = path_.devices[pending_devices_[i]];
            if (device.faults.empty() && device.settings.empty() && device.kind == "router") out.unreproducible.push_back(pending_[i]);
        }
        // The kinds of what failed or warned first (registry order, ttl always), then the rest decided.
        auto failed_or_warned = [&](const std::string& kind) {
            return std::any_of(run_.verdicts.begin(), run_.verdicts.end(), [&](const Verdict& v) {
                return (v.status == Status::fail || v.status == Status::warn) && v.checkpoint != model::Checkpoint::path_trace &&
                       v.checkpoint != model::Checkpoint::reachability && to_string(model::entry_of(v.checkpoint).kind) == kind;
            });
        };
        for (const auto& kind : model::plan_kinds())
            if (failed_or_warned(kind) || kind == "ttl") out.probes.push_back(kind);
        for (const auto& verdict : run_.verdicts)
            if (verdict.status != Status::na && verdict.checkpoint != model::Checkpoint::reachability) {
                const std::string kind(to_string(model::entry_of(verdict.checkpoint).kind));
                if (std::find(out.probes.begin(), out.probes.end(), kind) == out.probes.end()) out.probes.push_back(kind);
            }
        // How many flows the sessions kind opened at once decides what a balancer's limits do.
        for (const auto& verdict : run_.verdicts)
            if (verdict.checkpoint == model::Checkpoint::udp_sessions && !plan_.count("sessions"))
                if (auto flows = number(verdict.cause.params, "flows"); flows && *flows >= 8 && *flows <= 4096)
                    plan_["sessions"] = std::to_string(static_cast<int>(*flows));
        out.ipv4 = family_present(Family::ipv4);
        out.ipv6 = family_present(Family::ipv6);
        for (const auto& [key, value] : plan_) out.plan.emplace_back(key, value);
    }

    const model::RunResult& run_;
    Path path_;
    std::map<std::size_t, std::pair<std::string, std::string>> kinds_;
    std::map<std::size_t, std::set<Family>> families_;
    std::map<std::string, std::set<Family>> icmp_families_;
    std::map<std::string, std::string> plan_;
    std::vector<Unreproducible> pending_;
    std::vector<std::size_t> pending_devices_;
    std::optional<std::size_t> reoriginating_balancer_;
    std::set<std::size_t> balancers_;  // devices whose flows several servers answered
};

}  // namespace

// "@", not "on": the name stands inside the lines of every language.
std::string ExpectedVerdict::name() const {
    std::string on;
    for (const auto& device : devices) on += (on.empty() ? "" : "+") + device;
    return model::verdict_name({.checkpoint = checkpoint, .via = via}) + "/" + std::string(to_string(family)) + " " +
           std::string(to_string(code)) + (on.empty() ? "" : " @ " + on);
}

Result<Reproduction> plan_reproduction(const model::RunResult& run, const std::string& source) {
    if (std::none_of(run.verdicts.begin(), run.verdicts.end(), [](const Verdict& v) { return v.status == Status::fail; }))
        return fail_usage(source + ": no checkpoint failed in this run; there is nothing to reproduce", "nothing-to-reproduce", "", source);
    return Planner(run, path_of(run)).plan(source);
}

std::string Reproduction::profile_text(const std::string& prefix) const {
    std::ostringstream out;
    out << "# A lab that reproduces " << source << " (dnspath lab reproduce): its devices in the run's\n"
        << "# path order, each with the faults its verdicts imply. Each setting names the verdicts and probes\n"
        << "# it comes from.\n";
    for (const auto& gone : unreproducible)
        out << "# not reproducible in the lab: " << gone.verdict << " " << gone.code << (gone.device.empty() ? "" : " on " + gone.device)
            << " (" << gone.why << ")\n";
    out << "[profile]\nname = \"reproduced: " << source << "\"\n\n[lab]\nprefix = \"" << prefix << "\"\n"
        << "ipv4 = " << (ipv4 ? "true" : "false") << "\nipv6 = " << (ipv6 ? "true" : "false") << "\n\n[plan]\nprobes = [";
    for (std::size_t i = 0; i < probes.size(); ++i) out << (i ? ", " : "") << "\"" << probes[i] << "\"";
    out << "]\n";
    for (const auto& [key, value] : plan) out << key << " = " << value << "\n";
    for (const auto& device : devices) {
        out << "\n[[topology.device]]\n";
        if (!device.field_name.empty() && device.field_name != device.name) out << "# \"" << device.field_name << "\" in the run\n";
        out << "name = \"" << device.name << "\"\n";
        if (!device.kind_because.empty()) out << "# kind from: " << device.kind_because << "\n";
        out << "kind = \"" << device.kind << "\"\n";
        for (const auto& setting : device.settings) out << "# from: " << setting.because << "\n" << setting.key << " = " << setting.value << "\n";
        if (device.faults.empty()) continue;
        out << "[topology.device.faults]\n";
        for (const auto& fault : device.faults) out << "# from: " << fault.because << "\n" << fault.key << " = " << fault.value << "\n";
    }
    return out.str();
}

ReproductionCheck check_reproduction(const Reproduction& reproduction, const model::RunResult& lab) {
    ReproductionCheck check;
    for (const auto& expected : reproduction.expected) {
        auto same_place = [&](const Verdict& v) {
            return v.checkpoint == expected.checkpoint && v.family == expected.family && v.via == expected.via;
        };
        auto found = std::find_if(lab.verdicts.begin(), lab.verdicts.end(), same_place);
        const bool again = found != lab.verdicts.end() && found->status == Status::fail && found->cause.code == expected.code &&
                           model::blamed_devices(*found) == expected.devices;
        if (again) {
            check.reproduced.push_back(expected.name());
            continue;
        }
        std::string said = "-";  // no verdict of that name: a code, not a word, in every language
        if (found != lab.verdicts.end()) {
            std::string on;
            for (const auto& device : model::blamed_devices(*found)) on += (on.empty() ? "" : "+") + device;
            said = std::string(to_string(found->status)) + " " + std::string(to_string(found->cause.code)) + (on.empty() ? "" : " @ " + on);
        }
        check.missing.emplace_back(expected.name(), said);
    }
    return check;
}

ReproductionCheck combine_checks(const Reproduction& reproduction, const std::vector<ReproductionCheck>& runs) {
    ReproductionCheck combined;
    combined.runs = static_cast<int>(runs.size());
    for (const auto& expected : reproduction.expected) {
        const std::string name = expected.name();
        // Runs after the first check only what was still missing: a verdict counts in the runs
        // that checked it.
        int seen = 0, checked = 0;
        std::string said = "-";  // no verdict of that name: a code, not a word, in every language
        for (const auto& run : runs) {
            if (std::find(run.reproduced.begin(), run.reproduced.end(), name) != run.reproduced.end()) ++seen, ++checked;
            for (const auto& [missing, lab_said] : run.missing)
                if (missing == name) said = lab_said, ++checked;
        }
        if (seen == 0) {
            combined.missing.emplace_back(name, said);
            continue;
        }
        combined.reproduced.push_back(name);
        if (seen < checked) combined.intermittent.emplace_back(name, seen);
    }
    return combined;
}

}  // namespace dnspath::lab
