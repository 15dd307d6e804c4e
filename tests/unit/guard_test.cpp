// The exception boundary (common/guard.h): an exception stops there, is described with its nested
// causes and counted.

#include <gtest/gtest.h>

#include <stdexcept>

#include "livegate/common/event_loop.h"
#include "livegate/common/guard.h"
#include "livegate/common/metrics.h"

using namespace livegate;

TEST(Guard, StopsCountsAndDescribesTheChain) {
  const auto before = exceptions_caught(Boundary::http);
  bool ran_after = false;
  EXPECT_FALSE(guarded(Boundary::http, "a test", [] {
    try {
      throw std::out_of_range("inner");
    } catch (...) {
      std::throw_with_nested(std::runtime_error("outer"));
    }
  }));
  ran_after = true;
  EXPECT_TRUE(ran_after);
  EXPECT_EQ(exceptions_caught(Boundary::http), before + 1);
  try {
    try {
      throw std::out_of_range("inner");
    } catch (...) {
      std::throw_with_nested(std::runtime_error("outer"));
    }
  } catch (...) {
    EXPECT_EQ(describe_exception(std::current_exception()), "outer; caused by: inner");
  }
  EXPECT_EQ(guarded_or(Boundary::http, "a test", -1, []() -> int { throw 42; }), -1);
  EXPECT_EQ(guarded_or(Boundary::http, "a test", -1, [] { return 7; }), 7);
  EXPECT_TRUE(guarded(Boundary::http, "a test", [] {}));
}

TEST(Guard, LoopCallbacksThatThrowDoNotEndTheLoopAndTimersKeepTicking) {
  EventLoop loop;
  int ticks = 0;
  bool posted_after = false;
  Timer t = loop.every(std::chrono::milliseconds(1), [&] {
    ++ticks;
    throw std::runtime_error("a bug in a timer");
    return true;
  });
  loop.post([] { throw std::logic_error("a bug in a posted callback"); });
  loop.post([&] { posted_after = true; });
  EXPECT_TRUE(loop.run_until([&] { return ticks >= 3 && posted_after; }, std::chrono::seconds(5)));
}

TEST(Guard, MetricsExportTheCountPerBoundary) {
  Metrics metrics;
  guarded(Boundary::redis, "a test", [] { throw std::runtime_error("x"); });
  const std::string text = metrics.text();
  EXPECT_NE(text.find("livegate_handler_exceptions_total{boundary=\"redis\"}"), std::string::npos) << text;
  EXPECT_NE(text.find("livegate_handler_exceptions_total{boundary=\"websocket\"} 0"), std::string::npos) << text;
}
