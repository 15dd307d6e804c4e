#pragma once
// Module-tagged loggers: every line says which part of livegate wrote it ("[chat] ...").
// Two formats, for all loggers at once: text for people, or one JSON object per line for log
// collectors: {"ts":"2026-11-23T16:00:00.123Z","level":"info","module":"chat","msg":"..."}.

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace livegate {

// Returns the logger for a module, creating it on first use with the process-wide level and format.
std::shared_ptr<spdlog::logger> log(const std::string& module);

// Sets the level of every logger, present and future ("trace".."off"); false if unknown.
bool set_log_level(const std::string& level);

// Sets the line format of every logger, present and future: "text" or "json"; false if unknown.
bool set_log_format(const std::string& format);

// The JSON line formatter: UTC time with milliseconds, level (trace, debug, info, warn, error,
// critical), module (the logger's name) and msg, escaped by nlohmann::json; bytes that are not
// UTF-8 become U+FFFD, so every line parses.
std::unique_ptr<spdlog::formatter> make_json_formatter();

}  // namespace livegate
