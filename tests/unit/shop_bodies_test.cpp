// The pin and deal bodies of the shop API, read apart from the handlers (and fuzzed:
// tests/fuzz/shop_body_fuzz.cpp).

#include <gtest/gtest.h>

#include "livegate/server/shop_bodies.h"

using namespace livegate::server;
using nlohmann::json;

namespace {
constexpr int64_t kNow = 1'800'000'000'000;
}

TEST(PinBody, SkuOrNullAndAMediaTimeNearNow) {
  auto pin = read_pin_body(json::parse(R"({"sku":"gala","media_ms":1799999990000})"), kNow);
  ASSERT_TRUE(std::holds_alternative<PinBody>(pin));
  EXPECT_EQ(std::get<PinBody>(pin).sku, "gala");
  EXPECT_EQ(std::get<PinBody>(pin).media_ms, 1799999990000);
  auto unpin = read_pin_body(json::parse(R"({"sku":null})"), kNow);
  ASSERT_TRUE(std::holds_alternative<PinBody>(unpin));
  EXPECT_EQ(std::get<PinBody>(unpin).sku, "");
  EXPECT_EQ(std::get<PinBody>(unpin).media_ms, kNow);  // the live edge by default
  EXPECT_TRUE(std::holds_alternative<std::string>(read_pin_body(json::parse(R"({"sku":""})"), kNow)));
  EXPECT_TRUE(std::holds_alternative<std::string>(read_pin_body(json::parse(R"({"sku":5})"), kNow)));
  EXPECT_TRUE(std::holds_alternative<std::string>(
      read_pin_body(json::parse(R"({"sku":"gala","media_ms":1.5})"), kNow)));
  EXPECT_TRUE(std::holds_alternative<std::string>(
      read_pin_body(json::parse(R"({"sku":"gala","media_ms":1})"), kNow)));  // decades ago
}

TEST(DealBody, RequiredFieldsAndClampedRanges) {
  auto deal = read_deal_body(json::parse(
      R"({"sku":"gala","price_cents":999,"stock":20,"per_buyer":2,"duration_seconds":60,"starts_in_seconds":30})"));
  ASSERT_TRUE(std::holds_alternative<livegate::commerce::DealRequest>(deal));
  const auto& d = std::get<livegate::commerce::DealRequest>(deal);
  EXPECT_EQ(d.sku, "gala");
  EXPECT_EQ(d.price_cents, 999);
  EXPECT_EQ(d.stock, 20);
  EXPECT_EQ(d.per_buyer, 2);
  EXPECT_EQ(d.duration_ms, 60'000);
  EXPECT_EQ(d.starts_in_ms, 30'000);
  EXPECT_EQ(std::get<std::string>(read_deal_body(json::parse(R"({"sku":"gala","stock":1})"))),
            "a deal needs sku, price_cents, stock and duration_seconds");
  EXPECT_EQ(std::get<std::string>(read_deal_body(json::parse(R"({"price_cents":"9"})"))),
            "price_cents must be a whole number (got a string)");
  // Huge durations are clamped before the seconds become milliseconds (no overflow).
  auto huge = read_deal_body(json::parse(
      R"({"sku":"g","price_cents":1,"stock":1,"duration_seconds":9223372036854775807,"per_buyer":-9223372036854775808})"));
  ASSERT_TRUE(std::holds_alternative<livegate::commerce::DealRequest>(huge));
  EXPECT_EQ(std::get<livegate::commerce::DealRequest>(huge).duration_ms, 1'000'000'000);
  EXPECT_EQ(std::get<livegate::commerce::DealRequest>(huge).per_buyer, -1);
}

// Found by reading for the fuzz target: a whole number above INT64_MAX is kept by nlohmann as
// unsigned and used to wrap to a negative int64 (18446744073709551615 became -1, "unlimited").
TEST(DealBody, UnsignedBeyondInt64IsNotAWholeNumberWeTake) {
  EXPECT_EQ(std::get<std::string>(read_deal_body(json::parse(
                R"({"sku":"g","price_cents":1,"stock":1,"duration_seconds":60,"per_buyer":18446744073709551615})"))),
            "per_buyer must be a whole number (got an integer)");
}
