#include "livegate/commerce/catalog_import.h"

#include <csv.h>

#include <fstream>
#include <set>
#include <sstream>

namespace livegate::commerce {

namespace {

ImportResult failed(std::string error) { return {{}, {}, std::move(error)}; }

// Products after parsing: each valid, skus unique, not too many.
ImportResult checked(std::vector<Product> products, std::vector<bool> stock_given) {
  if (products.size() > kMaxProducts) {
    return failed("at most " + std::to_string(kMaxProducts) + " products per broadcast");
  }
  std::set<std::string> seen;
  for (const auto& p : products) {
    if (!seen.insert(p.sku).second) return failed("sku '" + p.sku + "' appears twice");
  }
  return {std::move(products), std::move(stock_given), {}};
}

const std::set<std::string>& known_columns() {
  static const std::set<std::string> columns = {"sku",   "title",         "title_zh",
                                                "description", "image", "price_cents",
                                                "stock", "max_per_order", "per_buyer"};
  return columns;
}

const std::set<std::string>& integer_columns() {
  static const std::set<std::string> columns = {"price_cents", "stock", "max_per_order",
                                                "per_buyer"};
  return columns;
}

// libcsv calls back per field and per row end; rows collects them.
// libcsv is C: nothing may unwind through it, so a failed allocation is noted, not thrown.
struct CsvRows {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  bool out_of_memory = false;
};

void on_field(void* data, size_t len, void* ctx) noexcept {
  auto* rows = static_cast<CsvRows*>(ctx);
  try {
    rows->row.emplace_back(static_cast<const char*>(data), len);
  } catch (...) {
    rows->out_of_memory = true;
  }
}

void on_row_end(int, void* ctx) noexcept {
  auto* rows = static_cast<CsvRows*>(ctx);
  try {
    rows->rows.push_back(std::move(rows->row));
  } catch (...) {
    rows->out_of_memory = true;
  }
  rows->row.clear();
}

bool blank(const std::vector<std::string>& row) {
  for (const auto& f : row) {
    if (!f.empty()) return false;
  }
  return true;
}

}  // namespace

ImportResult import_products_json(const std::string& text, int default_max_per_order) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return failed("not valid JSON");
  if (j.is_object() && j.contains("products")) j = j["products"];
  if (!j.is_array()) return failed("expected an array of products or {\"products\": [...]}");
  std::vector<Product> products;
  std::vector<bool> stock_given;
  for (size_t i = 0; i < j.size(); ++i) {
    std::string error;
    auto p = product_from_json(j[i], default_max_per_order, &error);
    if (!p) return failed("product " + std::to_string(i + 1) + ": " + error);
    products.push_back(std::move(*p));
    stock_given.push_back(j[i].contains("stock") && !j[i]["stock"].is_null());
  }
  return checked(std::move(products), std::move(stock_given));
}

ImportResult import_products_csv(const std::string& text, int default_max_per_order) {
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    return failed("cannot start the CSV parser");
  }
  CsvRows rows;
  std::string_view body = text;
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);  // spreadsheets' UTF-8 BOM
  const bool ok = csv_parse(&parser, body.data(), body.size(), on_field, on_row_end, &rows) == body.size() &&
                  csv_fini(&parser, on_field, on_row_end, &rows) == 0;
  std::string parse_error = ok ? "" : csv_strerror(csv_error(&parser));
  csv_free(&parser);
  if (!ok) return failed("malformed CSV: " + parse_error);
  if (rows.out_of_memory) return failed("the CSV is too large to read");
  if (rows.rows.empty()) return failed("the CSV is empty: it needs a header row");

  const auto& header = rows.rows.front();
  std::set<std::string> named;
  for (const auto& column : header) {
    if (!known_columns().contains(column)) return failed("unknown column '" + column + "'");
    if (!named.insert(column).second) return failed("column '" + column + "' appears twice");
  }
  if (!named.contains("sku") || !named.contains("title") || !named.contains("price_cents")) {
    return failed("the header needs at least sku, title and price_cents");
  }
  std::vector<Product> products;
  std::vector<bool> stock_given;
  for (size_t r = 1; r < rows.rows.size(); ++r) {
    const auto& row = rows.rows[r];
    if (blank(row)) continue;
    const std::string where = "row " + std::to_string(r + 1);
    if (row.size() != header.size()) {
      return failed(where + ": " + std::to_string(row.size()) + " fields, the header has " +
                    std::to_string(header.size()));
    }
    nlohmann::json j = nlohmann::json::object();
    for (size_t c = 0; c < header.size(); ++c) {
      const std::string& value = row[c];
      if (value.empty()) continue;  // the default
      if (!integer_columns().contains(header[c])) {
        j[header[c]] = value;
        continue;
      }
      size_t used = 0;
      long long n = 0;
      try {
        n = std::stoll(value, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != value.size()) return failed(where + ": " + header[c] + " must be a whole number");
      j[header[c]] = n;
    }
    std::string error;
    auto p = product_from_json(j, default_max_per_order, &error);
    if (!p) return failed(where + ": " + error);
    products.push_back(std::move(*p));
    stock_given.push_back(j.contains("stock"));
  }
  return checked(std::move(products), std::move(stock_given));
}

ImportResult import_products_file(const std::string& path, int default_max_per_order) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return failed("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (text.str().size() > 8u << 20) return failed(path + " is larger than 8 MiB");
  if (path.ends_with(".json")) return import_products_json(text.str(), default_max_per_order);
  if (path.ends_with(".csv")) return import_products_csv(text.str(), default_max_per_order);
  return failed(path + ": a products file must end in .json or .csv");
}

}  // namespace livegate::commerce
