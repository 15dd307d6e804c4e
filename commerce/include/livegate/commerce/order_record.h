#pragma once
// One order as the order stream (lg:{id}:orders) holds it: the stream id and every field the buy
// script wrote, in stream order. Fields are kept generically so fields added later (e.g. "deal")
// reach the API, the CSV export and webhooks without a change here.

#include <nlohmann/json.hpp>
#include <string_view>

#include "livegate/common/redis_stream.h"

namespace livegate::commerce {

// The stream id "<ms>-<seq>" is unique within one broadcast, not across them. Read from replies
// with stream_entries (XRANGE, XAUTOCLAIM) and stream_entries_of_read (XREADGROUP); an order
// deleted while pending comes back with no fields.
using OrderRecord = StreamEntry;

// True for the fields whose values are integers by contract (qty, ts and every "*_cents"); they
// become JSON numbers, everything else stays a string (a user id "123" is not a number).
bool is_integer_field(std::string_view name);

// {"id": "<stream id>", "<field>": value, ...}. Integer fields holding a plain integer become
// numbers; a field named "id" cannot override the stream id.
nlohmann::json order_json(const OrderRecord& order);

}  // namespace livegate::commerce
