#include "livegate/commerce/order_desk.h"

#include <algorithm>

#include "buy_script.h"
#include "livegate/common/redis_keys.h"
#include "livegate/common/log.h"

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

namespace {

BuyResult rejected(BuyStatus status, std::string code, std::string message) {
  BuyResult r;
  r.status = status;
  r.error_code = std::move(code);
  r.message = std::move(message);
  return r;
}

BuyStatus parse_status(std::string_view s) {
  if (s == "ok") return BuyStatus::ok;
  if (s == "sold_out") return BuyStatus::sold_out;
  if (s == "duplicate") return BuyStatus::duplicate;
  return BuyStatus::invalid;
}

std::map<std::string, int64_t> pairs_to_map(const redisReply* r) {
  std::map<std::string, int64_t> out;
  if (!r || r->type != REDIS_REPLY_ARRAY) return out;
  for (size_t i = 0; i + 1 < r->elements; i += 2) {
    out[reply_string(r->element[i])] = reply_integer(r->element[i + 1]);
  }
  return out;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

OrderDesk::OrderDesk(EventLoop& loop, RedisClient& redis, OrderDeskLimits limits)
    : loop_(loop), redis_(redis), limits_(limits) {}

void OrderDesk::open_shop(const std::string& id, Catalog catalog, DoneCallback done) {
  std::vector<std::string> args;
  for (const auto& p : catalog.products()) {
    args.push_back(p.sku);
    args.push_back(product_json(p).dump());
    args.push_back(std::to_string(p.initial_stock));
  }
  shops_[id].catalog = std::move(catalog);
  if (args.empty()) {
    loop_.post([done = std::move(done)] { done({}); });
    return;
  }
  redis_.eval(open_shop_script(),
              {keys::stock(id), keys::sold(id), keys::initial(id), keys::products(id),
               keys::meta(id)},
              args, [done = std::move(done)](const redisReply* reply, const std::string& error) {
                if (!error.empty()) return done(error);
                if (reply_is_error(reply)) return done(reply_string(reply, "script error"));
                done({});
              });
}

const Catalog* OrderDesk::catalog(const std::string& id) const {
  auto it = shops_.find(id);
  return it == shops_.end() ? nullptr : &it->second.catalog;
}

void OrderDesk::buy(const std::string& id, BuyRequest request, BuyCallback cb) {
  auto it = shops_.find(id);
  if (it == shops_.end()) {
    return cb(rejected(BuyStatus::invalid, "no_shop", "this broadcast has no shop"));
  }
  const Product* product = it->second.catalog.find(request.sku);
  if (!product) {
    return cb(rejected(BuyStatus::invalid, "unknown_sku", "no product with sku " + request.sku));
  }
  if (request.qty < 1 || request.qty > product->max_per_order) {
    return cb(rejected(BuyStatus::invalid, "bad_qty",
                       "qty must be between 1 and " + std::to_string(product->max_per_order)));
  }
  Shop& shop = it->second;
  shop.queue.push_back({std::move(request), product->price_cents, std::move(cb)});
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
  args.reserve(1 + batch->size() * 5);
  args.push_back(std::to_string(now_ms()));
  for (const auto& b : *batch) {
    args.push_back(b.request.key);
    args.push_back(b.request.sku);
    args.push_back(std::to_string(b.request.qty));
    args.push_back(std::to_string(b.price_cents));
    args.push_back(b.request.user_id);
  }
  batches_sent_++;
  redis_.eval(buy_script(),
              {keys::stock(id), keys::sold(id), keys::gmv(id), keys::orders(id), keys::idem(id),
               keys::events(id)},
              args, [batch, id](const redisReply* reply, const std::string& error) {
                const bool ok_shape = error.empty() && reply && reply->type == REDIS_REPLY_ARRAY &&
                                      reply->elements == batch->size();
                if (!ok_shape) {
                  // The script either ran whole or not at all; a retried key settles which.
                  log("commerce")->error("broadcast {}: buy batch of {} failed: {}", id,
                                         batch->size(),
                                         error.empty() ? reply_string(reply, "bad reply") : error);
                  for (auto& b : *batch) {
                    b.cb(rejected(BuyStatus::unavailable, "unavailable",
                                  "the order could not be confirmed, try again"));
                  }
                  return;
                }
                for (size_t i = 0; i < batch->size(); ++i) {
                  const redisReply* row = reply->element[i];
                  BuyResult r;
                  if (row->type == REDIS_REPLY_ARRAY && row->elements == 4) {
                    r.status = parse_status(reply_string(row->element[0]));
                    r.order_id = reply_string(row->element[1]);
                    r.remaining = reply_integer(row->element[2]);
                    r.sold = reply_integer(row->element[3]);
                  }
                  if (r.status == BuyStatus::invalid) {
                    r.error_code = "unknown_sku";
                    r.message = "this product is not on sale";
                  } else if (r.status == BuyStatus::sold_out) {
                    r.error_code = "sold_out";
                    r.message = "sold out";
                  }
                  (*batch)[i].cb(r);
                }
              });
}

void OrderDesk::tally(const std::string& id, TallyCallback cb) {
  redis_.eval(tally_script(), {keys::stock(id), keys::sold(id), keys::gmv(id), keys::orders(id)},
              {}, [cb = std::move(cb)](const redisReply* reply, const std::string& error) {
                if (!error.empty()) return cb(std::nullopt, error);
                if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 4) {
                  return cb(std::nullopt, reply_string(reply, "bad tally reply"));
                }
                Tally t;
                t.stock = pairs_to_map(reply->element[0]);
                t.sold = pairs_to_map(reply->element[1]);
                t.gmv_cents = reply_integer(reply->element[2]);
                t.orders = reply_integer(reply->element[3]);
                cb(std::move(t), {});
              });
}

}  // namespace livegate::commerce
