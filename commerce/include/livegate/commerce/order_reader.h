#pragma once
// Reads a broadcast's order stream for the seller: one page at a time (the orders API), or a
// bounded CSV export built page by page. Every read is an async XRANGE on the loop; a large
// export is many small round trips, so the loop keeps serving everyone else in between.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "livegate/commerce/order_record.h"
#include "livegate/common/redis_client.h"

namespace livegate::commerce {

struct OrderPage {
  std::vector<OrderRecord> orders;
  // The last id when the page is full (more may follow: pass it as `after`); nullopt when the
  // stream ended inside this page.
  std::optional<std::string> next;
};

// Orders after `after` (exclusive; empty = from the first), at most `limit` (>= 1). `after`
// must be a valid stream id; the caller checks (parse_stream_id).
void read_orders(RedisClient& redis, const std::string& broadcast_id, const std::string& after,
                 size_t limit,
                 std::function<void(std::optional<OrderPage>, const std::string& error)> done);

struct OrdersCsv {
  std::string text;        // header row + one row per order
  size_t rows = 0;         // orders in text
  bool truncated = false;  // more orders exist past max_orders
  std::string last_id;     // id of the last row; `after` for the rest when truncated
};

// The header and every order after `after`, up to max_orders rows, read page_size at a time.
void export_orders_csv(
    RedisClient& redis, const std::string& broadcast_id, const std::string& after,
    size_t max_orders, size_t page_size,
    std::function<void(std::optional<OrdersCsv>, const std::string& error)> done);

}  // namespace livegate::commerce
