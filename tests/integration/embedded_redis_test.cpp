// The embedded redis-server livegate starts for single-box installs: AOF on, and fsynced before
// Redis replies unless the config says otherwise (an acknowledged order must survive a crash).

#include "livegate/server/embedded_redis.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "processes.h"

using namespace livegate::testing;
using livegate::server::EmbeddedRedis;

namespace {

// CONFIG GET name through the unix socket, once Redis answers (empty when it never did).
std::string config_get(const std::string& socket, const std::string& name) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string out =
        run_command("redis-cli -s " + socket + " config get " + name + " 2>/dev/null");
    if (out.starts_with(name + "\n")) return out.substr(name.size() + 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return {};
}

void expect_policy(const std::string& configured, const std::string& expected) {
  const std::string dir = make_temp_dir("livegate-embedded");
  {
    auto redis = configured.empty()
                     ? std::make_unique<EmbeddedRedis>("redis-server", dir)
                     : std::make_unique<EmbeddedRedis>("redis-server", dir, configured);
    auto started = redis->start();
    ASSERT_TRUE(started) << started.error().message;
    EXPECT_EQ(config_get(redis->socket_path(), "appendonly"), "yes\n");
    EXPECT_EQ(config_get(redis->socket_path(), "appendfsync"), expected + "\n");
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace

TEST(EmbeddedRedis, FsyncsTheAofBeforeReplyingByDefault) {
  expect_policy("", "always");
}

TEST(EmbeddedRedis, TakesTheConfiguredFsyncPolicy) {
  expect_policy("everysec", "everysec");
}
