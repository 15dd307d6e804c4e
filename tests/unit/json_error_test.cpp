// Error answers of the HTTP API quote client input; they must be JSON whatever the bytes.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "livegate/server/http_server.h"

using livegate::server::json_error;

// Found by the fuzz targets' review: "no broadcast with id '\xff'" (or an SDP m= line, a CSV
// column name) made nlohmann's strict dump() throw, and nothing catches in the lws callback.
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
