#include "livegate/common/guard.h"

#include <atomic>
#include <mutex>

#include "livegate/common/log.h"
#include "livegate/common/log_budget.h"

namespace livegate {

namespace {

constexpr size_t kBoundaries = kBoundaryNames.size();
std::array<std::atomic<uint64_t>, kBoundaries> g_caught{};

// At most 20 full reports per boundary and minute; the rest are summed into the next report.
// Media callbacks run on GStreamer's threads, hence the mutex.
std::mutex g_budget_mutex;
std::array<LogBudget, kBoundaries> g_budgets = {LogBudget(20), LogBudget(20), LogBudget(20), LogBudget(20),
                                                LogBudget(20), LogBudget(20), LogBudget(20)};

void append_chain(std::string& out, const std::exception_ptr& e, int depth) {
  if (depth > 8) return;  // a nesting loop nobody writes, but bounded all the same
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    out += ex.what();
    try {
      std::rethrow_if_nested(ex);
    } catch (...) {
      out += "; caused by: ";
      append_chain(out, std::current_exception(), depth + 1);
    }
  } catch (...) {
    out += "an exception that is not a std::exception";
  }
}

}  // namespace

std::string describe_exception(const std::exception_ptr& e) {
  std::string out;
  if (e) append_chain(out, e, 0);
  return out;
}

std::string report_exception(Boundary where, std::string_view context, const std::exception_ptr& e) noexcept {
  const auto index = static_cast<size_t>(where);
  g_caught[index].fetch_add(1, std::memory_order_relaxed);
  try {
    std::string what = describe_exception(e);
    uint64_t suppressed = 0;
    {
      std::lock_guard lock(g_budget_mutex);
      if (!g_budgets[index].take(&suppressed)) return what;
    }
    log(std::string(kBoundaryNames[index]))
        ->error("internal error in {}: {}{}", context, what,
                suppressed ? " (" + std::to_string(suppressed) + " more not logged)" : std::string());
    return what;
  } catch (...) {
    return {};  // out of memory while reporting: the count above still tells
  }
}

uint64_t exceptions_caught(Boundary where) noexcept {
  return g_caught[static_cast<size_t>(where)].load(std::memory_order_relaxed);
}

}  // namespace livegate
