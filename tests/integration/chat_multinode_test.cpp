// Two livegate nodes sharing one Redis: a room is one room whichever node a viewer is on.

#include "chat_room_fixture.h"
#include "livegate/common/stream_id.h"

using namespace livegate::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {
class TwoNodes : public ChatRoomFixture {
 protected:
  int nodes() const override { return 2; }
};

std::vector<std::string> ids_of(const std::vector<json>& lines) {
  std::vector<std::string> ids;
  for (const auto& l : lines) ids.push_back(l["id"]);
  return ids;
}
}  // namespace

TEST_F(TwoNodes, LinesFromBothNodesReachEveryoneInOneOrderOnce) {
  auto a_talk = guest("A", nullptr, 0);
  auto b_talk = guest("B", nullptr, 1);
  auto a_read = guest("ReaderA", nullptr, 0);
  auto b_read = guest("ReaderB", nullptr, 1);
  constexpr int kEach = 100;
  for (int i = 0; i < kEach; ++i) {
    a_talk->send_text(json{{"type", "chat"}, {"text", "a" + std::to_string(i)}}.dump());
    b_talk->send_text(json{{"type", "chat"}, {"text", "b" + std::to_string(i)}}.dump());
  }
  auto on_a = collect_events(*a_read, "chat", 2 * kEach, 15s);
  auto on_b = collect_events(*b_read, "chat", 2 * kEach, 15s);
  ASSERT_EQ(on_a.size(), 2u * kEach);
  ASSERT_EQ(on_b.size(), 2u * kEach);
  // The same sequence on both nodes, in stream order, no line twice...
  EXPECT_EQ(ids_of(on_a), ids_of(on_b));
  for (size_t i = 1; i < on_a.size(); ++i) {
    EXPECT_LT(*livegate::parse_stream_id(on_a[i - 1]["id"].get<std::string>()),
              *livegate::parse_stream_id(on_a[i]["id"].get<std::string>()));
  }
  // ... and each talker's lines in the order it typed them.
  int next_a = 0, next_b = 0;
  for (const auto& l : on_b) {
    const std::string text = l["text"];
    if (text[0] == 'a') {
      EXPECT_EQ(text, "a" + std::to_string(next_a++));
    } else {
      EXPECT_EQ(text, "b" + std::to_string(next_b++));
    }
  }
  EXPECT_EQ(next_a, kEach);
  EXPECT_EQ(next_b, kEach);
  // Nothing more arrives: no duplicates trailing behind.
  EXPECT_TRUE(collect_events(*b_read, "chat", 1, 500ms).empty());
}

TEST_F(TwoNodes, ModerationOnOneNodeHoldsOnTheOther) {
  auto mod = moderator();  // on node 0
  json w;
  auto troll = join({{"name", "Troll"}, {"guest", "troll-secret-on-node-1"}}, &w, 1);
  const std::string troll_id = w["user"]["id"];
  auto reader = guest("Reader", nullptr, 1);
  const std::string line = say(*troll, "spammy line");
  collect_events(*reader, "chat", 1);

  mod->send_text(json{{"type", "delete"}, {"id", line}}.dump());
  EXPECT_EQ(next_event(*reader, "deleted")["id"], line);

  mod->send_text(R"({"type":"slow","seconds":30})");
  EXPECT_EQ(next_event(*reader, "slow")["seconds"], 30);
  EXPECT_FALSE(say(*reader, "one").empty());
  reader->send_text(R"({"type":"chat","text":"two"})");
  EXPECT_EQ(next_of_type(*reader, "error")["code"], "slow_mode");

  mod->send_text(json{{"type", "ban"}, {"user", troll_id}}.dump());
  EXPECT_EQ(next_of_type(*troll, "error")["code"], "banned");
  EXPECT_FALSE(troll->receive(5s));
  EXPECT_EQ(troll->close_code(), 4403);
}
