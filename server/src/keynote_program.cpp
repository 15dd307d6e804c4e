#include "livegate/server/keynote_program.h"

#include <ctime>

#include "livegate/common/web_url.h"

namespace livegate::server {

namespace {

constexpr int kMaxMinute = 7 * 24 * 60;  // a week-long summit is the longest program

// Reads exactly `width` digits at text[pos], or nothing.
std::optional<int> digits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::optional<int64_t> parse_iso_time(std::string_view text) {
  // YYYY-MM-DDTHH:MM[:SS](Z|±HH:MM)
  auto year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
  auto hour = digits(text, 11, 2), minute = digits(text, 14, 2);
  if (!year || !month || !day || !hour || !minute || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ') || text[13] != ':') {
    return std::nullopt;
  }
  size_t pos = 16;
  int second = 0;
  if (pos < text.size() && text[pos] == ':') {
    auto s = digits(text, pos + 1, 2);
    if (!s) return std::nullopt;
    second = *s;
    pos += 3;
  }
  int offset_minutes = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    pos += 1;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    auto oh = digits(text, pos + 1, 2), om = digits(text, pos + 4, 2);
    if (!oh || !om || pos + 3 >= text.size() || text[pos + 3] != ':' || *oh > 23 || *om > 59) {
      return std::nullopt;
    }
    offset_minutes = (text[pos] == '-' ? -1 : 1) * (*oh * 60 + *om);
    pos += 6;
  } else {
    return std::nullopt;  // a time without a zone means a different moment to every viewer
  }
  if (pos != text.size() || *month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 ||
      *minute > 59 || second > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  tm.tm_sec = second;
  const time_t utc = timegm(&tm);
  if (tm.tm_mday != *day) return std::nullopt;  // 31 February rolled over into March
  return (static_cast<int64_t>(utc) - offset_minutes * 60LL) * 1000;
}

std::optional<std::string> validate_program(const KeynoteProgram& p) {
  if (p.description.size() > 4000) return "description must be up to 4000 bytes";
  if (p.speakers.size() > kMaxSpeakers) return "speakers: at most " + std::to_string(kMaxSpeakers);
  for (size_t i = 0; i < p.speakers.size(); ++i) {
    const Speaker& s = p.speakers[i];
    const std::string at = "speakers[" + std::to_string(i) + "].";
    if (s.name.empty() || s.name.size() > 100) return at + "name is required, up to 100 bytes";
    if (s.role.size() > 200) return at + "role must be up to 200 bytes";
    if (!valid_image_url(s.photo)) return at + "photo must be an http(s) URL or a path starting with /";
  }
  if (p.agenda.size() > kMaxAgendaItems) return "agenda: at most " + std::to_string(kMaxAgendaItems);
  for (size_t i = 0; i < p.agenda.size(); ++i) {
    const AgendaItem& a = p.agenda[i];
    const std::string at = "agenda[" + std::to_string(i) + "].";
    if (a.title.empty() || a.title.size() > 200) return at + "title is required, up to 200 bytes";
    if (a.speaker.size() > 100) return at + "speaker must be up to 100 bytes";
    if (a.minute < 0 || a.minute > kMaxMinute) return at + "minute must be 0-" + std::to_string(kMaxMinute);
    if (i > 0 && a.minute < p.agenda[i - 1].minute) return at + "minute is before the item above it";
  }
  return std::nullopt;
}

nlohmann::json program_json(const KeynoteProgram& p, int64_t opened_ms) {
  nlohmann::json speakers = nlohmann::json::array();
  for (const auto& s : p.speakers) speakers.push_back({{"name", s.name}, {"role", s.role}, {"photo", s.photo}});
  nlohmann::json agenda = nlohmann::json::array();
  for (const auto& a : p.agenda) {
    agenda.push_back({{"minute", a.minute}, {"title", a.title}, {"speaker", a.speaker}});
  }
  return {{"description", p.description},
          {"starts_at_ms", p.starts_at_ms > 0 ? p.starts_at_ms : opened_ms},
          {"speakers", std::move(speakers)},
          {"agenda", std::move(agenda)}};
}

}  // namespace livegate::server
