#include "probe/wire/name.h"

#include <algorithm>
#include <cctype>

namespace dnspath::wire {
namespace {

constexpr std::size_t kMaxNameOctets = 255;
constexpr std::size_t kMaxLabelOctets = 63;
// A legal name has at most 127 labels, so no honest chain of pointers is longer.
constexpr int kMaxPointerHops = 127;

bool label_equal(const std::string& a, const std::string& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

}  // namespace

Result<Name> Name::parse(std::string_view text) {
    if (text == "." || text.empty()) return Name{};
    std::vector<std::string> labels;
    std::string current;
    std::size_t total = 1;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\') {
            if (i + 1 >= text.size()) return fail("name '" + std::string(text) + "' ends in a lone backslash");
            if (std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
                if (i + 3 >= text.size() ||
                    !std::isdigit(static_cast<unsigned char>(text[i + 2])) ||
                    !std::isdigit(static_cast<unsigned char>(text[i + 3])))
                    return fail("name '" + std::string(text) + "' has a bad \\DDD escape");
                int value = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
                if (value > 255) return fail("name '" + std::string(text) + "' has a \\DDD escape above 255");
                current.push_back(static_cast<char>(value));
                i += 3;
            } else {
                current.push_back(text[++i]);
            }
            continue;
        }
        if (c == '.') {
            if (current.empty()) return fail("name '" + std::string(text) + "' has an empty label");
            if (current.size() > kMaxLabelOctets)
                return fail("name '" + std::string(text) + "' has a label over 63 octets");
            total += current.size() + 1;
            labels.push_back(std::move(current));
            current.clear();
            continue;
        }
        current.push_back(c);
    }
    if (!current.empty()) {
        if (current.size() > kMaxLabelOctets) return fail("name '" + std::string(text) + "' has a label over 63 octets");
        total += current.size() + 1;
        labels.push_back(std::move(current));
    }
    if (total > kMaxNameOctets) return fail("name '" + std::string(text) + "' is over 255 octets");
    return Name(std::move(labels));
}

std::size_t Name::wire_length() const {
    std::size_t total = 1;
    for (const auto& label : labels_) total += label.size() + 1;
    return total;
}

std::string Name::to_string() const {
    if (labels_.empty()) return ".";
    std::string out;
    for (const auto& label : labels_) {
        for (char c : label) {
            auto u = static_cast<unsigned char>(c);
            if (c == '.' || c == '\\' || c == '"' || c == ';' || c == '(' || c == ')' || c == '@' || c == '$') {
                out.push_back('\\');
                out.push_back(c);
            } else if (u <= 0x20 || u >= 0x7f) {
                char buf[5];
                buf[0] = '\\';
                buf[1] = static_cast<char>('0' + u / 100);
                buf[2] = static_cast<char>('0' + (u / 10) % 10);
                buf[3] = static_cast<char>('0' + u % 10);
                buf[4] = 0;
                out += buf;
            } else {
                out.push_back(c);
            }
        }
        out.push_back('.');
    }
    return out;
}

bool Name::equals(const Name& other) const {
    return labels_.size() == other.labels_.size() &&
           std::equal(labels_.begin(), labels_.end(), other.labels_.begin(), label_equal);
}

bool Name::is_subdomain_of(const Name& zone) const {
    if (zone.labels_.size() > labels_.size()) return false;
    return std::equal(zone.labels_.rbegin(), zone.labels_.rend(), labels_.rbegin(), label_equal);
}

Name Name::prepend(std::string label) const {
    std::vector<std::string> labels;
    labels.reserve(labels_.size() + 1);
    labels.push_back(std::move(label));
    labels.insert(labels.end(), labels_.begin(), labels_.end());
    return Name(std::move(labels));
}

std::vector<std::string> Name::relative_to(const Name& zone) const {
    if (!is_subdomain_of(zone)) return {};
    return {labels_.begin(), labels_.end() - static_cast<std::ptrdiff_t>(zone.labels_.size())};
}

std::string Name::lowercase_key() const {
    std::string key;
    for (const auto& label : labels_) {
        key.push_back(static_cast<char>(label.size()));
        for (char c : label) key.push_back(ascii_lower(c));
    }
    return key;
}

WireResult<Name> decode_name(ByteReader& reader) {
    ByteView message = reader.whole();
    std::size_t position = reader.position();
    std::size_t resume_at = 0;  // where the reader continues after the first pointer
    bool jumped = false;
    int hops = 0;
    std::size_t total = 1;
    std::vector<std::string> labels;
    for (;;) {
        if (position >= message.size()) return wire_error(WireErrc::truncated, position);
        std::uint8_t length = message[position];
        if ((length & 0xc0) == 0xc0) {
            if (position + 1 >= message.size()) return wire_error(WireErrc::truncated, position);
            std::size_t target = static_cast<std::size_t>(length & 0x3f) << 8 | message[position + 1];
            if (target >= message.size()) return wire_error(WireErrc::pointer_out_of_range, position);
            // Only strictly backward pointers are accepted: every loop needs a pointer that is not.
            if (target >= position) return wire_error(WireErrc::compression_loop, position);
            if (++hops > kMaxPointerHops) return wire_error(WireErrc::too_many_pointers, position);
            if (!jumped) resume_at = position + 2;
            jumped = true;
            position = target;
            continue;
        }
        if ((length & 0xc0) != 0) return wire_error(WireErrc::bad_label_type, position);
        if (length == 0) {
            if (!jumped) resume_at = position + 1;
            break;
        }
        if (position + 1 + length > message.size()) return wire_error(WireErrc::truncated, position);
        total += length + 1u;
        if (total > kMaxNameOctets) return wire_error(WireErrc::name_too_long, position);
        labels.emplace_back(reinterpret_cast<const char*>(&message[position + 1]), length);
        position += 1u + length;
    }
    ByteReader advanced(message, resume_at);
    reader = advanced;
    return Name(std::move(labels));
}

void CompressionTable::remember(std::string_view key, std::size_t offset) {
    // Pointers have 14 bits; later offsets cannot be targets.
    if (offset < 0x4000) offsets_.emplace(key, offset);
}

bool CompressionTable::find(std::string_view key, std::size_t& offset) const {
    auto it = offsets_.find(key);
    if (it == offsets_.end()) return false;
    offset = it->second;
    return true;
}

void encode_name(ByteWriter& out, const Name& name, CompressionTable* table) {
    const auto& labels = name.labels();
    // Each suffix's key is the tail of the whole name's key (length octet and lowercase label,
    // label after label): one string per name, not one per suffix.
    const std::string key = table != nullptr ? name.lowercase_key() : std::string();
    std::size_t suffix = 0;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (table != nullptr) {
            const std::string_view tail = std::string_view(key).substr(suffix);
            std::size_t offset = 0;
            if (table->find(tail, offset)) {
                out.u16(static_cast<std::uint16_t>(0xc000 | offset));
                return;
            }
            table->remember(tail, out.size());
            suffix += 1 + labels[i].size();
        }
        out.u8(static_cast<std::uint8_t>(labels[i].size()));
        out.bytes(std::string_view(labels[i]));
    }
    out.u8(0);
}

}  // namespace dnspath::wire
