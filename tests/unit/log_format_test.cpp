// JSON log lines: each one is a single line that parses back to exactly what was logged,
// whatever the message holds (quotes, newlines, control characters, UTF-8, broken UTF-8).

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/ostream_sink.h>

#include <regex>
#include <sstream>

#include "livegate/common/log.h"

namespace {

// The lines a logger named `module` writes with the JSON formatter.
std::vector<std::string> log_lines(const std::string& module, const std::vector<std::string>& messages,
                                   spdlog::level::level_enum level = spdlog::level::info) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::logger logger(module, sink);
  logger.set_formatter(livegate::make_json_formatter());
  logger.set_level(spdlog::level::trace);
  for (const auto& m : messages) logger.log(level, "{}", m);
  std::vector<std::string> lines;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST(JsonLog, EveryMessageIsOneLineThatParsesBack) {
  const std::vector<std::string> messages = {
      "plain",
      R"(she said "buy now" \ twice)",
      "two\nlines\r\nand a tab\there",
      std::string("control \x01\x02\x1f and nul ") + '\0' + " end",
      "Honeycrisp 富士苹果 🍎 Ünïcödé",
      "{\"type\":\"chat\",\"text\":\"</script>\"}",
  };
  const auto lines = log_lines("chat", messages);
  ASSERT_EQ(lines.size(), messages.size());  // an embedded newline never splits a line
  for (size_t i = 0; i < lines.size(); ++i) {
    auto j = nlohmann::json::parse(lines[i], nullptr, false);
    ASSERT_TRUE(j.is_object()) << lines[i];
    EXPECT_EQ(j["msg"], messages[i]);
    EXPECT_EQ(j["level"], "info");
    EXPECT_EQ(j["module"], "chat");
    EXPECT_TRUE(std::regex_match(j["ts"].get<std::string>(),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")))
        << j["ts"];
    EXPECT_EQ(lines[i].rfind(R"({"ts":)", 0), 0u) << "keys in the documented order: " << lines[i];
  }
}

TEST(JsonLog, BrokenUtf8IsReplacedNotFatal) {
  const auto lines = log_lines("rtmp", {"bad \xff\xfe bytes \xc3"});
  ASSERT_EQ(lines.size(), 1u);
  auto j = nlohmann::json::parse(lines[0], nullptr, false);
  ASSERT_TRUE(j.is_object()) << lines[0];
  EXPECT_EQ(j["msg"], "bad \xEF\xBF\xBD\xEF\xBF\xBD bytes \xEF\xBF\xBD");
}

TEST(JsonLog, LevelNamesMatchTheConfigsNames) {
  const std::pair<spdlog::level::level_enum, const char*> levels[] = {
      {spdlog::level::trace, "trace"}, {spdlog::level::debug, "debug"}, {spdlog::level::warn, "warn"},
      {spdlog::level::err, "error"},   {spdlog::level::critical, "critical"}};
  for (const auto& [level, name] : levels) {
    const auto lines = log_lines("redis", {"x"}, level);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(lines[0])["level"], name);
  }
}

TEST(JsonLog, FormatSwitchesEveryLogger) {
  EXPECT_FALSE(livegate::set_log_format("xml"));
  EXPECT_TRUE(livegate::set_log_format("json"));
  EXPECT_TRUE(livegate::set_log_format("text"));
}
