// BroadcastRegistry: the one owner of every broadcast's state. Real pipelines (GStreamer) where a
// publisher or the slate runs; nothing else of a node (no Redis, no hub): a recording listener
// stands where the composition root wires them.

#include "livegate/server/broadcast/broadcast_registry.h"

#include <glib.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "livegate/common/secret_hash.h"
#include "livegate/streaming/whip_server.h"

using namespace livegate;
using namespace livegate::server;

namespace {

// Hears every hook, in order, as "hook:id[:state]". An opening can be held (the API's path,
// where the catalog goes to Redis first) or refused.
struct Recorder : BroadcastRegistry::Listener {
  std::vector<std::string> heard;
  std::function<void(Result<void>)> held;
  bool hold = false;
  std::optional<Error> refuse;

  void opening(const Broadcast& b, std::function<void(Result<void>)> ready) override {
    heard.push_back("opening:" + b.id());
    if (refuse) return ready(fail(*refuse));
    if (hold) {
      held = std::move(ready);
      return;
    }
    ready(ok());
  }
  void opened(const Broadcast& b) override { heard.push_back("opened:" + b.id()); }
  void state_changed(const Broadcast& b) override {
    heard.push_back("state:" + b.id() + ":" + state_name(b.state()));
  }
  void stream_key_changed(const Broadcast& b) override { heard.push_back("key:" + b.id()); }
  void ended(const Broadcast& b) override { heard.push_back("ended:" + b.id()); }
};

class BroadcastRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("livegate-registry-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    media_.root = root_.string();
    media_.reconnect_grace_seconds = 1;
    media_.record_mp4_minutes = 0;
    registry_ = std::make_unique<BroadcastRegistry>(loop_, media_);
    registry_->set_listener(&recorder_);
  }
  void TearDown() override {
    registry_->stop_all();
    registry_.reset();
    std::filesystem::remove_all(root_);
  }

  // A broadcast without a test source: no pipeline until a publisher comes.
  static BroadcastConfig config(const std::string& id, const std::string& key = "") {
    BroadcastConfig c;
    c.id = id;
    c.title = id;
    c.fallback_test_source = false;
    if (!key.empty()) c.stream_key_sha256 = sha256_hex(key);
    return c;
  }

  Result<Broadcast*> open(BroadcastConfig c) {
    std::optional<Result<Broadcast*>> result;
    registry_->open(std::move(c), [&](Result<Broadcast*> r) { result.emplace(std::move(r)); });
    EXPECT_TRUE(result.has_value()) << "the open did not finish";
    return result ? std::move(*result) : fail(ErrorCode::internal, "did not finish");
  }

  // "orchard" opens, and a publisher that sent media drops: the slate and the grace period.
  const Broadcast* dropped_after_media() {
    EXPECT_TRUE(open(config("orchard", "key-1")));
    auto first = publish("key-1", 7);
    EXPECT_TRUE(first);
    if (!first) return nullptr;
    (*first)->publisher()->stats().on_bytes(1000);  // it sent media: leaving interrupts the show
    registry_->unpublish(Transport::rtmp, 7, "connection reset");
    return registry_->find("orchard");
  }

  // An RTMP publisher whose disconnect is counted.
  Result<Broadcast*> publish(const std::string& key, uint64_t connection) {
    return registry_->publish(key, Transport::rtmp, connection, [this] { ++disconnects_; });
  }

  EventLoop loop_;
  MediaConfig media_;
  std::filesystem::path root_;
  Recorder recorder_;
  std::unique_ptr<BroadcastRegistry> registry_;
  int disconnects_ = 0;
};

TEST_F(BroadcastRegistryTest, OpensThroughTheListenerAndWaitsForAPublisher) {
  auto opened = open(config("orchard", "key-1"));
  ASSERT_TRUE(opened);
  EXPECT_EQ((*opened)->id(), "orchard");
  EXPECT_EQ(registry_->find("orchard"), *opened);
  EXPECT_EQ(registry_->size(), 1u);
  EXPECT_EQ((*opened)->state(), BroadcastState::waiting);
  EXPECT_EQ((*opened)->source(), Source::none);
  EXPECT_FALSE((*opened)->media_failed());
  // The room opens before its media announces anything.
  EXPECT_EQ(recorder_.heard, (std::vector<std::string>{"opening:orchard", "opened:orchard",
                                                       "key:orchard", "state:orchard:waiting"}));
  EXPECT_EQ(registry_->stream_key_hashes(), std::set<std::string>{sha256_hex("key-1")});
}

TEST_F(BroadcastRegistryTest, RefusesATakenIdATakenKeyAndMoreThanTheLimit) {
  ASSERT_TRUE(open(config("a", "key-a")));
  auto same_id = open(config("a", "key-other"));
  ASSERT_FALSE(same_id);
  EXPECT_EQ(same_id.error().code, ErrorCode::conflict);
  auto same_key = open(config("b", "key-a"));
  ASSERT_FALSE(same_key);
  EXPECT_EQ(same_key.error().code, ErrorCode::conflict);
  EXPECT_EQ(same_key.error().message, "that stream key is in use");
  ASSERT_TRUE(open(config("b")));  // no key: no ingest, no clash with another keyless one
  ASSERT_TRUE(open(config("c")));
  media_.max_broadcasts = 3;
  auto over = open(config("d"));
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, ErrorCode::limit);
  EXPECT_EQ(registry_->size(), 3u);
}

