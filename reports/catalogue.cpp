// The message catalogue's logic: every sentence a person reads is looked up by checkpoint, cause
// code (or finding rule) and one qualifying parameter in the language's table (catalogue_en.cpp,
// catalogue_ja.cpp), and filled from the typed parameters.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <map>
#include <set>
#include <span>

#include "reports/messages.h"

namespace dnspath::reports {
namespace {

using model::Params;

bool present(const Params& value) {
    if (value.is_null()) return false;
    if (value.is_boolean()) return value.get<bool>();
    if (value.is_string() || value.is_array() || value.is_object()) return !value.empty();
    return true;
}

using Specs = std::span<const model::ParamSpec>;

const model::ParamSpec* spec_named(Specs specs, std::string_view name) {
    for (const auto& spec : specs)
        if (spec.name == name) return &spec;
    return nullptr;
}

std::string fill(std::string_view text, const Params& params, Language language, Specs specs = {});

// A local error in the reader's language: its code's sentence with the call, the capability or
// the wire problem; an errno by its own words (Japanese for the common ones, else its name); an
// error without a code by its English words.
std::string format_error(const Params& value, Language language) {
    const auto error = model::local_error_from(value);
    if (error.code.empty()) return error.text;
    Params params{{"call", error.call}, {"flag", error.call}, {"capability", error.argument}, {"what", error.argument}, {"path", error.argument},
                  {"name", error.argument}};
    if (error.os_error != 0) {
        const char* name = strerrorname_np(error.os_error);
        const std::string key = std::string("errno:") + (name ? name : "?");
        const std::string worded = word(key, language);
        params["reason"] = worded != key ? worded : language == Language::en ? std::string(std::strerror(error.os_error))
                                                                              : std::string(name ? name : "?");
    }
    const std::string key = "error:" + error.code;
    const std::string text = word(key, language);
    return text == key ? error.text : fill(text, params, language);  // a code without a sentence keeps its own words
}

}  // namespace

std::string describe_profile_problem(std::string_view code, const std::vector<std::pair<std::string, std::string>>& args,
                                     Language language) {
    const std::string key = "profile:" + std::string(code);
    const std::string text = word(key, language);
    if (text == key) return "";
    Params params = Params::object();
    for (const auto& [name, value] : args) {
        if (value.empty()) continue;  // an empty value leaves its optional part out
        const bool type = (name == "expected" && code == "wrong-type") || name == "got";
        params[name] = type ? word("type:" + value, language) : value;
    }
    return fill(text, params, language);
}

std::string describe_error(const model::LocalError& error, Language language) {
    return format_error(model::to_params(error), language);
}

namespace {

// One value as it reads, by its declared type: words and causes in the reader's language; device
// names, addresses and outside text exactly as they are (a device called "target" stays "target");
// an undeclared (derived) parameter is already text.
std::string format(const Params& value, Language language, model::ParamType type) {
    using model::ParamType;
    if (value.is_null()) return word("nothing", language);
    if (type == ParamType::error && value.is_object()) return format_error(value, language);
    if (value.is_boolean()) return word(value.get<bool>() ? "yes" : "no", language);
    if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
    if (value.is_number_float()) {
        char text[32];
        const double number = type == ParamType::fraction ? value.get<double>() * 100 : value.get<double>();
        const bool whole = std::fabs(number - std::round(number)) < 1e-9;
        std::snprintf(text, sizeof text,
                      whole ? "%.0f" : type == ParamType::fraction || type == ParamType::seconds ? "%.1f" : "%.2f", number);
        return std::string(text) + (type == ParamType::fraction ? " %" : "");
    }
    if (value.is_string()) {
        const std::string text = value.get<std::string>();
        if (type == ParamType::word || type == ParamType::words || type == ParamType::family) return value_word(text, language);
        if (type == ParamType::cause || type == ParamType::cause_list) {
            const auto& names = messages(language).cause_names;
            auto name = names.find(text);
            return name == names.end() ? text : name->second;
        }
        return text;
    }
    if (value.is_array()) {
        std::string joined;
        for (const auto& item : value) joined += (joined.empty() ? "" : word("list", language)) + format(item, language, type);
        return joined;
    }
    return value.dump();
}

std::string format(const Params& value, Language language, const model::ParamSpec* spec) {
    return format(value, language, spec ? spec->type : model::ParamType::text);
}


// Derived parameters a sentence needs that the engine rightly keeps as structure.
Params prepare(const Params& params, Language language) {
    Params ready = params.is_object() ? params : Params::object();
    for (const char* side : {"through", "baseline"}) {
        auto found = ready.find(side);
        if (found == ready.end() || !found->is_object()) continue;
        Params figures{{"qps", found->value("qps", Params())}, {"p50", found->value("p50_ms", Params())},
                       {"p99", found->value("p99_ms", Params())}, {"lost", found->value("lost", Params())},
                       {"sent", found->value("sent", Params())}};
        ready[std::string(side) + "_text"] = fill(word("load-figures", language), figures, language);
    }
    if (auto hops = ready.find("hops"); hops != ready.end() && hops->is_array()) {
        std::string route;
        for (const auto& hop : *hops)
            route += (route.empty() ? "" : " → ") +
                     // A hop read from a result file may be anything: only {"from": "ADDRESS"} names one.
                     (hop.is_object() && hop.value("from", Params()).is_string() ? hop["from"].get<std::string>()
                                                                                 : std::string("*"));
        ready["route"] = route.empty() ? word("no-hop", language) : route;
    }
    // The answer's way back (responder-traced): each hop, marked where only the small copy got.
    if (auto hops = ready.find("answer_hops"); hops != ready.end() && hops->is_array()) {
        std::string route;
        for (const auto& hop : *hops) {
            const bool named = hop.is_object() && hop.value("from", Params()).is_string();
            route += (route.empty() ? "" : " → ") + (named ? hop["from"].get<std::string>() : std::string("*"));
            if (named && !hop.contains("large_from")) route += " (" + word("small-only", language) + ")";
        }
        ready["answer_route"] = route.empty() ? word("no-hop", language) : route;
    }
    if (auto changes = ready.find("changes"); changes != ready.end() && changes->is_array()) {
        std::string list;
        for (const auto& change : *changes)
            list += (list.empty() ? "" : "; ") + fill(word("hop-change", language), change, language);
        ready["change_list"] = list;
    }
    if (ready.value("raw_socket", true) == false) ready["no_raw"] = word("no-raw", language);
    if (auto code = ready.find("transports"); code != ready.end() && code->is_array()) {
        std::string list;
        for (const auto& transport : *code)
            list += (list.empty() ? "" : word("and", language)) + format(transport, language, model::ParamType::word);
        ready["transports"] = list;
    }
    return ready;
}

std::string lookup(const std::vector<std::string>& keys, Language language) {
    for (const auto* table : {&messages(language).sentences, &english_messages().sentences})
        for (const auto& key : keys)
            if (auto found = table->find(key); found != table->end()) return found->second;
    return keys.back();
}

// Renders `part` (no brackets inside); `complete` turns false when a name has no value.
// {name|one|many} writes the value and the noun in the form its count takes ("1 key", "2 keys").
std::string fill_part(std::string_view part, const Params& params, Language language, Specs specs, bool& complete) {
    std::string filled;
    for (std::size_t i = 0; i < part.size(); ++i) {
        if (part[i] != '{') {
            filled += part[i];
            continue;
        }
        const auto close = part.find('}', i);
        if (close == std::string_view::npos) return filled + std::string(part.substr(i));
        const std::string_view inside = part.substr(i + 1, close - i - 1);
        const auto bar = inside.find('|');
        const std::string name(inside.substr(0, bar));
        const auto found = params.is_object() ? params.find(name) : params.end();
        if (found == params.end() || !present(*found)) complete = false;
        // A figure the result lacks (a result written by hand or by another tool) reads as
        // "unknown", never as a bare "?" that looks like a broken template.
        filled += found == params.end() ? "(" + word("unknown", language) + ")" : format(*found, language, spec_named(specs, name));
        if (bar != std::string_view::npos) {
            const std::string_view forms = inside.substr(bar + 1);
            const auto second = forms.find('|');
            const bool one = found != params.end() && found->is_number() && found->get<double>() == 1;
            filled += " " + std::string(one || second == std::string_view::npos ? forms.substr(0, second) : forms.substr(second + 1));
        }
        i = close;
    }
    return filled;
}

std::string fill(std::string_view text, const Params& params, Language language, Specs specs) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '[') {
            const auto close = text.find(']', i);
            if (close != std::string_view::npos) {
                bool complete = true;
                std::string part = fill_part(text.substr(i + 1, close - i - 1), params, language, specs, complete);
                if (complete) out += part;
                i = close + 1;
                continue;
            }
        }
        const auto next = text.find('[', i);
        bool ignored = true;
        out += fill_part(text.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i), params,
                         language, specs, ignored);
        if (next == std::string_view::npos) break;
        i = next;
    }
    return out;
}

