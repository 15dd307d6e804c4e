// Error answers of the HTTP API quote client input; they must be JSON whatever the bytes.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "livegate/server/http_server.h"

using livegate::server::json_error;

// Found reading the REST parsers for their fuzz targets, confirmed against a running server:
// GET /api/broadcasts/%FF/products (no token needed) made nlohmann's strict dump() throw through
// the lws callback, and the process terminated. An SDP m= line or a CSV column name did the same.
TEST(JsonError, InvalidUtf8InTheMessageIsReplacedNotThrown) {
  auto r = json_error(404, "no broadcast with id '\xff\xfe'");
  EXPECT_EQ(r.status, 404);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["error"], "no broadcast with id '\xEF\xBF\xBD\xEF\xBF\xBD'");  // U+FFFD twice
}

TEST(JsonError, ValidTextIsKept) {
  EXPECT_EQ(nlohmann::json::parse(json_error(400, "价格 must be a whole number").body)["error"],
            "价格 must be a whole number");
}
