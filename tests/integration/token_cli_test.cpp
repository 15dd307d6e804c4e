// `livegate token` (run the real binary, decode what it prints) and stream keys kept as hashes
// (a config that holds only stream_key_sha256 still takes its publisher over RTMP).

#include <filesystem>
#include <fstream>

#include "ingest_fixture.h"
#include "livegate/common/secret_hash.h"
#include "livegate/server/chat_tokens.h"

using namespace livegate::testing;

namespace {

constexpr const char* kCliSecret = "jwt-secret-for-cli-tests-0123456789abcdef";

// Runs livegate with these arguments; stdout + stderr, then "exit=<code>".
std::string livegate_cli(const std::string& args) {
  return run_command(std::string(LIVEGATE_BIN) + " " + args + " 2>&1; echo \"exit=$?\"");
}

class TokenCli : public ::testing::Test {
 protected:
  void SetUp() override { dir = make_temp_dir("livegate-token-cli"); }
  void TearDown() override { std::filesystem::remove_all(dir); }
  std::string config(const std::string& auth_yaml) {
    const std::string path = dir + "/livegate.yaml";
    std::ofstream(path) << auth_yaml;
    return path;
  }
  std::string dir;
};

}  // namespace

TEST_F(TokenCli, PrintsATokenSignedWithTheConfigsSecret) {
  const std::string path = config(std::string("auth:\n  jwt_secret: ") + kCliSecret + "\n");
  const std::string out =
      livegate_cli("token --config " + path + " --role seller --room washington-apple --name Ann --user ann-1 --ttl 3600");
  ASSERT_NE(out.find("exit=0"), std::string::npos) << out;
  const std::string token = out.substr(0, out.find('\n'));
  std::string why;
  const int64_t now = livegate::server::unix_seconds();
  auto claims = livegate::server::verify_token(kCliSecret, token, "washington-apple", now, &why);
  ASSERT_TRUE(claims) << why << ": " << out;
  EXPECT_EQ(claims->role, "seller");
  EXPECT_EQ(claims->room, "washington-apple");
  EXPECT_EQ(claims->name, "Ann");
  EXPECT_EQ(claims->user, "ann-1");
  EXPECT_NEAR(static_cast<double>(claims->expires_at), static_cast<double>(now + 3600), 5.0);
  // Not valid in another room, nor under another secret.
  EXPECT_FALSE(livegate::server::verify_token(kCliSecret, token, "other-room", now, &why));
  EXPECT_FALSE(livegate::server::verify_token("some-other-secret-0123456789abcdefgh", token, "washington-apple", now, &why));

  // An admin token for every room, the order of options free (--config after the subcommand's).
  const std::string admin = livegate_cli("token --role admin --name Ops --config " + path);
  ASSERT_NE(admin.find("exit=0"), std::string::npos) << admin;
  auto admin_claims = livegate::server::decode_token(kCliSecret, admin.substr(0, admin.find('\n')), now, &why);
  ASSERT_TRUE(admin_claims) << why;
  EXPECT_EQ(admin_claims->role, "admin");
  EXPECT_TRUE(admin_claims->room.empty());
  EXPECT_EQ(admin_claims->user.rfind("a-", 0), 0u);
}

TEST_F(TokenCli, ClearErrors) {
  const std::string no_secret = livegate_cli("token --config " + config("auth:\n  seller_token: \"\"\n") + " --name Ann");
  EXPECT_NE(no_secret.find("no auth.jwt_secret"), std::string::npos) << no_secret;
  EXPECT_EQ(no_secret.find("exit=0"), std::string::npos) << no_secret;
  const std::string path = config(std::string("auth:\n  jwt_secret: ") + kCliSecret + "\n");
  const std::string bad_role = livegate_cli("token --config " + path + " --role king --name Ann");
  EXPECT_EQ(bad_role.find("exit=0"), std::string::npos) << bad_role;
  EXPECT_NE(bad_role.find("role"), std::string::npos) << bad_role;
  const std::string no_name = livegate_cli("token --config " + path);
  EXPECT_EQ(no_name.find("exit=0"), std::string::npos) << no_name;
}

namespace {
// The config holds only the key's digest; publishers still use the key itself.
class HashedKey : public IngestFixture {
 protected:
  std::string broadcasts_yaml() const override {
    return "  - id: ingest\n    title: Hashed key\n    stream_key_sha256: " + livegate::sha256_hex(kKey) +
           "\n    source: {type: none}\n";
  }
};
}  // namespace

TEST_F(HashedKey, RightKeyPublishesWrongKeyIsRefused) {
  ChildProcess& wrong = publish("it-stream-key-9999", 10);
  EXPECT_TRUE(wait_log("publish refused: unknown stream key", std::chrono::seconds(10)));
  EXPECT_TRUE(wait_for([&] { return !wrong.running(); }, std::chrono::seconds(10)));
  publish(kKey, 30);
  ASSERT_TRUE(wait_for([&] { return segments_in(playlist_of("ingest")).size() >= 2; }, std::chrono::seconds(20)))
      << playlist_of("ingest");
  EXPECT_EQ(state_of("ingest"), "live");
  std::string body;
  ASSERT_EQ(http_get(server->port(), "/api/broadcasts", &body), 200);
  EXPECT_EQ(body.find(kKey), std::string::npos);
  EXPECT_EQ(body.find(livegate::sha256_hex(kKey)), std::string::npos) << "not even the digest is shown";
  EXPECT_EQ(server->log().find(kKey), std::string::npos) << "the key is never logged";
}