// Seed-document items under their Japanese names: the JPRS manual's 確認項目 and シナリオ, the
// DNSSEC Japan ⑤ ネットワーク接続機器検証. The English ids stay in the text so both can be searched.
const std::pair<std::string_view, std::string_view> kItemNames[] = {
    {"JPRS common-", "JPRS 確認項目共通-"},
    {"JPRS scenario ", "JPRS シナリオ "},
    {"JPRS A-", "JPRS 確認項目 A-"},
    {"JPRS F-", "JPRS 確認項目 F-"},
    {"DNSSEC Japan ⑤ ", "DNSSECジャパン ⑤ネットワーク接続機器検証 "},
    {"DNSSEC Japan: load test", "DNSSECジャパン 検証環境：ルータと LB を通した負荷試験"},
    {"DNSSEC Japan: TCP port 53 filtering", "DNSSECジャパン：TCP 53 番のフィルタ"},
    {"DNSSEC Japan: EDNS0 handling", "DNSSECジャパン：EDNS0 の扱い"},
    {"DNSSEC Japan: UDP state handling", "DNSSECジャパン：UDP の状態管理"},
    {"DNSSEC Japan: DNS proxy functions", "DNSSECジャパン：DNS プロキシ機能"},
    {"tracebox", "tracebox"},
};
// The manual's steps inside a scenario's name.
const std::pair<std::string_view, std::string_view> kItemWords[] = {{" steps ", " 手順 "}, {" step ", " 手順 "}};

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

}  // namespace

