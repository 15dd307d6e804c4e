#pragma once
// What a keynote's page shows beside the video: a description, the speakers and the agenda.
// Agenda times are minutes from the start, so one program works for any day; the page turns
// them into the viewer's own clock time and marks the session that is on now.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace livegate::server {

struct Speaker {
  std::string name;   // required
  std::string role;   // "CEO, Gateway 17"
  std::string photo;  // http(s) or a site path; empty: the page shows an initial
};

struct AgendaItem {
  int minute = 0;        // from the start
  std::string title;     // required
  std::string speaker;   // a name, usually one of the speakers
};

struct KeynoteProgram {
  std::string description;
  // When minute 0 is, Unix ms; 0: when the broadcast opened on this node.
  int64_t starts_at_ms = 0;
  std::vector<Speaker> speakers;
  std::vector<AgendaItem> agenda;  // in minute order

  bool empty() const { return description.empty() && speakers.empty() && agenda.empty(); }
};

inline constexpr size_t kMaxSpeakers = 24;
inline constexpr size_t kMaxAgendaItems = 60;

// The first problem of a program ("speakers[1].name is required"), or nothing. Sorts nothing:
// an agenda out of minute order is refused, as it is almost always a typo.
std::optional<std::string> validate_program(const KeynoteProgram& program);

// "2026-11-23T09:00:00Z", "2026-11-23T09:00-08:00" → Unix ms; nothing for other shapes.
std::optional<int64_t> parse_iso_time(std::string_view text);

// The JSON the pages get; opened_ms stands in for a missing starts_at.
nlohmann::json program_json(const KeynoteProgram& program, int64_t opened_ms);

}  // namespace livegate::server
