// The standards items as every human format shows them: one row per item the run touched, its
// status and, when nothing exercised it, why (with the largest answer, for the size items). Read
// from result.standards alone, as the findings' failed items are.
#include "reports/messages.h"

namespace dnspath::reports {

StandardsBlock standards_block(const RunResult& result, Language language) {
    StandardsBlock block;
    if (result.standards.empty()) return block;
    block.heading = word("section:standards", language);
    for (int rank = 0; rank < 4; ++rank)
        for (const auto& entry : result.standards) {
            if (status_rank(entry.status) != rank) continue;
            StandardsRow row{item_title(entry.item, language), entry.status, ""};
            model::Params params = model::Params::object();
            if (entry.largest) params["largest"] = fill_text(word("octets", language), {{"n", *entry.largest}}, language);
            if (entry.why) row.note = fill_text(word("standard-why:" + *entry.why, language), params, language);
            else if (entry.largest) row.note = fill_text(word("standard-largest", language), params, language);
            block.rows.push_back(std::move(row));
        }
    return block;
}

std::string standards_text(const RunResult& result, Language language, std::size_t width) {
    const auto block = standards_block(result, language);
    if (block.rows.empty()) return "";
    std::string out = block.heading + "\n";
    std::size_t passed = 0;
    for (const auto& row : block.rows) {
        if (row.status == Status::pass && row.note.empty()) {
            ++passed;
            continue;
        }
        std::string line = word("status:" + std::string(to_string(row.status)), language) + "  " + row.title;
        if (!row.note.empty()) line += " — " + row.note;
        out += "  " + wrap(line, 4, width) + "\n";
    }
    if (passed > 0) out += "  " + fill_text(word("standards-passed", language), {{"n", passed}}, language) + "\n";
    return out + "\n";
}

}  // namespace dnspath::reports
