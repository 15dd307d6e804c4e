#pragma once
// Reads CSV with libcsv in strict mode (an independent RFC 4180 parser), so tests check what a
// real reader makes of livegate's exports rather than what livegate meant to write.

#include <csv.h>

#include <string>
#include <vector>

namespace livegate::testing {

using CsvTable = std::vector<std::vector<std::string>>;

// Rows of fields; *error is set (and a partial table returned) when the text is not valid CSV.
inline CsvTable parse_csv(const std::string& text, std::string* error = nullptr) {
  struct Sink {
    CsvTable rows;
    std::vector<std::string> row;
  } sink;
  csv_parser p{};
  csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
  // Nothing counts as padding: every byte of an unquoted field is part of it, as in RFC 4180.
  csv_set_space_func(&p, [](unsigned char) { return 0; });
  auto on_field = [](void* data, size_t len, void* s) {
    static_cast<Sink*>(s)->row.emplace_back(data ? static_cast<const char*>(data) : "", len);
  };
  auto on_row = [](int, void* s) {
    auto* sink = static_cast<Sink*>(s);
    sink->rows.push_back(std::move(sink->row));
    sink->row.clear();
  };
  const size_t parsed = csv_parse(&p, text.data(), text.size(), on_field, on_row, &sink);
  const int fini = csv_fini(&p, on_field, on_row, &sink);
  if (error && (parsed != text.size() || fini != 0)) *error = csv_strerror(csv_error(&p));
  csv_free(&p);
  return sink.rows;
}

}  // namespace livegate::testing
