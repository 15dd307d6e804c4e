#pragma once
// One order as the order stream (lg:{id}:orders) holds it: the stream id and every field the buy
// script wrote, in stream order. Fields are kept generically so fields added later (e.g. "deal")
// reach the API, the CSV export and webhooks without a change here.

#include <hiredis/hiredis.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace livegate::commerce {

struct OrderRecord {
  std::string id;  // Redis stream id "<ms>-<seq>": unique within one broadcast, not across them
  std::vector<std::pair<std::string, std::string>> fields;

  // The first field with this name, or nullptr.
  const std::string* field(std::string_view name) const;
};

// The entries of a stream reply: XRANGE's [[id, [field, value, ...]], ...]. An entry that was
// deleted while pending in a consumer group comes back from XREADGROUP with nil fields: it is
// kept, with no fields, so the caller can still acknowledge it. Malformed rows are skipped.
std::vector<OrderRecord> parse_order_entries(const redisReply* entries);

// True for the fields whose values are integers by contract (qty, ts and every "*_cents"); they
// become JSON numbers, everything else stays a string (a user id "123" is not a number).
bool is_integer_field(std::string_view name);

// {"id": "<stream id>", "<field>": value, ...}. Integer fields holding a plain integer become
// numbers; a field named "id" cannot override the stream id.
nlohmann::json order_json(const OrderRecord& order);

}  // namespace livegate::commerce
