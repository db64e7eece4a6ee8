// `dnspath run`'s flags made into its request: the profile's request first, each flag on top.
#include <algorithm>
#include <iostream>
#include <tuple>

#include "probe/run/run.h"

namespace dnspath::run {
namespace {

// NAME=TEXT (--device-model, --device-firmware) on top of the profile's identities.
Result<void> add_identities(const RunFlags& flags, std::vector<model::DeviceIdentity>& identities) {
    for (auto [flag, list, field] : {std::tuple{"--device-model", &flags.device_models, &model::DeviceIdentity::model},
                                     std::tuple{"--device-firmware", &flags.device_firmware, &model::DeviceIdentity::firmware}})
        for (const auto& text : *list) {
            const auto equals = text.find('=');
            if (equals == std::string::npos || equals == 0 || equals + 1 == text.size())
                return fail_usage(std::string(flag) + " " + text + ": expected NAME=TEXT", "expected-name-text", flag, text);
            auto named = [&](const auto& identity) { return identity.name == text.substr(0, equals); };
            auto found = std::find_if(identities.begin(), identities.end(), named);
            auto& entry = found != identities.end() ? *found : identities.emplace_back(model::DeviceIdentity{text.substr(0, equals), "", ""});
            entry.*field = text.substr(equals + 1);
        }
    return Ok{};
}

// A child run's request, as JSON in a file or on standard input ("-").
Result<RunRequest> read_request(const std::string& path) {
    constexpr std::size_t kLimit = 1 << 20;  // a request is a few KiB; a folder, FIFO or huge file is refused
    std::string text;
    if (path == "-") {  // a socket pair from the lab: /dev/stdin would not open, so read the stream
        char buffer[4096];
        while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
            text.append(buffer, static_cast<std::size_t>(std::cin.gcount()));
            if (text.size() > kLimit) return fail("--request -: over 1 MiB, not a run request");
        }
    } else {
        DNSPATH_TRY(text, wire::read_regular_file(path, kLimit));
    }
    auto request = request_from_json(text);
    if (!request) return fail("--request " + path + ": " + request.error().message);
    return request;
}

}  // namespace

Result<RunRequest> request_from_flags(const RunFlags& flags, const std::optional<profile::Profile>& loaded) {
    if (!flags.request_path.empty()) return read_request(flags.request_path);
    auto request = loaded ? request_from_profile(*loaded, flags.profile_path) : RunRequest{};
    auto& config = request.config;
    if (loaded && config.targets.empty() && flags.targets.empty() && loaded->lab)
        return fail_usage(flags.profile_path + ": this profile builds its path in a lab: use `dnspath lab run --profile " + flags.profile_path +
                              "`, or give --target", "profile-is-a-lab", "", flags.profile_path);
    for (auto [from, into] : {std::pair{&flags.targets, &config.targets}, std::pair{&flags.proxies, &config.proxies},
                              std::pair{&flags.baseline, &config.baseline}, std::pair{&flags.probes, &config.plan.probes},
                              std::pair{&flags.families, &config.plan.families}})
        if (!from->empty()) *into = *from;
    if (flags.port != 0) config.port = static_cast<std::uint16_t>(flags.port);
    if (!flags.zone.empty()) config.zone = flags.zone;
    if (flags.repeat > 0) config.plan.repetitions = flags.repeat;
    config.seed = flags.seed;
    for (const auto& text : flags.devices) {
        DNSPATH_TRY(capture::DeviceSpec device, capture::DeviceSpec::parse(text));
        request.devices.push_back(std::move(device));
    }
    DNSPATH_TRY_VOID(add_identities(flags, request.identities));
    for (const auto& text : flags.resolvers) {
        DNSPATH_TRY(ResolverAddress resolver, parse_resolver_address(text));
        request.resolvers.push_back(std::move(resolver));
    }
    for (auto [from, into] : {std::pair{&flags.key_file, &request.key_file}, std::pair{&flags.user, &request.user}})
        if (!from->empty()) *into = *from;
    request.out_dir = flags.out_dir;
    request.language = flags.language;
    request.command_line = flags.command_line;
    return request;
}

}  // namespace dnspath::run
