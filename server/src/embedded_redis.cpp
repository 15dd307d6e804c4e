#include "livegate/server/embedded_redis.h"

#include <glib.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "livegate/common/log.h"

namespace livegate::server {

EmbeddedRedis::EmbeddedRedis(std::string binary, std::string data_dir, std::string appendfsync)
    : binary_(std::move(binary)),
      data_dir_(std::move(data_dir)),
      appendfsync_(std::move(appendfsync)) {}

EmbeddedRedis::~EmbeddedRedis() { stop(); }

Result<void> EmbeddedRedis::start() {
  std::error_code ec;
  std::filesystem::create_directories(data_dir_, ec);
  const auto dir = std::filesystem::absolute(data_dir_, ec).lexically_normal().string();
  if (ec) {
    return fail(ErrorCode::unavailable, "embedded redis: cannot create " + data_dir_ + ": " + ec.message());
  }
  socket_path_ = dir + "/redis.sock";
  if (socket_path_.size() >= 100) {
    return fail(ErrorCode::unavailable, "embedded redis: socket path too long for a unix socket: " + socket_path_);
  }
  std::filesystem::remove(socket_path_, ec);
  gchar* path = g_find_program_in_path(binary_.c_str());
  if (!path) {
    return fail(ErrorCode::unavailable, "embedded redis: '" + binary_ + "' not found (apt-get install redis-server)");
  }
  std::string program = path;
  g_free(path);
  // appendfsync always: Redis writes and fsyncs the AOF before it sends the replies of an event
  // loop turn, so an order acknowledged to a buyer is on disk; one fsync covers every buy batch
  // of that turn.
  // clang-format off
  std::vector<std::string> args = {program,
                                   "--port", "0",
                                   "--unixsocket", socket_path_,
                                   "--unixsocketperm", "700",
                                   "--dir", dir,
                                   "--appendonly", "yes",
                                   "--appendfsync", appendfsync_,
                                   "--save", "",
                                   "--daemonize", "no",
                                   "--logfile", dir + "/redis.log"};
  // clang-format on
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  GError* err = nullptr;
  GPid pid = 0;
  const gboolean spawned = g_spawn_async(
      nullptr, argv.data(), nullptr, G_SPAWN_DO_NOT_REAP_CHILD,
      [](gpointer) { prctl(PR_SET_PDEATHSIG, SIGTERM); }, nullptr, &pid, &err);
  if (!spawned) {
    std::string why = std::string("embedded redis: ") + (err ? err->message : "spawn failed");
    if (err) g_error_free(err);
    return fail(ErrorCode::unavailable, std::move(why));
  }
  pid_ = pid;
  log("redis")->info("embedded redis-server started (pid {}, data {}, socket {}, appendfsync {})",
                     pid_, dir, socket_path_, appendfsync_);
  return ok();
}

void EmbeddedRedis::stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      log("redis")->warn("embedded redis-server did not stop in 5 s, killing it");
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  log("redis")->info("embedded redis-server stopped");
  pid_ = -1;
}

}  // namespace livegate::server
