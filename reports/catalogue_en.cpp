// The English column of the message catalogue (see messages.h): every sentence a person reads.
#include "reports/messages.h"

namespace dnspath::reports {
namespace {

// Each checkpoint's title; its id and seed items come from the registry in probe/model, and a
// unit test requires a title for every registered checkpoint.
const Table kTitles = {
    {"reachability", "The target answers a small query"},
    {"udp-large", "Large UDP answers pass"},
    {"udp-fragments", "Fragmented UDP passes"},
    {"tcp-fallback", "TC=1 answers are retried over TCP"},
    {"tcp-direct", "TCP/53 is not filtered"},
    {"pmtu", "Path MTU discovery works"},
    {"nat", "Global reachability, not NAT"},
    {"port-randomness", "Source ports stay random"},
    {"dnssec-passthrough", "DNSSEC records pass"},
    {"edns-options", "EDNS options pass unchanged"},
    {"edns-version", "EDNS version 1 gets BADVERS"},
    {"qdcount", "QDCOUNT other than 1 gets FORMERR"},
    {"unknown-opcode", "an unknown opcode gets NOTIMP"},
    {"header-bits", "AD, CD and Z pass both ways as set"},
    {"case-0x20", "The query name's letter case comes back as sent"},
    {"unknown-type", "A type no one defined (TYPE65280) passes unchanged"},
    {"nxdomain-rewrite", "A name that does not exist comes back NXDOMAIN"},
    {"resinfo", "RESINFO (RFC 9606) passes unchanged"},
    {"non-dns-53", "Port 53 passes any UDP, and DNS passes on other ports"},
    {"proxy-cache", "A DNS proxy's cache keeps TTLs, lets changed records through and keeps signatures"},
    {"proxy-wan-open", "A DNS proxy does not answer the Internet side (no open resolver)"},
    {"edns-flags", "An unknown EDNS flag passes, EDNS version 1 gets BADVERS"},
    {"udp-no-edns", "Plain DNS answers up to 512 octets"},
    {"edns-truncation", "Oversized answers come back TC=1"},
    {"path-trace", "Where a probe goes (TTL-limited copies)"},
    {"dns-proxy", "A DNS proxy passes DNSSEC answers"},
    {"udp-sessions", "Many new UDP flows at once pass"},
    {"udp-mapping-timeout", "A UDP mapping waits long enough for a late answer"},
    {"device-load", "Throughput and latency through the device"},
    {"dns-interception", "Queries reach the target, not an interceptor"},
    // dnspath diagnose
    {"server-reach", "The zone's server answers as its authority"},
    {"server-edns", "The server speaks EDNS0 over UDP"},
    {"server-tcp", "The server answers over TCP/53"},
    {"server-large-udp", "The zone's large answers cross over UDP"},
    {"zone-signed", "The zone is served signed (DNSKEY, RRSIGs for DO=1)"},
    {"signature-validity", "Signatures are within their validity period"},
    {"signing-keys", "Signing keys are at the apex, with a KSK"},
    {"signature-crypto", "Every RRSIG verifies"},
    {"ds-delegation", "The parent's DS matches the child's KSK"},
    {"ds-ttl", "DS TTL equals the delegation's NS TTL"},
    {"referral-ds", "Referrals carry the DS and its RRSIG"},
    {"ds-not-at-apex", "No DS at the child's own apex"},
    {"denial", "Nonexistent names are denied, signed"},
    {"resolver-reach", "The resolver answers"},
    {"resolver-ad", "The resolver validates (AD=1)"},
    {"resolver-validation", "The resolver validates the zone"},
    {"resolver-do", "The resolver sets DO upstream"},
};

// Keys: "CHECKPOINT:CODE:QUALIFIER", "CHECKPOINT:CODE", "CODE:QUALIFIER", "CODE"; findings
// "finding:RULE". The qualifier is the value of the first of why/what/direction/action/field/
// pattern the parameters have.
const Table kEnglish = {
    {"ok", "passed"},
    {"not-measured", "not measured"},
    {"not-measured:unreachable", "not measured: the target is unreachable"},
    {"not-measured:no-target", "not measured: no target of this family was given"},
    {"not-measured:target-mode", "not measured in target mode: the '{kind}' kind needs a dnspath responder"},
    {"not-measured:not-implemented", "not measured: the '{kind}' probe kind is not implemented yet"},
    {"not-measured:proxy-upstream-unseen", "not measured: the device's DNS proxy ({proxy}) forwards to its own upstream, not to dnspath's responder, so what it sends upstream cannot be seen; bench with --wan as well (the bench is then its upstream)"},
    {"not-measured:proxy-is-target", "not measured: the DNS server given as the proxy ({proxy}) is the server itself, so there is no proxy in between to test (a device that hands its LAN its upstream's address)"},
    {"not-measured:no-proxy", "no proxy of this family to test: give --proxy ADDRESS or target.proxies (a CPE's LAN address)"},
    {"not-measured:no-baseline",
     "no baseline to compare with: give --baseline ADDRESS or target.baseline (the server reached without the device)"},
    {"not-measured:no-echo", "no echo came back, so what the server sees is unknown"},
    {"not-measured:no-record", "the proxy's answers lacked the record asked for, so what its cache does is unknown"},
    {"not-measured:no-wan-address", "the proxy's WAN address is not known (no proxy_wan given, and no echo said where the proxy's questions came from), so it was not asked from outside"},
    {"not-measured:no-key", "without the responder's key the responder does not ask anyone on the probe's behalf (give --key-file)"},
    {"not-measured:too-few-answers", "too few answers to judge ({answers})"},
    {"not-measured:not-exercised", "nothing on this path needed fragments (the local link's MTU {mtu} carries 4000-octet answers whole)"},
    {"not-measured:no-trace", "not traced: {error}"},
    {"not-measured:server-not-reached", "the server was not reached within {max_ttl|hop|hops}[: {route}]"},
    {"not-measured:no-large-name", "no listed name's answer exceeds 1232 octets, so nothing came back TC=1 (list a larger name)"},
    {"not-measured:no-signed-name", "no listed name has dnssec = true"},
    {"not-measured:needs-echo", "target mode: needs a dnspath responder's echo"},
    {"not-measured:no-answer", "the target answered none of these probes"},
    {"no-answer", "no answer[ for {name}][ ({outcome})]"},
    {"no-answer:reachability", "the target {target} does not answer a small query ({outcome}): nothing else on this path can be judged"},
    {"no-answer:dnskey", "the DNSKEY query (DO=1) got no answer over {transport} ({outcome}): a resolver cannot get the keys"},
    {"no-answer:no-edns", "queries without EDNS got no answer"},
    {"no-answer:tc-answer", "the TC=1 answer to an oversized query never arrived ({outcome}): a resolver would never fall back to TCP"},
    {"no-answer:df", "no DF packet got through, not even 1280 octets"},
    {"no-answer:options", "a query carrying EDNS options got no answer ({outcome})"},
    {"no-answer:edns-version", "a query with EDNS version 1 was dropped ({outcome})"},
    {"unknown-opcode:no-answer", "a query with opcode 15 (none defined) was dropped ({outcome}): RFC 8906 wants NOTIMP, and a "
                                 "box that drops unknown opcodes keeps every future one off the path"},
    {"header-bits:no-answer", "a query with AD=1 and CD=1 got no answer ({outcome}): a box drops queries with header bits it does not expect"},
    {"case-0x20:no-answer", "a query whose name was in mixed case got no answer ({outcome})"},
    {"unknown-type:no-answer", "a question for TYPE65280 (a type no one defined) got no answer ({outcome}): a box drops types it does not know, and every new record type with them (RFC 3597)"},
    {"nxdomain-rewrite:no-answer", "a question for a name that does not exist got no answer ({outcome})"},
    {"resinfo:no-answer", "a RESINFO question (RFC 9606) got no answer ({outcome}): a box drops a type it does not know yet"},
    {"proxy-cache:no-answer", "the proxy did not answer the cache probe's questions ({outcome})"},
    {"edns-flags:no-answer:edns-flags", "a query with an unknown EDNS flag (0x4000) got no answer ({outcome}): a box drops what it does not know, and every future EDNS flag with it (RFC 6891 6.1.4)"},
    {"edns-flags:no-answer:edns-version", "a query with EDNS version 1 and an unknown option got no answer ({outcome}): RFC 6891 wants BADVERS"},
    {"no-answer:proxy", "the proxy {proxy} does not answer a small query ({outcome})"},
    {"no-answer:small", "the {records} records are missing from the answer"},
    {"qdcount:no-answer", "QDCOUNT 0 answered {qdcount0}, QDCOUNT 2 answered {qdcount2}: RFC 9619 wants FORMERR"},
    {"size-cap", "UDP answers of {size} octets (DNS message) and more vanish without a trace (advertised {advertised}[, "
                 "largest delivered {largest} octets ±8][, a gap of {gap} octets])[: {names}]"},
    {"pmtu:size-cap", "answer packets of {size} octets (IP packet) and more vanish with or without DF: a size filter "
                      "(see udp-large, which counts the DNS message alone), not an MTU; largest DF packet toward the "
                      "server {forward} octets[, back {back} octets]"},
    {"udp-fragments:size-cap", "large answers in fragments are lost ({answers_lost} octets) while queries in small fragments "
                               "pass: fragments as such are not filtered; the answers are lost to a limit on their UDP "
                               "length (see udp-large) or to a smaller MTU further on (see pmtu)"},
    {"dnssec-passthrough:size-cap", "a signed {size}-octet answer never arrived over UDP"},
    {"dns-proxy:size-cap", "a signed answer of {size} octets never arrives through the proxy"},
    {"edns-buffer-cap", "answers of {size} octets and more come back TC=1 although {advertised} was advertised: something on "
                        "the path caps the EDNS buffer size; resolvers fall back to TCP[ (largest delivered {largest} octets)][: {names}]"},
    {"dnssec-passthrough:edns-buffer-cap", "signed answers of {sizes} octets come back TC=1 over UDP although {advertised} was "
                                           "advertised, and arrive signed only over TCP: validation works, one round trip slower"},
    {"dns-proxy:edns-buffer-cap", "a 1232-octet answer needs TCP: the proxy hands its clients less than 1232 octets over UDP"},
    {"truncated-without-tc", "answers of {size} octets arrive cut short without TC=1[ ({answer} octets)][ over {transport}]"
                             "[: {names}]: a resolver takes them as complete"},
    {"udp-no-edns:truncated-without-tc", "plain DNS is not what RFC 1035 expects: a 600-octet answer without EDNS did not "
                                         "come back TC=1 (512 octets delivered: {delivered})"},
    {"fragment-filter", "IP fragments are dropped ({direction}, {family}): a DNS message in fragments never arrives whole"
                        "[; answers lost: {answers_lost} octets][; queries in fragments of {queries_lost} octets lost]"},
    {"fragment-filter:answers", "fragmented answers are dropped ({family}): every answer larger than one packet is lost on the "
                                "way back, while fragmented queries pass[; answers lost: {answers_lost} octets]"},
    {"fragment-filter:queries", "fragmented queries are dropped ({family}): a query larger than one packet never reaches the "
                                "server[; queries in fragments of {queries_lost} octets lost]"},
    {"mtu", "a smaller MTU on the path[ ({mtu})], and the ICMP that says so arrives[ (from {sender})]"},
    {"pmtu:mtu:queries", "path MTU {forward}: an ICMP too big from {icmp_from} said MTU {icmp_mtu}, so PMTUD works"},
    {"pmtu:mtu:answers", "answers sent with DF above {back} octets vanish on the way back (DF-setting servers and TCP depend "
                         "on PMTUD here; its ICMP goes to the server)"},
    {"pmtud-blackhole", "a PMTUD black hole: packets over the path MTU vanish and the ICMP too big never reaches the sender"
                        "[ ({icmp_dropped_by} drops it)][; it hits {transports}]"},
    {"pmtu:pmtud-blackhole:queries", "PMTUD black hole toward the server: DF packets above {forward} octets vanish and no ICMP "
                                     "too big comes back[ ({icmp_dropped_by} drops it)]; it hits {transports}"},
    {"pmtu:pmtud-blackhole:answers", "PMTUD black hole back toward the probe: answer packets above {back} octets vanish even "
                                     "after a retry, so the server never hears the Packet Too Big; the same answer in "
                                     "1280-octet fragments arrives[ ({icmp_dropped_by} drops the ICMP)]; it hits {transports}"},
    {"tcp-filter", "TCP/53 is filtered[ ({action}, stage: {stage})]"},
    {"tcp-filter:reset", "TCP/53 refused: a reset answered the connection (stage: {stage})"},
    {"tcp-filter:drop", "TCP/53 silently dropped (stage: {stage})"},
    {"dnssec-passthrough:tcp-filter", "a signed {size}-octet answer came back TC=1 and the TCP retry failed"},
    {"dns-proxy:tcp-filter", "a signed {size}-octet answer came back TC=1 from the proxy and the TCP retry failed"},
    {"interception", "a box on the path intercepts DNS[ ({device})]: queries to the target are answered or re-originated by "
                     "it[ (evidence: {evidence})][; that explains what looked like {instead_of}]"},
    {"proxy-refused", "the proxy {proxy} answered the question itself with {rcode}[ (a referral)]: asked as a stub asks (RD=1), it "
                      "does not forward this zone's names to the responder, so nothing it passes on could be tested"},
    {"proxy-rewrite", "a proxy changed the query on the way ({field})"},
    {"proxy-rewrite:bufsize", "the EDNS buffer size was rewritten on the way[ from {from}][ to {to}][: a {answer}-octet answer "
                              "came back without TC=1]"},
    {"proxy-rewrite:z", "the EDNS Z bits were changed to {to} on the way"},
    {"proxy-rewrite:options", "EDNS options were changed on the way: {options}"},
    {"tcp-fallback:proxy-rewrite", "a resolver would never fall back to TCP: the oversized query got a {answer}-octet UDP answer "
                                   "without TC=1 (the buffer size was rewritten)"},
    {"dns-proxy:proxy-rewrite", "the proxy advertises only {to} octets upstream (below 1232)"},
    {"header-bits:header-bit-changed:proxy-ad", "the proxy {proxy} answers without the AD bit its upstream set: that hides the upstream's DNSSEC validation from stubs (allowed for a proxy that does not validate, RFC 4035, but not transparent, RFC 5625; SAC035 found DNSSEC flags broken in 6 of 22 home routers)"},
    {"header-bits:header-bit-changed:proxy-cd", "the proxy {proxy} answers without the CD bit the stub set: a validating stub then takes bogus data for checked (RFC 6840 5.9)"},
    {"option-stripped", "EDNS options stripped[ from the {direction}]: {options}"},
    {"do-cleared", "DO=1 was cleared[ on the way ({direction})]: answers come back unsigned"},
    {"header-bit-changed", "header bits {bits} did not arrive as set[ ({direction})]"},
    {"header-bits:header-bit-changed:query", "{bits} set in the query did not reach the responder as set: a box on the way cleared them (RFC 6840 5.7-5.9: AD and CD pass as set)"},
    {"header-bits:header-bit-changed:answer", "{bits} set by the responder did not come back: a box cleared them in the answer (RFC 5625 4.1: flags pass unchanged)"},
    {"name-case-changed", "the query name came back as {got}, not as sent ({sent})[ ({direction})]"},
    {"case-0x20:name-case-changed:query", "the query name reached the server in another case ({got}, sent {sent}): a box rewrote it, and resolvers that use the 0x20 bit as entropy (RFC 5452) throw its answers away"},
    {"case-0x20:name-case-changed:answer", "the answer came back with the question as {got}, not as sent ({sent}): resolvers that check the case (0x20) throw it away"},
    {"case-0x20:name-case-changed:proxy", "the proxy {proxy} answered with the question as {got}, not as asked ({sent}): stubs that check the case (0x20) throw its answers away"},
    {"unknown-type-changed", "the {type} record[ ({what})] did not arrive as the responder sent it"},
    {"unknown-type:unknown-type-changed:missing", "the answer to a TYPE65280 question came back without its TYPE65280 record: a box strips types it does not know (RFC 3597)"},
    {"unknown-type:unknown-type-changed:rdata", "the TYPE65280 record came back with other RDATA than the responder sent: a box rewrote data it cannot know the format of (RFC 3597: opaque, passed octet for octet)"},
    {"nxdomain-rewritten", "a name that does not exist came back {rcode}[ with the address {address}], not NXDOMAIN"},
    {"nxdomain-rewrite:nxdomain-rewritten:address", "a name that does not exist came back {rcode} with the address {address}, not NXDOMAIN: a box rewrites NXDOMAIN into an address of its own (SAC032), so typos land on its page and clients cannot tell a name that does not exist"},
    {"nxdomain-rewrite:nxdomain-rewritten:nodata", "a name that does not exist came back {rcode} with no records, not NXDOMAIN: a box rewrote the answer's RCODE (RFC 2308: NXDOMAIN says the name does not exist)"},
    {"dns-aware-filter", "UDP was not passed as UDP: a box lets only DNS through on port 53, or DNS only on port 53"},
    {"non-dns-53:dns-aware-filter:non-dns-on-53", "octets that are not DNS, sent to port 53/udp, got no reply ({outcome}) though DNS there is answered: a DNS-aware firewall drops what does not parse as DNS, and will drop the next DNS extension it does not know as well"},
    {"non-dns-53:dns-aware-filter:dns-off-53", "a DNS question to port {port}/udp got no answer ({outcome}) though the responder answers there: a box drops DNS on ports other than 53"},
    {"resinfo:unknown-type-changed:missing", "the answer to a RESINFO question came back without its RESINFO record: a box strips a type it does not know (RFC 3597)"},
    {"resinfo:unknown-type-changed:rdata", "the RESINFO record came back with other RDATA than the responder sent: a box rewrote it (RFC 3597: a type a box does not know passes octet for octet)"},
    {"cache-rule-broken", "the proxy's cache broke a rule ({what})"},
    {"proxy-cache:cache-rule-broken:ttl-raised", "a record the responder gave a {sent_ttl} s TTL came back from the proxy with {got_ttl} s[ after {elapsed_s} s]: its cache raises TTLs, so a changed record reaches its clients late (RFC 2181 8)"},
    {"proxy-cache:cache-rule-broken:ttl-lowered", "a record the responder gave a {sent_ttl} s TTL came back from the proxy with {got_ttl} s[ after {elapsed_s} s]: its cache cuts TTLs by more than the time they were cached (RFC 2181 8)"},
    {"proxy-cache:cache-rule-broken:stale", "a record with a {sent_ttl} s TTL was still served from the proxy's cache[ {elapsed_s} s later], though the responder had changed it: the cache keeps records past their TTL (a minimum cache TTL, as dnsmasq's --min-cache-ttl)"},
    {"proxy-cache:cache-rule-broken:unsigned", "an answer the proxy cached for a question without DO was handed to a question with DO, without its RRSIGs: a validating client behind the proxy cannot validate it"},
    {"proxy-cache:cache-rule-broken:negative-ttl-raised", "an NXDOMAIN whose SOA allowed {sent_ttl} s of negative caching came back from the proxy with {got_ttl} s: its cache keeps a name's absence longer than the zone allows (RFC 2308 5)"},
    {"proxy-cache:cache-rule-broken:negative-stale", "an NXDOMAIN whose SOA allowed {sent_ttl} s of negative caching was still served from the proxy's cache[ {elapsed_s} s later]: a name that comes into being stays unreachable behind it (RFC 2308 5)"},
    {"open-resolver", "asked from outside at its WAN address {wan_address}, the proxy answered {rcode}[ with {answers|record|records}]: it serves the Internet as an open resolver, which reflection attacks use (RFC 5358)"},
    {"rrsig-stripped", "RRSIGs missing from the answer[ ({records})][ of {size} octets][ for {name}]: a validating resolver fails"},
    {"signature-invalid", "an RRSIG does not verify[ ({records})][ for {name}][ on the {size}-octet answer]: the signed data was altered"},
    {"nat", "the server sees {seen}, not the probe's {local}: a NAT sits on the path[ ({devices})]"},
    {"nat:ok", "the server sees the probe's own address {local}"},
    {"port-rewrite", "source ports arrive {pattern}: {queries|query|queries}, {distinct} distinct ports, range {low}-{high} "
                     "(~{bits} bits), {kept} kept as sent"},
    {"port-randomness:ok", "source ports arrive random: {queries|query|queries}, {distinct} distinct ports, range {low}-{high} "
                           "(~{bits} bits), {kept} kept as sent"},
    {"random-loss", "[{lost} of {sizes|size|sizes} lost even after retries while larger ones arrived (up to {largest_overall}): ]"
                    "the path loses packets at random[ ({answered_after_retry|answer|answers} came only after a retry)], "
                    "not a size limit or a filter[; it looked like {instead_of}]"},
    {"udp-sessions:random-loss", "{answered} of {flows} new UDP flows answered, the first {prefix} in a row: losses "
                                 "scattered through the flows, not a state table filling up — the path loses packets at random"},
    {"rate-limit", "new UDP flows are rate-limited: only {answered} of {flows} sent at once were answered, but "
                   "{paced_answered} of {paced_flows} sent one at a time were (a rate limit, not a full state table)"},
    {"state-table-full", "only {answered} of {flows} new UDP flows were answered (the first {prefix} in a row), and new flows "
                         "sent one at a time afterwards are dropped too ({paced_answered} of {paced_flows}): a state table "
                         "full at about {answered|flow|flows}[ (counted: {capacity}, under the {minimum} the plan asks for)]"},
    {"state-table-full:evict-old", "every new UDP flow was answered, but old flows were gone: a state table that evicts old "
                                   "entries to admit new ones, holding {capacity|flow|flows} (of {tested_to} held open), "
                                   "under the {minimum} the plan asks for"},
    {"refused", "the server REFUSED sized answers: the probe's key does not match the responder's (--key-file), or the "
                "target is not a dnspath responder"},
    {"wrong-rcode", "answered {rcode} instead of {expected}"},
    {"qdcount:wrong-rcode", "QDCOUNT 0 answered {qdcount0}, QDCOUNT 2 answered {qdcount2}: RFC 9619 wants FORMERR"},
    {"unknown-opcode:wrong-rcode", "a query with opcode 15 (none defined) was answered {rcode}: RFC 8906 wants NOTIMP"},
    {"unknown-type:wrong-rcode", "a question for TYPE65280 was answered {rcode}, not {expected}: a box refuses types it does not know (RFC 3597 wants them handled as opaque data)"},
    {"nxdomain-rewrite:wrong-rcode", "a question for a name that does not exist was answered {rcode}, not {expected}"},
    {"resinfo:wrong-rcode", "a RESINFO question was answered {rcode}, not {expected}: a box refuses a type it does not know yet (RFC 3597)"},
    {"edns-flags:wrong-rcode", "answered {rcode} where {expected} was due (an unknown EDNS flag is ignored, EDNS version 1 gets BADVERS: RFC 6891)"},
    {"edns-flags:proxy-rewrite:z", "the unknown EDNS flag (0x4000) did not reach the responder as sent ({to}): a box cleared or changed it (RFC 6891 6.1.4: pass it on, ignore it)"},
    {"loss-located", "traced {traced}: the probe is lost on the way[ ({direction})][ after hop {hop}][; route {route}]"},
    {"loss-located:answer", "traced {traced}: the same query with a small answer is answered, so the query reaches the server "
                            "and the[ {size}-octet] answer is lost on the way back[ (the query was seen up to hop {hop})]"
                            "[; route {route}]"},
    {"loss-located:query", "traced {traced}: the query never reaches the server[; it is lost after hop {hop}][; route {route}]"},
    {"query-changed", "traced {traced}: the query changed on the way: {change_list}[; route {route}]"},
    {"overload", "under load through the device {through_text}; without it {baseline_text}; throughput ratio {ratio}"},
    {"overload:drops", "the device drops queries under load: {through_text}; without it {baseline_text}"},
    {"overload:slow", "the device costs over half the throughput: {through_text}; without it {baseline_text} (ratio {ratio})"},
    {"overload:nothing-through", "nothing was answered through the device under load; without it {baseline_text}"},
    {"overload:nothing-answered", "nothing was answered under load, through the device or without it"},
    {"probe-error", "the probe could not run: {error}"},
    {"inconclusive", "undecided between {candidates}: at the loss measured on this path[ ({loss_rate})], random loss "
                     "could have produced what was seen[ (probability {p_value})]; run again with --repeat {repeat} to decide"},
    {"udp-large:ok", "[every size from {from} to {to} octets delivered whole (advertised {advertised})][ (largest delivered {largest} octets)]"},
    {"udp-no-edns:ok", "a 512-octet answer delivered without EDNS, 600 octets came back TC=1"},
    {"edns-truncation:ok", "a 3000-octet answer to a 1232-octet buffer came back TC=1 ({size} octets)"},
    {"tcp-direct:ok", "the answer arrived over TCP/53[ ({size} octets)][ in {rtt_ms} ms][ for {name}]"},
    {"tcp-fallback:ok", "TC=1 over UDP, then the whole answer over TCP[ ({size} octets)][ for {name}]"},
    {"edns-options:ok", "Cookie, Padding, EDE, Report-Channel, an unknown option (65001), DO=1 and the buffer size reached "
                        "the responder unchanged"},
    {"edns-version:ok", "EDNS version 1 answered BADVERS"},
    {"qdcount:ok", "QDCOUNT 0 and 2 both answered FORMERR"},
    {"unknown-opcode:ok", "a query with opcode 15 (none defined) answered NOTIMP"},
    {"header-bits:ok", "AD and CD reached the responder as set, and AD, CD and Z came back as it set them"},
    {"case-0x20:ok", "the mixed-case name came back as sent ({name})"},
    {"unknown-type:ok", "a question for TYPE65280 (a type no one defined) was answered {rcode}"},
    {"nxdomain-rewrite:ok", "a name that does not exist came back NXDOMAIN"},
    {"non-dns-53:ok", "octets that are not DNS came back from port 53[, and DNS asked on port {alt_port} was answered]"},
    {"resinfo:ok", "a RESINFO question (RFC 9606) was answered {rcode}"},
    {"proxy-cache:ok", "the proxy's cache kept the rules (it caches: {cached}): a {sent_ttl} s TTL came back as {got_ttl} s, a changed record came through once its TTL ran out, and signatures stayed"},
    {"proxy-wan-open:ok", "asked from outside at its WAN address {wan_address}, the proxy did not resolve ({wan_outcome})"},
    {"proxy:resinfo:ok", "the proxy passed RESINFO on unchanged ({rcode})[; asked RESINFO for resolver.arpa, of itself, it answered {self_rcode}][: {self_resinfo}]"},
    {"edns-flags:ok", "a query with an unknown EDNS flag was answered (the flag arriving as sent where the echo shows it), and EDNS version 1 with an unknown option got BADVERS with an OPT"},
    {"proxy:header-bits:ok", "the proxy handed back CD as asked and AD as its upstream set it"},
    {"proxy:case-0x20:ok", "the proxy answered with the question in the case asked ({name})"},
    {"udp-fragments:ok", "fragments pass: answers of {answers_passed} octets[, queries in fragments of {queries_passed} "
                         "octets][; {no_raw}]"},
    {"pmtu:ok", "DF packets pass both ways: largest toward the server {forward}, back {back} (tested up to {ceiling})"},
    {"dnssec-passthrough:ok", "[the DNSKEY RRset of {dnskey_size} octets (key tag {key_tag}) and signed answers of {sizes} "
                              "octets arrive with RRSIGs that verify; DO reaches the server][every DO=1 answer carried its "
                              "RRSIGs ({names|name|names})]"},
    {"dns-proxy:ok", "proxy {proxy} asks upstream with EDNS {upstream_bufsize}, passes DO and hands back signed answers "
                     "whose RRSIGs verify"},
    {"short-mapping-timeout", "[answers held back {held_s} s still came back, but ]none held back {expired_s} s or longer did[: "
                              "a UDP mapping lasts about {mapping_timeout_s} s][, under the {minimum_s} s the plan asks for]"
                              " — a slow authoritative answer or a resolver's late retry is dropped on its way back"},
    {"udp-mapping-timeout:ok", "[a UDP mapping lasts about {mapping_timeout_s} s (answers held back {held_s} s came back, "
                               "none held back {expired_s} s), at least the {minimum_s} s the plan asks for]"
                               "[every answer held back up to {tested_to_s} s came back: no mapping expired]"},
    {"udp-mapping-timeout:inconclusive", "answers held back {held_s} s came back and none held back {expired_s} s or "
                                         "longer, but losses between the two leave the timeout undecided at the loss "
                                         "measured on this path[ ({loss_rate})]"},
    {"udp-sessions:ok", "{answered} of {flows} new UDP flows held open together were answered[: the state table holds "
                        "{capacity|flow|flows} ({policy}), no fewer than the {minimum} the plan asks for][; {stopped_by} ended the "
                        "ramp at {tested_to} flows]"},
    {"device-load:ok", "through the device {through_text}; without it {baseline_text}; throughput ratio {ratio}"},
    {"path-trace:ok", "traced {traced}: {route}"},
    {"dns-interception:ok", "queries reach the target itself: the echo shows the DNS id and family sent, and RA is clear"},
    {"finding:query-dropped", "{device} dropped the query[ ({fragments|fragment|fragments})]"},
    {"finding:answer-dropped", "{device} dropped the answer[ ({size} octets in {fragments|fragment|fragments})]"},
    {"finding:fragments-dropped", "{device} let {passed} of {fragments|fragment|fragments} of the {direction} through and dropped the rest"},
    {"finding:icmp-too-big", "{device} refused the {direction} as too big for MTU {mtu} and said so (ICMP frame {icmp_frame})"},
    {"finding:icmp-time-exceeded", "{device} expired the {direction}'s TTL and said so"},
    {"finding:icmp-unreachable", "{device} rejected the {direction} with ICMP unreachable code {code}"},
    {"finding:icmp-dropped", "{device} dropped the ICMP too big {sender} sent about the {direction} (MTU {mtu}): a PMTUD black hole"},
    {"finding:answered-locally", "{device} answered the query itself; the server never saw it"},
    {"finding:opt-removed", "{device} removed the OPT record from the {direction}"},
    {"finding:bufsize-rewritten", "{device} rewrote the query's EDNS buffer size {from} → {to}"},
    {"finding:do-cleared", "{device} cleared DO in the query"},
    {"finding:options-stripped", "{device} stripped EDNS options from the {direction}: {options}"},
    {"finding:header-bits-changed", "{device} changed {bits} in the {direction}"},
    {"finding:name-case-changed", "{device} changed the letter case of the name in the {direction}"},
    {"finding:rcode-changed", "{device} changed the answer's RCODE from {from} to {to}"},
    {"finding:tc-set", "{device} truncated the answer (TC=1, {from} → {to} octets)"},
    {"finding:answer-cut", "{device} cut the answer from {from} to {to} octets without TC"},
    {"finding:rrsig-stripped", "{device} stripped RRSIGs from the answer ({from} → {to})"},
    {"finding:tcp-syn-dropped", "{device} dropped the TCP SYN"},
    {"finding:tcp-syn-reset", "{device} answered the TCP SYN with a reset"},
    {"finding:tcp-synack-dropped", "{device} dropped the TCP SYN-ACK"},
    {"finding:tcp-data-dropped", "{device} let the TCP handshake through and dropped the answer's segments"},
    {"finding:reoriginated", "{device} re-originated the {direction} as a DNS proxy (DNS id {from_id} → {to_id})"},
    {"finding:destination-changed", "{device} sent the query on to {to} instead of {from} (DNAT or interception)"},
    {"finding:source-translated", "{device} translated the source {from} → {to}"},
    {"finding:ttl-lowered", "{device} took {by} off the {direction}'s TTL (hops hidden inside it)"},
    {"finding:ttl-raised", "{device} raised the {direction}'s TTL {from} → {to} (it re-sent the packet)"},
    {"finding:reassembled", "{device} changed the {direction}'s fragments {from} → {to}"},
    {"finding:not-at-first-tap", "the query never reached the first tap ({tap})"},
    {"finding:lost-between-taps", "lost between {between}, where no device is tapped ({instead_of})"},
    {"finding:tap-lost-packets", "lost between {between}, but a tap lost packets there: nobody blamed ({instead_of})"},
    {"finding:tap-overflow", "the {table} table of tap {tap} overflowed near this probe: nobody blamed[ ({instead_of})]"},
    // dnspath diagnose (probe/diagnose)
    {"server-reach:no-answer:udp", "the server does not answer over UDP ({failure}) but does over TCP: UDP/53 is filtered on the path"},
    {"server-reach:no-answer:udp-tcp", "the server answers neither over UDP ({failure}) nor over TCP: it is down, or the path to it is cut"},
    {"server-reach:interception", "the answer for the zone's own SOA is not authoritative (AA=0[, evidence {evidence}]): a resolver or DNS proxy on the path answers in place of {target}"},
    {"server-reach:refused", "the server does not answer for the zone as its authority ({rcode}): the zone is not loaded (a signed file the server refuses, e.g. a DS at the apex, gives SERVFAIL)"},
    {"server-edns:no-answer:edns", "queries with EDNS0 get no answer ({failure}) while plain ones do: something drops EDNS0 queries"},
    {"server-edns:wrong-rcode", "the server answers EDNS0 queries with {rcode}: it does not support EDNS0"},
    {"server-edns:option-stripped:opt", "the answer over UDP has no OPT record"},
    {"server-tcp:tcp-filter", "TCP/53 to the server fails ({failure})"},
    {"server-large-udp:size-cap", "a {size}-octet answer is lost over UDP ({failure}) while a TC=1 answer to a 512-octet buffer arrives[; largest delivered {largest}]: a size limit on the path"},
    {"server-large-udp:no-answer", "a {size}-octet answer is lost over UDP ({failure})[; largest delivered {largest}], and the same question with a 512-octet buffer too"},
    {"server-large-udp:ok", "largest answer {largest} octets[, {delivered} delivered over UDP]"},
    {"dnskey-missing", "{zone} has no DNSKEY ({rcode}): the zone is not signed, or the signed file is not the one loaded"},
    {"rrsig-missing", "answers to DO=1 carry no RRSIG over {type}, over UDP and TCP alike: the server does not serve the zone signed"},
    {"zone-signed:rrsig-stripped", "the UDP answer lacks the RRSIG over {type} that the TCP answer carries: RRSIGs are stripped on the path"},
    {"zone-signed:nsec3param-missing", "{zone} publishes keys but neither NSEC nor NSEC3PARAM at its apex, so the server takes it as unsigned and withholds every RRSIG"},
    {"zone-signed:ok", "{key_count|key|keys}; RRSIGs for DO=1"},
    {"signature-expired", "the RRSIG over {type} by key {key_tag} expired at {expiration} (now {now})"},
    {"signature-not-yet-valid", "the RRSIG over {type} by key {key_tag} is valid only from {inception} (now {now})"},
    {"signature-expiring", "the RRSIG over {type} by key {key_tag} expires at {expiration}, in {days|day|days} (warning at {warning_days})"},
    {"signature-validity:ok", "{signatures} RRSIGs valid now"},
    {"signing-key-missing", "the RRSIG over {type} names key {key_tag}, which is not in the apex DNSKEY RRset (keys {key_tags})"},
    {"sep-key-missing", "no apex DNSKEY has the SEP flag (257): keys {key_tags} are all ZSKs"},
    {"signature-crypto:ok", "{verified} RRSIGs verified with OpenSSL"},
    {"signature-crypto:signature-invalid", "the RRSIG over {records} at {name} by key {key_tag} (algorithm {algorithm}) does not verify over {transport}"},
    {"ds-delegation:no-answer:parent", "the parent's server does not answer ({failure}): the delegation cannot be checked"},
    {"ds-missing", "the parent has no DS for {zone}: the chain of trust stops at the delegation"},
    {"ds-algorithm-mismatch", "the parent's DS names algorithm {ds_algorithms}; the child's keys use {key_algorithms}"},
    {"ds-digest-mismatch", "no apex DNSKEY matches the parent's DS (key tag {ds_tags}; apex keys {key_tags})"},
    {"ds-key-not-zone-key", "the key the DS points at ({key_tag}) lacks the Zone Key flag"},
    {"dnskey-not-signed-by-ds-key", "the key the DS points at ({key_tag}) does not sign the DNSKEY RRset"},
    {"ds-delegation:ok", "DS matches KSK {key_tag}"},
    {"ds-ttl-mismatch", "the DS TTL {ds_ttl} differs from the delegation's NS TTL {ns_ttl}"},
    {"referral-without-ds", "the parent's referral lacks the DS or its RRSIG"},
    {"denial-missing", "a nonexistent name is denied without signed NSEC or NSEC3"},
    {"referral-without-ds:ds", "the parent's referral to the zone carries no DS"},
    {"referral-without-ds:rrsig", "the parent's referral carries the DS without its RRSIG"},
    {"ds-at-apex", "the child serves a DS for {zone} at its own apex"},
    {"nsec3param-missing", "{zone} denies with NSEC3 but has no NSEC3PARAM at its apex"},
    {"opt-out-mismatch", "NSEC3 opt-out is {observed} where the zone is configured for {expected}"},
    {"denial-missing:records", "a nonexistent name is denied without NSEC or NSEC3 records"},
    {"denial-missing:rrsig", "the {records} records denying a nonexistent name carry no RRSIG"},
    {"denial:ok", "{records} denial, signed"},
    {"resolver-reach:no-answer:udp", "the resolver {target} does not answer over UDP ({failure}) but does over TCP"},
    {"resolver-reach:no-answer:udp-tcp", "the resolver {target} does not answer ({failure})"},
    {"resolver-validation:no-answer:upstream", "the resolver {target} answers SERVFAIL with EDE {ede}: it cannot reach the zone's servers (a fault on its side of the path, not in the zone)"},
    {"resolver-do:do-cleared:upstream", "the resolver {target} sends its own queries with DO=0: it does not do DNSSEC (validation is off)"},
    {"resolver-do:not-measured:no-echo", "not measured: the echo name got no echo back ({rcode}); is it a dnspath responder's name with a valid token?"},
    {"validation-failed", "the resolver answers SERVFAIL[ with EDE {ede}] while the zone's own checks pass: its trust anchor (or its clock) is wrong"},
    {"ad-missing", "the resolver answers without AD: it does not validate, or no trust anchor leads to the zone"},
    {"not-measured:unsupported-algorithm", "not measured: the zone signs with an algorithm dnspath does not verify (it checks 8, 10, 13, 14, 15)"},
    {"not-measured:no-parent", "not measured: give --parent (the parent zone's server)"},
    {"not-measured:same-server", "not measured: the parent and the child are on one server"},
    {"not-measured:no-signatures", "not measured: no signatures were seen"},
    {"not-measured:no-dnskey", "not measured: the apex has no DNSKEY"},
    {"not-measured:no-ds", "not measured: the parent has no DS"},
    {"not-measured:no-referral", "not measured: the parent gave no referral"},
    {"not-measured:no-nxdomain", "not measured: a random name was not denied (a wildcard?)"},
    {"not-measured:needs-responder", "not measured: the resolver's own queries are seen only by a dnspath responder behind it or by taps"},
};

// How a cause code reads inside another sentence ("that explains what looked like …").
const Table kCauseNames = {
    {"proxy-refused", "a proxy answering from its own data"},
    {"header-bit-changed", "a changed DNS header bit"},
    {"name-case-changed", "a rewritten name case"},
    {"unknown-type-changed", "a changed record of an unknown type"},
    {"nxdomain-rewritten", "NXDOMAIN rewritten"},
    {"dns-aware-filter", "DNS-aware filter"},
    {"cache-rule-broken", "a proxy cache that breaks TTL or DO rules"},
    {"open-resolver", "open resolver"},
    {"no-answer", "lost queries"},          {"size-cap", "a size limit"},
    {"mtu", "a smaller MTU"},               {"pmtud-blackhole", "a PMTUD black hole"},
    {"fragment-filter", "a fragment filter"}, {"random-loss", "random loss"},
    {"truncated-without-tc", "truncated answers"}, {"wrong-rcode", "a wrong RCODE"},
    {"tcp-filter", "a TCP/53 filter"},      {"edns-buffer-cap", "an EDNS buffer cap"},
    {"state-table-full", "a full state table"}, {"refuse-new", "new flows refused"}, {"open-files", "this host's open-file limit (ulimit -n)"}, {"evict-old", "old flows evicted"}, {"rate-limit", "a rate limit"},
    {"interception", "interception"},       {"nat", "NAT"},
    {"inconclusive", "an undecided cause"},
    {"short-mapping-timeout", "a short UDP mapping timeout"},
};

// The fix for a cause, with {device} filled in. Keyed by cause code; a cause without an entry
// gets none (the sentence says what is wrong; not every cause has one remedy).
const Table kFixes = {
    {"size-cap:under-1232", "let UDP DNS answers up to 4096 octets through {device} (remove the UDP length limit); until "
                            "then set the servers' EDNS buffer size to {buffer} octets or less (the largest answer that "
                            "arrived), so larger answers come back TC=1 and go over TCP, and keep TCP/53 open"},
    {"size-cap", "let UDP DNS answers up to 4096 octets through {device} (remove the UDP length limit), or set the "
                 "servers' EDNS buffer size to 1232 so answers fit; keep TCP/53 open either way"},
    {"fragment-filter", "allow IP fragments of DNS traffic through {device} (IPv4 non-first fragments, IPv6 fragment "
                        "headers), or set the servers' EDNS buffer size to 1232 so answers are not fragmented"},
    {"pmtud-blackhole", "let ICMP fragmentation-needed and ICMPv6 Packet Too Big through {device} — never filter them — "
                        "or lower the link MTU and clamp the TCP MSS so packets fit"},
    {"mtu", "nothing is lost while the ICMP passes; to avoid fragmented answers set the servers' EDNS buffer size to 1232"},
    {"tcp-filter", "open TCP port 53 through {device} in both directions (DNS needs TCP: RFC 7766)"},
    {"interception", "turn off the DNS interception on {device} (a \"DNS guard\" or transparent proxy), or let port 53 "
                     "to the target through unchanged"},
    {"edns-buffer-cap", "raise the EDNS buffer size {device} advertises or forwards (for dnsmasq, --edns-packet-max); "
                        "lookups work over TCP meanwhile, one round trip slower"},
    {"proxy-refused", "let the DNS proxy on {device} forward every name to its upstream (for Unbound a forward-zone \".\", "
                      "for dnsmasq --server), or test the path in route mode instead"},
    {"header-bit-changed:proxy-ad", "let the DNS proxy on {device} pass the AD bit of its upstream's answers (for dnsmasq --proxy-dnssec), or make it validate DNSSEC itself"},
    {"header-bit-changed:proxy-cd", "update or replace the DNS proxy on {device}: it must copy CD from the query into its answer (RFC 6840 5.9)"},
    {"name-case-changed:proxy", "update or replace the DNS proxy on {device} so its answers keep the question exactly as the stub asked it"},
    {"proxy-rewrite", "configure the DNS proxy on {device} to forward the EDNS buffer size, DO and options unchanged"},
    {"option-stripped", "update or reconfigure {device} so it forwards EDNS options unchanged"},
    {"do-cleared", "update or reconfigure {device} so it forwards the DO bit: without it no answer is signed"},
    {"header-bit-changed", "update or reconfigure {device} so it passes the DNS header bits AD, CD and Z as they are (a DNS ALG or inspection feature usually does this; turn it off)"},
    {"name-case-changed", "update or reconfigure {device} so it passes query names in the case they were sent (turn off its DNS ALG or inspection)"},
    {"unknown-type-changed", "update or reconfigure {device} so it passes record types it does not know unchanged (RFC 3597); turn off DNS inspection that filters types"},
    {"nxdomain-rewritten", "turn off NXDOMAIN rewriting (\"search assist\", \"DNS redirect\", an address for unknown names) on {device}, so names that do not exist come back NXDOMAIN"},
    {"dns-aware-filter", "let UDP to and from port 53 through {device} whatever it carries (turn off its DNS inspection or \"DNS guard\"), and DNS on other ports as well"},
    {"cache-rule-broken", "on {device}, remove settings that change cache times (a minimum or maximum cache TTL), or turn its DNS cache off; update its DNS proxy if it hands answers cached without DO to questions with DO"},
    {"open-resolver", "on {device}, let its DNS proxy listen on the LAN only, or refuse recursion to sources outside the LAN (RFC 5358); check the firewall drops DNS to the router from the WAN"},
    {"rrsig-stripped", "update or reconfigure {device} so it passes RRSIG records: validating resolvers fail without them"},
    {"truncated-without-tc", "replace or fix {device}: it cuts answers without setting TC, so resolvers take them as complete"},
    {"nat", "nothing to fix unless the servers must see the clients' own addresses; then route without NAT on {device}"},
    {"port-rewrite", "make {device}'s NAT allocate source ports at random (spoofed answers become easy otherwise)"},
    {"state-table-full", "enlarge {device}'s UDP state table or shorten its UDP timeout for DNS flows"},
    {"rate-limit", "raise {device}'s new-flow rate limit, or exempt DNS from it"},
    {"short-mapping-timeout", "lengthen {device}'s UDP timeout for DNS flows (unanswered ones too) to at least the plan's minimum"},
    {"random-loss", "look for the loss on {device}: interface errors, queue drops, policers"},
    {"refused", "give both ends the same key (--key-file)"},
    // dnspath diagnose: the JPRS manual's remedies
    {"resolver-do:do-cleared", "turn DNSSEC validation on in the resolver (BIND dnssec-validation auto; Unbound module-config \"validator iterator\"; PowerDNS Recursor dnssec=validate) (JPRS F-130, common-3)"},
    {"server-reach:interception", "turn off the DNS interception or transparent proxy on the path (or a DNS ALG in a router), so queries to the server reach it; a proxy that answers instead keeps DNSSEC records from the client"},
    {"server-reach:refused", "load the zone on the server: check that the signed file loads (named-checkzone, the server's log) and that the zone statement names it (JPRS common-2, common-3)"},
    {"dnskey-missing", "sign the zone (dnssec-keygen for a KSK and a ZSK, then dnssec-signzone) and load the signed file: check the zone statement's file name and reload (JPRS common-2, common-3)"},
    {"rrsig-missing", "load the signed zone file, not the unsigned one, and turn DNSSEC on in the server (JPRS common-2, common-3)"},
    {"signature-expired", "re-sign the zone and reload; let the signer re-sign well before expiry (BIND dnssec-policy, Knot automatic signing)"},
    {"signature-not-yet-valid", "re-sign with an inception in the past (dnssec-signzone -s now-1h) and check the signer's clock"},
    {"signature-expiring", "re-sign the zone before {expiration}"},
    {"signing-key-missing", "publish the signing key's DNSKEY at the apex (add its .key file to the zone) and re-sign"},
    {"sep-key-missing", "create a KSK (dnssec-keygen -f KSK), add its DNSKEY to the zone, re-sign, and register its DS at the parent"},
    {"ds-missing", "register the DS of the zone's KSK at the parent (dnssec-dsfromkey), under the zone's exact name"},
    {"ds-algorithm-mismatch", "register a DS for the KSK the zone now publishes (with its algorithm) at the parent, or publish the KSK the DS refers to"},
    {"ds-digest-mismatch", "replace the DS at the parent with one made from the KSK the zone publishes (dnssec-dsfromkey on its .key file)"},
    {"ds-key-not-zone-key", "point the DS at a DNSKEY with the Zone Key flag (256 or 257)"},
    {"dnskey-not-signed-by-ds-key", "sign the DNSKEY RRset with the KSK the DS points at (dnssec-signzone with that key)"},
    {"ds-ttl-mismatch", "give the DS the same TTL as the delegation's NS records at the parent"},
    {"referral-without-ds", "serve the parent signed, with the child's DS, so referrals carry the DS and its RRSIG"},
    {"ds-at-apex", "remove the DS from the child's zone file, re-sign and reload; register it at the parent instead"},
    {"nsec3param-missing", "re-sign with NSEC3 (dnssec-signzone -3 SALT) so the apex gets its NSEC3PARAM, and reload"},
    {"opt-out-mismatch", "re-sign with the opt-out setting the zone is meant to have (dnssec-signzone -A for opt-out)"},
    {"denial-missing", "re-sign the zone so every name gets NSEC (or NSEC3) records and their RRSIGs"},
    {"ad-missing", "turn on validation in the resolver (BIND dnssec-validation auto; Unbound auto-trust-anchor-file) with the right trust anchor"},
    {"validation-failed", "correct the resolver's trust anchor (the root's, or the DS of the zone it is meant to trust) and check its clock (NTP)"},
};


}  // namespace

const Messages& english_messages() {
    static const Messages tables{kEnglish, kTitles, kCauseNames, kFixes, english_words(), english_values(), english_item_labels()};
    return tables;
}

}  // namespace dnspath::reports
