// Redis outages. A room keeps talking on each node while Redis is away: a line that cannot be
// written is shown at once to this node's viewers under a local id ("pending": true) and held.
// When Redis answers again the held lines are written in the order they were said, each as an
// event that "replaces" its local id, so pages here swap the id and pages on other nodes add the
// line. Rooms also catch up: once the events subscription is confirmed again, the lines other
// nodes wrote while it was down are read from the stream (Redis pub/sub keeps nothing for an
// absent subscriber) and delivered in order, before anything newer. Whatever was missed or
// held, every viewer ends up with the stream's lines, once each.

#include <glib.h>

#include "connection.h"
#include "livegate/chat/hub.h"
#include "livegate/common/log.h"
#include "livegate/common/metrics.h"
#include "room.h"

namespace livegate::chat {

namespace {

constexpr std::chrono::milliseconds kRecoveryRetry{500};

// While a room catches up, the events that arrive wait, at most this many; past that a failing
// read is given up and they go out regardless.
constexpr size_t kMaxWaitingEvents = 10000;

}  // namespace

bool Hub::hold_line(Connection& c, const std::string& text) {
  if (held_.size() >= limits_.outage_held_lines) return false;
  auto room = rooms_.find(c.room);
  if (room == rooms_.end()) return false;
  HeldLine line{c.room, c.user, text, "l-" + node_tag_ + "-" + std::to_string(next_local_id_++),
                g_get_real_time() / 1000};
  if (held_.empty())
    log("chat")->warn("Redis is away: holding chat lines on this node until it is back");
  nlohmann::json event = {
      {"type", "chat"},
      {"id", line.local_id},
      {"text", line.text},
      {"ts", line.ts},
      {"pending", true},
      {"user", {{"id", c.user.id}, {"name", c.user.name}, {"role", c.user.role}}}};
  room->second->add_event(
      {event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), std::nullopt});
  schedule_flush(c.room);
  held_.push_back(std::move(line));
  if (metrics_) metrics_->chat_held_lines.Set(static_cast<double>(held_.size()));
  schedule_recovery();
  return true;
}

// One line at a time, oldest first, so the stream keeps the order they were said in.
void Hub::replay_held() {
  if (replaying_ || held_.empty()) return;
  replaying_ = true;
  log("chat")->debug("writing held line {} ({} held)", held_.front().local_id, held_.size());
  services_.chat.replay(held_.front(), [this](const AppendOutcome& out) {
    replaying_ = false;
    if (out.unreachable) {
      log("chat")->debug("held line {} not written yet: {}", held_.front().local_id, out.error);
      return schedule_recovery();  // still away: try again shortly
    }
    HeldLine line = std::move(held_.front());
    held_.pop_front();
    if (metrics_) metrics_->chat_held_lines.Set(static_cast<double>(held_.size()));
    if (out.id.empty()) {
      // A ban or mute set before the outage (or a failing script): the line leaves the pages
      // that showed it, as a deleted line does.
      log("chat")->warn("room {}: held line {} from {} withdrawn: {}", line.room, line.local_id,
                        line.user.id, out.refused.empty() ? out.error : out.refused);
      publish_local(line.room, nlohmann::json{{"type", "deleted"}, {"id", line.local_id}}.dump());
    }
    if (held_.empty()) {
      log("chat")->info("Redis is back: every held chat line is written");
    } else {
      replay_held();
    }
  });
}

// The first confirmation is the room's start; a later one follows a lost connection, and
// everything published meanwhile is gone from pub/sub: read it from the stream.
void Hub::on_room_subscribed(const std::string& room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  auto& rec = it->second->recovery();
  if (!rec.subscribed_once) {
    rec.subscribed_once = true;
    return;
  }
  rec.catching_up = true;  // events from now on wait behind the missed lines
  if (rec.fetching) {
    rec.again = true;  // that read may have missed what came before this confirmation
    return;
  }
  catch_up(room);
}

void Hub::catch_up(const std::string& room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return;
  auto& rec = it->second->recovery();
  rec.fetching = true;
  rec.again = false;
  // No line seen here yet: everything since the room opened on this node is new to its viewers.
  const StreamId after =
      rec.last_chat_id.value_or(StreamId{static_cast<uint64_t>(rec.opened_ms), 0});
  services_.chat.lines_after(
      room, to_string(after), limits_.resume_max_lines,
      [this, room](History h, const std::string& error) {
        auto it = rooms_.find(room);
        if (it == rooms_.end()) return;
        Room& r = *it->second;
        r.recovery().fetching = false;
        if (!error.empty() && r.recovery().waiting.size() < kMaxWaitingEvents) {
          log("chat")->debug("room {}: catching up failed, retrying: {}", room, error);
          return schedule_recovery();  // the commands connection may not be back yet
        }
        if (!error.empty()) log("chat")->warn("room {}: gave up catching up: {}", room, error);
        finish_catch_up(r, std::move(h.lines));
      });
}

void Hub::finish_catch_up(Room& r, std::vector<nlohmann::json> missed) {
  auto& rec = r.recovery();
  if (!missed.empty())
    log("chat")->info("room {}: caught up on {} chat lines", r.id(), missed.size());
  for (const auto& line : missed) {
    deliver_room_event(r, line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  // Read again from the newest line just delivered: after a further reconnect, or when the page
  // of missed lines was full (chat.resume_max_lines at a time).
  if (rec.again || missed.size() >= limits_.resume_max_lines) return catch_up(r.id());
  rec.catching_up = false;
  std::vector<std::string> waiting = std::move(rec.waiting);
  rec.waiting.clear();
  for (const auto& event : waiting) deliver_room_event(r, event);
}

// One timer drives both retries while there is something to do: rooms still catching up and
// held lines still to write.
void Hub::schedule_recovery() {
  if (recovery_timer_.active()) return;
  recovery_timer_ = loop_.after(kRecoveryRetry, [this] {
    for (auto& [id, room] : rooms_) {
      if (room->recovery().catching_up && !room->recovery().fetching) catch_up(id);
    }
    replay_held();
  });
}

}  // namespace livegate::chat
