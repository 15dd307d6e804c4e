#include "frames.h"

namespace buy_load {

std::string hello_frame(std::string_view guest_secret, std::string_view name) {
  std::string f;
  f.reserve(64 + guest_secret.size() + name.size());
  f.append(R"({"type":"hello","guest":")").append(guest_secret);
  f.append(R"(","name":")").append(name).append("\"}");
  return f;
}

std::string buy_frame(std::string_view sku, int qty, std::string_view key) {
  std::string f;
  f.reserve(64 + sku.size() + key.size());
  f.append(R"({"type":"buy","sku":")").append(sku);
  f.append(R"(","qty":)").append(std::to_string(qty));
  f.append(R"(,"key":")").append(key).append("\"}");
  return f;
}

std::string_view string_field(std::string_view json, std::string_view name) {
  // Looks for "name":" and reads up to the next quote; a match inside a value is impossible for
  // the frames this reads (their values hold no quotes).
  size_t pos = 0;
  while ((pos = json.find(name, pos)) != std::string_view::npos) {
    const size_t open = pos + name.size();
    if (pos > 0 && json[pos - 1] == '"' && json.substr(open, 3) == "\":\"") {
      const size_t start = open + 3;
      const size_t end = json.find('"', start);
      if (end == std::string_view::npos) return {};
      return json.substr(start, end - start);
    }
    pos = open;
  }
  return {};
}

ServerMessage classify(std::string_view message) {
  ServerMessage m;
  // Batches (stock, viewers, chat) are most of the bytes and all start the same way.
  if (message.starts_with(R"({"type":"batch")")) {
    m.kind = ServerMessage::Kind::batch;
    return m;
  }
  // Look for the whole pair: a welcome holds nested objects with their own "type" (chat lines).
  if (message.find(R"("type":"order")") != std::string_view::npos) {
    m.kind = ServerMessage::Kind::order;
    m.key = string_field(message, "key");
    m.status = string_field(message, "status");
  } else if (message.find(R"("type":"error")") != std::string_view::npos) {
    m.kind = ServerMessage::Kind::error;
    m.key = string_field(message, "key");
    m.code = string_field(message, "code");
  } else if (message.find(R"("type":"welcome")") != std::string_view::npos) {
    m.kind = ServerMessage::Kind::welcome;
  }
  return m;
}

}  // namespace buy_load
