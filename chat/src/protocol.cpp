#include "livegate/chat/protocol.h"

#include <algorithm>
#include <cctype>

#include "livegate/chat/utf8.h"
#include "livegate/common/stream_id.h"

namespace livegate::chat {

namespace {

using nlohmann::json;

ProtocolError err(std::string code, std::string message, std::string key = {}) {
  return ProtocolError{std::move(code), std::move(message), std::move(key)};
}

// Reads an optional string field; a present field of another type is an error.
std::optional<ProtocolError> optional_string(const json& j, const char* field, std::string& out) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return err("bad_field", std::string(field) + " must be a string");
  out = it->get<std::string>();
  return std::nullopt;
}

bool valid_key(std::string_view key) {
  return key.size() >= 8 && key.size() <= 64 &&
         std::all_of(key.begin(), key.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
         });
}

// Trims ASCII whitespace at both ends; chat lines of only spaces count as empty.
std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

ParseResult parse_hello(const json& j, const ProtocolLimits& limits) {
  Hello h;
  if (auto e = optional_string(j, "name", h.name)) return *e;
  if (auto e = optional_string(j, "resume_from", h.resume_from)) return *e;
  if (auto e = optional_string(j, "token", h.token)) return *e;
  h.name = trim(h.name);
  if (!h.name.empty()) {
    auto len = utf8_length(h.name);
    if (!len) return err("bad_utf8", "name is not valid UTF-8");
    if (*len > limits.max_name_chars) {
      return err("too_long", "name is longer than " + std::to_string(limits.max_name_chars) +
                                 " characters");
    }
  }
  if (!h.resume_from.empty() && !parse_stream_id(h.resume_from)) {
    return err("bad_resume", "resume_from must be a chat id like 1700000000000-0");
  }
  return ClientMessage{std::move(h)};
}

ParseResult parse_chat(const json& j, const ProtocolLimits& limits) {
  auto it = j.find("text");
  if (it == j.end() || !it->is_string()) return err("bad_field", "chat needs a text string");
  std::string text = trim(it->get<std::string>());
  if (text.empty()) return err("empty", "chat text is empty");
  auto len = utf8_length(text);
  if (!len) return err("bad_utf8", "chat text is not valid UTF-8");
  if (*len > limits.max_text_chars) {
    return err("too_long",
               "chat text is longer than " + std::to_string(limits.max_text_chars) + " characters");
  }
  return ClientMessage{ChatLine{std::move(text)}};
}

ParseResult parse_buy(const json& j) {
  Buy b;
  auto key = j.find("key");
  if (key != j.end() && key->is_string()) b.key = key->get<std::string>();
  if (!valid_key(b.key)) {
    return err("bad_key", "buy needs a key of 8-64 letters, digits, '-' or '_'");
  }
  auto sku = j.find("sku");
  if (sku == j.end() || !sku->is_string() || sku->get<std::string>().empty() ||
      sku->get<std::string>().size() > 64) {
    return err("unknown_sku", "buy needs a sku", b.key);
  }
  b.sku = sku->get<std::string>();
  auto qty = j.find("qty");
  if (qty != j.end()) {
    // 2.0 is accepted as 2; 1.5, "1", true and negatives are not quantities.
    if (!qty->is_number() || qty->is_boolean()) return err("bad_qty", "qty must be a whole number", b.key);
    if (qty->is_number_float()) {
      double d = qty->get<double>();
      if (d != static_cast<double>(static_cast<int64_t>(d))) {
        return err("bad_qty", "qty must be a whole number", b.key);
      }
    }
    if (qty->is_number_unsigned() && qty->get<uint64_t>() > 1'000'000) {
      return err("bad_qty", "qty is too large", b.key);
    }
    b.qty = qty->is_number_float() ? static_cast<int64_t>(qty->get<double>()) : qty->get<int64_t>();
    if (b.qty < 1) return err("bad_qty", "qty must be at least 1", b.key);
  }
  return ClientMessage{std::move(b)};
}

}  // namespace

ParseResult parse_client_message(std::string_view frame, const ProtocolLimits& limits) {
  json j = json::parse(frame, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return err("bad_json", "the frame is not valid JSON");
  if (!j.is_object()) return err("bad_json", "the frame must be a JSON object");
  auto type = j.find("type");
  if (type == j.end() || !type->is_string()) return err("bad_type", "the frame needs a string type");
  const std::string& t = type->get_ref<const std::string&>();
  if (t == "hello") return parse_hello(j, limits);
  if (t == "chat") return parse_chat(j, limits);
  if (t == "buy") return parse_buy(j);
  if (t == "ping") return ClientMessage{Ping{}};
  return err("unknown_type", "unknown message type '" + t.substr(0, 32) + "'");
}

std::string error_frame(const ProtocolError& e) {
  nlohmann::json j = {{"type", "error"}, {"code", e.code}, {"message", e.message}};
  if (!e.key.empty()) j["key"] = e.key;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string pong_frame() { return R"({"type":"pong"})"; }

}  // namespace livegate::chat
