#include "livegate/common/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

#include <mutex>

namespace livegate {

std::shared_ptr<spdlog::logger> log(const std::string& module) {
  if (auto existing = spdlog::get(module)) return existing;
  // Media threads log too: two threads creating the same logger at once would make spdlog
  // throw "logger with name already exists", so creation is serialised and re-checked.
  static std::mutex creating;
  std::lock_guard lock(creating);
  if (auto existing = spdlog::get(module)) return existing;
  auto logger = spdlog::stderr_color_mt(module);
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [%n] %v");
  logger->set_level(spdlog::get_level());
  return logger;
}

bool set_log_level(const std::string& level) {
  auto parsed = spdlog::level::from_str(level);
  if (parsed == spdlog::level::off && level != "off") return false;
  spdlog::set_level(parsed);  // applies to all registered loggers and becomes the default
  return true;
}

}  // namespace livegate
