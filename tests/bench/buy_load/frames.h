#pragma once
// The livegate frames a buyer sends and the few it needs to recognise (docs/protocol.md): hello,
// buy; welcome, order, error. Recognising is a handful of substring searches, no JSON parser:
// the tool must stay cheaper than the server it measures. Values are read raw (the server's
// keys, statuses and codes never hold escapes).

#include <cstdint>
#include <string>
#include <string_view>

namespace buy_load {

std::string hello_frame(std::string_view guest_secret, std::string_view name);
std::string buy_frame(std::string_view sku, int qty, std::string_view key);

struct ServerMessage {
  enum class Kind { other, welcome, batch, order, error };
  Kind kind = Kind::other;
  std::string_view key;     // order, and error frames about a buy
  std::string_view status;  // order: ok | sold_out | duplicate
  std::string_view code;    // error
};

// Classifies one complete text message.
ServerMessage classify(std::string_view message);

// The raw value of "name":"value" in a flat JSON text; empty when absent or not a string.
std::string_view string_field(std::string_view json, std::string_view name);

}  // namespace buy_load
