#include "livegate/chat/protocol.h"

#include <algorithm>
#include <cctype>

#include "livegate/chat/utf8.h"
#include "livegate/common/json_fields.h"
#include "livegate/common/people_text.h"
#include "livegate/common/shop_ids.h"
#include "livegate/common/stream_id.h"

namespace livegate::chat {

namespace {

using nlohmann::json;

ProtocolError err(std::string code, std::string message, std::string key = {}) {
  return ProtocolError{std::move(code), std::move(message), std::move(key)};
}

// A field of the wrong type, as the client hears it.
ProtocolError field_error(const JsonFields& f, std::string key = {}) { return err("bad_field", f.error(), std::move(key)); }

bool valid_key(std::string_view key) {
  return key.size() >= 8 && key.size() <= 64 &&
         std::all_of(key.begin(), key.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
         });
}

ParseResult parse_hello(const json& j, const ProtocolLimits& limits) {
  Hello h;
  JsonFields f(j, {}, "a message");
  h.name = f.string("name").value_or("");
  h.resume_from = f.string("resume_from").value_or("");
  h.token = f.string("token").value_or("");
  h.guest = f.string("guest").value_or("");
  if (!f.ok()) return field_error(f);
  if (!h.guest.empty() && !valid_key(h.guest)) {
    return err("bad_field", "guest must be 8-64 letters, digits, '-' or '_'");
  }
  if (h.token.size() > 4096) return err("bad_token", "token is too long");
  if (!h.name.empty()) {
    if (!utf8_length(h.name)) return err("bad_utf8", "name is not valid UTF-8");
    // Others read the name: NFC, no control or bidi characters, something visible.
    h.name = clean_people_text(h.name);
    if (auto problem = display_name_problem(h.name, limits.max_name_chars)) {
      const bool long_name = problem->starts_with("is longer");
      return err(long_name ? "too_long" : "bad_name", "name " + *problem);
    }
  }
  if (!h.resume_from.empty() && !parse_stream_id(h.resume_from)) {
    return err("bad_resume", "resume_from must be a chat id like 1700000000000-0");
  }
  return ClientMessage{std::move(h)};
}

// The text of a chat line or question: trimmed, non-empty, valid UTF-8, within the limit.
std::variant<std::string, ProtocolError> parse_text(const json& j, const char* what,
                                                    const ProtocolLimits& limits) {
  auto it = j.find("text");
  if (it == j.end() || !it->is_string()) return err("bad_field", std::string(what) + " needs a text string");
  const std::string& raw = it->get_ref<const std::string&>();
  if (!utf8_length(raw)) return err("bad_utf8", std::string(what) + " text is not valid UTF-8");
  // What every viewer will read: NFC, trimmed, with something visible and no control or bidi
  // characters (which could reorder or hide what others see).
  std::string text = clean_people_text(raw);
  if (!has_visible_character(text)) return err("empty", std::string(what) + " text is empty");
  if (auto problem = people_text_problem(text)) return err("bad_text", std::string(what) + " text " + *problem);
  auto len = utf8_length(text);
  if (*len > limits.max_text_chars) {
    return err("too_long", std::string(what) + " text is longer than " +
                               std::to_string(limits.max_text_chars) + " characters");
  }
  return text;
}

template <typename Message>
ParseResult parse_text_message(const json& j, const char* what, const ProtocolLimits& limits) {
  auto text = parse_text(j, what, limits);
  if (auto* e = std::get_if<ProtocolError>(&text)) return *e;
  return ClientMessage{Message{std::move(std::get<std::string>(text))}};
}

// A required string field that must satisfy valid(); bad → bad_field with the given hint.
std::variant<std::string, ProtocolError> required_id(const json& j, const char* field,
                                                     bool (*valid)(std::string_view),
                                                     const char* hint) {
  auto it = j.find(field);
  if (it == j.end() || !it->is_string() || !valid(it->get_ref<const std::string&>())) {
    return err("bad_field", std::string(field) + " must be " + hint);
  }
  return it->get<std::string>();
}

bool valid_chat_id(std::string_view id) { return id.size() <= 41 && parse_stream_id(id).has_value(); }

bool valid_question_id(std::string_view id) {
  return id.size() >= 2 && id.size() <= 20 && id[0] == 'q' &&
         std::all_of(id.begin() + 1, id.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// User ids are ours ("g-<hex>" for guests) or a token's subject: printable ASCII, no spaces.
bool valid_user_id(std::string_view id) {
  return !id.empty() && id.size() <= 128 &&
         std::all_of(id.begin(), id.end(), [](char c) { return c > 32 && c < 127; });
}

template <typename Message>
ParseResult parse_id_message(const json& j, const char* field, bool (*valid)(std::string_view),
                             const char* hint) {
  auto id = required_id(j, field, valid, hint);
  if (auto* e = std::get_if<ProtocolError>(&id)) return *e;
  return ClientMessage{Message{std::move(std::get<std::string>(id))}};
}

// A whole number of seconds in [0, max]; absent is 0.
std::variant<int64_t, ProtocolError> seconds_field(const json& j, int64_t max) {
  JsonFields f(j, {}, "a message");
  const auto seconds = f.integer("seconds", 0, max);
  if (!f.ok()) return field_error(f);
  return seconds.value_or(0);
}

ParseResult parse_ban(const json& j, const ProtocolLimits& limits) {
  auto user = required_id(j, "user", valid_user_id, "a user id");
  if (auto* e = std::get_if<ProtocolError>(&user)) return *e;
  auto seconds = seconds_field(j, limits.max_ban_seconds);
  if (auto* e = std::get_if<ProtocolError>(&seconds)) return *e;
  return ClientMessage{Ban{std::move(std::get<std::string>(user)), std::get<int64_t>(seconds)}};
}

ParseResult parse_slow(const json& j, const ProtocolLimits& limits) {
  auto seconds = seconds_field(j, limits.max_slow_seconds);
  if (auto* e = std::get_if<ProtocolError>(&seconds)) return *e;
  return ClientMessage{SlowMode{std::get<int64_t>(seconds)}};
}

ParseResult parse_pin(const json& j) {
  auto it = j.find("id");
  if (it == j.end() || it->is_null()) return ClientMessage{PinLine{}};  // unpin
  return parse_id_message<PinLine>(j, "id", valid_chat_id, "a chat id or null");
}

ParseResult parse_product_pin(const json& j) {
  auto it = j.find("sku");
  if (it == j.end() || it->is_null()) return ClientMessage{PinProduct{}};  // unpin
  return parse_id_message<PinProduct>(j, "sku", valid_sku, "a sku or null");
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
  auto deal = j.find("deal");
  if (deal != j.end() && !deal->is_null()) {
    if (!deal->is_string() || !valid_deal_id(deal->get_ref<const std::string&>())) {
      return err("unknown_deal", "deal must be a deal id", b.key);
    }
    b.deal = deal->get<std::string>();
  }
  // 2.0 is accepted as 2; 1.5, "1", true and negatives are not quantities.
  JsonFields f(j, {}, "a message");
  const auto qty = f.integer("qty", 1, 1'000'000);
  if (!f.ok()) return err("bad_qty", f.error(), b.key);
  if (j.contains("qty") && !qty) return err("bad_qty", "qty must be a whole number, not null", b.key);
  b.qty = qty.value_or(b.qty);
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
  if (t == "chat") return parse_text_message<ChatLine>(j, "chat", limits);
  if (t == "buy") return parse_buy(j);
  if (t == "ping") return ClientMessage{Ping{}};
  if (t == "ask") return parse_text_message<Ask>(j, "question", limits);
  if (t == "vote") return parse_id_message<Vote>(j, "question", valid_question_id, "a question id");
  if (t == "answer") return parse_id_message<Answer>(j, "question", valid_question_id, "a question id");
  if (t == "remove_question") {
    return parse_id_message<RemoveQuestion>(j, "question", valid_question_id, "a question id");
  }
  if (t == "delete") return parse_id_message<DeleteLine>(j, "id", valid_chat_id, "a chat id");
  if (t == "ban") return parse_ban(j, limits);
  if (t == "unban") return parse_id_message<Unban>(j, "user", valid_user_id, "a user id");
  if (t == "slow") return parse_slow(j, limits);
  if (t == "pin_message") return parse_pin(j);
  if (t == "pin") return parse_product_pin(j);
  if (t == "tap") return parse_id_message<Tap>(j, "sku", valid_sku, "a sku");
  return err("unknown_type", "unknown message type '" + t.substr(0, 32) + "'");
}

bool needs_moderator(const ClientMessage& m) {
  return std::holds_alternative<Answer>(m) || std::holds_alternative<RemoveQuestion>(m) ||
         std::holds_alternative<DeleteLine>(m) || std::holds_alternative<Ban>(m) ||
         std::holds_alternative<Unban>(m) || std::holds_alternative<SlowMode>(m) ||
         std::holds_alternative<PinLine>(m) || std::holds_alternative<PinProduct>(m);
}

std::string error_frame(const ProtocolError& e) {
  nlohmann::json j = {{"type", "error"}, {"code", e.code}, {"message", e.message}};
  if (!e.key.empty()) j["key"] = e.key;
  if (e.retry_after_ms > 0) j["retry_after_ms"] = e.retry_after_ms;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string pong_frame() { return R"({"type":"pong"})"; }

}  // namespace livegate::chat
