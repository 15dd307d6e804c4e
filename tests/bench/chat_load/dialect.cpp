#include "dialect.h"

namespace chat_load {

namespace {

// The value of the first "code":"..." in an error frame, for counting errors by kind.
std::string error_code(std::string_view message) {
  constexpr std::string_view key = R"("code":")";
  auto at = message.find(key);
  if (at == std::string_view::npos) return "unknown";
  at += key.size();
  auto end = message.find('"', at);
  if (end == std::string_view::npos || end - at > 40) return "unknown";
  return std::string(message.substr(at, end - at));
}

Reaction livegate_react(std::string_view m) {
  // A batch is by far the most frequent frame and the hub writes its "type" first: one prefix
  // test. Other frames come from nlohmann::json (keys sorted, "type" anywhere) and are rare, so
  // a search is fine; none of them nests an event whose type is welcome, batch or error.
  if (m.starts_with(R"({"type":"batch")")) return {Reaction::Kind::deliveries, {}};
  if (m.find(R"("type":"welcome")") != std::string_view::npos) return {Reaction::Kind::welcome, {}};
  if (m.find(R"("type":"batch")") != std::string_view::npos)
    return {Reaction::Kind::deliveries, {}};
  if (m.find(R"("type":"error")") != std::string_view::npos)
    return {Reaction::Kind::error, error_code(m)};
  return {};
}

Reaction socketio_react(std::string_view m) {
  if (m.starts_with(R"(42["batch")") || m.starts_with(R"(42["chat")")) {
    return {Reaction::Kind::deliveries, {}};
  }
  if (m == "2") return {Reaction::Kind::reply, "3"};              // engine.io ping -> pong
  if (m.starts_with("0{")) return {Reaction::Kind::reply, "40"};  // open -> connect to "/"
  if (m.starts_with("40")) return {Reaction::Kind::join, {}};     // connected -> join the room
  if (m.starts_with(R"(42["welcome")")) return {Reaction::Kind::welcome, {}};
  if (m.starts_with(R"(42["error")")) return {Reaction::Kind::error, error_code(m)};
  if (m.starts_with("44")) return {Reaction::Kind::refused, "connect_error"};
  return {};
}

}  // namespace

std::string_view subprotocol(Dialect d) {
  return d == Dialect::livegate ? "livegate-chat" : std::string_view{};
}

std::string opening_message(Dialect d, const std::string& name) {
  if (d == Dialect::socketio) return {};
  return R"({"type":"hello","name":")" + name + R"("})";
}

std::string join_message(Dialect d, const std::string& room, const std::string& name) {
  if (d == Dialect::livegate) return {};  // the room is in the URL
  return R"(42["hello",{"room":")" + room + R"(","name":")" + name + R"("}])";
}

Reaction react(Dialect d, std::string_view message) {
  return d == Dialect::livegate ? livegate_react(message) : socketio_react(message);
}

std::string chat_message(Dialect d, std::string_view text) {
  std::string out;
  out.reserve(text.size() + 32);
  if (d == Dialect::livegate) {
    out.append(R"({"type":"chat","text":")").append(text).append(R"("})");
  } else {
    out.append(R"(42["chat",{"text":")").append(text).append(R"("}])");
  }
  return out;
}

std::string chat_text(uint64_t sent_us, uint64_t seq, size_t length) {
  std::string text(kMarker);
  text.append(std::to_string(sent_us)).append(" s=").append(std::to_string(seq)).append(" ");
  if (text.size() < length) text.append(length - text.size(), 'x');
  return text;
}

}  // namespace chat_load
