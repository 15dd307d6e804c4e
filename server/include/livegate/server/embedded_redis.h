#pragma once
// A redis-server child process for the demo and single-box installs: unix socket only (no TCP
// port to collide with), its own data directory, AOF on so the tally survives restarts. It dies
// with livegate (SIGTERM on stop, PDEATHSIG if livegate is killed).

#include <sys/types.h>

#include <string>

#include "livegate/common/result.h"

namespace livegate::server {

class EmbeddedRedis {
 public:
  // appendfsync: Redis's AOF fsync policy (always | everysec | no).
  EmbeddedRedis(std::string binary, std::string data_dir, std::string appendfsync = "always");
  EmbeddedRedis(const EmbeddedRedis&) = delete;
  EmbeddedRedis& operator=(const EmbeddedRedis&) = delete;
  ~EmbeddedRedis();

  Result<void> start();
  // SIGTERM (Redis then fsyncs the AOF), waits up to 5 s, then SIGKILL.
  void stop();
  const std::string& socket_path() const { return socket_path_; }

 private:
  std::string binary_;
  std::string data_dir_;
  std::string appendfsync_;
  std::string socket_path_;
  pid_t pid_ = -1;
};

}  // namespace livegate::server
