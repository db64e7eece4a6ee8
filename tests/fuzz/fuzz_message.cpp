// libFuzzer target: the DNS decoder, the encoder on whatever decoded, the TSIG verifier (as the
// probe checks an answer, over a request MAC) and the responder's answer logic (which verifies a
// query's TSIG) on the same bytes. None of them may crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>

#include "probe/responder/answer.h"
#include "probe/wire/wire.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace dnspath;
    wire::ByteView input(data, size);
    auto message = wire::decode(input);
    if (message) {
        auto bytes = wire::encode(*message);
        // What we encode, we must decode again.
        if (bytes && !wire::decode(*bytes)) __builtin_trap();
    }
    static const auto tsig_key = wire::tsig_key_from(wire::Bytes(32, 1));
    static const wire::Bytes request_mac(32, 7);
    (void)wire::tsig_verify(input, tsig_key, 1'800'000'000, request_mac);
    static const responder::AnswerConfig config = [] {
        responder::AnswerConfig answers{wire::Name::parse("probe.dnspath.test").value(), wire::Bytes(32, 1)};
        answers.tsig = wire::tsig_key_from(answers.key);
        return answers;
    }();
    (void)responder::answer_query(input, {"198.18.0.1", 1234, size % 2 == 0}, config);
    return 0;
}
