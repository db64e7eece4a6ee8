// Comparing two runs: each checkpoint × family decided in either, classified worse (a new or
// harder failure, a figure that shrank), better, or changed (other devices or another cause with
// the same status); the per-family figures side by side. Rendered in every format.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "reports/messages.h"

namespace dnspath::reports {
namespace {

// Lower is worse; a checkpoint not measured sits apart from the others.
int health(Status status) { return status == Status::fail ? 0 : status == Status::warn ? 1 : 2; }

std::optional<Direction> direction_of(const std::optional<Verdict>& before, const std::optional<Verdict>& after) {
    const bool measured_before = before && before->status != Status::na;
    const bool measured_after = after && after->status != Status::na;
    if (measured_before && measured_after) {
        if (health(after->status) < health(before->status)) return Direction::worse;
        if (health(after->status) > health(before->status)) return Direction::better;
        if (after->status == Status::pass) return std::nullopt;
        if (model::blamed_devices(*before) != model::blamed_devices(*after) || before->cause.code != after->cause.code)
            return Direction::changed;
        return std::nullopt;
    }
    if (measured_after) return after->status == Status::pass ? Direction::changed : Direction::worse;
    if (measured_before) return Direction::changed;  // no longer measured: nothing to say it broke
    return std::nullopt;
}

void compare_figures(Family family, const FamilySummary& before, const FamilySummary& after, Comparison& out) {
    auto text = [](const std::optional<int>& value) { return value ? std::to_string(*value) : std::string("-"); };
    for (const auto& [name, from, to] : {std::tuple{"largest_udp_answer", before.largest_udp_answer, after.largest_udp_answer},
                                         std::tuple{"path_mtu", before.path_mtu, after.path_mtu}}) {
        if (from == to) continue;
        const Direction direction = from && to && *to < *from   ? Direction::worse
                                    : from && to && *to > *from ? Direction::better
                                                                : Direction::changed;
        out.figures.push_back({family, name, text(from), text(to), direction});
    }
    if (before.nat != after.nat) {
        auto nat = [](const std::optional<bool>& value) { return value ? std::string(*value ? "yes" : "no") : std::string("-"); };
        out.figures.push_back({family, "nat", nat(before.nat), nat(after.nat), Direction::changed});
    }
}

// Each resolver × question asked in either run, when its outcome, rcode or AD differs: worse when
// it was NOERROR with AD before and is not now, better the other way round.
void compare_resolvers(const RunResult& before, const RunResult& after, Comparison& out) {
    std::map<std::pair<std::string, std::string>, std::pair<std::optional<model::ResolverAnswer>, std::optional<model::ResolverAnswer>>>
        sides;
    std::vector<std::pair<std::string, std::string>> order;
    auto add = [&](const RunResult& result, bool first) {
        for (const auto& resolver : result.resolvers)
            for (const auto& answer : resolver.answers) {
                const auto key = std::pair{resolver.name, answer.question};
                if (!sides.count(key)) order.push_back(key);
                (first ? sides[key].first : sides[key].second) = answer;
            }
    };
    add(before, true);
    add(after, false);
    for (const auto& key : order) {
        const auto& [from, to] = sides[key];
        if (from && to && from->outcome == to->outcome && from->rcode == to->rcode && from->authenticated == to->authenticated)
            continue;
        const bool ok_before = from && resolver_answer_ok(*from), ok_after = to && resolver_answer_ok(*to);
        const Direction direction = ok_before && !ok_after ? Direction::worse
                                    : !ok_before && ok_after ? Direction::better
                                                             : Direction::changed;
        out.resolvers.push_back({key.first, key.second, from, to, direction});
    }
}

std::string verdict_text(const std::optional<Verdict>& verdict, Language language) {
    if (!verdict) return "-";
    std::string devices;
    for (const auto& device : model::blamed_devices(*verdict)) devices += (devices.empty() ? "" : "+") + device;
    return word("status:" + std::string(to_string(verdict->status)), language) + (devices.empty() ? "" : " " + devices) +
           ": " + render_cause(*verdict, language);
}

std::string figure_text(const std::string& value, Language language) {
    return value == "yes" || value == "no" ? word(value, language) : value;
}

// One row per change, in words, for every format.
struct Row {
    std::string direction, what, before, after;
    bool worse = false;
};

std::vector<Row> rows_of(const Comparison& comparison, Language language) {
    std::vector<Row> rows;
    auto direction_word = [&](Direction direction) {
        return word(direction == Direction::worse ? "compare:worse" : direction == Direction::better ? "compare:better"
                                                                                                    : "compare:changed",
                    language);
    };
    for (const auto& change : comparison.verdicts)
        rows.push_back({direction_word(change.direction), model::verdict_name({.checkpoint = change.checkpoint, .via = change.via}) + "/" + std::string(to_string(change.family)),
                        verdict_text(change.before, language), verdict_text(change.after, language),
                        change.direction == Direction::worse});
    for (const auto& change : comparison.resolvers) {
        auto side = [&](const std::optional<model::ResolverAnswer>& answer) {
            return answer ? resolver_answer_text(*answer, language) : std::string("-");
        };
        rows.push_back({direction_word(change.direction), change.resolver + " " + question_label(change.question, language),
                        side(change.before), side(change.after), change.direction == Direction::worse});
    }
    for (const auto& figure : comparison.figures)
        rows.push_back({direction_word(figure.direction),
                        std::string(to_string(figure.family)) + " " + word("figure:" + figure.figure, language),
                        figure_text(figure.from, language), figure_text(figure.to, language),
                        figure.direction == Direction::worse});
    return rows;
}

std::string totals_text(const Comparison& comparison, Language language) {
    int counts[3] = {};
    for (const auto& change : comparison.verdicts) ++counts[static_cast<int>(change.direction)];
    for (const auto& figure : comparison.figures) ++counts[static_cast<int>(figure.direction)];
    for (const auto& change : comparison.resolvers) ++counts[static_cast<int>(change.direction)];
    return fill_text(word("compare:totals", language),
                     {{"worse", counts[0]}, {"better", counts[1]}, {"changed", counts[2]}, {"same", comparison.unchanged}},
                     language);
}

std::string escape(std::string_view text) { return escape_markup(text); }

std::string as_json(const Comparison& comparison) {
    nlohmann::ordered_json out{{"before", comparison.before_name}, {"after", comparison.after_name},
                               {"worse", comparison.worse()}, {"unchanged", comparison.unchanged}};
    auto name = [](Direction d) { return d == Direction::worse ? "worse" : d == Direction::better ? "better" : "changed"; };
    auto side = [](const std::optional<Verdict>& verdict) -> nlohmann::ordered_json {
        if (!verdict) return nullptr;
        return {{"status", to_string(verdict->status)}, {"devices", model::blamed_devices(*verdict)},
                {"cause", {{"code", to_string(verdict->cause.code)}, {"params", verdict->cause.params}}}};
    };
    out["verdicts"] = nlohmann::ordered_json::array();
    for (const auto& change : comparison.verdicts)
        out["verdicts"].push_back({{"checkpoint", model::to_string(change.checkpoint)}, {"family", to_string(change.family)},
                                   {"via", to_string(change.via)},
                                   {"change", name(change.direction)}, {"before", side(change.before)},
                                   {"after", side(change.after)}});
    out["resolvers"] = nlohmann::ordered_json::array();
    auto answer = [](const std::optional<model::ResolverAnswer>& a) -> nlohmann::ordered_json {
        if (!a) return nullptr;
        return {{"outcome", a->outcome}, {"rcode", a->rcode ? nlohmann::ordered_json(*a->rcode) : nullptr}, {"ad", a->authenticated}};
    };
    for (const auto& change : comparison.resolvers)
        out["resolvers"].push_back({{"resolver", change.resolver}, {"question", change.question},
                                    {"change", name(change.direction)}, {"before", answer(change.before)},
                                    {"after", answer(change.after)}});
    out["figures"] = nlohmann::ordered_json::array();
    for (const auto& figure : comparison.figures)
        out["figures"].push_back({{"family", to_string(figure.family)}, {"figure", figure.figure}, {"from", figure.from},
                                  {"to", figure.to}, {"change", name(figure.direction)}});
    return out.dump(2) + "\n";
}

}  // namespace

bool Comparison::worse() const {
    return std::any_of(verdicts.begin(), verdicts.end(), [](const auto& c) { return c.direction == Direction::worse; }) ||
           std::any_of(figures.begin(), figures.end(), [](const auto& f) { return f.direction == Direction::worse; }) ||
           std::any_of(resolvers.begin(), resolvers.end(), [](const auto& r) { return r.direction == Direction::worse; });
}

Comparison compare(const RunResult& before, const RunResult& after, std::string before_name, std::string after_name) {
    Comparison out{std::move(before_name), std::move(after_name), {}, {}, {}, 0};
    using Key = std::tuple<model::Checkpoint, int, int>;
    std::map<Key, std::pair<std::optional<Verdict>, std::optional<Verdict>>> sides;
    const auto key_of = [](const Verdict& v) { return Key{v.checkpoint, static_cast<int>(v.family), static_cast<int>(v.via)}; };
    for (const auto& verdict : before.verdicts) sides[key_of(verdict)].first = verdict;
    for (const auto& verdict : after.verdicts) sides[key_of(verdict)].second = verdict;
    for (auto& [key, pair] : sides) {
        auto direction = direction_of(pair.first, pair.second);
        if (!direction) {
            ++out.unchanged;
            continue;
        }
        const Verdict& any = pair.second ? *pair.second : *pair.first;
        out.verdicts.push_back({any.checkpoint, any.family, any.via, std::move(pair.first), std::move(pair.second), *direction});
    }
    std::stable_sort(out.verdicts.begin(), out.verdicts.end(),
                     [](const VerdictChange& a, const VerdictChange& b) { return a.direction < b.direction; });
    compare_figures(Family::ipv4, before.ipv4, after.ipv4, out);
    compare_figures(Family::ipv6, before.ipv6, after.ipv6, out);
    compare_resolvers(before, after, out);
    return out;
}

std::string render_comparison(const Comparison& comparison, Format format, const TextOptions& options) {
    const Language language = options.language;
    if (format == Format::json) return as_json(comparison);
    const auto rows = rows_of(comparison, language);
    const std::string heading = fill_text(word("compare:heading", language),
                                          {{"old", comparison.before_name}, {"new", comparison.after_name}}, language);
    std::ostringstream out;
    if (format == Format::junit) {
        int failures = 0;
        for (const auto& row : rows) failures += row.worse;
        out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dnspath compare\">\n  <testsuite name=\""
            << escape(heading) << "\" tests=\"" << std::max<std::size_t>(rows.size(), 1) << "\" failures=\"" << failures << "\" errors=\"0\" skipped=\"0\">\n";
        // No change is one passing case, not an empty suite (some CI servers refuse tests="0").
        if (rows.empty()) out << "    <testcase classname=\"dnspath.compare\" name=\"unchanged\"/>\n";
        for (const auto& row : rows) {
            out << "    <testcase classname=\"dnspath.compare\" name=\"" << escape(row.what) << "\"";
            if (!row.worse) out << "><system-out>" << escape(row.before + " → " + row.after) << "</system-out></testcase>\n";
            else out << "><failure type=\"worse\" message=\"" << escape(row.after) << "\">" << escape(row.before) << "</failure></testcase>\n";
        }
        out << "  </testsuite>\n</testsuites>\n";
        return out.str();
    }
    if (format == Format::html) {
        out << "<!DOCTYPE html>\n<html lang=\"" << to_string(language) << "\"><head><meta charset=\"utf-8\"><title>"
            << escape(heading) << "</title><style>body{font-family:system-ui,'Noto Sans CJK JP',sans-serif;margin:24px}"
            << "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e0e0e0;padding:6px 8px;"
            << "text-align:left;vertical-align:top}.worse{color:#c62828;font-weight:bold}h1,td{overflow-wrap:anywhere}th,.id{white-space:nowrap}"
            << "</style></head><body>\n<h1>"
            << escape(heading) << "</h1>\n<p>" << escape(totals_text(comparison, language)) << "</p>\n<table><tr><th>"
            << escape(word("column:change", language)) << "</th><th>" << escape(word("column:checkpoint", language))
            << "</th><th>" << escape(word("column:before", language)) << "</th><th>" << escape(word("column:after", language))
            << "</th></tr>\n";
        for (const auto& row : rows)
            out << "<tr><td class=\"id" << (row.worse ? " worse" : "") << "\">" << escape(row.direction)
                << "</td><td class=\"id\">" << escape(row.what) << "</td><td>" << escape(row.before) << "</td><td>"
                << escape(row.after) << "</td></tr>\n";
        out << "</table></body></html>\n";
        return out.str();
    }
    const bool md = format == Format::md;
    out << (md ? "# " : "") << heading << "\n\n" << totals_text(comparison, language) << "\n";
    if (rows.empty()) return out.str() + "\n" + word("compare:none", language) + "\n";
    out << "\n";
    for (const auto& row : rows) {
        if (md) {
            out << "- **" << row.direction << "** `" << row.what << "`: " << row.before << " → " << row.after << "\n";
        } else {
            out << "  " << row.direction << "  " << row.what << "\n    - " << wrap(row.before, 6, options.width) << "\n    + "
                << wrap(row.after, 6, options.width) << "\n";
        }
    }
    return out.str();
}

}  // namespace dnspath::reports
