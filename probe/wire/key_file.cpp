#include "probe/wire/key_file.h"

#include <openssl/rand.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dnspath::wire {

Result<Bytes> read_key_file(const std::string& path) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) return fail("cannot read key file " + path + ": not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail("cannot read key file " + path);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    auto first = text.find_first_not_of(" \t\r\n");
    auto last = text.find_last_not_of(" \t\r\n");
    if (first == std::string::npos) return fail("key file " + path + " is empty");
    text = text.substr(first, last - first + 1);
    if (text.size() < 16) return fail("key file " + path + " holds under 16 octets: too weak to guard against reflection");
    return Bytes(text.begin(), text.end());
}

Result<void> write_new_key_file(const std::string& path) {
    unsigned char key[32];
    if (RAND_bytes(key, sizeof key) != 1) return fail("keygen: OpenSSL has no randomness");
    if (std::filesystem::exists(path)) return fail("keygen: " + path + " exists; not overwriting a key");
    std::ofstream out(path, std::ios::binary);
    if (!out) return fail("keygen: cannot write " + path);
    out << hex(ByteView(key, sizeof key)) << "\n";
    if (!out.flush()) return fail("keygen: cannot write " + path);
    std::error_code error;
    std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 error);
    return Ok{};
}

}  // namespace dnspath::wire
