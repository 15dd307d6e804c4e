// Moderation against a real livegate and redis-server: roles come from seller-issued tokens,
// and every rule is checked where it must hold (other viewers, history, reconnects).

#include "chat_room_fixture.h"

using namespace livegate::testing;
using nlohmann::json;
using namespace std::chrono_literals;

using ChatModeration = ChatRoomFixture;

namespace {
// The next error frame's code (empty when none came).
std::string next_error(WsClient& c) {
  json e = next_of_type(c, "error");
  return e.is_null() ? "" : e["code"].get<std::string>();
}
}  // namespace

TEST_F(ChatModeration, TokensGiveRolesAndBadTokensAreRefused) {
  json welcome;
  auto mod = moderator(&welcome);
  EXPECT_EQ(welcome["user"]["role"], "moderator");
  EXPECT_EQ(welcome["user"]["name"], "Mia");
  EXPECT_TRUE(welcome["user"]["id"].get<std::string>().starts_with("m-"));

  json reply;
  auto forged = join({{"token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA"}}, &reply);
  EXPECT_EQ(reply["type"], "error");
  EXPECT_EQ(reply["code"], "bad_token");

  // The token API: seller only, validated.
  std::string body;
  EXPECT_EQ(http_request(port(), "POST", "/api/broadcasts/orchard/tokens", R"({"role":"moderator","name":"x"})", {}, &body), 401);
  const std::vector<std::string> auth = {"Authorization: Bearer " + std::string(kSellerToken)};
  EXPECT_EQ(http_request(port(), "POST", "/api/broadcasts/orchard/tokens", R"({"role":"admin","name":"x"})", auth, &body), 400);
  EXPECT_NE(json::parse(body)["error"].get<std::string>().find("role"), std::string::npos);
  EXPECT_EQ(http_request(port(), "POST", "/api/broadcasts/orchard/tokens", R"({"role":"moderator"})", auth, &body), 400);
  EXPECT_EQ(http_request(port(), "POST", "/api/broadcasts/orchard/tokens", R"({"name":"x","ttl_seconds":5})", auth, &body), 400);
  EXPECT_EQ(http_request(port(), "POST", "/api/broadcasts/nope/tokens", R"({"name":"x"})", auth, &body), 404);
}

TEST_F(ChatModeration, ViewersCannotModerate) {
  auto ann = guest("Ann");
  const std::string id = say(*ann, "hello");
  ann->send_text(json{{"type", "delete"}, {"id", id}}.dump());
  EXPECT_EQ(next_error(*ann), "forbidden");
  ann->send_text(R"({"type":"slow","seconds":10})");
  EXPECT_EQ(next_error(*ann), "forbidden");
}

TEST_F(ChatModeration, DeletedLineIsGoneForEveryoneAndFromHistory) {
  auto mod = moderator();
  auto ann = guest("Ann");
  auto bo = guest("Bo");
  const std::string keep = say(*ann, "a fine question");
  const std::string bad = say(*ann, "buy followers at example.com");
  collect_events(*bo, "chat", 2);
  collect_events(*mod, "chat", 2);
  bo->close();  // Bo saw the line and leaves before it is deleted

  mod->send_text(json{{"type", "delete"}, {"id", bad}}.dump());
  EXPECT_EQ(next_event(*ann, "deleted")["id"], bad);
  EXPECT_EQ(next_event(*mod, "deleted")["id"], bad);

  json welcome;
  auto late = guest("Late", &welcome);
  ASSERT_EQ(welcome["room"]["chat"].size(), 1u);
  EXPECT_EQ(welcome["room"]["chat"][0]["id"], keep);

  // Bo comes back from the last line he saw: nothing new to read, and told to drop the deleted one.
  json resumed;
  auto back = join({{"name", "Bo"}, {"resume_from", bad}}, &resumed);
  EXPECT_EQ(resumed["room"]["resumed"], true);
  EXPECT_EQ(resumed["room"]["chat"].size(), 0u);
  EXPECT_EQ(resumed["room"]["deleted"], json::array({bad}));

  mod->send_text(json{{"type", "delete"}, {"id", bad}}.dump());
  EXPECT_EQ(next_error(*mod), "unknown_line");
}

