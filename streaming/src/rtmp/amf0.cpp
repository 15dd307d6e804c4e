#include "amf0.h"

#include <bit>
#include <cstring>

namespace livegate::streaming::rtmp {

namespace {

enum Marker : uint8_t {
  kNumber = 0x00,
  kBoolean = 0x01,
  kString = 0x02,
  kObject = 0x03,
  kNull = 0x05,
  kUndefined = 0x06,
  kEcmaArray = 0x08,
  kObjectEnd = 0x09,
  kStrictArray = 0x0A,
  kLongString = 0x0C,
};

constexpr int kMaxDepth = 16;
constexpr size_t kMaxElements = 4096;

class Reader {
 public:
  explicit Reader(std::string_view d) : d_(d) {}
  bool done() const { return pos_ >= d_.size(); }

  bool u8(uint8_t& v) {
    if (pos_ + 1 > d_.size()) return false;
    v = static_cast<uint8_t>(d_[pos_++]);
    return true;
  }
  bool u16(uint16_t& v) {
    if (pos_ + 2 > d_.size()) return false;
    v = static_cast<uint16_t>((static_cast<uint8_t>(d_[pos_]) << 8) | static_cast<uint8_t>(d_[pos_ + 1]));
    pos_ += 2;
    return true;
  }
  bool u32(uint32_t& v) {
    if (pos_ + 4 > d_.size()) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(d_[pos_ + i]);
    pos_ += 4;
    return true;
  }
  bool bytes(size_t n, std::string& out) {
    if (n > d_.size() - pos_) return false;
    out.assign(d_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool number(double& out) {
    if (pos_ + 8 > d_.size()) return false;
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = (bits << 8) | static_cast<uint8_t>(d_[pos_ + i]);
    pos_ += 8;
    out = std::bit_cast<double>(bits);
    return true;
  }

  bool value(Amf0Value& out, int depth) {
    if (depth > kMaxDepth) return false;
    uint8_t marker;
    if (!u8(marker)) return false;
    switch (marker) {
      case kNumber: {
        double d;
        if (!number(d)) return false;
        out.v = d;
        return true;
      }
      case kBoolean: {
        uint8_t b;
        if (!u8(b)) return false;
        out.v = b != 0;
        return true;
      }
      case kString: {
        uint16_t len;
        std::string s;
        if (!u16(len) || !bytes(len, s)) return false;
        out.v = std::move(s);
        return true;
      }
      case kLongString: {
        uint32_t len;
        std::string s;
        if (!u32(len) || !bytes(len, s)) return false;
        out.v = std::move(s);
        return true;
      }
      case kNull:
        out.v = Amf0Null{};
        return true;
      case kUndefined:
        out.v = Amf0Undefined{};
        return true;
      case kEcmaArray: {
        uint32_t ignored_count;  // advisory only; the end marker decides
        if (!u32(ignored_count)) return false;
        [[fallthrough]];
      }
      case kObject: {
        Amf0Object obj;
        while (true) {
          uint16_t key_len;
          std::string key;
          if (!u16(key_len) || !bytes(key_len, key)) return false;
          if (key_len == 0) {
            uint8_t end;
            if (!u8(end) || end != kObjectEnd) return false;
            break;
          }
          if (obj.size() >= kMaxElements) return false;
          Amf0Value member;
          if (!value(member, depth + 1)) return false;
          obj.push_back({std::move(key), std::move(member)});
        }
        out.v = std::move(obj);
        return true;
      }
      case kStrictArray: {
        uint32_t count;
        if (!u32(count) || count > kMaxElements) return false;
        Amf0Array arr;
        for (uint32_t i = 0; i < count; ++i) {
          Amf0Value item;
          if (!value(item, depth + 1)) return false;
          arr.push_back(std::move(item));
        }
        out.v = std::move(arr);
        return true;
      }
      default:
        return false;  // references, dates, XML, AMF3 switch: publishers do not send them
    }
  }

 private:
  std::string_view d_;
  size_t pos_ = 0;
};

void put_u16(std::string& out, uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xff);
}

void put_key(std::string& out, const std::string& key) {
  put_u16(out, static_cast<uint16_t>(std::min<size_t>(key.size(), 0xffff)));
  out.append(key, 0, std::min<size_t>(key.size(), 0xffff));
}

}  // namespace

const Amf0Value* Amf0Value::get(std::string_view key) const {
  const Amf0Object* obj = object();
  if (!obj) return nullptr;
  for (const auto& [k, v] : *obj) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::optional<std::vector<Amf0Value>> amf0_decode_all(std::string_view data) {
  Reader r(data);
  std::vector<Amf0Value> values;
  while (!r.done()) {
    if (values.size() >= kMaxElements) return std::nullopt;
    Amf0Value v;
    if (!r.value(v, 0)) return std::nullopt;
    values.push_back(std::move(v));
  }
  return values;
}

void amf0_encode(const Amf0Value& value, std::string& out) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, double>) {
          out += static_cast<char>(kNumber);
          const auto bits = std::bit_cast<uint64_t>(v);
          for (int i = 7; i >= 0; --i) out += static_cast<char>((bits >> (8 * i)) & 0xff);
        } else if constexpr (std::is_same_v<T, bool>) {
          out += static_cast<char>(kBoolean);
          out += static_cast<char>(v ? 1 : 0);
        } else if constexpr (std::is_same_v<T, std::string>) {
          out += static_cast<char>(kString);
          put_key(out, v);
        } else if constexpr (std::is_same_v<T, Amf0Object>) {
          out += static_cast<char>(kObject);
          for (const auto& [k, member] : v) {
            put_key(out, k);
            amf0_encode(member, out);
          }
          out += std::string("\0\0", 2);
          out += static_cast<char>(kObjectEnd);
        } else if constexpr (std::is_same_v<T, Amf0Array>) {
          out += static_cast<char>(kStrictArray);
          const auto n = static_cast<uint32_t>(v.size());
          for (int i = 3; i >= 0; --i) out += static_cast<char>((n >> (8 * i)) & 0xff);
          for (const auto& item : v) amf0_encode(item, out);
        } else if constexpr (std::is_same_v<T, Amf0Null>) {
          out += static_cast<char>(kNull);
        } else {
          out += static_cast<char>(kUndefined);
        }
      },
      value.v);
}

}  // namespace livegate::streaming::rtmp
