// libFuzzer target: the profile loader (toml++ parsing plus validation) on arbitrary text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "probe/profile/profile.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    (void)dnspath::profile::parse_profile(text, "fuzz.toml");
    return 0;
}
