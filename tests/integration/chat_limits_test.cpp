// Chat limits with a real livegate: each limit from config, each violation answered with an
// error frame or a close code, never a crash or a stalled room.

#include <atomic>
#include <thread>

#include "chat_room_fixture.h"

using namespace livegate::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

class ChatLimits : public ChatRoomFixture {
 protected:
  std::string chat_yaml() const override {
    return "chat:\n  messages_per_minute: 60\n  messages_burst: 3\n  frames_per_second: 5\n"
           "  frames_burst: 30\n  max_connections_per_ip: 5\n  resume_max_lines: 5\n"
           "  history_on_join: 4\n";
  }
};

class SlowConsumer : public ChatRoomFixture {
 protected:
  std::string chat_yaml() const override {
    return "chat:\n  messages_per_minute: 0\n  ip_messages_per_minute: 0\n  frames_per_second: 10000\n  frames_burst: 10000\n"
           "  max_send_queue_bytes: 4194304\n";
  }
  // The room's own limit (4008) is what this is about: the send clock and the kernel's, which
  // close a client that takes nothing for that long, are set past the test's 60 s.
  std::string http_yaml() const override { return "  send_timeout_ms: 300000\n"; }
};

}  // namespace

TEST_F(ChatLimits, MessageRateGetsRateLimitedErrors) {
  auto ann = guest("Ann");
  for (int i = 0; i < 3; ++i) ann->send_text(json{{"type", "chat"}, {"text", "line " + std::to_string(i)}}.dump());
  ann->send_text(R"({"type":"chat","text":"one too many"})");
  json e = next_of_type(*ann, "error");
  EXPECT_EQ(e["code"], "rate_limited");
  EXPECT_GT(e["retry_after_ms"].get<int>(), 0);
  EXPECT_LE(e["retry_after_ms"].get<int>(), 1001);
  EXPECT_EQ(collect_events(*ann, "chat", 3).size(), 3u);
  EXPECT_FALSE(ann->closed());
}

TEST_F(ChatLimits, FloodingConnectionIsClosedOthersStay) {
  auto ann = guest("Ann");
  auto flooder = guest("Flood");
  for (int i = 0; i < 60; ++i) flooder->send_text(R"({"type":"ping"})");
  EXPECT_TRUE(flooder->receive_until([](const std::string& t) { return t.find("flooding") != std::string::npos; }, 5s));
  EXPECT_FALSE(flooder->receive_until([](const std::string&) { return false; }, 5s));
  EXPECT_EQ(flooder->close_code(), 4029);
  EXPECT_FALSE(say(*ann, "still fine").empty());
}

TEST_F(ChatLimits, TooManyErrorsCloseTheConnection) {
  auto bad = guest("Bad");
  for (int i = 0; i < 25; ++i) bad->send_text("{not json");
  EXPECT_FALSE(bad->receive_until([](const std::string&) { return false; }, 5s));
  EXPECT_EQ(bad->close_code(), 4029);
}

TEST_F(ChatLimits, ConnectionsPerAddressAreCapped) {
  std::vector<std::unique_ptr<WsClient>> ok;
  for (int i = 0; i < 5; ++i) ok.push_back(guest("v" + std::to_string(i)));
  WsClient sixth;
  ASSERT_TRUE(sixth.connect(port(), "/ws/orchard"));
  json e = next_of_type(sixth, "error");
  EXPECT_EQ(e["code"], "too_many_connections");
  EXPECT_FALSE(sixth.receive(5s));
  EXPECT_EQ(sixth.close_code(), 4429);
  ok.pop_back();  // one leaves: a place frees up
  ok.back()->send_text(R"({"type":"ping"})");
  next_of_type(*ok.back(), "pong");  // the server has seen the close by now
  json welcome;
  auto again = guest("again", &welcome);
  EXPECT_EQ(welcome["type"], "welcome");
}

