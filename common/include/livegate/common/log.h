#pragma once
// Module-tagged loggers: every line says which part of livegate wrote it ("[chat] ...").

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace livegate {

// Returns the logger for a module, creating it on first use with the process-wide level.
std::shared_ptr<spdlog::logger> log(const std::string& module);

// Sets the level of every logger, present and future ("trace".."off"); false if unknown.
bool set_log_level(const std::string& level);

}  // namespace livegate
