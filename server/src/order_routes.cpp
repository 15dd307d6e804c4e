#include "livegate/server/order_routes.h"

#include <charconv>
#include <optional>

#include "livegate/commerce/order_reader.h"
#include "livegate/common/log.h"
#include "livegate/common/stream_id.h"

namespace livegate::server {

namespace {

constexpr size_t kDefaultLimit = 100;
constexpr size_t kMaxLimit = 500;
// Orders per XRANGE while exporting: big enough to keep round trips few, small enough that
// formatting one page never holds the loop for long (~1 ms).
constexpr size_t kCsvPage = 1000;

// The "after" cursor: absent or empty = from the first order; otherwise a stream id.
std::optional<std::string> after_of(const HttpRequest& request, Respond& respond) {
  auto it = request.query.find("after");
  if (it == request.query.end() || it->second.empty()) return std::string();
  if (!parse_stream_id(it->second)) {
    respond(json_error(400, "after must be an order id like 1717171717171-0"));
    return std::nullopt;
  }
  return it->second;
}

std::optional<size_t> limit_of(const HttpRequest& request, Respond& respond) {
  auto it = request.query.find("limit");
  if (it == request.query.end()) return kDefaultLimit;
  const std::string& text = it->second;
  size_t limit = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || limit < 1 ||
      limit > kMaxLimit) {
    respond(json_error(400, "limit must be a whole number from 1 to " + std::to_string(kMaxLimit)));
    return std::nullopt;
  }
  return limit;
}

bool known(const OrderApiDeps& deps, const std::string& id, Respond& respond) {
  if (deps.broadcasts.contains(id)) return true;
  respond(json_error(404, "no broadcast with id '" + id + "'"));
  return false;
}

}  // namespace

void handle_list_orders(const OrderApiDeps& deps, const std::string& id, const HttpRequest& request,
                        Respond respond) {
  if (!known(deps, id, respond)) return;
  auto after = after_of(request, respond);
  if (!after) return;
  auto limit = limit_of(request, respond);
  if (!limit) return;
  commerce::read_orders(deps.redis, id, *after, *limit,
                        [id, respond = std::move(respond)](std::optional<commerce::OrderPage> page,
                                                           const std::string& error) {
                          if (!page) {
                            log("http")->warn("broadcast {}: reading orders failed: {}", id, error);
                            return respond(json_error(503, "orders are unavailable, try again"));
                          }
                          nlohmann::json orders = nlohmann::json::array();
                          for (const auto& order : page->orders)
                            orders.push_back(commerce::order_json(order));
                          nlohmann::json body = {{"orders", std::move(orders)}, {"next", nullptr}};
                          if (page->next) body["next"] = *page->next;
                          respond(json_response(200, body));
                        });
}

void handle_orders_csv(const OrderApiDeps& deps, const std::string& id, const HttpRequest& request,
                       Respond respond) {
  if (!known(deps, id, respond)) return;
  auto after = after_of(request, respond);
  if (!after) return;
  // The HTTP server answers with one body: the export is built in memory page by page (the
  // loop runs between pages) and bounded by csv_max_orders.
  commerce::export_orders_csv(
      deps.redis, id, *after, deps.csv_max_orders, kCsvPage,
      [id, respond = std::move(respond)](std::optional<commerce::OrdersCsv> csv,
                                         const std::string& error) {
        if (!csv) {
          log("http")->warn("broadcast {}: CSV export failed: {}", id, error);
          return respond(json_error(503, "orders are unavailable, try again"));
        }
        HttpResponse r;
        r.content_type = "text/csv; charset=utf-8";
        r.body = std::move(csv->text);
        r.headers.emplace_back("content-disposition",
                               "attachment; filename=\"" + id + "-orders.csv\"");
        r.headers.emplace_back("cache-control", "no-store");
        if (csv->truncated) {
          r.headers.emplace_back("x-truncated", "true");
          r.headers.emplace_back("x-next-after", csv->last_id);
        }
        log("http")->info("broadcast {}: CSV export of {} orders{}", id, csv->rows,
                          csv->truncated ? " (truncated)" : "");
        respond(std::move(r));
      });
}

}  // namespace livegate::server
