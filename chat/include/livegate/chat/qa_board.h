#pragma once
// Keynote Q&A in Redis: viewers ask questions and up-vote them, moderators mark them answered or
// remove them. Every change is one Lua script that checks, changes and PUBLISHes the updated
// question on the room's events channel, so all nodes see the same updates in the same order.
//
// Events on keys::events(room) (also what the callbacks return on success):
//   {"type":"question","id":"q12","text":"...","user":{"id","name","role"},"ts":<ms>,"votes":n,
//    "answered":false}                    after ask, vote and answer (the whole question each time)
//   {"type":"question_deleted","id":"q12"} after remove
// A question event always carries the complete current state: "votes" only grows while a
// question is open and "answered" never goes back to false, so a receiver can merge events and
// the top() snapshot by id (keep the higher votes, answered sticks) whatever order they arrive in.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "livegate/chat/chat_store.h"
#include "livegate/common/redis_client.h"

namespace livegate::chat {

struct QaLimits {
  size_t max_questions = 500;  // per room, open and answered; past it ask fails with "qa_full"
  size_t top_on_join = 50;     // questions in the welcome snapshot
};

class QaBoard {
 public:
  // error_code is empty on success, else one of: "qa_full", "unknown_question", "already_voted",
  // "answered", "unavailable" (Redis away or failing: the user may try again). On an error the
  // question is null, except for "already_voted" and "answered", where it is the question's
  // current state (so a client whose vote was refused can still show the right count).
  using QuestionCallback =
      std::function<void(nlohmann::json question, const std::string& error_code)>;
  using ListCallback =
      std::function<void(std::vector<nlohmann::json> questions, const std::string& error)>;

  // Callbacks come on the loop after Redis answered (a failure while Redis is down comes on a
  // later loop turn, never inside the call). Callbacks do not refer to the board, so it may be
  // destroyed with calls in flight.
  explicit QaBoard(RedisClient& commands, QaLimits limits = {});

  // A new open question with 0 votes, id "q<n>" (n from the room's counter, never reused, even
  // after a removal), ts from the Redis clock. text must already be validated (length, UTF-8).
  // Fails with "qa_full" when the room holds max_questions (removals free places).
  void ask(const std::string& room, const ChatUser& user, const std::string& text,
           QuestionCallback cb);

  // One vote per user per question, counted once however many nodes or connections send it.
  // Errors: "unknown_question" (no such id, or removed), "answered" (voting is closed),
  // "already_voted".
  void vote(const std::string& room, const std::string& question_id, const std::string& user_id,
            QuestionCallback cb);

  // Moderator: marks the question answered; it drops below every open question and takes no more
  // votes. Idempotent: answering again succeeds with the same question and publishes nothing.
  // Error: "unknown_question".
  void answer(const std::string& room, const std::string& question_id, QuestionCallback cb);

  // Moderator: deletes the question with its votes, for everyone; publishes and returns
  // {"type":"question_deleted","id":...}. Error: "unknown_question" (also when already removed).
  void remove(const std::string& room, const std::string& question_id, QuestionCallback cb);

  // The board for the welcome snapshot, read in one atomic step: open questions by votes (most
  // first), equal votes oldest first, then the answered ones in the same order; at most
  // top_on_join. error is "unavailable" when Redis could not answer.
  void top(const std::string& room, ListCallback cb);

 private:
  RedisClient& commands_;
  QaLimits limits_;
};

}  // namespace livegate::chat
