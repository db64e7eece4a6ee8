// libFuzzer target: reading a result.json back (report, analyze --result) on arbitrary bytes —
// every field checked, no exception escaping; what reads back must write and read again the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "reports/report.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto result = dnspath::reports::parse_json(text, "fuzz.json");
    if (!result) return 0;
    // A result that reads is rendered (every sentence filled from fuzzed parameters) and written.
    (void)dnspath::reports::render_text(*result, {false, 60, false});
    (void)dnspath::reports::render_html(*result);
    const std::string again = dnspath::reports::to_json(*result);
    auto reread = dnspath::reports::parse_json(again, "again.json");
    if (!reread || dnspath::reports::to_json(*reread) != again) std::abort();
    return 0;
}
