#pragma once
// Orders as CSV (RFC 4180) for sellers' spreadsheets: CRLF line ends, a header row, fixed
// columns id, time, user, sku, qty, price_cents, amount_cents, deal, key.

#include <cstdint>
#include <string>
#include <string_view>

#include "livegate/commerce/order_record.h"

namespace livegate::commerce {

// One field. A value a spreadsheet would run as a formula (first character = + - @, tab or CR)
// gets a leading ' unless it is a plain integer ("-5" is a number, not a formula). Then, when
// it holds a comma, a double quote, CR or LF (or starts or ends with a blank, which lenient
// readers would trim), it is quoted with its quotes doubled.
std::string csv_field(std::string_view value);

// "2024-05-01T12:34:56.789Z"; empty for times outside years 1970-9999.
std::string iso8601_utc_ms(int64_t unix_ms);

// The header row, with its CRLF.
std::string orders_csv_header();

// One order's row, with its CRLF. time comes from the "ts" field (ms), or from the stream id
// when ts is missing or not a number; absent fields are empty cells.
std::string orders_csv_row(const OrderRecord& order);

}  // namespace livegate::commerce
