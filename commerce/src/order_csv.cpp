#include "livegate/commerce/order_csv.h"

#include <charconv>
#include <cstdio>
#include <ctime>

#include "livegate/common/stream_id.h"

namespace livegate::commerce {

namespace {

constexpr int64_t kMaxUnixMs = 253402300799999;  // 9999-12-31T23:59:59.999Z

bool is_plain_integer(std::string_view v) {
  if (v.starts_with('-')) v.remove_prefix(1);
  if (v.empty()) return false;
  for (char c : v) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int64_t order_time_ms(const OrderRecord& order) {
  if (const std::string* ts = order.field("ts")) {
    int64_t ms = 0;
    auto [end, ec] = std::from_chars(ts->data(), ts->data() + ts->size(), ms);
    if (ec == std::errc{} && end == ts->data() + ts->size()) return ms;
  }
  // Every stream id starts with the Redis clock's milliseconds at XADD.
  if (auto id = parse_stream_id(order.id); id && id->ms <= static_cast<uint64_t>(kMaxUnixMs)) {
    return static_cast<int64_t>(id->ms);
  }
  return -1;
}

}  // namespace

std::string csv_field(std::string_view value) {
  std::string text;
  if (!value.empty() && !is_plain_integer(value) &&
      (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
       value[0] == '\t' || value[0] == '\r')) {
    text = "'";
  }
  text.append(value);
  // Leading or trailing blanks are quoted too: RFC 4180 keeps them, but lenient readers trim
  // unquoted ones.
  const bool edge_blank = !text.empty() && (text.front() == ' ' || text.front() == '\t' ||
                                            text.back() == ' ' || text.back() == '\t');
  if (!edge_blank && text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string iso8601_utc_ms(int64_t unix_ms) {
  if (unix_ms < 0 || unix_ms > kMaxUnixMs) return {};
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  if (!gmtime_r(&seconds, &tm)) return {};
  char buf[32];
  const size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  char ms[8];
  std::snprintf(ms, sizeof(ms), ".%03dZ", static_cast<int>(unix_ms % 1000));
  return std::string(buf, n) + ms;
}

std::string orders_csv_header() {
  return "id,time,user,sku,qty,price_cents,amount_cents,deal,key\r\n";
}

std::string orders_csv_row(const OrderRecord& order) {
  auto cell = [&](const char* name) {
    const std::string* v = order.field(name);
    return v ? csv_field(*v) : std::string();
  };
  std::string row = csv_field(order.id);
  row += ',' + csv_field(iso8601_utc_ms(order_time_ms(order)));
  for (const char* name : {"user", "sku", "qty", "price_cents", "amount_cents", "deal", "key"}) {
    row += ',';
    row += cell(name);
  }
  row += "\r\n";
  return row;
}

}  // namespace livegate::commerce