// At start-up the media waits until every port is bound: a node that fails to bind must not
// clear the media folders another node may be serving.
TEST_F(BroadcastRegistryTest, DeferredMediaStartsOnlyWhenAsked) {
  registry_->defer_media();
  const auto live_dir = root_ / "live" / "orchard";
  std::filesystem::create_directories(live_dir);
  { std::ofstream(live_dir / "index.m3u8") << "#EXTM3U\n"; }  // another node's playlist
  auto opened = open(config("orchard", "key-1"));
  ASSERT_TRUE(opened);
  EXPECT_EQ((*opened)->state(), BroadcastState::starting);
  EXPECT_TRUE(std::filesystem::exists(live_dir / "index.m3u8"));
  EXPECT_FALSE(publish("key-1", 7));  // no media yet: refused, not half taken
  registry_->start_media();
  EXPECT_EQ((*opened)->state(), BroadcastState::waiting);
  ASSERT_TRUE(open(config("later")));  // opened after: media at once, as before
  EXPECT_EQ(registry_->find("later")->state(), BroadcastState::waiting);
}

// The REST API's path: the opening waits for Redis; meanwhile the broadcast exists (its id is
// taken) but takes no publisher; a refused opening leaves nothing behind.
TEST_F(BroadcastRegistryTest, AnApiCreatedBroadcastOpensWhenItsShopIsReadyOrNotAtAll) {
  recorder_.hold = true;
  std::optional<Result<Broadcast*>> result;
  registry_->open(config("api", "key-api"),
                  [&](Result<Broadcast*> r) { result.emplace(std::move(r)); });
  EXPECT_FALSE(result.has_value());
  ASSERT_NE(registry_->find("api"), nullptr);
  auto early = publish("key-api", 1);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, ErrorCode::unavailable);
  EXPECT_EQ(registry_->end("api").error().code, ErrorCode::conflict);  // nothing to end yet
  recorder_.held(ok());
  ASSERT_TRUE(result.has_value() && result->has_value());
  EXPECT_EQ(registry_->find("api")->state(), BroadcastState::waiting);

  recorder_.hold = false;
  recorder_.refuse = Error{ErrorCode::unavailable, "cannot open the shop: redis is down"};
  auto refused = open(config("api-2", "key-api-2"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "cannot open the shop: redis is down");
  EXPECT_EQ(registry_->find("api-2"), nullptr);
  EXPECT_EQ(registry_->stream_key_hashes().count(sha256_hex("key-api-2")), 0u);
}

TEST_F(BroadcastRegistryTest, APublisherIsKnownByTransportAndConnectionAndASecondIsRefused) {
  ASSERT_TRUE(open(config("orchard", "key-1")));
  auto unknown = publish("wrong", 1);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "unknown stream key");
  auto first = publish("key-1", 7);
  ASSERT_TRUE(first);
  EXPECT_EQ((*first)->source(), Source::publisher);
  ASSERT_NE((*first)->publisher(), nullptr);
  EXPECT_EQ((*first)->publisher()->transport(), Transport::rtmp);
  EXPECT_EQ(registry_->published_by(Transport::rtmp, 7), *first);
  // Connection ids of different transports never mix: no guessing from number ranges.
  EXPECT_EQ(registry_->published_by(Transport::srt, 7), nullptr);
  auto second = registry_->publish("key-1", Transport::srt, 7, [] {});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().message, streaming::kAlreadyPublishing);
}

TEST_F(BroadcastRegistryTest, APublisherThatSentNothingLeavesTheBroadcastAsItWas) {
  ASSERT_TRUE(open(config("orchard", "key-1")));
  ASSERT_TRUE(publish("key-1", 7));
  registry_->unpublish(Transport::rtmp, 7, "negotiation failed");
  const Broadcast* b = registry_->find("orchard");
  EXPECT_EQ(b->state(), BroadcastState::waiting);
  EXPECT_EQ(b->source(), Source::none);
  EXPECT_EQ(b->publisher(), nullptr);
  EXPECT_EQ(b->pipeline(), nullptr);
  EXPECT_EQ(registry_->published_by(Transport::rtmp, 7), nullptr);
}

// Drops, the slate, the same key again within the grace period: the same broadcast goes on.
TEST_F(BroadcastRegistryTest, APublisherThatDropsMayComeBackWithinTheGracePeriod) {
  media_.reconnect_grace_seconds = 30;
  const Broadcast* b = dropped_after_media();
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->state(), BroadcastState::reconnecting);
  EXPECT_EQ(b->source(), Source::slate);
  ASSERT_NE(b->pipeline(), nullptr);

  auto again = publish("key-1", 8);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, b);
  EXPECT_EQ(b->source(), Source::publisher);
  EXPECT_EQ(b->publisher()->connection(), 8u);
  // Its state moves to live on its first segment; the grace timer is gone, so nothing ends it.
  EXPECT_EQ(b->state(), BroadcastState::reconnecting);
  EXPECT_EQ(std::count(recorder_.heard.begin(), recorder_.heard.end(), "ended:orchard"), 0);
}

