// The seller's REST API for broadcasts, against a real livegate, redis-server and ffmpeg publisher:
// auth, validation, create → publish with the returned key → live, key rotation, end.

#include "ingest_fixture.h"

using namespace livegate::testing;
using nlohmann::json;

namespace {

constexpr const char* kToken = "seller-token-for-tests-0123456789";

class BroadcastApi : public IngestFixture {
 protected:
  std::string extra_yaml() const override {
    return std::string("auth:\n  seller_token: ") + kToken + "\n";
  }

  int post(const std::string& path, const std::string& body, json* answer,
           const std::string& token = kToken) {
    std::vector<std::string> headers = {"Content-Type: application/json"};
    if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
    std::string out;
    const int status = http_request(server->port(), "POST", path, body, headers, &out);
    if (answer) *answer = json::parse(out, nullptr, false);
    return status;
  }
};

const char* kNewBroadcast = R"({
  "id": "pears",
  "title": "Pear harvest",
  "seller": "Test Orchard",
  "source": {"type": "none"},
  "products": [{"sku": "bosc-5lb", "title": "Bosc 5 lb", "price_cents": 1999, "stock": 10}]
})";

}  // namespace

TEST_F(BroadcastApi, WithoutTheSellerTokenNothingHappens) {
  json answer;
  EXPECT_EQ(post("/api/broadcasts", kNewBroadcast, &answer, ""), 401);
  EXPECT_TRUE(answer.contains("error"));
  EXPECT_EQ(post("/api/broadcasts", kNewBroadcast, &answer, "not-the-seller-token-at-all"), 403);
  EXPECT_TRUE(answer.contains("error"));
  EXPECT_EQ(post("/api/broadcasts/ingest/end", "", &answer, ""), 401);
  EXPECT_EQ(post("/api/broadcasts/ingest/key", "", &answer, "not-the-seller-token-at-all"), 403);
  EXPECT_EQ(http_get(server->port(), "/api/broadcasts/pears"), 404);
  EXPECT_EQ(state_of("ingest"), "waiting");
}

TEST_F(BroadcastApi, BadBodiesGetClearErrors) {
  json answer;
  EXPECT_EQ(post("/api/broadcasts", "{not json", &answer), 400);
  EXPECT_TRUE(answer.contains("error"));
  EXPECT_EQ(post("/api/broadcasts", R"({"id": "Bad Id!", "title": "x"})", &answer), 400);
  EXPECT_NE(answer.value("error", "").find("id"), std::string::npos) << answer.dump();
  EXPECT_EQ(post("/api/broadcasts",
                 R"({"id": "p", "title": "x", "products": [{"sku": "a", "title": "A", "price_cents": -5, "stock": 1}]})",
                 &answer),
            400);
  EXPECT_NE(answer.value("error", "").find("price_cents"), std::string::npos) << answer.dump();
  EXPECT_EQ(post("/api/broadcasts", R"({"id": "ingest", "title": "again"})", &answer), 409);
  EXPECT_EQ(post("/api/broadcasts", std::string(200 * 1024, ' '), &answer), 413);
  EXPECT_EQ(post("/api/broadcasts/nope/end", "", &answer), 404);
  EXPECT_EQ(post("/api/broadcasts/ingest/whatever", "", &answer), 404);
  // The server is fine afterwards.
  EXPECT_EQ(http_get(server->port(), "/healthz"), 200);
}

