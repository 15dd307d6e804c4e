#include "processes.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#ifndef LIVEGATE_BIN
#error "LIVEGATE_BIN must point at the livegate executable"
#endif
#ifndef LIVEGATE_SOURCE_DIR
#error "LIVEGATE_SOURCE_DIR must point at the repository"
#endif

namespace livegate::testing {

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

int free_udp_port() {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string make_temp_dir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  char* made = mkdtemp(tmpl.data());
  return made ? std::string(made) : std::string();
}

int connect_loopback(int port, std::chrono::milliseconds receive_timeout) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  if (receive_timeout.count() > 0) {
    timeval tv{static_cast<time_t>(receive_timeout.count() / 1000),
               static_cast<suseconds_t>(receive_timeout.count() % 1000 * 1000)};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  return fd;
}

std::string run_command(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

bool wait_for_port(int port, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = connect_loopback(port);
    if (fd >= 0) {
      close(fd);
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

bool ChildProcess::start(const std::vector<std::string>& argv, const std::string& log_path,
                         const std::string& cwd) {
  pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // a crashed test never leaves servers behind
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  pid_ = pid;
  return true;
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

void ChildProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  int status = 0;
  while (waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
}

void ChildProcess::kill_hard() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

RedisServer::RedisServer() : RedisServer(RedisOptions{}) {}

RedisServer::RedisServer(RedisOptions options)
    : options_(std::move(options)), dir_(make_temp_dir("livegate-redis")) {}

RedisServer::~RedisServer() {
  process_.stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool RedisServer::start() {
  if (port_ == 0) port_ = free_port();
  if (!process_.start({"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                       "--save", "", "--appendonly", options_.appendonly ? "yes" : "no",
                       "--appendfsync", options_.appendfsync, "--dir", dir_},
                      dir_ + "/redis.log")) {
    return false;
  }
  if (!wait_for_port(port_, std::chrono::milliseconds(10000))) return false;
  // A restarted Redis listens while it loads its AOF and answers -LOADING until it is done.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (run_command("redis-cli -p " + std::to_string(port_) + " ping 2>/dev/null") == "PONG\n") {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

LivegateServer::LivegateServer(int redis_port, std::string broadcasts_yaml, std::string extra_yaml,
                               std::string http_yaml, std::string media_yaml)
    : dir_(make_temp_dir("livegate-test")) {
  port_ = free_port();
  // The kernel may hand the same free port out twice (each probe closes its socket at once):
  // HTTP and RTMP must not be given one port, or the node cannot start.
  do {
    rtmp_port_ = free_port();
  } while (rtmp_port_ == port_);
  srt_port_ = free_udp_port();
  media_root_ = dir_ + "/media";
  config_path_ = dir_ + "/livegate.yaml";
  const std::string src = LIVEGATE_SOURCE_DIR;
  std::ofstream out(config_path_);
  out << "http:\n  bind: 127.0.0.1\n  port: " << port_ << "\n  web_root: " << src
      << "/web-player\n  hls_js: " << src << "/node_modules/hls.js/dist/hls.light.min.js\n" << http_yaml
      << "redis:\n  embedded: false\n  host: 127.0.0.1\n  port: " << redis_port << "\n"
      << "ingest:\n  rtmp_bind: 127.0.0.1\n  rtmp_port: " << rtmp_port_ << "\n  srt_bind: 127.0.0.1\n  srt_port: " << srt_port_
      << "\n  rtmp_handshake_timeout_ms: 2000\n  whip_ice_addresses: [127.0.0.1]\n  whip_media_timeout_seconds: 2\n"
      << "media:\n  root: " << media_root_ << "\n  segment_seconds: 1\n  reconnect_grace_seconds: 3\n" << media_yaml
      << "log:\n  level: debug\n"
      << extra_yaml << "broadcasts:\n"
      << broadcasts_yaml;
}

LivegateServer::~LivegateServer() {
  process_.stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool LivegateServer::start(std::chrono::milliseconds timeout) {
  if (!process_.start({LIVEGATE_BIN, "--config", config_path_}, dir_ + "/livegate.log")) {
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!process_.running()) return false;
    if (http_get(port_, "/healthz") == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string LivegateServer::log() const {
  std::ifstream in(dir_ + "/livegate.log");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int http_request(int port, const std::string& method, const std::string& path,
                 const std::string& request_body, const std::vector<std::string>& request_headers,
                 std::string* body, std::string* headers) {
  int fd = connect_loopback(port);
  if (fd < 0) return 0;
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& h : request_headers) request += h + "\r\n";
  if (method != "GET") request += "Content-Length: " + std::to_string(request_body.size()) + "\r\n";
  request += "\r\n" + request_body;
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) {
    close(fd);
    return 0;
  }
  std::string response;
  char buf[8192];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) response.append(buf, static_cast<size_t>(n));
  close(fd);
  auto header_end = response.find("\r\n\r\n");
  if (response.size() < 12 || header_end == std::string::npos) return 0;
  if (headers) *headers = response.substr(0, header_end);
  if (body) *body = response.substr(header_end + 4);
  return std::atoi(response.c_str() + 9);
}

std::vector<int> RawExchange::statuses() const {
  std::vector<int> found;
  for (size_t at = bytes.find("HTTP/1."); at != std::string::npos; at = bytes.find("HTTP/1.", at + 1)) {
    if ((at == 0 || bytes[at - 1] == '\n' || bytes[at - 1] == '}') && at + 12 <= bytes.size()) {
      found.push_back(std::atoi(bytes.c_str() + at + 9));
    }
  }
  return found;
}

std::string RawExchange::first_body() const {
  const size_t start = bytes.find("\r\n\r\n");
  if (start == std::string::npos) return {};
  const size_t next = bytes.find("HTTP/1.", start + 4);
  return bytes.substr(start + 4, next == std::string::npos ? std::string::npos : next - start - 4);
}

RawExchange raw_exchange(int port, const std::string& request, std::chrono::milliseconds quiet, bool half_close) {
  RawExchange r;
  const int fd = connect_loopback(port, quiet);
  if (fd < 0) return r;
  const auto sent = std::chrono::steady_clock::now();
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) {
    r.closed = true;
    close(fd);
    return r;
  }
  if (half_close) shutdown(fd, SHUT_WR);
  char buf[16384];
  bool first = true;
  while (true) {
    const ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (first) r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - sent);
    first = false;
    if (n > 0) {
      r.bytes.append(buf, static_cast<size_t>(n));
      continue;
    }
    r.closed = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
    break;
  }
  close(fd);
  return r;
}

int http_get(int port, const std::string& path, std::string* body, std::string* headers) {
  return http_request(port, "GET", path, {}, {}, body, headers);
}

}  // namespace livegate::testing
