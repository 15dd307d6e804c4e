// Chat tokens: what is accepted and every way a token is refused.

#include "livegate/server/chat_tokens.h"

#include <gtest/gtest.h>

using namespace livegate::server;

namespace {
const std::string kSecret = "0123456789abcdef0123456789abcdef";
constexpr int64_t kNow = 1'800'000'000;

TokenClaims moderator() {
  return {.user = "m-1", .name = "Mia", .role = "moderator", .room = "orchard", .expires_at = kNow + 60};
}
}  // namespace

TEST(ChatTokens, IssuedTokenVerifies) {
  std::string token = issue_token(kSecret, moderator());
  ASSERT_FALSE(token.empty());
  std::string why;
  auto c = verify_token(kSecret, token, "orchard", kNow, &why);
  ASSERT_TRUE(c) << why;
  EXPECT_EQ(c->user, "m-1");
  EXPECT_EQ(c->name, "Mia");
  EXPECT_EQ(c->role, "moderator");
  EXPECT_EQ(c->expires_at, kNow + 60);
}

TEST(ChatTokens, RefusesWrongSecretExpiryRoomAndGarbage) {
  std::string token = issue_token(kSecret, moderator());
  std::string why;
  EXPECT_FALSE(verify_token("another-secret-another-secret-xx", token, "orchard", kNow, &why));
  EXPECT_NE(why.find("signature"), std::string::npos) << why;
  EXPECT_FALSE(verify_token(kSecret, token, "orchard", kNow + 61, &why));
  EXPECT_NE(why.find("expired"), std::string::npos) << why;
  EXPECT_FALSE(verify_token(kSecret, token, "keynote", kNow, &why));
  EXPECT_NE(why.find("another broadcast"), std::string::npos) << why;
  EXPECT_FALSE(verify_token(kSecret, "not.a.token", "orchard", kNow, &why));
  EXPECT_FALSE(verify_token(kSecret, "", "orchard", kNow, &why));
  EXPECT_FALSE(verify_token("", token, "orchard", kNow, &why));
  // A token whose payload was edited (role raised) no longer matches its signature.
  const auto dot1 = token.find('.'), dot2 = token.rfind('.');
  std::string forged = token.substr(0, dot1 + 1) +
                       "eyJzdWIiOiJtLTEiLCJyb2xlIjoic2VsbGVyIiwiZXhwIjoxODAwMDAwMDYwfQ" +
                       token.substr(dot2);
  EXPECT_FALSE(verify_token(kSecret, forged, "orchard", kNow, &why));
}

TEST(ChatTokens, RefusesUnsignedAlgNone) {
  // {"alg":"none","typ":"JWT"} . {"sub":"x","role":"seller","exp":1900000000} . (no signature)
  const std::string none =
      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJ4Iiwicm9sZSI6InNlbGxlciIsImV4cCI6MTkwMDAwMDAwMH0.";
  std::string why;
  EXPECT_FALSE(verify_token(kSecret, none, "orchard", kNow, &why));
}

TEST(ChatTokens, RoomlessTokenWorksEverywhereButNeedsExpiryAndRole) {
  TokenClaims any = moderator();
  any.room.clear();
  std::string why;
  EXPECT_TRUE(verify_token(kSecret, issue_token(kSecret, any), "keynote", kNow, &why)) << why;
  TokenClaims bad_role = any;
  bad_role.role = "root";  // not a role livegate knows (admin is one since the REST roles)
  EXPECT_FALSE(verify_token(kSecret, issue_token(kSecret, bad_role), "keynote", kNow, &why));
  TokenClaims no_exp = any;
  no_exp.expires_at = 0;
  EXPECT_FALSE(verify_token(kSecret, issue_token(kSecret, no_exp), "keynote", kNow, &why));
}