Result<Language> parse_language(std::string_view text) {
    if (text == "en") return Language::en;
    if (text == "ja") return Language::ja;
    return fail("unknown language '" + std::string(text) + "' (expected en or ja)");
}

std::string_view to_string(Language language) { return language == Language::ja ? "ja" : "en"; }

const Messages& messages(Language language) {
    return language == Language::ja ? japanese_messages() : english_messages();
}

std::string word(std::string_view key, Language language) {
    for (const auto* table : {&messages(language).words, &english_messages().words})
        if (auto found = table->find(key); found != table->end()) return found->second;
    return std::string(key);
}

std::string option_help(std::string_view command, std::string_view option, Language language) {
    const std::string own = option.empty() ? std::string(command) : std::string(command) + " " + std::string(option);
    for (const auto* table : {&messages(language).help, &english_messages().help})
        for (const std::string_view key : {std::string_view(own), option})
            if (auto found = table->find(key); !key.empty() && found != table->end()) return found->second;
    return "[help: " + own + "]";  // what tests/cli/cli_test.sh looks for in every --help
}

std::string value_word(const std::string& value, Language language) {
    const auto& values = messages(language).values;
    auto found = values.find(value);
    return found == values.end() ? value : found->second;
}

std::string item_name(const std::string& source, Language language) {
    if (language == Language::en) return source;
    std::string named = source;
    for (const auto& [from, to] : kItemNames)
        if (named.rfind(from, 0) == 0) {
            named = std::string(to) + named.substr(from.size());
            break;
        }
    for (const auto& [from, to] : kItemWords) named = replace_all(named, from, to);
    return named;
}

std::string fill_template(std::string_view text, const Params& params) { return fill(text, params, Language::en); }

std::string fill_text(std::string_view text, const Params& params, Language language) {
    return fill(text, params, language);
}

std::string cli_line(std::string_view key, const Params& params, Language language) {
    return fill(word(key, language), params, language);
}

const std::vector<CheckpointInfo>& checkpoints() {
    static const std::vector<CheckpointInfo> all = [] {
        std::vector<CheckpointInfo> built;
        const auto& titles = english_messages().titles;
        for (const auto& kind : model::kind_registry())
            for (const auto& entry : kind.checkpoints) {
                auto title = titles.find(entry.name);
                std::vector<std::string> sources;
                for (auto item : entry.items) sources.emplace_back(model::spec_of(item).id);
                built.push_back({entry.id, entry.name, title == titles.end() ? entry.name : std::string_view(title->second),
                                 std::move(sources)});
            }
        return built;
    }();
    return all;
}

std::vector<std::string> checkpoint_sources(model::Checkpoint checkpoint, Language language) {
    std::vector<std::string> sources;
    for (const auto& item : model::entry_of(checkpoint).items)
        sources.push_back(item_title(std::string(model::spec_of(item).id), language));
    return sources;
}

std::string item_title(const std::string& item, Language language) {
    const std::string name = item_name(item, language);
    for (const auto* labels : {&messages(language).item_labels, &english_messages().item_labels})
        if (auto label = labels->find(item); label != labels->end())
            return name + (language == Language::ja ? "（" + label->second + "）" : " (" + label->second + ")");
    return name;
}

std::string checkpoint_title(model::Checkpoint checkpoint, Language language) {
    const auto name = model::to_string(checkpoint);
    for (const auto* titles : {&messages(language).titles, &english_messages().titles})
        if (auto title = titles->find(name); title != titles->end()) return title->second;
    return std::string(name);
}

