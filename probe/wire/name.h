// Domain names: decoding with compression (guarded against loops), encoding, presentation format.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "probe/wire/bytes.h"

namespace dnspath::wire {

// DNS compares names case-insensitively in ASCII only (RFC 4343): octets above 0x7f are never
// folded, whatever the C locale says, and no locale is consulted per octet.
constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

// A domain name as its labels, root-relative ("www", "example", "jp"). The root has no labels.
class Name {
public:
    Name() = default;
    explicit Name(std::vector<std::string> labels) : labels_(std::move(labels)) {}

    // Parses presentation format ("a.example.", "a\.b.example", "\065bc"); a trailing dot is optional.
    static Result<Name> parse(std::string_view text);

    const std::vector<std::string>& labels() const { return labels_; }
    bool is_root() const { return labels_.empty(); }
    std::size_t wire_length() const;  // uncompressed octets, including the root label
    std::string to_string() const;    // presentation format with the trailing dot

    // Case-insensitive comparisons, as DNS compares names.
    bool equals(const Name& other) const;
    bool is_subdomain_of(const Name& zone) const;  // true also when equal
    Name prepend(std::string label) const;
    // The labels before `zone`, which must be a suffix (checked by is_subdomain_of).
    std::vector<std::string> relative_to(const Name& zone) const;
    std::string lowercase_key() const;

    friend bool operator==(const Name& a, const Name& b) { return a.equals(b); }

private:
    std::vector<std::string> labels_;
};

// Decodes a name at the reader's position; `reader.whole()` is the message pointers refer to.
WireResult<Name> decode_name(ByteReader& reader);

// Remembers where name suffixes were written, so later names can point at them.
class CompressionTable {
public:
    void remember(std::string_view key, std::size_t offset);
    bool find(std::string_view key, std::size_t& offset) const;

private:
    // Looked up by string_view (a suffix of a name's key), so a lookup builds no string.
    struct KeyHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
    };
    std::unordered_map<std::string, std::size_t, KeyHash, std::equal_to<>> offsets_;
};

// Writes `name`; with a table, compresses against earlier names and records the new suffixes.
void encode_name(ByteWriter& out, const Name& name, CompressionTable* table);

}  // namespace dnspath::wire
