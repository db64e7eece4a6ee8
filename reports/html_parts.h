// The HTML report's pictures, each an inline SVG or a small table drawn from the result alone.
// Internal to reports/: html.cpp puts them on the page.
#pragma once

#include <string>

#include "reports/messages.h"

namespace dnspath::reports {

// The probed path twice — across for wide windows, down for narrow ones (CSS picks) — with the
// guilty devices marked, the taps as dots, both targets, and a legend.
std::string html_path_diagram(const RunResult& result, Language language);
// The answer-size ladder: one row per family, transport, buffer size and DO, so no marker hides another.
std::string html_size_chart(const RunResult& result, Language language);
// Queries per second through the device and without it, per family.
std::string html_load_chart(const RunResult& result, Language language);
// One row per family: largest UDP answer, path MTU, NAT, load.
std::string html_family_summary(const RunResult& result, Language language);

// Shared by the parts: markup escaping and a fixed-precision number.
std::string html_escape(std::string_view text);
std::string html_number(double value, int decimals = 0);
// `text` cut to `columns` display columns with an ellipsis (names in boxes of fixed width).
std::string shorten(const std::string& text, std::size_t columns);

}  // namespace dnspath::reports