// A verdict blamed on several devices for different causes says what each did, in path order:
// the sentence itself describes the verdict's one cause.
std::string what_each_did(const Verdict& verdict, Language language) {
    std::set<model::CauseCode> codes;
    for (const auto& blame : verdict.blame) codes.insert(blame.cause.code);
    if (verdict.blame.size() < 2 || codes.size() < 2) return "";
    const auto& names = messages(language).cause_names;
    std::string each;
    for (const auto& blame : verdict.blame) {
        const auto name = names.find(std::string(to_string(blame.cause.code)));
        const std::string cause = name == names.end() ? std::string(to_string(blame.cause.code)) : std::string(name->second);
        each += (each.empty() ? "" : word("list-semicolon", language)) +
                fill(word("device-did", language), {{"device", blame.device}, {"cause", cause}}, language);
    }
    return fill(word("each-device", language), {{"each", each}}, language);
}

std::string render_cause(const Verdict& verdict, Language language) {
    const std::string code(to_string(verdict.cause.code));
    const std::string checkpoint(model::to_string(verdict.checkpoint));
    const Params params = prepare(verdict.cause.params, language);
    // The code's selector parameter (causes.def) picks a sentence more specific than the code's.
    std::vector<std::string> keys;
    const auto& spec = model::spec_of(verdict.cause.code);
    if (!spec.selector.empty())
        if (auto found = verdict.cause.params.find(spec.selector); found != verdict.cause.params.end() && found->is_string()) {
            keys.push_back(checkpoint + ":" + code + ":" + found->get<std::string>());
            keys.push_back(checkpoint + ":" + code);
            keys.push_back(code + ":" + found->get<std::string>());
        }
    keys.push_back(checkpoint + ":" + code);
    keys.push_back(code);
    // Through a proxy a checkpoint may read otherwise ("proxy:header-bits:ok"): those keys first.
    if (verdict.via == model::Via::proxy) {
        const auto path_keys = keys;
        keys.clear();
        for (const auto& key : path_keys) keys.push_back("proxy:" + key);
        keys.insert(keys.end(), path_keys.begin(), path_keys.end());
    }
    return fill(lookup(keys, language), params, language, model::spec_of(verdict.cause.code).params) +
           what_each_did(verdict, language);
}

std::string render_finding(const model::CaptureFinding& finding, Language language) {
    Params params = prepare(finding.params, language);
    if (finding.device) params["device"] = *finding.device;
    const std::string sentence = fill(lookup({"finding:" + std::string(to_string(finding.rule))}, language), params, language,
                                      model::spec_of(finding.rule).params);
    std::string taps;
    for (const auto& tap : finding.taps) {
        Params frames{{"tap", tap.tap}};
        if (tap.query_frame) frames["query"] = *tap.query_frame; else frames["no_query"] = word("no-query", language);
        if (tap.answer_frame) frames["answer"] = *tap.answer_frame; else frames["no_answer"] = word("no-answer", language);
        taps += (taps.empty() ? "" : " | ") + fill(word("tap-frames", language), frames, language);
    }
    return fill(word("finding-line", language), {{"probe", finding.probe}, {"sentence", sentence}, {"taps", taps}}, language);
}

std::string render_probe(const ProbeRecord& probe, Language language) {
    Params params{{"id", probe.id}, {"kind", probe.kind}, {"outcome", std::string(to_string(probe.outcome))},
                  {"detail", probe.error ? format_error(model::to_params(*probe.error), language) : ""}};
    if (probe.transport != probe.kind) params["transport"] = probe.transport;  // not "tcp tcp"
    if (probe.requested_size) params["size"] = *probe.requested_size;
    if (probe.bufsize) {
        params["bufsize"] = *probe.bufsize;
        params["do"] = probe.dnssec_ok ? "1" : "0";
    } else {
        params["no_edns"] = word("no-edns", language);
    }
    if (probe.dont_fragment) params["df"] = "DF";
    if (probe.fragment_size) params["fragment_size"] = *probe.fragment_size;
    if (probe.answer_size) params["answer_size"] = *probe.answer_size;
    if (probe.icmp_mtu) {
        params["icmp_from"] = probe.icmp_from;
        params["icmp_mtu"] = *probe.icmp_mtu;
    }
    if (probe.attempts > 1) params["attempts"] = probe.attempts;
    return fill(word("probe-line", language), params, language);
}

std::vector<std::pair<std::string, std::string>> catalogue_entries(std::string_view table, Language language) {
    const Messages& all = messages(language);
    const Table* chosen = table == "sentences"     ? &all.sentences
                          : table == "titles"      ? &all.titles
                          : table == "cause_names" ? &all.cause_names
                          : table == "fixes"       ? &all.fixes
                          : table == "words"       ? &all.words
                          : table == "values"      ? &all.values
                          : table == "help"        ? &all.help
                                                   : nullptr;
    if (chosen == nullptr) return {};
    return {chosen->begin(), chosen->end()};
}

std::vector<std::string> catalogue_keys() {
    std::vector<std::string> keys;
    for (const auto& [key, text] : english_messages().sentences) keys.push_back(key);
    return keys;
}

}  // namespace dnspath::reports
