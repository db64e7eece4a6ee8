// The head of a `dnspath diagnose` report: what was asked, and the first finding with its manual
// item, whether the path, the zone or the resolver is at fault, its sentence and the remedy.
#include "reports/messages.h"

namespace dnspath::reports {

DiagnosisHead diagnosis_head(const RunResult& result, Language language) {
    DiagnosisHead head;
    const auto& diagnosis = *result.diagnosis;
    model::Params asked{{"name", diagnosis.name}};
    for (const auto& [key, value] : {std::pair{"server", diagnosis.server}, {"parent", diagnosis.parent}, {"resolver", diagnosis.resolver}})
        if (!value.empty()) asked[key] = value;
    if (diagnosis.symptom) asked["symptom"] = *diagnosis.symptom;
    head.asked = fill_text(word("diagnosis", language), asked, language);
    for (auto status : {Status::fail, Status::warn})
        for (const auto& verdict : result.verdicts)
            if (head.first == nullptr && verdict.status == status) head.first = &verdict;
    if (head.first == nullptr) {
        head.headline = word("no-finding", language);
        return head;
    }
    const auto& params = head.first->cause.params;
    const std::string item = params.contains("item") && params["item"].is_string() ? params["item"].get<std::string>() : "";
    const std::string fault = params.contains("fault") && params["fault"].is_string() ? params["fault"].get<std::string>() : "";
    // "scenario-1" reads as the manual names it: "JPRS scenario 1".
    const std::string cited = item.rfind("scenario-", 0) == 0 ? "scenario " + item.substr(9) : item;
    head.headline = fill_text(word("first-finding", language),
                              {{"item", item_name("JPRS " + cited, language)}, {"fault", word("fault:" + fault, language)}},
                              language);
    const std::string checkpoint(model::to_string(head.first->checkpoint));
    head.sentence = render_cause(*head.first, language) + " [" + checkpoint + "]";
    const auto& fixes = messages(language).fixes;
    auto fix = fixes.find(checkpoint + ":" + std::string(to_string(head.first->cause.code)));
    if (fix == fixes.end()) fix = fixes.find(to_string(head.first->cause.code));
    if (fix != fixes.end()) head.fix = fill_text(fix->second, params, language);
    head.stopped = diagnosis.stopped_at && !result.verdicts.empty() && result.verdicts.back().checkpoint == *diagnosis.stopped_at;
    return head;
}

}  // namespace dnspath::reports
