#pragma once
// A room's frames are built once and written to every member as the same bytes (WsFrame).

#include "livegate/common/websocket.h"

namespace livegate::chat {

using FramePtr = WsFramePtr;

inline FramePtr make_frame(std::string_view payload) { return make_ws_frame(payload); }

}  // namespace livegate::chat