TEST_F(BroadcastApi, CreatedBroadcastGoesLiveWithItsKeyRotatesAndEnds) {
  json created;
  ASSERT_EQ(post("/api/broadcasts", kNewBroadcast, &created), 201) << created.dump();
  const std::string key = created.value("stream_key", "");
  ASSERT_EQ(key.size(), 24u);
  EXPECT_NE(created.value("rtmp_url", "").find("/live/" + key), std::string::npos);
  EXPECT_NE(created.value("srt_url", "").find("streamid=" + key), std::string::npos);
  EXPECT_EQ(state_of("pears"), "waiting");

  // Listed, with its shop, and viewers can join its room.
  std::string body;
  ASSERT_EQ(http_get(server->port(), "/api/broadcasts/pears", &body), 200);
  auto detail = json::parse(body);
  EXPECT_EQ(detail["products"][0]["sku"], "bosc-5lb");
  EXPECT_EQ(detail["products"][0]["stock"], 10);
  WsClient viewer;
  ASSERT_TRUE(viewer.connect(server->port(), "/ws/pears")) << viewer.error();
  viewer.send_text(R"({"type":"hello"})");
  ASSERT_FALSE(next_of_type(viewer, "welcome").is_null());

  publish(key, 60);
  ASSERT_TRUE(wait_for([&] { return segments_in(playlist_of("pears")).size() >= 2; }, std::chrono::seconds(20)))
      << playlist_of("pears");
  EXPECT_EQ(state_of("pears"), "live");

  // A new key: the old one stops working for the next publisher.
  json rotated;
  ASSERT_EQ(post("/api/broadcasts/pears/key", "", &rotated), 200);
  const std::string new_key = rotated.value("stream_key", "");
  EXPECT_EQ(new_key.size(), 24u);
  EXPECT_NE(new_key, key);
  ChildProcess& stale = publish(key, 10);
  EXPECT_TRUE(wait_for([&] { return !stale.running(); }, std::chrono::seconds(10)))
      << "a publisher with the rotated-out key was accepted";

  // End: publisher dropped, state event, ENDLIST; a second end is a conflict.
  json ended;
  ASSERT_EQ(post("/api/broadcasts/pears/end", "", &ended), 200);
  EXPECT_EQ(ended.value("state", ""), "ended");
  bool told = false;
  for (int i = 0; i < 5 && !told; ++i) told = next_event(viewer, "state")["state"] == "ended";
  EXPECT_TRUE(told);
  EXPECT_TRUE(wait_for([&] { return !publishers.front()->running(); }, std::chrono::seconds(10)))
      << "the publisher kept streaming into an ended broadcast";
  EXPECT_NE(playlist_of("pears").find("#EXT-X-ENDLIST"), std::string::npos);
  EXPECT_EQ(post("/api/broadcasts/pears/end", "", &ended), 409);

  // The broadcast from the config file was not touched.
  EXPECT_EQ(state_of("ingest"), "waiting");
}

TEST_F(BroadcastApi, TwoBroadcastsAreLiveAtOnceIndependently) {
  json created;
  ASSERT_EQ(post("/api/broadcasts", kNewBroadcast, &created), 201) << created.dump();
  publish(kKey, 60);
  publish(created["stream_key"], 60);
  ASSERT_TRUE(wait_for(
      [&] {
        return segments_in(playlist_of("ingest")).size() >= 2 && segments_in(playlist_of("pears")).size() >= 2;
      },
      std::chrono::seconds(25)));
  EXPECT_EQ(state_of("ingest"), "live");
  EXPECT_EQ(state_of("pears"), "live");
  publishers.front()->kill_hard();
  EXPECT_TRUE(wait_for([&] { return state_of("ingest") == "reconnecting"; }, std::chrono::seconds(5)));
  EXPECT_EQ(state_of("pears"), "live");
}

// The studio's "Demo login": a short-lived seller JWT for the demo broadcast, only when the
// config says so; never the operator's seller token.
namespace {

constexpr const char* kJwtSecret = "jwt-secret-for-tests-0123456789abcdef";

class DemoLogin : public IngestFixture {
 protected:
  std::string extra_yaml() const override {
    return std::string("auth:\n  seller_token: ") + kToken + "\n  jwt_secret: " + kJwtSecret +
           "\n  demo_login: true\n  demo_login_ttl_seconds: 600\n";
  }
};

class DemoLoginOff : public IngestFixture {
 protected:
  std::string extra_yaml() const override {
    return std::string("auth:\n  seller_token: ") + kToken + "\n  jwt_secret: " + kJwtSecret + "\n";
  }
};

int demo_login(int port, json* answer) {
  std::string out;
  const int status = http_request(port, "POST", "/api/demo-login", "", {}, &out);
  *answer = json::parse(out, nullptr, false);
  return status;
}

int call(int port, const std::string& method, const std::string& path, const std::string& token,
         const std::string& body = {}, json* answer = nullptr) {
  std::string out;
  const int status = http_request(port, method, path, body,
                                  {"Content-Type: application/json", "Authorization: Bearer " + token}, &out);
  if (answer) *answer = json::parse(out, nullptr, false);
  return status;
}

}  // namespace

