// WHIP's HTTP side against a real livegate: every refusal has its status and a JSON reason, and
// none of them disturbs the broadcast. (Publishing real media over WHIP is the e2e test with
// Chromium's fake camera: tests/e2e/whip.test.mjs.)

#include "ingest_fixture.h"

using namespace livegate::testing;
using nlohmann::json;

namespace {

// A minimal offer livegate accepts (VP8 + Opus), for the paths that refuse before ICE.
const char* kOffer =
    "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendonly\r\na=rtcp-mux\r\n"
    "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=setup:actpass\r\n"
    "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=sendonly\r\na=rtcp-mux\r\n"
    "a=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=setup:actpass\r\n"
    "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\r\n"
    "a=rtpmap:96 VP8/90000\r\n";

class WhipHttp : public IngestFixture {
 protected:
  int whip(const std::string& method, const std::string& path, const std::string& body,
           const std::string& content_type, json* answer) {
    std::vector<std::string> headers;
    if (!content_type.empty()) headers.push_back("Content-Type: " + content_type);
    std::string out;
    const int status = http_request(server->port(), method, path, body, headers, &out);
    *answer = json::parse(out, nullptr, false);
    return status;
  }
};

}  // namespace

TEST_F(WhipHttp, RefusalsHaveTheirStatusAndAReason) {
  json answer;
  EXPECT_EQ(whip("POST", std::string("/whip/") + kKey, kOffer, "text/plain", &answer), 415);
  EXPECT_TRUE(answer.contains("error"));
  EXPECT_EQ(whip("POST", std::string("/whip/") + kKey, "not an offer", "application/sdp", &answer), 400);
  EXPECT_NE(answer.value("error", "").find("SDP"), std::string::npos) << answer.dump();
  EXPECT_EQ(whip("POST", "/whip/wrong-key", kOffer, "application/sdp", &answer), 403);
  EXPECT_EQ(answer.value("error", ""), "unknown stream key");
  EXPECT_EQ(whip("DELETE", std::string("/whip/") + kKey + "/0123456789abcdef", "", "", &answer), 404);
  EXPECT_EQ(whip("PATCH", std::string("/whip/") + kKey + "/0123456789abcdef", "a=candidate:1",
                 "application/trickle-ice-sdpfrag", &answer),
            405);
  EXPECT_EQ(whip("GET", std::string("/whip/") + kKey, "", "", &answer), 405);
  EXPECT_TRUE(wait_log("offer refused: unknown stream key", std::chrono::seconds(5)));
  EXPECT_EQ(state_of("ingest"), "waiting");
  EXPECT_EQ(http_get(server->port(), "/healthz"), 200);
}

TEST_F(WhipHttp, ASessionThatNeverSendsMediaEndsAndTheBroadcastGoesBackToWaiting) {
  // A well-formed offer from no one: livegate answers, ICE never connects, no media arrives.
  json answer;
  std::string sdp_answer, headers;
  const int status = http_request(server->port(), "POST", std::string("/whip/") + kKey, kOffer,
                                  {"Content-Type: application/sdp"}, &sdp_answer, &headers);
  ASSERT_EQ(status, 201) << sdp_answer;
  EXPECT_NE(sdp_answer.find("a=candidate"), std::string::npos) << "non-trickle: candidates in the answer";
  EXPECT_NE(sdp_answer.find("VP8"), std::string::npos) << sdp_answer;
  EXPECT_NE(headers.find("location: /whip/"), std::string::npos) << headers;
  EXPECT_EQ(state_of("ingest"), "waiting");  // nothing to show yet
  EXPECT_TRUE(wait_log("no media for 2 s", std::chrono::seconds(8)));
  EXPECT_TRUE(wait_log("publisher left before sending media", std::chrono::seconds(2)));
  EXPECT_TRUE(wait_for([&] { return state_of("ingest") == "waiting"; }, std::chrono::seconds(3)));
  // The key is free again: a real publisher takes it.
  publish(kKey, 20);
  EXPECT_TRUE(wait_for([&] { return state_of("ingest") == "live"; }, std::chrono::seconds(15)));
}

TEST_F(WhipHttp, AKeyThatIsLiveOverRtmpIsAConflict) {
  publish(kKey, 30);
  ASSERT_TRUE(wait_for([&] { return state_of("ingest") == "live"; }, std::chrono::seconds(20)));
  json answer;
  EXPECT_EQ(whip("POST", std::string("/whip/") + kKey, kOffer, "application/sdp", &answer), 409);
  EXPECT_NE(answer.value("error", "").find("already has a publisher"), std::string::npos) << answer.dump();
  EXPECT_EQ(state_of("ingest"), "live");
}
