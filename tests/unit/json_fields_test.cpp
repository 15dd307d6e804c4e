// Typed reads of JSON fields (common/json_fields.h): a wrong type is an error naming the field
// and both types, never an exception.

#include <gtest/gtest.h>

#include "livegate/common/json_fields.h"

using livegate::JsonFields;
using nlohmann::json;

TEST(JsonFields, ReadsEachTypeAndTreatsNullAsAbsent) {
  const json body = json::parse(R"({"s": "x", "i": 12, "f": 12.0, "n": 1.5, "b": true, "l": ["a", "b"],
                                    "o": {"k": 1}, "z": null})");
  JsonFields f(body);
  EXPECT_EQ(f.string("s"), "x");
  EXPECT_EQ(f.integer("i"), 12);
  EXPECT_EQ(f.integer("f"), 12);  // a whole float is a whole number
  EXPECT_EQ(f.number("n"), 1.5);
  EXPECT_EQ(f.boolean("b"), true);
  EXPECT_EQ(f.strings("l"), (std::vector<std::string>{"a", "b"}));
  EXPECT_NE(f.object("o"), nullptr);
  EXPECT_EQ(f.string("z"), std::nullopt);
  EXPECT_EQ(f.string("absent"), std::nullopt);
  EXPECT_FALSE(f.has("z"));
  EXPECT_TRUE(f.ok()) << f.error();
}

TEST(JsonFields, AWrongTypeNamesTheFieldAndBothTypes) {
  const json body = json::parse(R"({"role": 1, "name": "ok"})");
  JsonFields f(body);
  EXPECT_EQ(f.string("role"), std::nullopt);
  EXPECT_FALSE(f.ok());
  EXPECT_EQ(f.error(), "role must be a string (got an integer)");
  EXPECT_EQ(f.field(), "role");
  // After the first error every read is nullopt, and the first error stands.
  EXPECT_EQ(f.string("name"), std::nullopt);
  f.fail("name", "is wrong too");
  EXPECT_EQ(f.error(), "role must be a string (got an integer)");
}

TEST(JsonFields, EveryKindOfWrongValueIsRefusedNotThrown) {
  const std::vector<std::string> values = {"null", "true", "1", "-1", "1.5", "1e308", "18446744073709551615",
                                           "\"s\"", "[]", "[1]", "{}", "{\"a\":1}"};
  for (const auto& v : values) {
    const json body = json::parse("{\"x\": " + v + "}");
    JsonFields a(body), b(body), c(body), d(body), e(body), f(body), g(body);
    EXPECT_NO_THROW({
      (void)a.string("x");
      (void)b.integer("x");
      (void)c.number("x");
      (void)d.boolean("x");
      (void)e.strings("x");
      (void)f.object("x");
      (void)g.integer("x", 0, 10);
    }) << v;
  }
  const json big = json::parse(R"({"u": 18446744073709551615, "h": 1e300, "t": true})");
  JsonFields f(big);
  EXPECT_EQ(f.integer("u"), std::nullopt);
  EXPECT_EQ(f.error(), "u must be a whole number (got an integer)");
  JsonFields g(big);
  EXPECT_EQ(g.integer("h"), std::nullopt);
  JsonFields h(big);
  EXPECT_EQ(h.integer("t"), std::nullopt);  // true is not 1
  EXPECT_EQ(h.error(), "t must be a whole number (got a boolean)");
}

TEST(JsonFields, RangesRequiredFieldsAndNestedPaths) {
  const json body = json::parse(R"({"ttl": 5, "items": [{"qty": "2"}]})");
  JsonFields f(body);
  EXPECT_EQ(f.integer("ttl", 60, 3600), std::nullopt);
  EXPECT_EQ(f.error(), "ttl must be between 60 and 3600 (got 5)");
  JsonFields r(body);
  EXPECT_FALSE(r.require("sku"));
  EXPECT_EQ(r.error(), "sku is required");
  JsonFields item(body["items"][0], "items[0]");
  EXPECT_EQ(item.integer("qty"), std::nullopt);
  EXPECT_EQ(item.error(), "items[0].qty must be a whole number (got a string)");
  EXPECT_EQ(item.field(), "items[0].qty");
  JsonFields list(body);
  const json with_list = json::parse(R"({"words": ["a", 2]})");
  JsonFields w(with_list);
  EXPECT_EQ(w.strings("words"), std::nullopt);
  EXPECT_EQ(w.error(), "words[1] must be a string (got an integer)");
}

TEST(JsonFields, ABodyThatIsNotAnObject) {
  for (const char* text : {"[]", "1", "\"x\"", "null"}) {
    JsonFields f(json::parse(text));
    EXPECT_FALSE(f.ok());
    EXPECT_EQ(f.error(), "the body must be a JSON object");
    EXPECT_EQ(f.string("x"), std::nullopt);
  }
  JsonFields message(json::parse("[]"), {}, "a message");
  EXPECT_EQ(message.error(), "a message must be a JSON object");
}
