// Who the path's devices are (model and firmware) and how a bench numbered its device under test:
// lines above the findings. Every word comes from the catalogue; names and addresses are data.
#include "reports/messages.h"

namespace dnspath::reports {

std::string identities_text(const RunResult& result, Language language) {
    std::string out;
    for (const auto& identity : result.identities) {
        model::Params params{{"name", identity.name}};
        if (!identity.model.empty()) params["model"] = identity.model;
        if (!identity.firmware.empty()) params["firmware"] = identity.firmware;
        out += (out.empty() ? "" : "; ") + fill_text(word("identity", language), params, language);
    }
    return out.empty() ? out : word("identities", language) + ": " + out;
}

std::string addressing_text(const RunResult& result, Language language) {
    if (!result.addressing) return "";
    const auto& addressing = *result.addressing;
    model::Params params{{"device", addressing.device}};
    for (auto [key, value] : {std::pair{"wan_ipv4", &addressing.wan_ipv4}, std::pair{"wan_ipv6", &addressing.wan_ipv6},
                              std::pair{"delegated_prefix", &addressing.delegated_prefix},
                              std::pair{"lan_ipv4", &addressing.lan_ipv4}, std::pair{"lan_ipv6", &addressing.lan_ipv6}})
        if (!value->empty()) params[key] = *value;
    std::string out = word("addressing", language) + ": " + fill_text(word("addressing-line", language), params, language);
    // A delegated prefix is only half the job: the device must number its LAN from it.
    if (!addressing.delegated_prefix.empty())
        out += " (" +
               word(addressing.lan_ipv6.empty()      ? "addressing-no-lan-ipv6"
                    : addressing.lan_in_delegation ? "addressing-from-delegation"
                                                   : "addressing-not-from-delegation",
                    language) +
               ")";
    return out;
}

}  // namespace dnspath::reports
