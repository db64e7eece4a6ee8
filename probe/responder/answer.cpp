#include "probe/responder/answer.h"
#include "probe/responder/open_check.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>

#include "probe/wire/wire.h"

namespace dnspath::responder {
namespace {

using namespace dnspath::wire;

constexpr std::size_t kPlainDnsLimit = 512;  // RFC 1035 4.2.1, without EDNS

Message reply_skeleton(const Message& query) {
    Message reply;
    reply.header.id = query.header.id;
    reply.header.qr = true;
    reply.header.opcode = query.header.opcode;
    reply.header.rd = query.header.rd;
    // RD=1 comes from a DNS proxy forwarding (the probe itself asks with RD=0): answered as the
    // recursive server a proxy forwards to in the field answers it, RA=1. A forwarder that sets RA
    // on what it hands back (dnsmasq does) then changes nothing, as with a real upstream, and a
    // TSIG-signed answer passes it unchanged; an authority's RA=0 would read as the proxy's change.
    reply.header.ra = query.header.rd;
    reply.header.cd = query.header.cd;
    if (query.questions.size() == 1) reply.questions = query.questions;
    if (query.edns) {
        Edns edns;
        edns.udp_size = 4096;
        edns.dnssec_ok = query.edns->dnssec_ok;  // RFC 3225 3: DO is copied into the response
        reply.edns = edns;
    }
    return reply;
}

// What the responder saw, as TXT strings the probe parses back (key=value).
Bytes echo_rdata(const Message& query, std::size_t query_size, const QueryContext& context, const AnswerConfig& config) {
    std::vector<std::string> fields{
        "src=" + context.source_address,
        "sport=" + std::to_string(context.source_port),
        std::string("transport=") + (context.tls ? "tls" : context.tcp ? "tcp" : "udp"),
        "qlen=" + std::to_string(query_size),
        "id=" + std::to_string(query.header.id),
        std::string("edns=") + (query.edns ? "1" : "0"),
        std::string("ad=") + (query.header.ad ? "1" : "0"),
        std::string("cd=") + (query.header.cd ? "1" : "0"),
    };
    if (!config.server_id.empty()) fields.push_back("server=" + config.server_id);
    if (config.alt_port != 0) fields.push_back("altport=" + std::to_string(config.alt_port));
    if (config.tls_port != 0) fields.push_back("dot=" + std::to_string(config.tls_port));
    if (context.open_check_result) fields.push_back("wanq=" + *context.open_check_result);
    if (context.tsig_verified) fields.push_back("tsig=ok");
    if (context.answer_trace_result) {
        if (context.answer_trace_result->empty()) fields.push_back("atr=none");
        for (const auto& hop : *context.answer_trace_result) fields.push_back("atr=" + hop);
    }
    // The name as it arrived, only when it has capitals (the case-0x20 probe): then the probe can
    // tell a box that changed the query's case from one that changed the answer's.
    if (query.questions.size() == 1) {
        const std::string name = query.questions.front().name.to_string();
        if (std::any_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) fields.push_back("qname=" + name);
    }
    if (query.edns) {
        fields.push_back("bufsize=" + std::to_string(query.edns->udp_size));
        fields.push_back("version=" + std::to_string(query.edns->version));
        fields.push_back(std::string("do=") + (query.edns->dnssec_ok ? "1" : "0"));
        fields.push_back("z=" + std::to_string(query.edns->z));
        // Options are echoed byte for byte, except long ones (padding a query to 1600 octets),
        // whose length is enough and whose hex would not fit a small answer.
        for (const auto& option : query.edns->options)
            fields.push_back("opt=" + std::to_string(option.code) + ":" +
                             (option.data.size() <= 64 ? hex(option.data) : "len" + std::to_string(option.data.size())));
    }
    return make_txt_rdata(fields);
}

Bytes encode_or_header(const Message& reply) {
    auto encoded = encode(reply);
    if (encoded) return std::move(encoded).value();
    // Only a name or record over the limits gets here; a bare header still tells the client.
    Message bare;
    bare.header = reply.header;
    bare.header.rcode = rcode::servfail;
    return encode(bare).value_or(Bytes{});
}

Bytes error_reply(const Message& query, std::uint16_t code) {
    Message reply = reply_skeleton(query);
    reply.set_rcode(code);
    return encode_or_header(reply);
}

// The zone's SOA: TTL and MINIMUM 0 (no one caches the probe's negative answers) unless a probe
// asks for a negative TTL (nx with c<s>): then both are that TTL and the serial is the time it was
// served, so a copy handed back from a cache is known by its serial.
struct NegativeTtl {
    std::uint32_t ttl = 0;
    std::uint32_t served = 0;
};
ResourceRecord soa_record(const AnswerConfig& config, std::optional<NegativeTtl> negative = std::nullopt) {
    ByteWriter rdata;
    encode_name(rdata, config.zone.prepend("ns"), nullptr);
    encode_name(rdata, config.zone.prepend("hostmaster"), nullptr);
    const std::uint32_t ttl = negative ? negative->ttl : 0;
    for (std::uint32_t value : {negative ? negative->served : 1u, 3600u, 600u, 86400u, ttl}) rdata.u32(value);
    return ResourceRecord{config.zone, rr_type::soa, class_in, ttl, rdata.take()};
}

void add_signed(std::vector<ResourceRecord>& section, std::vector<ResourceRecord> rrset, const AnswerConfig& config,
                bool sign, std::uint32_t now) {
    section.insert(section.end(), rrset.begin(), rrset.end());
    if (!sign) return;
    if (auto rrsig = config.signer->sign(rrset, now)) section.push_back(std::move(rrsig).value());
}

// NODATA and NXDOMAIN carry the SOA in the authority section (RFC 2308).
Message with_soa_authority(Message reply, const AnswerConfig& config, bool sign, std::uint32_t now) {
    add_signed(reply.authorities, {soa_record(config)}, config, sign, now);
    return reply;
}

// "No DS here", proven: an NSEC at the name itself whose next name is its immediate successor
// (\000.name, RFC 4470's minimally covering form) and whose bitmap lacks DS. Validators that look
// for zone cuts below the apex (Knot Resolver asks DS at every label when forwarding) need it.
ResourceRecord ds_denial(const Name& name, bool probe_name) {
    ByteWriter rdata;
    encode_name(rdata, name.prepend(std::string(1, '\0')), nullptr);
    std::uint8_t bitmap[6] = {};
    std::vector<std::uint16_t> types{rr_type::rrsig, rr_type::nsec};
    if (probe_name) types.push_back(rr_type::txt);
    for (auto type : types) bitmap[type / 8] |= static_cast<std::uint8_t>(0x80 >> (type % 8));
    rdata.u8(0);  // window 0
    rdata.u8(sizeof bitmap);
    for (auto octet : bitmap) rdata.u8(octet);
    return ResourceRecord{name, rr_type::nsec, class_in, 0, rdata.take()};
}

// An NSEC from `owner` to `next` with only RRSIG and NSEC in its bitmap: no name lies between.
ResourceRecord nsec_between(const Name& owner, const Name& next) {
    ByteWriter rdata;
    encode_name(rdata, next, nullptr);
    rdata.u8(0);  // window 0
    rdata.u8(6);
    std::uint8_t bitmap[6] = {};
    for (auto type : {rr_type::rrsig, rr_type::nsec}) bitmap[type / 8] |= static_cast<std::uint8_t>(0x80 >> (type % 8));
    for (auto octet : bitmap) rdata.u8(octet);
    return ResourceRecord{owner, rr_type::nsec, class_in, 0, rdata.take()};
}

// "This name does not exist", proven with minimally covering NSECs (RFC 4470's white lies), so a
// validating proxy (Unbound, BIND, Knot Resolver, PowerDNS Recursor with the zone's anchor) hands
// the NXDOMAIN on instead of SERVFAIL: one NSEC between siblings just before and just after the
// name (its first label with the last octet lowered, and with \000 appended), one covering the
// wildcard below its parent (between "!" and "+", around "*"). Sibling bounds, not \000.name: a
// next name below the name would say the name exists (an empty non-terminal).
std::vector<ResourceRecord> nxdomain_denial(const Name& name) {
    std::vector<std::string> labels = name.labels();
    std::string first = labels.front();
    for (char& c : first) c = wire::ascii_lower(c);
    std::vector<std::string> parent(labels.begin() + 1, labels.end());
    auto sibling = [&](std::string label) {
        std::vector<std::string> named{std::move(label)};
        named.insert(named.end(), parent.begin(), parent.end());
        return Name(std::move(named));
    };
    std::string before = first;
    if (!before.empty() && before.back() > 0) --before.back();
    else if (!before.empty()) before.pop_back();  // an id label never ends in \000; keep it below
    if (before.empty()) before = std::string(1, '\0');
    return {nsec_between(sibling(before), sibling(first + std::string(1, '\0'))), nsec_between(sibling("!"), sibling("+"))};
}

// What a server does with an answer over the client's limit: TC=1 and no records.
Bytes fit_to_limit(Message reply, std::size_t limit) {
    Bytes bytes = encode_or_header(reply);
    if (bytes.size() <= limit) return bytes;
    reply.header.tc = true;
    reply.answers.clear();
    reply.authorities.clear();
    reply.additionals.clear();
    return encode_or_header(reply);
}

// The zone apex: SOA, NS and the DNSKEY a validator fetches; anything else is NODATA.
Bytes apex_reply(Message reply, const Question& question, const AnswerConfig& config, bool sign, std::uint32_t now,
                 std::size_t limit) {
    switch (question.type) {
        case rr_type::soa:
            add_signed(reply.answers, {soa_record(config)}, config, sign, now);
            break;
        case rr_type::ns: {
            ByteWriter target;
            encode_name(target, config.zone.prepend("ns"), nullptr);
            add_signed(reply.answers, {ResourceRecord{config.zone, rr_type::ns, class_in, 0, target.take()}}, config,
                       sign, now);
            break;
        }
        case rr_type::dnskey:
            if (config.signer != nullptr) {
                std::vector<ResourceRecord> keys;
                for (const auto& rdata : config.signer->dnskey_rrset_rdata())
                    keys.push_back(ResourceRecord{config.zone, rr_type::dnskey, class_in, 0, rdata});
                add_signed(reply.answers, std::move(keys), config, sign, now);
                break;
            }
            [[fallthrough]];
        default:
            reply = with_soa_authority(std::move(reply), config, sign, now);
    }
    return fit_to_limit(std::move(reply), limit);
}

// What the probe name asks of the answer's sending: DF, fragments, a delay (UDP only), and whether
// the key vouches for it.
void take_wishes(const ProbeName& probe, const QueryContext& context, const AnswerConfig& config, Answer& sending) {
    sending.dont_fragment = probe.dont_fragment && !context.tcp;
    sending.minimum_mtu = probe.minimum_mtu && !context.tcp;
    if (!context.tcp) sending.fragment_size = probe.fragment_size;
    if (!config.key.empty() && token_valid(probe, config.zone, config.key)) sending.authenticated = true;
    // Held answers cost the responder memory until they leave: only for the key's own probes.
    if (probe.delay_ms && !context.tcp && sending.authenticated)
        sending.delay_ms = std::min(*probe.delay_ms, kMaxAnswerDelayMs);
    // Only the key may make the responder send a question elsewhere; asked once per query.
    if (probe.open_check && !context.tcp && sending.authenticated && !context.open_check_result)
        if (auto address = open_check_address(*probe.open_check, context.source_address); !address.empty())
            sending.open_check = std::move(address);
    // The same for the copies an answer trace sends: the key holder alone can ask for them.
    if (probe.answer_trace && !context.tcp && sending.authenticated && !context.answer_trace_result)
        sending.answer_trace = std::min(*probe.answer_trace, kMaxAnswerTraceHops);
}

// REFUSED to a sized question the key does not vouch for, with EDE 18 (prohibited) when it still
// fits in the query's size.
Bytes refused_reply(const Message& query, std::size_t query_size) {
    Message refused = reply_skeleton(query);
    refused.set_rcode(rcode::refused);
    if (refused.edns) {
        refused.edns->options.push_back(make_extended_error({18, ""}));
        auto with_ede = encode(refused);
        if (with_ede && with_ede->size() <= query_size) return std::move(with_ede).value();
        refused.edns->options.clear();
    }
    return encode_or_header(refused);
}

// An A record whose address says when it was served (198.18.x.y, x.y counting 10 ms steps): the
// proxy-cache probe tells a copy from a proxy's cache from a new answer by it.
Bytes served_address() {
    const auto steps = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count() / 10;
    return Bytes{198, 18, static_cast<std::uint8_t>((steps >> 8) & 0xff), static_cast<std::uint8_t>(steps & 0xff)};
}

// The record of a type a probe asks for on purpose: TYPE65280 and RESINFO with RDATA the probe
// checks octet for octet, and an A record that says when it was served, with the TTL asked for
// (c<s>: the proxy-cache probe; dnsmasq caches A, not TXT).
std::optional<ResourceRecord> own_record(const Question& question, const ProbeName& probe) {
    switch (question.type) {
        case rr_type::private_use: return ResourceRecord{question.name, question.type, class_in, 0, unknown_type_rdata(probe.id)};
        case rr_type::resinfo: return ResourceRecord{question.name, question.type, class_in, 0, resinfo_rdata(probe.id)};
        case rr_type::a:
            if (!probe.cache_ttl) return std::nullopt;
            return ResourceRecord{question.name, rr_type::a, class_in, *probe.cache_ttl, served_address()};
        default: return std::nullopt;
    }
}

// The error a query gets before its question is looked at: an opcode other than QUERY, a
// QDCOUNT other than 1 (RFC 9619), two OPTs, an EDNS version over 0 (BADVERS, RFC 6891 6.1.3).
std::optional<Bytes> protocol_error(const Message& query) {
    if (query.header.opcode != 0) return error_reply(query, rcode::notimp);
    if (query.questions.size() != 1) return error_reply(query, rcode::formerr);
    if (query.anomalies.opt_count > 1) return error_reply(query, rcode::formerr);
    if (query.edns && query.edns->version > 0) {
        Message reply = reply_skeleton(query);  // with our version (0)
        reply.set_rcode(rcode::badvers);
        return encode_or_header(reply);
    }
    return std::nullopt;
}

// The answer's bytes; sets the answer's DF and fragment-size wishes from the probe name.
std::optional<Bytes> answer_bytes(ByteView query_bytes, const QueryContext& context, const AnswerConfig& config,
                                  Answer& sending) {
    auto decoded = decode(query_bytes);
    if (!decoded) {
        if (query_bytes.size() < 12) return std::nullopt;
        // Undecodable past the header: FORMERR with the id, so the client is not left guessing.
        Message reply;
        reply.header.id = load_u16(query_bytes.data());
        reply.header.qr = true;
        reply.header.rcode = rcode::formerr;
        return encode_or_header(reply);
    }
    const Message& query = *decoded;
    if (query.header.qr) return std::nullopt;  // never answer answers: that is how loops start
    const std::uint32_t now = config.now != 0 ? config.now : static_cast<std::uint32_t>(std::time(nullptr));
    if (const auto* cookie = query.edns ? query.edns->find(kCookieOption) : nullptr)
        sending.authenticated = keyed_cookie_valid(cookie->data, now, config.zone, config.key);
    if (auto error = protocol_error(query)) return error;
    const Question& question = query.questions.front();
    if (!question.name.is_subdomain_of(config.zone)) return error_reply(query, rcode::refused);

    Message reply = reply_skeleton(query);
    reply.header.aa = true;
    // Sign when asked with DO=1, as a signed zone's server does.
    const bool sign = config.signer != nullptr && query.edns && query.edns->dnssec_ok;
    const std::size_t limit = context.tcp ? 65535
                              : query.edns ? std::max<std::size_t>(kPlainDnsLimit, query.edns->udp_size)
                                           : kPlainDnsLimit;
    if (question.name.equals(config.zone)) return apex_reply(reply, question, config, sign, now, limit);

    auto probe = parse_probe_name(question.name, config.zone);
    if (question.type == rr_type::ds && sign) {
        reply = with_soa_authority(std::move(reply), config, sign, now);
        add_signed(reply.authorities, {ds_denial(question.name, static_cast<bool>(probe))}, config, sign, now);
        return fit_to_limit(std::move(reply), limit);
    }
    // An unknown name, or a probe asking for one (nx): NXDOMAIN with the SOA (RFC 2308) and, in
    // the signed zone, the NSECs that prove it.
    if (!probe || probe->nxdomain) {
        reply.set_rcode(rcode::nxdomain);
        // The negative TTL a probe asks for (proxy-cache, RFC 2308 5): the SOA's and the NSECs'.
        std::optional<NegativeTtl> negative;
        if (probe && probe->cache_ttl) negative = NegativeTtl{*probe->cache_ttl, now};
        add_signed(reply.authorities, {soa_record(config, negative)}, config, sign, now);
        if (sign)
            for (auto& nsec : nxdomain_denial(question.name)) {
                nsec.ttl = negative ? negative->ttl : 0;
                add_signed(reply.authorities, {std::move(nsec)}, config, sign, now);
            }
        return fit_to_limit(std::move(reply), limit);
    }
    const auto own = own_record(question, *probe);
    if (question.type != rr_type::txt && !own) return fit_to_limit(with_soa_authority(reply, config, sign, now), limit);
    take_wishes(*probe, context, config, sending);
    if (own) {
        // Larger than the query: the token vouches for it, as for any answer. Signed when asked
        // (DO=1), as the rest of the zone: a validating proxy would call it bogus otherwise.
        add_signed(reply.answers, {*own}, config, sign, now);
        return fit_to_limit(std::move(reply), limit);
    }
    if (probe->answer_bits) {
        // Asked for on purpose (h<n>): the probe checks that each bit comes back as set here. CD
        // stays as the query had it otherwise (RFC 6840 5.9).
        reply.header.ad = *probe->answer_bits & 1;
        reply.header.cd = reply.header.cd || (*probe->answer_bits & 2);
        reply.header.z = *probe->answer_bits & 4;
    }
    // Once an answer trace is done, the answer that reports it is small: it has to get back.
    const std::size_t requested = context.answer_trace_result ? 0 : probe->size.value_or(0);
    // Anti-amplification: an answer larger than the query needs the token only the profile's key gives.
    if (requested > query_bytes.size() && !sending.authenticated) return refused_reply(query, query_bytes.size());
    if (probe->echo)
        reply.answers.push_back(ResourceRecord{question.name, rr_type::txt, class_in, 0,
                                               echo_rdata(query, query_bytes.size(), context, config)});
    if (requested > limit) {
        // As a real server does: no records, TC=1, so the client retries over TCP.
        reply.header.tc = true;
        reply.answers.clear();
        return encode_or_header(reply);
    }
    // The RRSIG has a fixed size, so a placeholder lets the padding be solved before signing.
    if (sign)
        reply.answers.push_back(ResourceRecord{question.name, rr_type::rrsig, class_in, 0,
                                               Bytes(config.signer->rrsig_rdata_size(), 0)});
    if (requested > 0) {
        if (auto padded = pad_to_size(reply, requested, question.name)) reply = std::move(padded).value();
        // Smaller than the unpadded answer: sent as it is, and the probe sees the size it got.
    }
    if (reply.answers.empty() || (sign && reply.answers.size() == 1)) {
        // Neither echo nor size: a one-string TXT, so the name exists and can be signed.
        reply.answers.insert(reply.answers.begin(),
                             ResourceRecord{question.name, rr_type::txt, class_in, 0, make_txt_rdata({"dnspath"})});
    }
    if (sign) {
        std::vector<ResourceRecord> rrset;
        for (const auto& record : reply.answers)
            if (record.type == rr_type::txt) rrset.push_back(record);
        auto placeholder = std::find_if(reply.answers.begin(), reply.answers.end(),
                                        [](const ResourceRecord& record) { return record.type == rr_type::rrsig; });
        if (auto rrsig = config.signer->sign(rrset, now); rrsig && placeholder != reply.answers.end())
            *placeholder = std::move(rrsig).value();
    }
    return encode_or_header(reply);
}

}  // namespace

namespace {

// What a TSIG-signed query (the tsig probe's) carried, verified with the run key's TSIG key;
// nullopt without a TSIG or a key.
std::optional<TsigCheck> query_tsig(ByteView query_bytes, const AnswerConfig& config, std::uint64_t now) {
    // No additional record, no TSIG: most queries skip the walk to the last record.
    if (!config.tsig || query_bytes.size() < 12 || load_u16(query_bytes.data() + 10) == 0) return std::nullopt;
    auto check = tsig_verify(query_bytes, *config.tsig, now);
    if (check.status == TsigStatus::absent) return std::nullopt;
    // Octets that do not decode at all are answered as any garbage is (FORMERR with the id).
    if (check.status == TsigStatus::malformed && !decode(query_bytes)) return std::nullopt;
    return check;
}

// A query whose TSIG failed: NOTAUTH with the TSIG error and no MAC (RFC 8945 5.2); one whose
// TSIG is not the last record: FORMERR.
std::optional<Bytes> tsig_error_reply(ByteView query_bytes, const TsigCheck& check, const AnswerConfig& config,
                                      std::uint64_t now) {
    auto query = decode(query_bytes);
    if (!query || query->header.qr) return std::nullopt;
    Message reply = reply_skeleton(*query);
    if (check.status == TsigStatus::malformed) {
        reply.set_rcode(rcode::formerr);
        return encode_or_header(reply);
    }
    reply.set_rcode(rcode::notauth);
    const std::uint16_t error = check.status == TsigStatus::bad_key    ? tsig_error::badkey
                                : check.status == TsigStatus::bad_time ? tsig_error::badtime
                                                                       : tsig_error::badsig;
    auto signed_reply = tsig_append(encode_or_header(reply), *config.tsig, now, {}, error);
    if (!signed_reply) return std::nullopt;
    return std::move(signed_reply).value();
}

}  // namespace

std::optional<Answer> answer_query(ByteView query_bytes, const QueryContext& context, const AnswerConfig& config) {
    Answer answer;
    if (auto raw = read_raw_probe(query_bytes)) {
        if (raw->ack) return std::nullopt;  // another responder's reply: silence, or two would play ping-pong
        answer.bytes = raw_probe_reply(query_bytes).value_or(Bytes{});
        return answer;
    }
    const std::uint64_t now = config.now != 0 ? config.now : static_cast<std::uint64_t>(std::time(nullptr));
    const auto tsig = query_tsig(query_bytes, config, now);
    if (tsig && tsig->status != TsigStatus::ok) {
        auto reply = tsig_error_reply(query_bytes, *tsig, config, now);
        if (!reply) return std::nullopt;
        answer.bytes = std::move(*reply);
        return answer;
    }
    QueryContext seen = context;
    if (tsig) seen.tsig_verified = true;
    auto bytes = answer_bytes(query_bytes, seen, config, answer);
    if (!bytes) return std::nullopt;
    // No amplification for anyone the key does not vouch for: over UDP, an answer larger than its
    // query (a signed DNSKEY, a signed NXDOMAIN, an echo) becomes TC=1 with no records, so the
    // client asks again over TCP, which a spoofed source cannot (RFC 7873 5.2.3, RRL's "slip").
    if (!context.tcp && bytes->size() > query_bytes.size() && !answer.authenticated) {
        auto query = decode(query_bytes);
        if (!query) return std::nullopt;
        Message truncated = reply_skeleton(*query);
        truncated.header.tc = true;
        truncated.header.aa = true;
        truncated.header.rcode = (*bytes)[3] & 0x0f;  // NXDOMAIN stays NXDOMAIN
        auto encoded = encode(truncated);
        if (!encoded || encoded->size() > query_bytes.size()) {
            truncated.edns.reset();  // the query's OPT may have been smaller than ours
            encoded = encode(truncated);
        }
        if (!encoded || encoded->size() > query_bytes.size()) return std::nullopt;
        *bytes = std::move(encoded).value();
        answer.dont_fragment = answer.minimum_mtu = false;
        answer.fragment_size.reset();
    }
    if (tsig) {
        // Signed over the query's MAC, as RFC 8945 5.3 answers a signed query.
        auto signed_answer = tsig_append(*bytes, *config.tsig, now, tsig->mac);
        if (signed_answer) bytes = std::move(signed_answer).value();
    }
    answer.bytes = std::move(*bytes);
    return answer;
}

}  // namespace dnspath::responder
