// Real resolvers as peers of a run: after the plan, each resolver named with `--resolver` is asked
// a fixed set of signed names of the probe's zone, and what it experienced (rcode, AD, EDE, time)
// goes into the result beside the verdicts, so a finding carries its consequence.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "probe/model/model.h"
#include "probe/net/net.h"
#include "probe/wire/wire.h"

namespace dnspath::peers {

// A resolver to ask: `name` for the report ("unbound"), `server` where it listens.
struct Resolver {
    std::string name;
    net::Endpoint server;
};

// Parses `NAME=ADDRESS[#PORT]` or `ADDRESS[#PORT]` (named by its address); port 53 by default.
Result<Resolver> parse_resolver(const std::string& text);

// What every resolver is asked, in order: the zone's DNSKEY set, a small signed answer, and signed
// answers of fixed sizes around the 1232-octet default (one below it, one far over it).
struct Question {
    std::string role;   // "dnskey", "small", "s1000", "s3000"
    wire::Name name;
    std::uint16_t qtype = 0;
    std::uint32_t size = 0;
};
// `key` gives the names their token: without it the responder refuses answers larger than the query.
std::vector<Question> questions(const wire::Name& zone, wire::ByteView key, const std::string& run_id);

struct AskOptions {
    // Per question, about what a stub waits (glibc: 5 s, twice): a resolver still trying after
    // that has failed its user, whatever it answers later.
    std::chrono::milliseconds timeout{6000};
};

// Asks every resolver every question (the resolvers side by side, each one's questions in order,
// so their caches do not help each other). `stop` ends it early; what was asked is kept.
std::vector<model::ResolverExperience> ask_resolvers(const std::vector<Resolver>& resolvers,
                                                     const std::vector<Question>& questions, const AskOptions& options,
                                                     const std::atomic<bool>& stop);

}  // namespace dnspath::peers
