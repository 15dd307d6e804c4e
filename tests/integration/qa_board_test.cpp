// Keynote Q&A against a real redis-server: what the callbacks answer, what every node receives on
// the room's events channel, and that votes from several nodes count exactly once.

#include "livegate/chat/qa_board.h"

#include <chrono>
#include <string>
#include <vector>

#include "livegate/common/redis_keys.h"
#include "redis_fixture.h"

using namespace livegate;
using namespace livegate::chat;
using livegate::testing::RedisFixture;
using nlohmann::json;

namespace {

constexpr const char* kRoom = "keynote";

struct Outcome {
  json question;
  std::string code;
  bool done = false;
};

class QaBoardTest : public RedisFixture {
 protected:
  // A second connection listening on the room's channel, as another node's subscriber would.
  void listen() {
    subscriber = connect_client("subscriber");
    subscriber->subscribe(keys::events(kRoom), [this](std::string_view, std::string_view message) {
      events.push_back(json::parse(message));
    });
    bool subscribed = false;
    ASSERT_TRUE(loop.run_until(
        [&] {
          bool answered = false;
          redis->command({"PUBSUB", "NUMSUB", keys::events(kRoom)},
                         [&](RedisReply r, const std::string&) {
                           subscribed = r.size() == 2 && r[1].integer() == 1;
                           answered = true;
                         });
          loop.run_until([&] { return answered; }, std::chrono::seconds(1));
          return subscribed;
        },
        std::chrono::seconds(5)));
  }

  bool wait_events(size_t n) {
    return loop.run_until([&] { return events.size() >= n; }, std::chrono::seconds(5));
  }

  Outcome wait(Outcome& o) {
    EXPECT_TRUE(loop.run_until([&] { return o.done; }, std::chrono::seconds(5)));
    return o;
  }
  QaBoard::QuestionCallback into(Outcome& o) {
    return [&o](json q, const std::string& code) {
      o.question = std::move(q);
      o.code = code;
      o.done = true;
    };
  }

  Outcome ask(QaBoard& board, const std::string& user, const std::string& text) {
    Outcome o;
    board.ask(kRoom, ChatUser{user, "Name " + user, "viewer"}, text, into(o));
    return wait(o);
  }
  Outcome vote(QaBoard& board, const std::string& id, const std::string& user) {
    Outcome o;
    board.vote(kRoom, id, user, into(o));
    return wait(o);
  }
  Outcome answer(QaBoard& board, const std::string& id) {
    Outcome o;
    board.answer(kRoom, id, into(o));
    return wait(o);
  }
  Outcome remove(QaBoard& board, const std::string& id) {
    Outcome o;
    board.remove(kRoom, id, into(o));
    return wait(o);
  }
  std::vector<std::string> top_ids(QaBoard& board, std::string* error = nullptr) {
    std::vector<std::string> ids;
    bool done = false;
    board.top(kRoom, [&](std::vector<json> questions, const std::string& e) {
      for (auto& q : questions) ids.push_back(q["id"]);
      if (error) *error = e;
      done = true;
    });
    EXPECT_TRUE(loop.run_until([&] { return done; }, std::chrono::seconds(5)));
    return ids;
  }

