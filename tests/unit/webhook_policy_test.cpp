// Webhook policy without a network: the signature over known vectors, the backoff schedule,
// config validation (in the commerce check and through the config file reader).

#include <gtest/gtest.h>

#include "livegate/commerce/webhook_config.h"
#include "livegate/commerce/webhook_signature.h"
#include "livegate/server/config.h"

using namespace livegate::commerce;
using namespace std::chrono_literals;

namespace {

WebhookConfig valid() {
  WebhookConfig c;
  c.url = "https://shop.example/hooks/livegate";
  c.secret = "0123456789abcdef";
  return c;
}

std::string config_error(const std::string& yaml) {
  try {
    livegate::server::load_config_text(yaml);
  } catch (const livegate::server::ConfigError& e) {
    return e.what();
  }
  return "(accepted)";
}

}  // namespace

TEST(WebhookSignature, MatchesRfc4231Vectors) {
  // RFC 4231 test case 2.
  EXPECT_EQ(webhook_signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 1: key 0x0b x 20, "Hi There".
  EXPECT_EQ(webhook_signature(std::string(20, '\x0b'), "Hi There"),
            "sha256=b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(WebhookSignature, CoversEveryByteOfTheBody) {
  const std::string body = R"({"type":"order","order":{"id":"1-0"}})";
  const auto sig = webhook_signature("0123456789abcdef", body);
  EXPECT_EQ(sig.size(), 7u + 64u);
  EXPECT_NE(sig, webhook_signature("0123456789abcdef", body + " "));
  EXPECT_NE(sig, webhook_signature("0123456789abcdeF", body));
}

TEST(WebhookBackoff, DoublesUpToTheCapWithEqualJitter) {
  WebhookConfig c = valid();
  c.backoff_initial_ms = 500;
  c.backoff_max_ms = 60000;
  // The longest waits (jitter 1) follow the schedule exactly ...
  const std::vector<int64_t> schedule = {500, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
  for (size_t n = 0; n < schedule.size(); ++n) {
    EXPECT_EQ(backoff_delay(c, static_cast<int>(n) + 1, 1.0).count(), schedule[n]) << n + 1;
    // ... and the shortest are half of it.
    EXPECT_EQ(backoff_delay(c, static_cast<int>(n) + 1, 0.0).count(), schedule[n] / 2) << n + 1;
  }
  EXPECT_EQ(backoff_delay(c, 3, 0.5), 1500ms);
  EXPECT_EQ(backoff_delay(c, 1000, 1.0), 60000ms);  // no overflow far out
  EXPECT_EQ(backoff_delay(c, 1, 7.0), 500ms);       // jitter is clamped to [0, 1]
}

TEST(WebhookBackoff, LongestRoundIsEveryTimeoutPlusEveryLongestWait) {
  WebhookConfig c = valid();  // 8 attempts of 5 s, waits 0.5 .. 32 s
  EXPECT_EQ(longest_round(c), 8 * 5000ms + 63500ms);
  c.max_attempts = 1;
  EXPECT_EQ(longest_round(c), 5000ms);
}

TEST(WebhookConfigCheck, AcceptsOffAndValid) {
  EXPECT_FALSE(validate_webhook_config(WebhookConfig{}));  // off: nothing to check
  EXPECT_FALSE(validate_webhook_config(valid()));
  WebhookConfig http = valid();
  http.url = "http://127.0.0.1:9999/hook";
  EXPECT_FALSE(validate_webhook_config(http));
}

TEST(WebhookConfigCheck, NamesTheBadKey) {
  for (const char* url :
       {"ftp://x/y", "shop.example/hook", "https://", "not a url", "file:///etc/passwd"}) {
    WebhookConfig c = valid();
    c.url = url;
    auto problem = validate_webhook_config(c);
    ASSERT_TRUE(problem) << url;
    EXPECT_EQ(problem->key, "url") << url;
  }
  WebhookConfig c = valid();
  c.secret = "short";
  ASSERT_TRUE(validate_webhook_config(c));
  EXPECT_EQ(validate_webhook_config(c)->key, "secret");
  c = valid();
  c.claim_idle_ms = 100000;  // the default round takes 103.5 s
  ASSERT_TRUE(validate_webhook_config(c));
  EXPECT_EQ(validate_webhook_config(c)->key, "claim_idle_ms");
  EXPECT_NE(validate_webhook_config(c)->message.find("103500 ms"), std::string::npos);
}

TEST(WebhookConfigFile, ReadsTheSectionAndChecksIt) {
  auto c = livegate::server::load_config_text(R"(
webhooks:
  url: http://127.0.0.1:8099/orders
  secret: a-secret-of-enough-length
  timeout_ms: 1000
  max_attempts: 3
  backoff_initial_ms: 100
  backoff_max_ms: 400
  batch: 4
  poll_interval_ms: 100
  claim_idle_ms: 4000
commerce:
  csv_max_orders: 200
)");
  EXPECT_EQ(c.webhooks.url, "http://127.0.0.1:8099/orders");
  EXPECT_EQ(c.webhooks.max_attempts, 3);
  EXPECT_EQ(c.webhooks.batch, 4u);
  EXPECT_EQ(c.webhooks.claim_idle_ms, 4000);
  EXPECT_EQ(c.commerce.csv_max_orders, 200u);

  EXPECT_EQ(config_error("webhooks:\n  url: ftp://x/y\n  secret: 0123456789abcdef\n").substr(0, 13),
            "webhooks.url ");
  EXPECT_EQ(config_error("webhooks:\n  url: https://x.example/h\n").substr(0, 16),
            "webhooks.secret ");
  EXPECT_EQ(config_error("webhooks:\n  url: https://x.example/h\n  secret: 0123456789abcdef\n"
                         "  claim_idle_ms: 60000\n")
                .substr(0, 23),
            "webhooks.claim_idle_ms ");
  EXPECT_NE(config_error("webhooks:\n  backoff_initial_ms: 1000\n  backoff_max_ms: 500\n")
                .find("webhooks.backoff_max_ms"),
            std::string::npos);
  EXPECT_NE(config_error("webhooks:\n  batch: 0\n").find("webhooks.batch"), std::string::npos);
  EXPECT_NE(
      config_error("webhooks:\n  retries: 3\n").find("webhooks.retries is not a known setting"),
      std::string::npos);
  EXPECT_NE(config_error("commerce:\n  csv_max_orders: 0\n").find("commerce.csv_max_orders"),
            std::string::npos);
  // A secret is not required while webhooks are off.
  EXPECT_EQ(config_error("webhooks:\n  secret: x\n"), "(accepted)");
}

// configs/livegate.yaml documents the defaults: it must say exactly what the code does.
TEST(WebhookConfigFile, ShippedDefaultsMatchCodeDefaults) {
  auto file = livegate::server::load_config_file(std::string(LIVEGATE_SOURCE_DIR) +
                                                 "/configs/livegate.yaml");
  livegate::server::Config code;
  EXPECT_EQ(file.webhooks.url, code.webhooks.url);
  EXPECT_EQ(file.webhooks.secret, code.webhooks.secret);
  EXPECT_EQ(file.webhooks.timeout_ms, code.webhooks.timeout_ms);
  EXPECT_EQ(file.webhooks.max_attempts, code.webhooks.max_attempts);
  EXPECT_EQ(file.webhooks.backoff_initial_ms, code.webhooks.backoff_initial_ms);
  EXPECT_EQ(file.webhooks.backoff_max_ms, code.webhooks.backoff_max_ms);
  EXPECT_EQ(file.webhooks.batch, code.webhooks.batch);
  EXPECT_EQ(file.webhooks.poll_interval_ms, code.webhooks.poll_interval_ms);
  EXPECT_EQ(file.webhooks.claim_idle_ms, code.webhooks.claim_idle_ms);
  EXPECT_EQ(file.commerce.csv_max_orders, code.commerce.csv_max_orders);
  // The defaults would pass validation once a url and secret are set.
  WebhookConfig on = code.webhooks;
  on.url = "https://x.example/h";
  on.secret = "0123456789abcdef";
  EXPECT_FALSE(validate_webhook_config(on));
}
