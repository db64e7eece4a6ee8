// libFuzzer target: what the probe reads back from an answer that crossed the path — the
// responder's echo TXT (key=value strings, typed into model::Echo) and the probe name scheme of the
// question. A middlebox may mangle either; neither may crash, hang or throw.
#include <cstddef>
#include <cstdint>

#include "probe/engine/session.h"
#include "probe/wire/wire.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dnspath;
    const wire::ByteView input(data, size);
    if (auto message = wire::decode(input)) {
        const auto echo = probe::parse_echo(*message);
        for (const auto& [key, value] : echo) (void)probe::echo_number(value), (void)probe::answer_trace_hop(value);
        (void)probe::echo_value(echo, "src");
        (void)probe::typed_echo(*message);
        static const auto zone = wire::Name::parse("probe.dnspath.test").value();
        for (const auto& question : message->questions) (void)wire::parse_probe_name(question.name, zone);
    }
    // The raw bytes as one echo string too (the TXT string's contents reach echo_number as they are).
    (void)probe::echo_number(std::string_view(reinterpret_cast<const char*>(data), size));
    (void)probe::answer_trace_hop(std::string(reinterpret_cast<const char*>(data), size));
    return 0;
}
