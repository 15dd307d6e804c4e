// chat_load: WebSocket chat fan-out load on loopback (see worker.h for the client, and
// tests/bench/chat_fanout.sh for the benchmark that runs it against livegate and its peers).
//
// The coordinator (this file) forks the load processes, lines their clocks up (one
// CLOCK_MONOTONIC start time for all), samples the server's memory and CPU while they work, and
// merges what they measured into one report.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "options.h"
#include "proc_stats.h"
#include "report.h"
#include "worker.h"
#include "worker_result.h"

using namespace chat_load;

namespace {

struct Child {
  pid_t pid = -1;
  int control = -1;  // coordinator -> worker
  int result = -1;   // worker -> coordinator
  std::string buf;
  bool eof = false;
};

// Reads from the children until pred(child) holds for all of them, or the deadline passes.
template <typename Pred>
bool read_children(std::vector<Child>& children, Pred pred, uint64_t deadline) {
  while (true) {
    std::vector<pollfd> fds;
    std::vector<Child*> who;
    bool all = true;
    for (auto& c : children) {
      if (pred(c)) continue;
      all = false;
      if (c.eof) return false;  // it ended without saying what we wait for
      fds.push_back({c.result, POLLIN, 0});
      who.push_back(&c);
    }
    if (all) return true;
    const uint64_t now = now_us();
    if (now >= deadline) return false;
    const int n = poll(fds.data(), fds.size(), static_cast<int>((deadline - now) / 1000 + 1));
    if (n < 0 && errno != EINTR) return false;
    for (size_t k = 0; k < fds.size(); ++k) {
      if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[65536];
      const ssize_t r = read(fds[k].fd, buf, sizeof(buf));
      if (r <= 0) {
        who[k]->eof = true;
      } else {
        who[k]->buf.append(buf, static_cast<size_t>(r));
      }
    }
  }
}

void sleep_until(uint64_t t) {
  const uint64_t now = now_us();
  if (t > now) std::this_thread::sleep_for(std::chrono::microseconds(t - now));
}

}  // namespace

