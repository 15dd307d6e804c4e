#include "livegate/commerce/order_desk.h"

#include <algorithm>

#include "buy_script.h"
#include "livegate/common/redis_keys.h"
#include "livegate/common/log.h"
#include "livegate/common/metrics.h"

namespace livegate::commerce {

const char* to_string(BuyStatus s) {
  switch (s) {
    case BuyStatus::ok: return "ok";
    case BuyStatus::sold_out: return "sold_out";
    case BuyStatus::duplicate: return "duplicate";
    case BuyStatus::invalid: return "invalid";
    case BuyStatus::unavailable: return "unavailable";
  }
  return "unavailable";
}

const char* metric_result(const BuyResult& r) {
  switch (r.status) {
    case BuyStatus::ok: return "ok";
    case BuyStatus::duplicate: return "duplicate";
    case BuyStatus::sold_out: return "sold_out";
    case BuyStatus::invalid: return r.error_code == "limit_reached" ? "limit" : "invalid";
    case BuyStatus::unavailable: return "failed";
  }
  return "failed";
}

namespace {

BuyResult rejected(BuyStatus status, std::string code, std::string message) {
  BuyResult r;
  r.status = status;
  r.error_code = std::move(code);
  r.message = std::move(message);
  return r;
}

// A settled buy from the script's row {status, order_id, remaining, sold, detail}, and for a
// duplicate {..., sku, qty, deal} of the original order.
BuyResult result_from_row(RedisReply row) {
  BuyResult r;
  if (row.size() != 5 && row.size() != 8) {
    return rejected(BuyStatus::unavailable, "unavailable", "the order could not be confirmed, try again");
  }
  const std::string status = row[0].string();
  r.order_id = row[1].string();
  r.remaining = row[2].integer();
  r.sold = row[3].integer();
  r.detail = row[4].integer();
  if (status == "ok") {
    r.status = BuyStatus::ok;
  } else if (status == "duplicate") {
    r.status = BuyStatus::duplicate;
    if (row.size() == 8) {
      r.original_sku = row[5].string();
      r.original_qty = row[6].integer();
      r.original_deal = row[7].string();
    }
  } else if (status == "sold_out" || status == "deal_sold_out") {
    r.status = BuyStatus::sold_out;
    r.error_code = status;
    r.message = status == "sold_out" ? "sold out" : "the deal is sold out";
  } else {
    r.status = BuyStatus::invalid;
    r.error_code = status;
    if (status == "unknown_sku") {
      r.message = "this product is not on sale";
    } else if (status == "unknown_deal") {
      r.message = "no such deal on this product";
    } else if (status == "bad_qty") {
      r.message = "qty must be between 1 and " + std::to_string(r.detail);
    } else if (status == "limit_reached") {
      r.message = r.detail > 0 ? "you can buy " + std::to_string(r.detail) + " more of this"
                               : "you have bought as many as one buyer may";
    } else if (status == "deal_not_started") {
      r.message = "the deal has not started yet";
    } else if (status == "deal_ended") {
      r.message = "the deal has ended";
    } else {
      r.message = "the order was refused";
    }
  }
  return r;
}

std::map<std::string, int64_t> pairs_to_map(RedisReply r) {
  std::map<std::string, int64_t> out;
  for (size_t i = 0; i + 1 < r.size(); i += 2) {
    out[r[i].string()] = r[i + 1].integer();
  }
  return out;
}

}  // namespace

OrderDesk::OrderDesk(EventLoop& loop, RedisClient& redis, OrderDeskLimits limits, Metrics* metrics)
    : loop_(loop), redis_(redis), limits_(limits), metrics_(metrics) {}

void OrderDesk::buy(const std::string& id, BuyRequest request, BuyCallback cb) {
  if (metrics_) {
    // Every answer a buyer gets is counted once, whichever path gives it.
    cb = [metrics = metrics_, cb = std::move(cb)](const BuyResult& r) {
      metrics->count_order(metric_result(r));
      cb(r);
    };
  }
  auto it = shops_.find(id);
  if (it == shops_.end()) {
    return cb(rejected(BuyStatus::invalid, "no_shop", "this broadcast has no shop"));
  }
  Shop& shop = it->second;
  // Counted until answered, so a draining node knows when every ack has been handed out. The
  // desk outlives the loop's last turn (the composition root owns both), so `this` is safe.
  ++in_flight_;
  shop.queue.push_back({std::move(request), [this, cb = std::move(cb)](const BuyResult& result) {
                          --in_flight_;
                          cb(result);
                        }});
  if (shop.queue.size() >= limits_.max_batch) {
    shop.flush_timer.cancel();
    flush(id);
  } else if (!shop.flush_timer.active()) {
    // A zero delay runs after the loop has dispatched every click that is already readable.
    shop.flush_timer = loop_.after(std::chrono::milliseconds(0), [this, id] { flush(id); });
  }
}

void OrderDesk::flush(const std::string& id) {
  auto it = shops_.find(id);
  if (it == shops_.end() || it->second.queue.empty()) return;
  auto batch = std::make_shared<std::vector<QueuedBuy>>(std::move(it->second.queue));
  it->second.queue.clear();
  if (!redis_.connected()) {
    // Fail fast: a buy is never acknowledged without Redis, and the viewer can retry the key.
    for (auto& b : *batch) {
      b.cb(rejected(BuyStatus::unavailable, "unavailable", "orders are paused, try again"));
    }
    return;
  }
  std::vector<std::string> args;
  args.reserve(batch->size() * 5);
  for (const auto& b : *batch) {
    args.push_back(b.request.key);
    args.push_back(b.request.sku);
    args.push_back(std::to_string(b.request.qty));
    args.push_back(b.request.user_id);
    args.push_back(b.request.deal);
  }
  batches_sent_++;
  if (metrics_) metrics_->buy_batch_size.Observe(static_cast<double>(batch->size()));
  redis_.eval(buy_script(), buy_script_keys(id), args, [batch, id](RedisReply reply, const std::string& error) {
                const bool ok_shape =
                    error.empty() && reply.is_array() && reply.size() == batch->size();
                if (!ok_shape) {
                  // The script either ran whole or not at all; a retried key settles which.
                  log("commerce")->error("broadcast {}: buy batch of {} failed: {}", id,
                                         batch->size(),
                                         error.empty() ? reply.string("bad reply") : error);
                  for (auto& b : *batch) {
                    b.cb(rejected(BuyStatus::unavailable, "unavailable",
                                  "the order could not be confirmed, try again"));
                  }
                  return;
                }
                for (size_t i = 0; i < batch->size(); ++i) {
                  (*batch)[i].cb(result_from_row(reply[i]));
                }
              });
}

void OrderDesk::tally(const std::string& id, TallyCallback cb) {
  redis_.eval(tally_script(), {keys::stock(id), keys::sold(id), keys::gmv(id), keys::orders(id)},
              {}, [cb = std::move(cb)](RedisReply reply, const std::string& error) {
                if (!error.empty()) return cb(std::nullopt, error);
                if (reply.size() != 4) return cb(std::nullopt, reply.string("bad tally reply"));
                Tally t;
                t.stock = pairs_to_map(reply[0]);
                t.sold = pairs_to_map(reply[1]);
                t.gmv_cents = reply[2].integer();
                t.orders = reply[3].integer();
                cb(std::move(t), {});
              });
}

}  // namespace livegate::commerce
