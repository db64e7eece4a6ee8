#include "probe/wire/key_file.h"
#include "probe/wire/file.h"

#include <openssl/rand.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace dnspath::wire {

Result<Bytes> read_key_file(const std::string& path) {
    auto read = read_regular_file(path, 4096);  // a key is 64 hex digits; 4 KiB bounds the read
    if (!read) return fail("cannot read key file: " + read.error().message);
    std::string text = std::move(read).value();
    auto first = text.find_first_not_of(" \t\r\n");
    auto last = text.find_last_not_of(" \t\r\n");
    if (first == std::string::npos) return fail("key file " + path + " is empty");
    text = text.substr(first, last - first + 1);
    if (text.size() < 16) return fail("key file " + path + " holds under 16 octets: too weak to guard against reflection");
    // A key is text (keygen writes hex): binary bytes mean the wrong file was given.
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7f; }))
        return fail("key file " + path + " is not a key: a key is one line of printable characters (dnspath keygen)");
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
