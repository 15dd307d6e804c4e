#pragma once
// A test fixture with a real redis-server on a free port and an event loop connected to it.

#include <gtest/gtest.h>

#include <memory>

#include "livegate/common/event_loop.h"
#include "livegate/common/redis_client.h"
#include "processes.h"

namespace livegate::testing {

class RedisFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_server.start()) << "redis-server did not start";
    endpoint.host = "127.0.0.1";
    endpoint.port = redis_server.port();
    redis = connect_client("test");
  }

  std::unique_ptr<RedisClient> connect_client(const std::string& name) {
    auto client = std::make_unique<RedisClient>(loop, endpoint, name);
    client->start();
    EXPECT_TRUE(loop.run_until([&] { return client->connected(); }, std::chrono::seconds(5)));
    return client;
  }

  // Runs a command and waits for its reply, as a string (arrays are not supported here).
  std::string sync(const std::vector<std::string>& argv) {
    std::string out;
    bool done = false;
    redis->command(argv, [&](RedisReply r, const std::string& error) {
      out = error.empty() ? r.string("(nil)") : "ERR " + error;
      done = true;
    });
    loop.run_until([&] { return done; }, std::chrono::seconds(5));
    return out;
  }

  RedisServer redis_server;
  EventLoop loop;
  RedisEndpoint endpoint;
  std::unique_ptr<RedisClient> redis;
};

}  // namespace livegate::testing
