// Keynote Q&A and presence through the room socket, with real nodes and Redis.

#include "chat_room_fixture.h"

using namespace livegate::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {
class ChatQa : public ChatRoomFixture {};
class Presence2 : public ChatRoomFixture {
 protected:
  int nodes() const override { return 2; }
};

// The next question event about this id (questions of other ids are skipped).
json next_question(WsClient& c, const std::string& id = {}) {
  json found;
  c.receive_until(
      [&](const std::string& text) {
        auto j = json::parse(text, nullptr, false);
        if (!j.is_object() || j["type"] != "batch") return false;
        for (auto& e : j["events"]) {
          if (e["type"] == "question" && (id.empty() || e["id"] == id)) found = e;
        }
        return !found.is_null();
      },
      5s);
  return found;
}

// Waits for a viewers event with this count (and unique, when given).
json viewers_reach(WsClient& c, int count, int unique = -1) {
  json last;
  c.receive_until(
      [&](const std::string& text) {
        auto j = json::parse(text, nullptr, false);
        if (!j.is_object() || j["type"] != "batch") return false;
        for (auto& e : j["events"]) {
          if (e["type"] == "viewers") last = e;
        }
        return !last.is_null() && last["count"] == count && (unique < 0 || last["unique"] == unique);
      },
      8s);
  return last;
}
}  // namespace

TEST_F(ChatQa, AskVoteRankAndAnswer) {
  auto mod = moderator();
  auto ann = guest("Ann");
  auto bo = guest("Bo");
  ann->send_text(R"({"type":"ask","text":"Will the keynote slides be shared?"})");
  json q1 = next_question(*bo);
  ASSERT_FALSE(q1.is_null());
  EXPECT_EQ(q1["text"], "Will the keynote slides be shared?");
  EXPECT_EQ(q1["user"]["name"], "Ann");
  EXPECT_EQ(q1["votes"], 0);
  EXPECT_EQ(q1["answered"], false);
  const std::string id1 = q1["id"];
  bo->send_text(R"({"type":"ask","text":"What is on the roadmap for 骗子 detection?"})");
  json q2 = next_question(*ann, "");
  while (!q2.is_null() && q2["id"] == id1) q2 = next_question(*ann);
  ASSERT_FALSE(q2.is_null());
  EXPECT_EQ(q2["text"], "What is on the roadmap for ** detection?");  // word filter
  const std::string id2 = q2["id"];

  for (auto* v : {ann.get(), bo.get(), mod.get()}) v->send_text(json{{"type", "vote"}, {"question", id2}}.dump());
  json voted = next_question(*ann, id2);
  while (!voted.is_null() && voted["votes"] != 3) voted = next_question(*ann, id2);
  EXPECT_EQ(voted["votes"], 3);
  bo->send_text(json{{"type", "vote"}, {"question", id2}}.dump());
  EXPECT_EQ(next_of_type(*bo, "error")["code"], "already_voted");
  bo->send_text(R"({"type":"vote","question":"q999"})");
  EXPECT_EQ(next_of_type(*bo, "error")["code"], "unknown_question");
  ann->send_text(json{{"type", "answer"}, {"question", id2}}.dump());
  EXPECT_EQ(next_of_type(*ann, "error")["code"], "forbidden");

  // A newcomer sees the board ranked: most votes first.
  json welcome;
  auto late = guest("Late", &welcome);
  ASSERT_EQ(welcome["room"]["questions"].size(), 2u);
  EXPECT_EQ(welcome["room"]["questions"][0]["id"], id2);
  EXPECT_EQ(welcome["room"]["questions"][1]["id"], id1);

  // Answered questions sink below open ones and take no more votes.
  mod->send_text(json{{"type", "answer"}, {"question", id2}}.dump());
  EXPECT_EQ(next_question(*late, id2)["answered"], true);
  late->send_text(json{{"type", "vote"}, {"question", id2}}.dump());
  EXPECT_EQ(next_of_type(*late, "error")["code"], "answered");
  auto later = guest("Later", &welcome);
  EXPECT_EQ(welcome["room"]["questions"][0]["id"], id1);

  mod->send_text(json{{"type", "remove_question"}, {"question", id1}}.dump());
  EXPECT_EQ(next_event(*later, "question_deleted")["id"], id1);
}

TEST_F(Presence2, ViewerCountsSpanNodesAndUniquesCountPeopleOnce) {
  auto a = join({{"name", "A"}, {"guest", "browser-secret-aaaa"}}, nullptr, 0);
  auto b = join({{"name", "B"}, {"guest", "browser-secret-bbbb"}}, nullptr, 0);
  auto c = join({{"name", "C"}, {"guest", "browser-secret-cccc"}}, nullptr, 1);
  json v = viewers_reach(*a, 3, 3);
  EXPECT_EQ(v["count"], 3);
  EXPECT_EQ(v["unique"], 3);
  EXPECT_EQ(viewers_reach(*c, 3, 3)["count"], 3);
  // B leaves and comes back on the other node with the same browser: still 3 unique people.
  b->close();
  EXPECT_EQ(viewers_reach(*a, 2)["count"], 2);
  auto b_again = join({{"name", "B"}, {"guest", "browser-secret-bbbb"}}, nullptr, 1);
  v = viewers_reach(*a, 3);
  EXPECT_EQ(v["unique"], 3);
  json welcome;
  auto d = join({{"name", "D"}}, &welcome, 1);
  EXPECT_GE(welcome["room"]["viewers"].get<int>(), 3);
  EXPECT_EQ(welcome["room"]["unique"], 3);
}
