// The key file both ends of a run share: the HMAC key of the probe-name token (probe_name.h).
#pragma once

#include <string>

#include "probe/wire/bytes.h"
#include "probe/wire/result.h"

namespace dnspath::wire {

// Reads a key file: its bytes, less surrounding whitespace; under 16 octets is an error.
Result<Bytes> read_key_file(const std::string& path);
// Writes 256 random bits as hex, owner-readable only; refuses to overwrite an existing file.
Result<void> write_new_key_file(const std::string& path);

}  // namespace dnspath::wire
