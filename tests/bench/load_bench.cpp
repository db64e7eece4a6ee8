// Benchmark: the load kind's engine (net::udp_load: closed loop, batched sendmmsg/recvmmsg over
// several flows) against a DNS server, as the `load` checkpoint runs it. Prints one line that
// tests/bench/load_vs_dnsperf.sh sets beside dnsperf's figure on the same server.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "probe/net/net.h"
#include "probe/wire/wire.h"

int main(int argc, char** argv) {
    using namespace dnspath;
    if (argc < 5) {
        std::fprintf(stderr, "usage: load_bench ADDRESS PORT NAME SECONDS [FLOWS] [IN-FLIGHT]\n");
        return 2;
    }
    auto server = net::Endpoint::parse(argv[1], static_cast<std::uint16_t>(std::atoi(argv[2])));
    auto name = wire::Name::parse(argv[3]);
    if (!server || !name) {
        std::fprintf(stderr, "load_bench: bad address or name\n");
        return 2;
    }
    auto query = wire::encode(wire::make_query(1, *name, wire::rr_type::txt, std::nullopt));
    if (!query) return 2;
    net::LoadOptions options;
    options.duration = std::chrono::seconds(std::atoi(argv[4]));
    if (argc > 5) options.sockets = std::max(1, std::atoi(argv[5]));
    if (argc > 6) options.outstanding = std::max(1, std::atoi(argv[6]));
    auto figures = net::udp_load(*server, *query, options);
    if (!figures) {
        std::fprintf(stderr, "load_bench: %s\n", figures.error().message.c_str());
        return 2;
    }
    std::printf("queries/s %.0f p50_ms %.3f p99_ms %.3f sent %llu answered %llu lost %llu\n",
                figures->queries_per_second(), figures->percentile_ms(0.5), figures->percentile_ms(0.99),
                static_cast<unsigned long long>(figures->sent), static_cast<unsigned long long>(figures->answered),
                static_cast<unsigned long long>(figures->lost));
    return 0;
}