TEST_F(DemoLogin, AnswersASellerTokenForTheDemoBroadcastOnly) {
  json answer;
  ASSERT_EQ(demo_login(server->port(), &answer), 200) << answer.dump();
  EXPECT_EQ(answer.dump().find(kToken), std::string::npos) << "never the operator's token";
  EXPECT_FALSE(answer.contains("seller_token"));
  EXPECT_EQ(answer.value("role", ""), "seller");
  EXPECT_EQ(answer.value("room", ""), "ingest");  // demo_login: true names the first broadcast
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_LE(answer.value("expires_at", int64_t{0}), now + 600);
  EXPECT_GT(answer.value("expires_at", int64_t{0}), now + 500);
  const std::string token = answer.value("token", "");
  ASSERT_FALSE(token.empty());
  const int port = server->port();
  // It runs the demo broadcast...
  EXPECT_EQ(call(port, "POST", "/api/broadcasts/ingest/key", token), 200);
  EXPECT_EQ(call(port, "POST", "/api/broadcasts/ingest/tokens", token, R"({"role":"moderator","name":"Mia"})"), 201);
  // ...and nothing more: no new broadcasts, no seller tokens (itself again, forever).
  EXPECT_EQ(call(port, "POST", "/api/broadcasts", token, kNewBroadcast), 403);
  EXPECT_EQ(call(port, "POST", "/api/broadcasts/ingest/tokens", token, R"({"role":"seller","name":"Me again"})"), 403);
  std::string out;
  EXPECT_EQ(http_request(port, "GET", "/api/demo-login", "", {}, &out), 405) << "only POST";
}

TEST_F(DemoLoginOff, IsNotFoundAndGivesNothingAway) {
  json answer;
  EXPECT_EQ(demo_login(server->port(), &answer), 404);
  EXPECT_TRUE(answer.contains("error")) << answer.dump();
  EXPECT_FALSE(answer.contains("token"));
  EXPECT_EQ(answer.dump().find(kToken), std::string::npos);
}

TEST_F(BroadcastApi, IngestUrlsTellTheSellerWhereToPublish) {
  std::string out;
  EXPECT_EQ(http_request(server->port(), "GET", "/api/ingest", "", {}, &out), 401);
  ASSERT_EQ(http_request(server->port(), "GET", "/api/ingest", "",
                         {std::string("Authorization: Bearer ") + kToken}, &out),
            200);
  const json urls = json::parse(out);
  EXPECT_EQ(urls["rtmp_url"], "rtmp://<host>:" + std::to_string(server->rtmp_port()) + "/live/{key}");
  EXPECT_EQ(urls["srt_url"].get<std::string>().substr(0, 13), "srt://<host>:");
  EXPECT_NE(urls["srt_url"].get<std::string>().find("?streamid={key}"), std::string::npos);
  EXPECT_EQ(urls["whip_url"], "/whip/{key}");
}

// A second node started on the same config (a double start, an overlapping restart) cannot bind
// the ports and exits; it must leave the running node's media alone: opening a broadcast clears
// its folder, so the media starts only after every port is bound.
TEST_F(BroadcastApi, ASecondNodeOnTheSamePortsLeavesTheRunningNodesMediaAlone) {
  publish(kKey, 60);
  ASSERT_TRUE(wait_for([&] { return segments_in(playlist_of("ingest")).size() >= 2; }, std::chrono::seconds(25)));
  const std::string second =
      run_command(std::string(LIVEGATE_BIN) + " --config " + server->config_path() + " 2>&1; echo \"exit=$?\"");
  EXPECT_NE(second.find("exit=1"), std::string::npos) << second;
  EXPECT_NE(second.find("cannot listen"), std::string::npos) << second;
  const std::string playlist = playlist_of("ingest");
  EXPECT_EQ(playlist.find("#EXT-X-ENDLIST"), std::string::npos) << playlist;
  for (const auto& segment : segments_in(playlist)) {
    std::string body;
    EXPECT_EQ(http_get(server->port(), "/live/ingest/" + segment, &body), 200) << segment;
  }
  EXPECT_EQ(state_of("ingest"), "live");
}
