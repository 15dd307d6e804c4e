#pragma once
// One live room: who is connected on this node and the events waiting for the next flush.
// A flush serialises the pending events once into a batch frame that every member gets.

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "livegate/chat/frame.h"
#include "livegate/common/event_loop.h"
#include "livegate/common/stream_id.h"

namespace livegate::chat {

struct RoomEvent {
  std::string json;
  std::optional<StreamId> chat_id;  // set for chat lines, to drop lines a snapshot already has
};

// What one flush produced: the frame for everyone, and its events for members still joining.
struct Batch {
  FramePtr frame;
  std::vector<RoomEvent> events;
};

// Builds {"type":"batch","events":[...]} from already-serialised events.
std::string batch_payload(const std::vector<RoomEvent>& events);

// The events minus chat lines at or before floor (a viewer has them already).
std::vector<RoomEvent> events_after(const std::vector<RoomEvent>& events, const StreamId& floor);

class Room {
 public:
  explicit Room(std::string id) : id_(std::move(id)) {}

  const std::string& id() const { return id_; }
  std::set<uint64_t>& members() { return members_; }
  const std::set<uint64_t>& members() const { return members_; }

  void add_event(RoomEvent e) { pending_.push_back(std::move(e)); }
  // A latest-value event (stock of a sku): replaces the one waiting under the same key.
  void set_latest(std::string key, RoomEvent e) { latest_[std::move(key)] = std::move(e); }
  bool has_pending() const { return !pending_.empty() || !latest_.empty(); }
  // Only latest-value events wait: they may go out at the slower tally pace.
  bool only_latest_pending() const { return pending_.empty() && !latest_.empty(); }
  // Takes the pending events as one batch.
  Batch take_batch();

  // Presence: the room's totals over all nodes, and who joined here since the last report.
  struct Presence {
    int64_t viewers = 0;
    int64_t unique = 0;
    std::vector<std::string> joined;  // user ids for the unique-viewer count
  };
  Presence& presence() { return presence_; }
  const Presence& presence() const { return presence_; }

  // Catching up after the events subscription came back (hub_outage.cpp): the newest chat line
  // delivered here (older copies are dropped), when the room opened here (where catching up
  // starts if no line came yet), and the events that arrive while the missed lines are fetched.
  struct Recovery {
    std::optional<StreamId> last_chat_id;
    int64_t opened_ms = 0;
    bool subscribed_once = false;
    bool catching_up =
        false;  // the subscription came back: events wait until the missed lines are out
    bool fetching = false;  // the read of the missed lines is under way
    bool again = false;     // it came back once more during that read: read again after it
    std::vector<std::string> waiting;
  };
  Recovery& recovery() { return recovery_; }

  Timer& flush_timer() { return flush_timer_; }
  // Whether the scheduled flush is a slow (tally-paced) one that a regular event may bring forward.
  bool& slow_flush() { return slow_flush_; }
  std::chrono::steady_clock::time_point last_flush() const { return last_flush_; }

 private:
  std::string id_;
  std::set<uint64_t> members_;
  std::vector<RoomEvent> pending_;
  std::map<std::string, RoomEvent> latest_;
  Presence presence_;
  Recovery recovery_;
  Timer flush_timer_;
  bool slow_flush_ = false;
  std::chrono::steady_clock::time_point last_flush_{};
};

}  // namespace livegate::chat