TEST_F(BroadcastRegistryTest, WithoutATestSourceTheBroadcastEndsWhenTheGracePeriodRunsOut) {
  const Broadcast* b = dropped_after_media();
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(loop_.run_until([&] { return b->state() == BroadcastState::ended; },
                              std::chrono::seconds(5)));
  EXPECT_EQ(b->source(), Source::none);
  EXPECT_EQ(b->pipeline(), nullptr);
  EXPECT_EQ(recorder_.heard.back(), "ended:orchard");
  EXPECT_EQ(b->hls_url(), "/vod/orchard/index.m3u8");  // the replay from now on
  EXPECT_EQ(disconnects_, 0);                          // it had gone by itself
}

// A publisher's pipeline that cannot start (its folder is gone, here) is refused, and the
// broadcast it would have resumed still ends when the grace period runs out, even though the
// slate could not start again either: nothing is left "reconnecting" for ever.
TEST_F(BroadcastRegistryTest, AFailedStartDuringTheGracePeriodStillEndsTheWait) {
  const Broadcast* b = dropped_after_media();
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->state(), BroadcastState::reconnecting);
  const auto live_dir = root_ / "live" / "orchard";
  std::filesystem::remove_all(live_dir);
  { std::ofstream blocker(live_dir); }  // a file where the folder was: no pipeline can write
  auto again = publish("key-1", 8);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::unavailable);
  EXPECT_EQ(b->publisher(), nullptr);
  EXPECT_EQ(b->state(), BroadcastState::reconnecting);
  ASSERT_TRUE(loop_.run_until([&] { return b->state() == BroadcastState::ended; },
                              std::chrono::seconds(5)));
  std::filesystem::remove(live_dir);
}

TEST_F(BroadcastRegistryTest, EndingDropsThePublisherOnceAndAnEndedBroadcastCannotEndAgain) {
  ASSERT_TRUE(open(config("orchard", "key-1")));
  ASSERT_TRUE(publish("key-1", 7));
  ASSERT_TRUE(registry_->end("orchard"));
  const Broadcast* b = registry_->find("orchard");
  EXPECT_EQ(disconnects_, 1);
  EXPECT_EQ(b->state(), BroadcastState::ended);
  EXPECT_EQ(b->publisher(), nullptr);
  EXPECT_EQ(b->pipeline(), nullptr);
  // The ingest server then reports the connection ended: nothing is left to undo.
  registry_->unpublish(Transport::rtmp, 7, "disconnected");
  EXPECT_EQ(b->state(), BroadcastState::ended);
  EXPECT_EQ(std::count(recorder_.heard.begin(), recorder_.heard.end(), "ended:orchard"), 1);
  auto twice = registry_->end("orchard");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, ErrorCode::conflict);
  EXPECT_EQ(registry_->end("nope").error().code, ErrorCode::not_found);
  // A publisher again starts a fresh timeline of the same broadcast.
  ASSERT_TRUE(publish("key-1", 9));
  EXPECT_EQ(b->source(), Source::publisher);
}

TEST_F(BroadcastRegistryTest, ANewStreamKeyWorksAtOnceAndTheOldOneNoLonger) {
  ASSERT_TRUE(open(config("orchard", "old-key")));
  recorder_.heard.clear();
  ASSERT_TRUE(registry_->set_stream_key("orchard", sha256_hex("new-key")));
  EXPECT_EQ(recorder_.heard, std::vector<std::string>{"key:orchard"});
  EXPECT_FALSE(publish("old-key", 1));
  EXPECT_TRUE(publish("new-key", 2));
  EXPECT_EQ(registry_->set_stream_key("nope", "x").error().code, ErrorCode::not_found);
}

// Every state the server sends (the API's "state", the room's "state" event) has words on every
// page, in English and in Chinese: i18n.js holds both tables.
TEST(BroadcastStates, EveryStateHasAStringInEveryLanguage) {
  std::ifstream file(std::string(LIVEGATE_SOURCE_DIR) + "/web-player/js/i18n.js");
  ASSERT_TRUE(file);
  std::stringstream text;
  text << file.rdbuf();
  const std::string i18n = text.str();
  for (auto state : {BroadcastState::starting, BroadcastState::waiting, BroadcastState::live,
                     BroadcastState::reconnecting, BroadcastState::ended}) {
    const std::string key = std::string("'state.") + state_name(state) + "'";
    size_t count = 0;
    for (size_t at = i18n.find(key); at != std::string::npos; at = i18n.find(key, at + 1)) ++count;
    EXPECT_EQ(count, 2u) << key << " should be in the en and the zh-CN table";
  }
}

}  // namespace