  std::unique_ptr<RedisClient> subscriber;
  std::vector<json> events;
};

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

TEST_F(QaBoardTest, AskPublishesTheWholeQuestionOnTheRoomChannel) {
  listen();
  QaBoard board(*redis);
  const std::string text = R"(Will the keynote demo ship in 中国 too? 🍎 <b>/</b> "quoted" \n)";
  Outcome asked = ask(board, "u1", text);
  ASSERT_EQ(asked.code, "");
  const json& q = asked.question;
  EXPECT_EQ(q["type"], "question");
  EXPECT_EQ(q["id"], "q1");
  EXPECT_EQ(q["text"], text);
  EXPECT_EQ(q["user"], (json{{"id", "u1"}, {"name", "Name u1"}, {"role", "viewer"}}));
  EXPECT_EQ(q["votes"], 0);
  EXPECT_EQ(q["answered"], false);
  EXPECT_NEAR(q["ts"].get<double>(), static_cast<double>(now_ms()), 5000.0);  // Redis clock, ms

  ASSERT_TRUE(wait_events(1));
  EXPECT_EQ(events[0], q);  // other nodes get exactly what the asker's node got
  EXPECT_EQ(ask(board, "u2", "second").question["id"], "q2");
}

TEST_F(QaBoardTest, VotesRankTheBoardTiesGoToTheOldestAnsweredSinkToTheEnd) {
  QaBoard board(*redis);
  for (int i = 1; i <= 4; ++i)
    ASSERT_EQ(ask(board, "asker", "question " + std::to_string(i)).code, "");
  EXPECT_EQ(top_ids(board), (std::vector<std::string>{"q1", "q2", "q3", "q4"}));  // all 0: by age

  for (const char* user : {"a", "b"}) ASSERT_EQ(vote(board, "q3", user).code, "");
  ASSERT_EQ(vote(board, "q4", "a").code, "");
  ASSERT_EQ(vote(board, "q2", "a").code, "");
  // q3 has 2; q2 and q4 have 1 each, q2 is older; q1 has none.
  EXPECT_EQ(top_ids(board), (std::vector<std::string>{"q3", "q2", "q4", "q1"}));

  // Answered, even with the most votes, goes below every open question (0 votes included).
  ASSERT_EQ(answer(board, "q3").code, "");
  EXPECT_EQ(top_ids(board), (std::vector<std::string>{"q2", "q4", "q1", "q3"}));
  ASSERT_EQ(answer(board, "q1").code, "");
  EXPECT_EQ(top_ids(board), (std::vector<std::string>{"q2", "q4", "q3", "q1"}));  // votes, then age

  Outcome top_vote = vote(board, "q4", "b");
  EXPECT_EQ(top_vote.question["votes"], 2);
  EXPECT_EQ(top_ids(board), (std::vector<std::string>{"q4", "q2", "q3", "q1"}));
}

TEST_F(QaBoardTest, TopIsCappedAtTopOnJoin) {
  QaBoard board(*redis, {.max_questions = 500, .top_on_join = 2});
  for (int i = 0; i < 5; ++i) ASSERT_EQ(ask(board, "u", "q").code, "");
  ASSERT_EQ(vote(board, "q5", "v").code, "");
  EXPECT_EQ(top_ids(board), (std::vector<std::string>{"q5", "q1"}));
  QaBoard none(*redis, {.max_questions = 500, .top_on_join = 0});
  EXPECT_TRUE(top_ids(none).empty());
}

TEST_F(QaBoardTest, SecondVoteOfAUserIsRefusedAndCountedOnce) {
  listen();
  QaBoard board(*redis);
  ASSERT_EQ(ask(board, "asker", "why?").code, "");
  Outcome first = vote(board, "q1", "fan");
  EXPECT_EQ(first.code, "");
  EXPECT_EQ(first.question["votes"], 1);
  Outcome again = vote(board, "q1", "fan");
  EXPECT_EQ(again.code, "already_voted");
  EXPECT_EQ(again.question["votes"], 1);  // the current state comes back with the refusal
  EXPECT_EQ(sync({"SCARD", keys::qa_voters(kRoom, "q1")}), "1");

  ASSERT_TRUE(wait_events(2));  // the ask, then the one vote
  loop.run_until([] { return false; }, std::chrono::milliseconds(200));  // nothing more comes
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1]["votes"], 1);
}

TEST_F(QaBoardTest, VotesFromTwoNodesInterleavedCountExactlyOnce) {
  listen();
  auto node_a = connect_client("node-a");
  auto node_b = connect_client("node-b");
  QaBoard board_a(*node_a), board_b(*node_b);
  ASSERT_EQ(ask(board_a, "asker", "hot question").code, "");
  ASSERT_EQ(ask(board_b, "asker", "other question").code, "");

  // 200 users, each voting for q1 through both nodes at once (a double click, two tabs), and
  // every other user also for q2: all sent before any answer comes back.
  constexpr int kUsers = 200;
  int ok = 0, refused = 0, answered = 0;
  auto count = [&](json, const std::string& code) {
    if (code.empty()) {
      ok++;
    } else if (code == "already_voted") {
      refused++;
    } else {
      ADD_FAILURE() << "unexpected " << code;
    }
    answered++;
  };
  for (int i = 0; i < kUsers; ++i) {
    const std::string user = "user-" + std::to_string(i);
    (i % 2 ? board_a : board_b).vote(kRoom, "q1", user, count);
    (i % 2 ? board_b : board_a).vote(kRoom, "q1", user, count);
    if (i % 2 == 0) (i % 4 ? board_a : board_b).vote(kRoom, "q2", user, count);
  }
  ASSERT_TRUE(loop.run_until([&] { return answered == 2 * kUsers + kUsers / 2; },
                             std::chrono::seconds(20)));
  EXPECT_EQ(ok, kUsers + kUsers / 2);
  EXPECT_EQ(refused, kUsers);

  Outcome q1 = vote(board_a, "q1", "user-0");
  EXPECT_EQ(q1.code, "already_voted");
  EXPECT_EQ(q1.question["votes"], kUsers);
  EXPECT_EQ(sync({"SCARD", keys::qa_voters(kRoom, "q1")}), std::to_string(kUsers));
  EXPECT_EQ(vote(board_b, "q2", "user-0").question["votes"], kUsers / 2);

  // Every node sees the same ordered updates: q1's published counts go 1, 2, ..., 200.
  ASSERT_TRUE(wait_events(2 + kUsers + kUsers / 2));
  int expected = 1;
  for (const auto& e : events) {
    if (e["id"] == "q1" && e["votes"] != 0) {
      EXPECT_EQ(e["votes"], expected++);
    }
  }
  EXPECT_EQ(expected, kUsers + 1);
}

