#include "capture/correlate.h"

#include <algorithm>

#include "capture/dns_scan.h"

namespace dnspath::capture {

using model::CaptureFinding;
using model::FindingRule;
using model::Params;

std::string capture_key(const model::ProbeRecord& probe) {
    return probe.id_in_qname ? probe.id : "#" + std::to_string(probe.dns_id);
}

namespace {

// The taps in path order (device 1 in, device 1 out, device 2 in, …) and what each saw of one
// probe: the helper every rule below reads the path through.
class PathView {
public:
    PathView(const std::vector<DeviceTaps>& path, const std::vector<TapSightings>& taps) : taps_(taps) {
        for (const auto& device : path) {
            if (device.in) points_.push_back({*device.in, device.device, true});
            if (device.out) points_.push_back({*device.out, device.device, false});
        }
    }
    std::size_t size() const { return points_.size(); }
    const TapSightings& tap(std::size_t i) const { return taps_[points_[i].tap]; }

    // A probe's query at a tap is its first (retries repeat it); its answer the last one.
    const Sighting* find(std::size_t i, const std::string& key, bool answer, bool partial = false) const {
        const auto& seen = tap(i);
        auto group = seen.by_probe.find(key);
        if (group == seen.by_probe.end()) return nullptr;
        const Sighting* found = nullptr;
        for (std::uint32_t index : group->second) {
            const Sighting& sighting = seen.messages[index];
            if (sighting.answer != answer || sighting.partial != partial) continue;
            if (found == nullptr || (answer ? sighting.frame > found->frame : sighting.frame < found->frame))
                found = &sighting;
        }
        return found;
    }
    // The probe's message at tap i that `other` (seen at another tap) is a copy of: the one with its
    // DNS id and name, else its DNS id, or find()'s pick when none has it. A forwarder that lost its
    // first upstream query asks again under a new id; comparing the first copy at one tap with the
    // second at the next would read as the device between them re-originating it. The probe's own
    // tries share one id and differ in their name (the r<n> label): under loss the last answer at
    // one tap and the first with that id at the next belong to different tries, and a name whose
    // case a device changed was compared with another try's name and went unseen.
    const Sighting* counterpart(std::size_t i, const std::string& key, const Sighting& other) const {
        const auto& seen = tap(i);
        const Sighting* same_id = nullptr;
        if (auto group = seen.by_probe.find(key); group != seen.by_probe.end())
            for (std::uint32_t index : group->second) {
                const Sighting& sighting = seen.messages[index];
                if (sighting.answer != other.answer || sighting.partial || sighting.dns_id != other.dns_id) continue;
                if (sighting.name == other.name) return &sighting;
                if (same_id == nullptr) same_id = &sighting;
            }
        return same_id != nullptr ? same_id : find(i, key, other.answer);
    }
    // An ICMP error about the probe's query (or answer) seen at a tap.
    const IcmpSighting* icmp(std::size_t i, const std::string& key, bool answer) const {
        auto [first, last] = tap(i).icmp_by_probe.equal_range(key);
        for (auto it = first; it != last; ++it)
            if (it->second.about_answer == answer) return &it->second;
        return nullptr;
    }
    // The device between two consecutive points, if they are the two sides of one device.
    std::optional<std::string> between(std::size_t a, std::size_t b) const {
        const Point& first = points_[std::min(a, b)];
        const Point& second = points_[std::max(a, b)];
        if (first.device == second.device && first.probe_side && !second.probe_side) return first.device;
        return std::nullopt;
    }
    bool lossy(std::size_t a, std::size_t b) const { return tap(a).lost_packets || tap(b).lost_packets; }
    // The table of the tap at `i` that overflowed with this probe in it ("" for none).
    std::string overflowed(std::size_t i, const std::string& key, const model::ProbeRecord& probe) const {
        const auto& seen = tap(i);
        if (seen.overflowed_probes.count(key)) return "fragments";
        if (probe.transport == "tcp" && seen.overflowed_clients.count(tcp_client(probe.source))) return "streams";
        return "";
    }
    // "198.18.0.1:40000" and "[fd00::1]:40000" as the capture writes a client: address:port.
    static std::string tcp_client(std::string source) {
        if (!source.empty() && source.front() == '[')
            source = source.substr(1, source.find(']') - 1) + source.substr(source.find(']') + 1);
        return source;
    }
    // Each tap's frames of the probe's query and answer: the evidence every finding carries.
    std::vector<model::TapFrames> frames(const std::string& key) const {
        std::vector<model::TapFrames> all;
        for (std::size_t i = 0; i < size(); ++i) {
            model::TapFrames frames{tap(i).tap, std::nullopt, std::nullopt};
            const Sighting* query = find(i, key, false);
            if (!query) query = find(i, key, false, true);
            const Sighting* answer = find(i, key, true);
            if (!answer) answer = find(i, key, true, true);
            if (query) frames.query_frame = query->frame;
            if (answer) frames.answer_frame = answer->frame;
            all.push_back(frames);
        }
        return all;
    }

private:
    struct Point {
        std::size_t tap;
        std::string device;
        bool probe_side;
    };
    const std::vector<TapSightings>& taps_;
    std::vector<Point> points_;
};

// Builds the findings about one probe; each rule function below adds to it.
class ProbeFindings {
public:
    ProbeFindings(const PathView& view, const model::ProbeRecord& probe)
        : view_(view), probe_(probe), key_(capture_key(probe)), frames_(view.frames(key_)) {}
    const std::string& key() const { return key_; }
    const model::ProbeRecord& probe() const { return probe_; }
    const PathView& view() const { return view_; }

