// Keynote Q&A over the room socket: viewers ask and vote, staff mark answered or remove. The
// board lives in Redis (QaBoard); every change comes back to all nodes as a question event.

#include "connection.h"
#include "livegate/chat/hub.h"
#include "livegate/common/log.h"

namespace livegate::chat {

namespace {

ProtocolError qa_error(const std::string& code) {
  if (code == "qa_full") return {code, "the question board is full", {}};
  if (code == "unknown_question") return {code, "no such question", {}};
  if (code == "already_voted") return {code, "you already voted for this question", {}};
  if (code == "answered") return {code, "this question was answered", {}};
  return {"unavailable", "questions are not available right now, try again", {}};
}

}  // namespace

void Hub::qa_done(uint64_t id, const std::string& error_code) {
  Connection* c = find(id);
  if (!c || error_code.empty()) return;  // success: the question event reaches everyone
  if (error_code == "unavailable") log("chat")->warn("room {}: Q&A for {} failed", c->room, c->user.id);
  send_error(*c, qa_error(error_code));
}

void Hub::handle_ask(Connection& c, Ask ask) {
  if (!take_message_budget(c)) return;
  const uint64_t id = c.id;
  services_.qa.ask(c.room, c.user, filter_.mask(ask.text),
                   [this, id](const nlohmann::json&, const std::string& code) { qa_done(id, code); });
}

void Hub::handle_vote(Connection& c, Vote vote) {
  const uint64_t id = c.id;
  services_.qa.vote(c.room, vote.question, c.user.id,
                    [this, id](const nlohmann::json&, const std::string& code) { qa_done(id, code); });
}

void Hub::handle_qa_moderation(Connection& c, const ClientMessage& message) {
  const uint64_t id = c.id;
  auto done = [this, id](const nlohmann::json&, const std::string& code) { qa_done(id, code); };
  if (auto* a = std::get_if<Answer>(&message)) {
    log("chat")->info("room {}: {} marks {} answered", c.room, c.user.id, a->question);
    return services_.qa.answer(c.room, a->question, done);
  }
  if (auto* r = std::get_if<RemoveQuestion>(&message)) {
    log("chat")->info("room {}: {} removes question {}", c.room, c.user.id, r->question);
    return services_.qa.remove(c.room, r->question, done);
  }
  send_error(c, {"unsupported", "this room does not take that message", {}});
}

}  // namespace livegate::chat
