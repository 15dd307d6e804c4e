#include "livegate/common/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <ctime>
#include <mutex>

namespace livegate {

namespace {

constexpr const char* kTextPattern = "%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [%n] %v";
std::atomic<bool> json_format{false};

const char* level_name(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return "trace";
    case spdlog::level::debug: return "debug";
    case spdlog::level::info: return "info";
    case spdlog::level::warn: return "warn";
    case spdlog::level::err: return "error";
    case spdlog::level::critical: return "critical";
    default: return "off";
  }
}

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto since_epoch = msg.time.time_since_epoch();
    const std::time_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char ts[32];
    const size_t n = std::strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(ts + n, sizeof(ts) - n, ".%03dZ", static_cast<int>(millis));
    // An ordered_json keeps the keys in the documented order.
    nlohmann::ordered_json line = {{"ts", ts},
                                   {"level", level_name(msg.level)},
                                   {"module", std::string(msg.logger_name.data(), msg.logger_name.size())},
                                   {"msg", std::string(msg.payload.data(), msg.payload.size())}};
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    dest.append(text.data(), text.data() + text.size());
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

void apply_format(spdlog::logger& logger) {
  if (json_format) {
    logger.set_formatter(make_json_formatter());
  } else {
    logger.set_pattern(kTextPattern);
  }
}

}  // namespace

std::unique_ptr<spdlog::formatter> make_json_formatter() { return std::make_unique<JsonFormatter>(); }

std::shared_ptr<spdlog::logger> log(const std::string& module) {
  if (auto existing = spdlog::get(module)) return existing;
  // Media threads log too: two threads creating the same logger at once would make spdlog
  // throw "logger with name already exists", so creation is serialised and re-checked.
  static std::mutex creating;
  std::lock_guard lock(creating);
  if (auto existing = spdlog::get(module)) return existing;
  auto logger = spdlog::stderr_color_mt(module);
  apply_format(*logger);
  logger->set_level(spdlog::get_level());
  return logger;
}

bool set_log_level(const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") return false;
  spdlog::set_level(parsed);  // applies to all registered loggers and becomes the default
  return true;
}

bool set_log_format(const std::string& format) {
  if (format != "text" && format != "json") return false;
  json_format = format == "json";
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { apply_format(*l); });
  return true;
}

}  // namespace livegate