TEST_F(QaBoardTest, VoteOnUnknownRemovedOrAnsweredQuestionIsRefused) {
  QaBoard board(*redis);
  EXPECT_EQ(vote(board, "q1", "u").code, "unknown_question");
  ASSERT_EQ(ask(board, "asker", "a").code, "");
  ASSERT_EQ(ask(board, "asker", "b").code, "");
  EXPECT_EQ(vote(board, "q99", "u").code, "unknown_question");
  EXPECT_EQ(vote(board, "not-an-id", "u").code, "unknown_question");
  EXPECT_TRUE(vote(board, "q99", "u").question.is_null());
  EXPECT_EQ(sync({"EXISTS", keys::qa_voters(kRoom, "q99")}), "0");  // a miss stores nothing

  ASSERT_EQ(vote(board, "q1", "early").code, "");
  ASSERT_EQ(answer(board, "q1").code, "");
  Outcome late = vote(board, "q1", "late");
  EXPECT_EQ(late.code, "answered");
  EXPECT_EQ(late.question["votes"], 1);
  EXPECT_EQ(late.question["answered"], true);
  EXPECT_EQ(vote(board, "q1", "early").code, "answered");  // answered wins over already_voted

  ASSERT_EQ(remove(board, "q2").code, "");
  EXPECT_EQ(vote(board, "q2", "u").code, "unknown_question");
}

TEST_F(QaBoardTest, AnswerIsIdempotentAndPublishesOnce) {
  listen();
  QaBoard board(*redis);
  ASSERT_EQ(ask(board, "asker", "when?").code, "");
  ASSERT_EQ(vote(board, "q1", "v").code, "");
  Outcome first = answer(board, "q1");
  ASSERT_EQ(first.code, "");
  EXPECT_EQ(first.question["answered"], true);
  EXPECT_EQ(first.question["votes"], 1);
  Outcome second = answer(board, "q1");
  EXPECT_EQ(second.code, "");
  EXPECT_EQ(second.question, first.question);
  EXPECT_EQ(sync({"EXISTS", keys::qa_voters(kRoom, "q1")}), "0");  // voting closed: set dropped
  EXPECT_EQ(answer(board, "q7").code, "unknown_question");

  ASSERT_TRUE(wait_events(3));  // ask, vote, one answer
  loop.run_until([] { return false; }, std::chrono::milliseconds(200));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2], first.question);
}

TEST_F(QaBoardTest, RemovePublishesQuestionDeletedAndTheQuestionLeavesTop) {
  listen();
  QaBoard board(*redis);
  ASSERT_EQ(ask(board, "asker", "keep").code, "");
  ASSERT_EQ(ask(board, "troll", "spam").code, "");
  ASSERT_EQ(vote(board, "q2", "v").code, "");
  Outcome removed = remove(board, "q2");
  ASSERT_EQ(removed.code, "");
  const json deleted = {{"type", "question_deleted"}, {"id", "q2"}};
  EXPECT_EQ(removed.question, deleted);
  ASSERT_TRUE(wait_events(4));
  EXPECT_EQ(events[3], deleted);

  EXPECT_EQ(top_ids(board), (std::vector<std::string>{"q1"}));
  EXPECT_EQ(sync({"HEXISTS", keys::qa(kRoom), "q2"}), "0");
  EXPECT_EQ(sync({"ZSCORE", keys::qa_rank(kRoom), "q2"}), "(nil)");
  EXPECT_EQ(sync({"EXISTS", keys::qa_voters(kRoom, "q2")}), "0");
  EXPECT_EQ(remove(board, "q2").code, "unknown_question");
  EXPECT_EQ(answer(board, "q2").code, "unknown_question");
  EXPECT_EQ(ask(board, "asker", "next").question["id"], "q3");  // ids are never reused
}

TEST_F(QaBoardTest, MaxQuestionsIsEnforcedAndRemovalsFreePlaces) {
  QaBoard board(*redis, {.max_questions = 3, .top_on_join = 50});
  for (int i = 0; i < 3; ++i) ASSERT_EQ(ask(board, "u", "q").code, "");
  ASSERT_EQ(answer(board, "q1").code, "");  // answered questions still take a place
  Outcome full = ask(board, "u", "one too many");
  EXPECT_EQ(full.code, "qa_full");
  EXPECT_TRUE(full.question.is_null());
  EXPECT_EQ(sync({"HLEN", keys::qa(kRoom)}), "3");

  ASSERT_EQ(remove(board, "q2").code, "");
  Outcome again = ask(board, "u", "fits now");
  EXPECT_EQ(again.code, "");
  EXPECT_EQ(ask(board, "u", "full again").code, "qa_full");
  EXPECT_EQ(top_ids(board).size(), 3u);
}

TEST_F(QaBoardTest, RedisDownGivesUnavailable) {
  QaBoard board(*redis);
  ASSERT_EQ(ask(board, "u", "before").code, "");
  redis_server.stop();
  ASSERT_TRUE(loop.run_until([&] { return !redis->connected(); }, std::chrono::seconds(5)));
  EXPECT_EQ(ask(board, "u", "during").code, "unavailable");
  EXPECT_EQ(vote(board, "q1", "u").code, "unavailable");
  EXPECT_EQ(answer(board, "q1").code, "unavailable");
  EXPECT_EQ(remove(board, "q1").code, "unavailable");
  std::string error;
  EXPECT_TRUE(top_ids(board, &error).empty());
  EXPECT_EQ(error, "unavailable");
}