int main(int argc, char** argv) {
  int exit_code = 0;
  std::optional<Options> parsed = parse_options(argc, argv, exit_code);
  if (!parsed) return exit_code;
  const Options o = *parsed;
  signal(SIGPIPE, SIG_IGN);

  const uint32_t per_process = (o.connections + o.processes - 1) / o.processes;
  if (!raise_open_files(per_process + 64)) {
    std::cerr << "chat_load: " << per_process
              << " connections per process exceed the open-file limit; use more --processes\n";
    return 2;
  }

  Report report;
  report.options = o;
  if (o.server_pid > 0) report.server_rss_baseline_kib = rss_kib(o.server_pid);

  // --- fork the workers, each with its share of connections, chatters and connect rate
  std::vector<Child> children(o.processes);
  uint32_t given = 0, chat_given = 0;
  for (uint32_t p = 0; p < o.processes; ++p) {
    WorkerPlan plan;
    plan.options = o;
    plan.index = p;
    plan.connections = o.connections / o.processes + (p < o.connections % o.processes ? 1 : 0);
    plan.chatters = o.chatters / o.processes + (p < o.chatters % o.processes ? 1 : 0);
    plan.first_global = given;
    plan.connect_rate = o.connect_rate / o.processes;
    given += plan.connections;
    chat_given += plan.chatters;
    int control[2], result[2];
    if (pipe2(control, O_CLOEXEC) != 0 || pipe2(result, O_CLOEXEC) != 0) {
      std::perror("chat_load: pipe");
      return 1;
    }
    const pid_t pid = fork();
    if (pid < 0) {
      std::perror("chat_load: fork");
      return 1;
    }
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);   // a dead coordinator never leaves load behind
      for (uint32_t q = 0; q < p; ++q) {  // the pipes of the workers forked before this one
        close(children[q].control);
        close(children[q].result);
      }
      close(control[1]);
      close(result[0]);
      _exit(run_worker(plan, control[0], result[1]));
    }
    close(control[0]);
    close(result[1]);
    children[p] = Child{pid, control[1], result[0], {}, false};
  }
  auto stop_children = [&] {
    for (auto& c : children) {
      if (c.pid > 0) kill(c.pid, SIGKILL);
    }
    for (auto& c : children) {
      if (c.pid > 0) waitpid(c.pid, nullptr, 0);
    }
  };

  // --- connect phase: every worker reports once each connection is welcomed or failed
  const uint64_t connect_deadline =
      now_us() + static_cast<uint64_t>((o.connect_timeout + 15) * 1e6);
  const bool connected = read_children(
      children, [](const Child& c) { return c.buf.find('\n') != std::string::npos; },
      connect_deadline);
  if (!connected) {
    std::cerr << "chat_load: workers did not finish connecting in time\n";
    stop_children();
    return 1;
  }
  for (auto& c : children) {
    unsigned long long ok = 0, bad = 0;
    std::sscanf(c.buf.c_str(), "connected %llu %llu", &ok, &bad);
    report.idle_connected += ok;
    c.buf.erase(0, c.buf.find('\n') + 1);
  }
  // Let the server finish the welcomes and viewer-count batches the last joins caused.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  if (o.server_pid > 0) report.server_rss_idle_kib = rss_kib(o.server_pid);

  // --- load: one start time for everyone
  const uint64_t t0 = now_us() + 200'000;
  const uint64_t window_start = t0 + static_cast<uint64_t>(o.warmup * 1e6);
  const uint64_t window_end = window_start + static_cast<uint64_t>(o.duration * 1e6);
  const uint64_t drain_end = window_end + static_cast<uint64_t>(o.drain * 1e6);
  const std::string go = "go " + std::to_string(t0) + " " + std::to_string(window_start) + " " +
                         std::to_string(window_end) + " " + std::to_string(drain_end) + "\n";
  for (auto& c : children) {
    if (write(c.control, go.data(), go.size()) != static_cast<ssize_t>(go.size())) {
      std::cerr << "chat_load: a worker went away before the load started\n";
      stop_children();
      return 1;
    }
  }
  std::vector<double> worker_cpu(children.size());
  double server_cpu = 0, aux_cpu = 0;
  bool window_open = false, window_closed = false;
  for (uint64_t now = now_us(); now < drain_end; now = now_us()) {
    if (!window_open && now >= window_start) {
      window_open = true;
      for (size_t k = 0; k < children.size(); ++k) worker_cpu[k] = -cpu_seconds(children[k].pid);
      if (o.server_pid > 0) server_cpu = -cpu_seconds(o.server_pid);
      if (o.aux_pid > 0) aux_cpu = -cpu_seconds(o.aux_pid);
    }
    if (window_open && !window_closed && now >= window_end) {
      window_closed = true;
      for (size_t k = 0; k < children.size(); ++k) worker_cpu[k] += cpu_seconds(children[k].pid);
      if (o.server_pid > 0) server_cpu += cpu_seconds(o.server_pid);
      if (o.aux_pid > 0) aux_cpu += cpu_seconds(o.aux_pid);
    }
    if (o.server_pid > 0) {
      report.server_rss_peak_kib = std::max(report.server_rss_peak_kib, rss_kib(o.server_pid));
    }
    const uint64_t next = !window_open ? window_start : !window_closed ? window_end : drain_end;
    sleep_until(std::min(now + 100'000, next));
  }
  for (double& c : worker_cpu) c = c / o.duration * 100;
  report.worker_cpu_pct = worker_cpu;
  report.server_cpu_pct = server_cpu / o.duration * 100;
  report.aux_cpu_pct = aux_cpu / o.duration * 100;

  // --- results: each worker sends its JSON, then closes its connections and exits
  const bool done = read_children(
      children, [](const Child& c) { return c.eof; }, drain_end + 15'000'000u);
  for (auto& c : children) {
    if (c.buf.empty()) continue;
    try {
      report.totals.merge(WorkerResult::from_json(nlohmann::json::parse(c.buf)));
      ++report.processes_reported;
    } catch (const std::exception& e) {
      std::cerr << "chat_load: bad result from worker " << c.pid << ": " << e.what() << "\n";
    }
  }
  stop_children();
  if (!done) std::cerr << "chat_load: a worker did not report in time\n";

  if (o.json) {
    std::cout << report.to_json().dump(2) << "\n";
  } else {
    print_text(report, std::cout);
  }
  return report.processes_reported == o.processes ? 0 : 1;
}
