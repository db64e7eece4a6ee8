// What real resolvers experienced behind the path (`run --resolver`): one line per resolver, one
// cell per question, and the consequence in one sentence. Every word comes from the catalogue;
// the resolvers' names, rcodes and EDE codes are data.
#include <algorithm>
#include <cstdio>

#include "probe/wire/wire.h"
#include "reports/messages.h"

namespace dnspath::reports {
namespace {

std::string duration_text(double ms, Language language) {
    char figure[32];
    if (ms < 1000) std::snprintf(figure, sizeof figure, "%.0f", ms);
    else std::snprintf(figure, sizeof figure, "%.1f", ms / 1000);
    return fill_text(word(ms < 1000 ? "duration-ms" : "duration-s", language), {{"n", figure}}, language);
}

bool validated(const model::ResolverAnswer& answer) {
    return answer.outcome == model::Outcome::answer && answer.rcode.value_or(-1) == 0 && answer.authenticated;
}

// "AD, 3 ms", "SERVFAIL EDE 22, 5.1 s", "no answer (timeout), 12 s".
std::string cell_text(const model::ResolverAnswer& answer, Language language) {
    model::Params params{{"time", duration_text(answer.ms, language)}};
    std::string key;
    if (answer.outcome != model::Outcome::answer) {
        key = "resolver-silent";
        params["outcome"] = value_word(std::string(to_string(answer.outcome)), language);
    } else if (validated(answer)) {
        key = "resolver-validated";
    } else {
        key = answer.rcode.value_or(-1) == 0 ? "resolver-unvalidated" : "resolver-rcode";
        std::string rcode = answer.rcode ? wire::rcode_name(static_cast<std::uint16_t>(*answer.rcode)) : "-";
        for (const auto& error : answer.errors) rcode += " EDE " + std::to_string(error.code);
        params["rcode"] = rcode;
    }
    // Whether the stub's own query went over TCP is not the path's business: it is not shown.
    return fill_text(word(key, language), params, language);
}

}  // namespace

std::string resolver_answer_text(const model::ResolverAnswer& answer, Language language) { return cell_text(answer, language); }
bool resolver_answer_ok(const model::ResolverAnswer& answer) { return validated(answer); }

std::string question_label(const std::string& role, Language language) {
    const std::string key = "question:" + role;
    const std::string label = word(key, language);
    return label == key ? role : label;
}

ResolverBlock resolver_block(const RunResult& result, Language language) {
    ResolverBlock block;
    if (result.resolvers.empty()) return block;
    block.heading = word("resolvers", language);
    std::vector<std::string> failed_questions;
    std::size_t failed = 0;
    for (const auto& resolver : result.resolvers) {
        ResolverRow row{resolver.name, resolver.address, "", Status::pass, {}};
        if (resolver.self_rcode) row.self = *resolver.self_rcode + (resolver.self_resinfo ? ": " + *resolver.self_resinfo : "");
        for (const auto& answer : resolver.answers) {
            const bool ok = validated(answer);
            row.cells.push_back({question_label(answer.question, language), cell_text(answer, language),
                                 ok ? Status::pass : Status::fail, answer.errors});
            if (!ok) {
                row.status = Status::fail;
                const auto label = question_label(answer.question, language);
                if (std::find(failed_questions.begin(), failed_questions.end(), label) == failed_questions.end())
                    failed_questions.push_back(label);
            }
        }
        if (row.status == Status::fail) ++failed;
        block.rows.push_back(std::move(row));
    }
    block.status = failed == 0 ? Status::pass : Status::fail;
    // In the order the questions are asked, whichever resolver failed first.
    auto rank = [&](const std::string& label) {
        int index = 0;
        for (const char* role : {"dnskey", "small", "s1000", "s3000"}) {
            if (question_label(role, language) == label) return index;
            ++index;
        }
        return index;
    };
    std::stable_sort(failed_questions.begin(), failed_questions.end(),
                     [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
    std::string questions;
    for (const auto& label : failed_questions) questions += (questions.empty() ? "" : ", ") + label;
    block.consequence = fill_text(word(failed == 0 ? "resolvers-all-validated" : "resolvers-failed", language),
                                  {{"failed", failed}, {"total", result.resolvers.size()}, {"questions", questions}}, language);
    if (result.interrupted && std::any_of(result.resolvers.begin(), result.resolvers.end(),
                                          [](const auto& r) { return r.answers.size() < 4; }))
        block.consequence += " " + word("resolvers-interrupted", language);
    return block;
}

}  // namespace dnspath::reports
