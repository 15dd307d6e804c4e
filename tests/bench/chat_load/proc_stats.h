#pragma once
// What /proc tells about a process (the server under test, or a load worker): resident memory
// and CPU time. Readings of a process that has gone return 0.

#include <sys/types.h>

#include <cstdint>

namespace chat_load {

// VmRSS in KiB.
uint64_t rss_kib(pid_t pid);
// User + system CPU seconds used so far.
double cpu_seconds(pid_t pid);
// Monotonic clock in microseconds: the timestamps in chat lines use it, so that a sender and a
// receiver in different processes on this machine agree.
uint64_t now_us();
// Raises this process's open-file limit to its hard limit (forked workers keep it); false when
// that is still below `needed`.
bool raise_open_files(uint64_t needed);

// Report figures: v rounded to `digits` decimals; microseconds as milliseconds with 2 decimals.
double round_to(double v, int digits);
double ms(uint64_t us);

}  // namespace chat_load