TEST_F(ChatModeration, TimeoutMutesAndBanClosesAndKeepsOut) {
  auto mod = moderator();
  json w;
  auto troll = join({{"name", "Troll"}, {"guest", "troll-browser-secret-1"}}, &w);
  const std::string troll_id = w["user"]["id"];
  auto ann = guest("Ann");

  mod->send_text(json{{"type", "ban"}, {"user", troll_id}, {"seconds", 60}}.dump());
  json muted = next_event(*ann, "banned");
  EXPECT_EQ(muted["user"], troll_id);
  EXPECT_EQ(muted["seconds"], 60);
  troll->send_text(R"({"type":"chat","text":"still here"})");
  json e = next_of_type(*troll, "error");
  EXPECT_EQ(e["code"], "muted");
  EXPECT_GT(e["retry_after_ms"].get<int>(), 50000);
  EXPECT_FALSE(troll->closed());

  mod->send_text(json{{"type", "ban"}, {"user", troll_id}}.dump());
  EXPECT_EQ(next_error(*troll), "banned");
  EXPECT_FALSE(troll->receive(5s));
  EXPECT_EQ(troll->close_code(), 4403);

  // The same browser (same guest secret) is kept out; another viewer is not.
  json reply;
  auto again = join({{"name", "Troll2"}, {"guest", "troll-browser-secret-1"}}, &reply);
  EXPECT_EQ(reply["code"], "banned");
  EXPECT_FALSE(again->receive(5s));
  EXPECT_EQ(again->close_code(), 4403);

  mod->send_text(json{{"type", "unban"}, {"user", troll_id}}.dump());
  EXPECT_EQ(next_event(*ann, "unbanned")["user"], troll_id);
  auto forgiven = join({{"name", "Troll"}, {"guest", "troll-browser-secret-1"}}, &reply);
  EXPECT_EQ(reply["type"], "welcome");
  EXPECT_FALSE(say(*forgiven, "sorry").empty());
}

TEST_F(ChatModeration, SlowModeHoldsForViewersNotStaff) {
  auto mod = moderator();
  auto ann = guest("Ann");
  mod->send_text(R"({"type":"slow","seconds":3})");
  EXPECT_EQ(next_event(*ann, "slow")["seconds"], 3);
  EXPECT_FALSE(say(*ann, "first").empty());
  ann->send_text(R"({"type":"chat","text":"second"})");
  json e = next_of_type(*ann, "error");
  EXPECT_EQ(e["code"], "slow_mode");
  EXPECT_GT(e["retry_after_ms"].get<int>(), 1000);
  EXPECT_LE(e["retry_after_ms"].get<int>(), 3000);
  // Staff are not slowed.
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(say(*mod, "announcement " + std::to_string(i)).empty());
  json welcome;
  auto late = guest("Late", &welcome);
  EXPECT_EQ(welcome["room"]["slow"], 3);
  mod->send_text(R"({"type":"slow","seconds":0})");
  EXPECT_EQ(next_event(*ann, "slow")["seconds"], 0);
  EXPECT_FALSE(say(*ann, "free again").empty());
}

TEST_F(ChatModeration, PinnedLineReachesEveryoneAndNewcomers) {
  auto mod = moderator();
  auto ann = guest("Ann");
  const std::string id = say(*mod, "Flash deal at 8:15!");
  collect_events(*ann, "chat", 1);
  mod->send_text(json{{"type", "pin_message"}, {"id", id}}.dump());
  json pinned = next_event(*ann, "pinned_message");
  EXPECT_EQ(pinned["line"]["id"], id);
  EXPECT_EQ(pinned["line"]["text"], "Flash deal at 8:15!");
  EXPECT_EQ(pinned["line"]["user"]["role"], "moderator");
  json welcome;
  auto late = guest("Late", &welcome);
  EXPECT_EQ(welcome["room"]["pinned_message"]["id"], id);
  // Deleting the pinned line unpins it.
  mod->send_text(json{{"type", "delete"}, {"id", id}}.dump());
  EXPECT_TRUE(next_event(*ann, "pinned_message")["line"].is_null());
  auto later = guest("Later", &welcome);
  EXPECT_TRUE(welcome["room"]["pinned_message"].is_null());
}

TEST_F(ChatModeration, WordFilterMasksLinesAndNames) {
  json welcome;
  auto ann = guest("spam king", &welcome);
  EXPECT_EQ(welcome["user"]["name"], "**** king");
  ann->send_text(R"({"type":"chat","text":"SPAM spammer 骗子!"})");
  EXPECT_EQ(next_event(*ann, "chat")["text"], "**** spammer **!");
}
