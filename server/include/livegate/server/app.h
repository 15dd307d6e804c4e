#pragma once
// The composition root: builds every module in order, wires them, runs the loop, and tears
// everything down in reverse on SIGINT/SIGTERM.

#include <memory>

#include "livegate/server/config.h"

namespace livegate::server {

// Runs livegate until a signal asks it to stop; returns the process exit code.
int run_app(const Config& config);

}  // namespace livegate::server