    // A finding at the segment between points a and b: the device there, or why none is named.
    void at(std::size_t a, std::size_t b, FindingRule rule, Params params = Params::object()) {
        // `{}` for a json argument is null, not an empty object: every reader expects an object.
        if (!params.is_object()) params = Params::object();
        CaptureFinding finding{rule, probe_.id, view_.between(a, b), frames_, std::move(params)};
        // A tap whose reassembly overflowed with this probe in it may simply have missed it.
        for (std::size_t i : {a, b}) {
            const std::string table = model::blames(rule) ? view_.overflowed(i, key_, probe_) : "";
            if (table.empty()) continue;
            Params overflow{{"instead_of", to_string(rule)}, {"tap", view_.tap(i).tap}, {"table", table},
                            {"between", {view_.tap(std::min(a, b)).tap, view_.tap(std::max(a, b)).tap}}};
            if (auto direction = finding.params.find("direction"); direction != finding.params.end())
                overflow["direction"] = *direction;
            finding.params = std::move(overflow);
            finding.rule = FindingRule::tap_overflow;
            finding.device.reset();
            found_.push_back(std::move(finding));
            return;
        }
        if (model::blames(rule) && (view_.lossy(a, b) || !finding.device)) {
            finding.rule = view_.lossy(a, b) ? FindingRule::tap_lost_packets : FindingRule::lost_between_taps;
            finding.params = model::declared_only(model::spec_of(finding.rule).params, finding.params);
            finding.params["instead_of"] = to_string(rule);
            finding.params["between"] = {view_.tap(std::min(a, b)).tap, view_.tap(std::max(a, b)).tap};
            finding.device.reset();
        }
        found_.push_back(std::move(finding));
    }
    void note(std::size_t a, std::size_t b, FindingRule rule, Params params) {
        if (view_.between(a, b)) at(a, b, rule, std::move(params));
    }
    void anywhere(FindingRule rule, Params params) {
        if (!params.is_object()) params = Params::object();
        found_.push_back({rule, probe_.id, std::nullopt, frames_, std::move(params)});
    }
    std::vector<CaptureFinding> take() { return std::move(found_); }

private:
    const PathView& view_;
    const model::ProbeRecord& probe_;
    std::string key_;
    std::vector<model::TapFrames> frames_;
    std::vector<CaptureFinding> found_;
};

const char* direction_of(bool answer) { return answer ? "answer" : "query"; }

// Rule 3 (ICMP too big): PMTUD works only if the ICMP reaches the sender, so it is followed tap by
// tap toward the server (about an answer) or the probe (about a query). A box that drops it is the
// black hole, not the one that said so. Returns false when the ICMP arrived (a signal).
bool follow_too_big(ProbeFindings& findings, std::size_t a, std::size_t b, bool answer, const IcmpSighting& icmp) {
    const auto& view = findings.view();
    const std::size_t from = answer ? b : a;
    Params params{{"direction", direction_of(answer)}, {"mtu", icmp.mtu}, {"icmp_frame", icmp.frame},
                  {"sender", view.between(a, b).value_or("")}, {"from", icmp.from.to_string()}};
    if (answer) {
        for (std::size_t j = from + 1; j < view.size(); ++j)
            if (view.icmp(j, findings.key(), true) == nullptr) return findings.at(j - 1, j, FindingRule::icmp_dropped, params), true;
    } else {
        for (std::size_t j = from; j-- > 0;)
            if (view.icmp(j, findings.key(), false) == nullptr) return findings.at(j, j + 1, FindingRule::icmp_dropped, params), true;
    }
    findings.at(a, b, FindingRule::icmp_too_big, params);
    return false;
}

// Rule 1/3: a message that went missing between points a and b (a toward the probe). ICMP too big
// and time exceeded are the network working; unreachable is a refusal; fragments that partly
// crossed say how many.
void dropped(ProbeFindings& findings, std::size_t a, std::size_t b, bool answer) {
    const auto& view = findings.view();
    const std::string& key = findings.key();
    const IcmpSighting* icmp = view.icmp(answer ? b : a, key, answer);
    const std::size_t far = answer ? a : b, near = answer ? b : a;
    const Sighting* whole = view.find(near, key, answer);
    Params params{{"direction", direction_of(answer)}};
    if (whole) {
        params["fragments"] = whole->fragments;
        params["size"] = whole->dns_size;
        params["tcp"] = whole->tcp;
        // The later fragments crossed without the first: the device filtered on the UDP header.
        if (whole->fragment_id != 0 && view.tap(far).orphan_fragment_ids.count(whole->fragment_id))
            params["later_fragments_passed"] = true;
    }
    if (const Sighting* part = view.find(far, key, answer, true); part && icmp == nullptr) {
        params["passed"] = part->fragments;
        return findings.at(a, b, FindingRule::fragments_dropped, params);
    }
    if (icmp == nullptr) {
        const bool data = answer && whole && whole->tcp;
        return findings.at(a, b, data ? FindingRule::tcp_data_dropped
                                      : answer ? FindingRule::answer_dropped : FindingRule::query_dropped, params);
    }
    params["icmp_frame"] = icmp->frame;
    switch (icmp->kind) {
        case IcmpSighting::Kind::too_big: follow_too_big(findings, a, b, answer, *icmp); return;
        case IcmpSighting::Kind::time_exceeded: return findings.at(a, b, FindingRule::icmp_time_exceeded, params);
        case IcmpSighting::Kind::unreachable:
            params["code"] = icmp->code;
            return findings.at(a, b, FindingRule::icmp_unreachable, params);
    }
}

// Rule 5: what a device did to a message that crossed it intact — recorded, never blamed.
void crossing(ProbeFindings& findings, std::size_t near, std::size_t far, const Sighting& before, const Sighting& after) {
    const char* what = direction_of(before.answer);
    if (before.dns_id != after.dns_id)
        findings.note(near, far, FindingRule::reoriginated,
                      {{"direction", what}, {"from_id", before.dns_id}, {"to_id", after.dns_id}});
    else if (before.ttl > after.ttl + 1)
        findings.note(near, far, FindingRule::ttl_lowered, {{"direction", what}, {"by", before.ttl - after.ttl}});
    else if (after.ttl > before.ttl)
        findings.note(near, far, FindingRule::ttl_raised, {{"direction", what}, {"from", before.ttl}, {"to", after.ttl}});
    if (before.fragments != after.fragments && !before.tcp)
        findings.note(near, far, FindingRule::reassembled,
                      {{"direction", what}, {"from", before.fragments}, {"to", after.fragments}});
    if (!before.answer && before.destination.ip != after.destination.ip)
        findings.note(near, far, FindingRule::destination_changed,
                      {{"from", before.destination.ip.to_string()}, {"to", after.destination.ip.to_string()}});
    if (!before.answer && before.source != after.source)
        findings.note(near, far, FindingRule::source_translated,
                      {{"from", before.source.ip.to_string()}, {"to", after.source.ip.to_string()},
                       {"port_changed", before.source.port != after.source.port}});
}

// Header bits, the RCODE and the name's case, changed in place (same DNS id: a proxy that
// re-originates a query writes its own header and may use 0x20 on its own query, RFC 5452). A
// proxy asked on purpose must still hand back the upstream's AD and RCODE (RFC 5625's
// transparency; an NXDOMAIN turned into an address): those are compared across its
// re-origination, on the answer.
bool header_changed(ProbeFindings& findings, std::size_t a, std::size_t b, const Sighting& before, const Sighting& after) {
    const bool in_place = before.dns_id == after.dns_id;
    const bool proxied_answer = !in_place && before.answer && findings.probe().via_proxy;
    if (!in_place && !proxied_answer) return false;
    const auto changed = static_cast<std::uint8_t>((before.header_bits ^ after.header_bits) & (in_place ? 0xff : header_bit_ad));
    const model::Params direction{{"direction", direction_of(before.answer)}};
    if (before.answer && before.rcode != after.rcode)
        return findings.at(a, b, FindingRule::rcode_changed,
                           {{"direction", "answer"}, {"from", wire::rcode_name(before.rcode)}, {"to", wire::rcode_name(after.rcode)}}),
               true;
    if (changed != 0) {
        auto params = direction;
        params["bits"] = header_bit_names(changed);
        return findings.at(a, b, FindingRule::header_bits_changed, params), true;
    }
    if (in_place && before.name == after.name && before.name_case != after.name_case)
        return findings.at(a, b, FindingRule::name_case_changed, direction), true;
    return false;
}

// Rule 2: a change to the query at the first tap where it appears (blamed: it changes what the
// server answers). Options stripped count only in place (same DNS id): a proxy that re-originates
// the query sends its own Cookie and Padding.
bool query_changed(ProbeFindings& findings, std::size_t a, std::size_t b, const Sighting& before, const Sighting& after) {
    if (before.opt && !after.opt) return findings.at(a, b, FindingRule::opt_removed, {{"direction", "query"}}), true;
    if (before.opt && after.opt && before.udp_size != after.udp_size)
        return findings.at(a, b, FindingRule::bufsize_rewritten, {{"from", before.udp_size}, {"to", after.udp_size}}), true;
    if (before.dnssec_ok && !after.dnssec_ok) return findings.at(a, b, FindingRule::do_cleared, {{"direction", "query"}}), true;
    if (before.dns_id == after.dns_id && (before.options & ~after.options))
        return findings.at(a, b, FindingRule::options_stripped,
                           {{"direction", "query"}, {"options", option_names(before.options & ~after.options)}}), true;
    return header_changed(findings, a, b, before, after);
}

// Rule 3: a change to the answer on its way back, where it appears.
bool answer_changed(ProbeFindings& findings, std::size_t a, std::size_t b, const Sighting& before, const Sighting& after) {
    if (!before.tc && after.tc) return findings.at(a, b, FindingRule::tc_set, {{"from", before.dns_size}, {"to", after.dns_size}}), true;
    if (after.dns_size < before.dns_size && !after.tc)
        return findings.at(a, b, FindingRule::answer_cut, {{"from", before.dns_size}, {"to", after.dns_size}}), true;
    if (after.rrsigs < before.rrsigs)
        return findings.at(a, b, FindingRule::rrsig_stripped, {{"from", before.rrsigs}, {"to", after.rrsigs}}), true;
    if (before.opt && !after.opt) return findings.at(a, b, FindingRule::opt_removed, {{"direction", "answer"}}), true;
    if (before.dns_id == after.dns_id && (before.options & ~after.options))
        return findings.at(a, b, FindingRule::options_stripped,
                           {{"direction", "answer"}, {"options", option_names(before.options & ~after.options)}}), true;
    return header_changed(findings, a, b, before, after);
}

// Rule 1: the query toward the server. True when it decided the probe's fate.
bool follow_query(ProbeFindings& findings) {
    const auto& view = findings.view();
    const std::string& key = findings.key();
    std::optional<std::size_t> last_seen;
    for (std::size_t i = 0; i < view.size(); ++i) {
        const Sighting* query = view.find(i, key, false);
        if (query && last_seen) {
            const Sighting* before = view.counterpart(*last_seen, key, *query);
            crossing(findings, *last_seen, i, *before, *query);
            if (query_changed(findings, *last_seen, i, *before, *query)) return true;
        }
        if (query) {
            last_seen = i;
            continue;
        }
        if (!last_seen) continue;
        // Answered from where the query stopped: a cache or an interceptor spoke for the server.
        // (Not for names keyed by DNS id: a proxy changed it, and the re-originated query is unlinked.)
        if (view.find(*last_seen, key, true) != nullptr) {
            if (findings.probe().id_in_qname)
                findings.at(*last_seen, i, FindingRule::answered_locally, Params::object());
        } else {
            dropped(findings, *last_seen, i, false);
        }
        return true;
    }
    if (!last_seen && view.size() > 0 && findings.probe().outcome == model::Outcome::timeout &&
        findings.probe().transport == "udp") {  // TCP and DoT: the handshake is followed instead
        findings.anywhere(FindingRule::not_at_first_tap, {{"tap", view.tap(0).tap}});
        return true;
    }
    return false;
}

// Rule 3: the answer, back toward the probe. True when it decided the probe's fate.
bool follow_answer(ProbeFindings& findings) {
    const auto& view = findings.view();
    const std::string& key = findings.key();
    std::optional<std::size_t> seen_from;
    for (std::size_t k = view.size(); k-- > 0;) {
        const Sighting* answer = view.find(k, key, true);
        if (answer && seen_from) {
            const Sighting* before = view.counterpart(*seen_from, key, *answer);
            crossing(findings, *seen_from, k, *before, *answer);
            if (answer_changed(findings, k, *seen_from, *before, *answer)) return true;
        }
        if (answer) {
            seen_from = k;
        } else if (seen_from) {
            dropped(findings, k, *seen_from, true);
            return true;
        }
    }
    return false;
}

// Rule 4: a TCP probe that never got its answer, followed by its SYN's ISN (NAT keeps it).
void follow_handshake(ProbeFindings& findings) {
    const auto& view = findings.view();
    const auto& probe = findings.probe();
    if ((probe.transport != "tcp" && probe.transport != "tls") || probe.outcome == model::Outcome::answer || view.size() == 0 || probe.source.empty())
        return;
    std::string client = probe.source;
    if (client.front() == '[') client = client.substr(1, client.find(']') - 1) + client.substr(client.find(']') + 1);
    std::optional<std::uint32_t> isn;
    for (std::size_t i = 0; i < view.size() && !isn; ++i)
        if (auto found = view.tap(i).isn_by_client.find(client); found != view.tap(i).isn_by_client.end()) isn = found->second;
    if (!isn) return;
    auto handshake = [&](std::size_t i) -> const TcpHandshake* {
        auto it = view.tap(i).handshakes.find(*isn);
        return it == view.tap(i).handshakes.end() ? nullptr : &it->second;
    };
    for (std::size_t i = 0; i + 1 < view.size(); ++i) {
        const TcpHandshake* here = handshake(i);
        const TcpHandshake* next = handshake(i + 1);
        if (!here || !here->syn_frame) continue;  // not yet seen: it starts further on
        Params frames{{"syn_frame", here->syn_frame}};
        if (!next || !next->syn_frame)
            return findings.at(i, i + 1, here->reset_frame ? FindingRule::tcp_syn_reset : FindingRule::tcp_syn_dropped, frames);
        if (!here->syn_ack_frame && next->syn_ack_frame)
            return findings.at(i, i + 1, FindingRule::tcp_synack_dropped, {{"syn_ack_frame", next->syn_ack_frame}});
    }
}

}  // namespace

std::vector<CaptureFinding> attribute(const std::vector<DeviceTaps>& path, const std::vector<TapSightings>& taps,
                                      const std::vector<model::ProbeRecord>& probes) {
    PathView view(path, taps);
    std::vector<CaptureFinding> all;
    for (const auto& probe : probes) {
        ProbeFindings findings(view, probe);
        if (!follow_query(findings) && !follow_answer(findings)) follow_handshake(findings);
        for (auto& finding : findings.take()) all.push_back(std::move(finding));
    }
    return all;
}

}  // namespace dnspath::capture
