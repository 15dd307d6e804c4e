#include "room.h"

namespace livegate::chat {

std::string batch_payload(const std::vector<RoomEvent>& events) {
  size_t total = 32;
  for (const auto& e : events) total += e.json.size() + 1;
  std::string out;
  out.reserve(total);
  out += R"({"type":"batch","events":[)";
  for (size_t i = 0; i < events.size(); ++i) {
    if (i) out += ',';
    out += events[i].json;
  }
  out += "]}";
  return out;
}

std::vector<RoomEvent> events_after(const std::vector<RoomEvent>& events, const StreamId& floor) {
  std::vector<RoomEvent> fresh;
  for (const auto& e : events) {
    if (!e.chat_id || *e.chat_id > floor) fresh.push_back(e);
  }
  return fresh;
}

Batch Room::take_batch() {
  Batch b;
  b.events = std::move(pending_);
  pending_.clear();
  for (auto& [key, e] : latest_) b.events.push_back(std::move(e));
  latest_.clear();
  b.frame = make_frame(batch_payload(b.events));
  last_flush_ = std::chrono::steady_clock::now();
  return b;
}

}  // namespace livegate::chat
