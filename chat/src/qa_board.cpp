#include "livegate/chat/qa_board.h"

#include "livegate/common/log.h"
#include "livegate/common/redis_keys.h"
#include "qa_scripts.h"

namespace livegate::chat {

namespace {

// Turns a script's {code, json} answer into the callback's (question, error_code). Anything that
// is not such an answer (connection lost, Redis busy or out of memory, a script error) is
// "unavailable" for the user, with the detail in the log.
RedisCallback settle(std::string room, const char* op, QaBoard::QuestionCallback cb) {
  return [room = std::move(room), op, cb = std::move(cb)](RedisReply reply,
                                                          const std::string& error) {
    if (!error.empty()) {
      log("chat")->debug("room {}: qa {}: {}", room, op, error);
      return cb(nullptr, "unavailable");
    }
    if (reply.size() < 1) {
      log("chat")->warn("room {}: qa {}: {}", room, op, reply.string("unexpected reply"));
      return cb(nullptr, "unavailable");
    }
    const std::string code = reply[0].string();
    nlohmann::json question = nullptr;
    if (reply.size() > 1) {
      question = nlohmann::json::parse(reply[1].string(), nullptr, false);
      if (question.is_discarded()) {
        log("chat")->warn("room {}: qa {}: Redis holds a question that is not JSON", room, op);
        return cb(nullptr, "unavailable");
      }
    }
    cb(std::move(question), code == "ok" ? std::string() : code);
  };
}

}  // namespace

QaBoard::QaBoard(RedisClient& commands, QaLimits limits) : commands_(commands), limits_(limits) {}

void QaBoard::ask(const std::string& room, const ChatUser& user, const std::string& text,
                  QuestionCallback cb) {
  commands_.eval(qa_scripts::ask(),
                 {keys::qa(room), keys::qa_rank(room), keys::qa_seq(room), keys::events(room)},
                 {std::to_string(limits_.max_questions), user.id, user.name, user.role, text},
                 settle(room, "ask", std::move(cb)));
}

void QaBoard::vote(const std::string& room, const std::string& question_id,
                   const std::string& user_id, QuestionCallback cb) {
  commands_.eval(
      qa_scripts::vote(),
      {keys::qa(room), keys::qa_rank(room), keys::qa_voters(room, question_id), keys::events(room)},
      {question_id, user_id}, settle(room, "vote", std::move(cb)));
}

void QaBoard::answer(const std::string& room, const std::string& question_id, QuestionCallback cb) {
  commands_.eval(
      qa_scripts::answer(),
      {keys::qa(room), keys::qa_rank(room), keys::qa_voters(room, question_id), keys::events(room)},
      {question_id}, settle(room, "answer", std::move(cb)));
}

void QaBoard::remove(const std::string& room, const std::string& question_id, QuestionCallback cb) {
  commands_.eval(
      qa_scripts::remove(),
      {keys::qa(room), keys::qa_rank(room), keys::qa_voters(room, question_id), keys::events(room)},
      {question_id}, settle(room, "remove", std::move(cb)));
}

void QaBoard::top(const std::string& room, ListCallback cb) {
  commands_.eval(
      qa_scripts::top(), {keys::qa(room), keys::qa_rank(room)},
      {std::to_string(limits_.top_on_join)},
      [room, cb = std::move(cb)](RedisReply reply, const std::string& error) {
        if (!error.empty()) {
          log("chat")->debug("room {}: qa top: {}", room, error);
          return cb({}, "unavailable");
        }
        if (!reply.is_array()) {
          log("chat")->warn("room {}: qa top: {}", room, reply.string("unexpected reply"));
          return cb({}, "unavailable");
        }
        std::vector<nlohmann::json> questions;
        questions.reserve(reply.size());
        for (RedisReply element : reply) {
          auto q = nlohmann::json::parse(element.string(), nullptr, false);
          if (!q.is_discarded()) questions.push_back(std::move(q));
        }
        cb(std::move(questions), {});
      });
}

}  // namespace livegate::chat