TEST_F(ChatLimits, ResumeReturnsExactlyTheMissedLinesOrASnapshotWhenTooMany) {
  auto mod = moderator();  // staff: the tight message budget is per user, mod posts many
  std::vector<std::string> ids;
  // Three users' lines so the budget (burst 3) is not in the way.
  for (int u = 0; u < 3; ++u) {
    auto v = guest("u" + std::to_string(u));
    for (int i = 0; i < 3; ++i) ids.push_back(say(*v, "u" + std::to_string(u) + " line " + std::to_string(i)));
  }
  ASSERT_EQ(ids.size(), 9u);
  json w;
  auto exact = join({{"resume_from", ids[5]}}, &w);
  EXPECT_EQ(w["room"]["resumed"], true);
  ASSERT_EQ(w["room"]["chat"].size(), 3u);
  EXPECT_EQ(w["room"]["chat"][0]["id"], ids[6]);
  EXPECT_EQ(w["room"]["chat"][2]["id"], ids[8]);
  // 8 missed > resume_max_lines (5): a snapshot of the latest history_on_join (4) instead.
  auto too_far = join({{"resume_from", ids[0]}}, &w);
  EXPECT_EQ(w["room"]["resumed"], false);
  ASSERT_EQ(w["room"]["chat"].size(), 4u);
  EXPECT_EQ(w["room"]["chat"][3]["id"], ids[8]);
  // An id older than anything kept (here: before the room existed) also gets a snapshot.
  auto ancient = join({{"resume_from", "1-0"}}, &w);
  EXPECT_EQ(w["room"]["resumed"], false);
}

TEST_F(SlowConsumer, IsClosedWhileTheOthersKeepReceiving) {
  auto ann = guest("Ann");
  // Slow never reads and has a tiny receive buffer, so our send queue is what fills.
  auto slow = std::make_unique<WsClient>();
  slow->set_receive_buffer(4096);
  ASSERT_TRUE(slow->connect(port(), "/ws/orchard"));
  slow->send_text(R"({"type":"hello","name":"Slow"})");
  auto talker = guest("Talker");
  // The talker may run at most `window` lines (~250 KB) ahead of what Ann, a healthy viewer, has
  // received. So Ann's backlog on the server stays far below the 4 MiB queue limit however slowly
  // a busy machine schedules this test, while Slow's grows until the server gives up on it (the
  // kernel takes a few MB first: loopback send buffers autotune up to tcp_wmem's max).
  // Bounded: at most 40,000 lines of ~500 bytes, or 60 s.
  constexpr int window = 500;
  std::atomic<bool> stop{false};
  std::atomic<int> sent{0};
  std::atomic<int> received{0};
  std::thread sender([&] {
    const std::string text(480, 'x');
    for (int i = 0; i < 40000 && !stop; ++i) {
      while (!stop && i - received.load() >= window) talker->receive(1ms);  // the talker reads too
      if (stop) break;
      talker->send_text(json{{"type", "chat"}, {"text", text + std::to_string(i)}}.dump());
      sent = i + 1;
      while (talker->receive(0ms)) {  // and keeps up like any healthy viewer
      }
    }
    while (!stop) talker->receive(5ms);
  });
  auto count_chat_lines = [&](const std::string& frame) {
    auto j = json::parse(frame, nullptr, false);
    if (!j.is_object() || j["type"] != "batch") return;
    int chats = 0;
    for (auto& e : j["events"]) chats += e["type"] == "chat";
    received += chats;
  };
  bool slow_closed = false;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  for (int turn = 0; !slow_closed && std::chrono::steady_clock::now() < deadline; ++turn) {
    if (auto m = ann->receive(100ms)) count_chat_lines(*m);
    if (turn % 20 == 0) slow_closed = servers[0]->log().find("closing slow viewer") != std::string::npos;
  }
  stop = true;
  sender.join();
  // Every line the talker sent must still reach Ann.
  const auto drain_deadline = std::chrono::steady_clock::now() + 20s;
  while (received < sent && std::chrono::steady_clock::now() < drain_deadline) {
    if (auto m = ann->receive(100ms)) count_chat_lines(*m);
  }
  EXPECT_TRUE(slow_closed);
  EXPECT_EQ(received.load(), sent.load()) << "Ann, a healthy viewer, missed lines";
  EXPECT_FALSE(ann->closed());
  const std::string log = servers[0]->log();
  const auto first = log.find("closing slow viewer");
  EXPECT_EQ(log.find("closing slow viewer", first + 1), std::string::npos) << "only Slow is slow";
  // Slow's stream ends in a 4008 close.
  while (slow->receive(5s)) {
  }
  EXPECT_TRUE(slow->closed());
  EXPECT_EQ(slow->close_code(), 4008);
}
