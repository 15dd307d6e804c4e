#include "livegate/commerce/order_reader.h"

#include <algorithm>
#include <memory>

#include "livegate/commerce/order_csv.h"
#include "livegate/common/redis_keys.h"

namespace livegate::commerce {

namespace {

std::vector<std::string> xrange(const std::string& broadcast_id, const std::string& after,
                                size_t count) {
  // "(id" is XRANGE's exclusive start (Redis 6.2+): the page never repeats the cursor's order.
  const std::string start = after.empty() ? "-" : "(" + after;
  return {"XRANGE", keys::orders(broadcast_id), start, "+", "COUNT", std::to_string(count)};
}

std::string reply_error(RedisReply reply, const std::string& error) {
  if (!error.empty()) return error;
  if (reply.is_error()) return std::string(reply.error());
  if (!reply.is_array()) return "unexpected XRANGE reply";
  return {};
}

struct CsvExport {
  RedisClient& redis;
  std::string broadcast_id;
  size_t max_orders;
  size_t page_size;
  std::string cursor;
  OrdersCsv out;
  std::function<void(std::optional<OrdersCsv>, const std::string&)> done;
};

void next_csv_page(std::shared_ptr<CsvExport> job) {
  // One more than the rows still allowed: getting it back means the export is truncated.
  const size_t want = std::min(job->page_size, job->max_orders - job->out.rows + 1);
  job->redis.command(xrange(job->broadcast_id, job->cursor, want),
                     [job, want](RedisReply reply, const std::string& error) {
                       if (auto problem = reply_error(reply, error); !problem.empty()) {
                         return job->done(std::nullopt, problem);
                       }
                       const auto orders = stream_entries(reply);
                       for (const auto& order : orders) {
                         if (job->out.rows == job->max_orders) {
                           job->out.truncated = true;
                           break;
                         }
                         job->out.text += orders_csv_row(order);
                         job->out.rows++;
                         job->out.last_id = order.id;
                       }
                       if (job->out.truncated || orders.size() < want) {
                         return job->done(std::move(job->out), {});
                       }
                       job->cursor = job->out.last_id;
                       next_csv_page(job);
                     });
}

}  // namespace

void read_orders(RedisClient& redis, const std::string& broadcast_id, const std::string& after,
                 size_t limit,
                 std::function<void(std::optional<OrderPage>, const std::string& error)> done) {
  limit = std::max<size_t>(limit, 1);
  redis.command(xrange(broadcast_id, after, limit),
                [limit, done = std::move(done)](RedisReply reply, const std::string& error) {
                  if (auto problem = reply_error(reply, error); !problem.empty()) {
                    return done(std::nullopt, problem);
                  }
                  OrderPage page;
                  page.orders = stream_entries(reply);
                  if (page.orders.size() >= limit) page.next = page.orders.back().id;
                  done(std::move(page), {});
                });
}

void export_orders_csv(
    RedisClient& redis, const std::string& broadcast_id, const std::string& after,
    size_t max_orders, size_t page_size,
    std::function<void(std::optional<OrdersCsv>, const std::string& error)> done) {
  auto job = std::make_shared<CsvExport>(CsvExport{.redis = redis,
                                                   .broadcast_id = broadcast_id,
                                                   .max_orders = max_orders,
                                                   .page_size = std::max<size_t>(page_size, 1),
                                                   .cursor = after,
                                                   .out = {},
                                                   .done = std::move(done)});
  job->out.text = orders_csv_header();
  next_csv_page(std::move(job));
}

}  // namespace livegate::commerce
