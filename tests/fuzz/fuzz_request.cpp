// libFuzzer target: a child run's request read from JSON (`run --request`) on arbitrary bytes —
// no exception escaping; what reads back must write and read again the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "probe/run/run.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto request = dnspath::run::request_from_json(text);
    if (!request) return 0;
    const std::string again = dnspath::run::to_json(*request);
    auto reread = dnspath::run::request_from_json(again);
    if (!reread || dnspath::run::to_json(*reread) != again) std::abort();
    return 0;
}
