// The Node peer for tests/bench/chat_fanout.sh: the chat subset of livegate's WebSocket
// protocol on the npm `ws` package, written the way its README recommends broadcasting.
//   node ws_server.mjs <port> [coalesce_ms]
// GET /ws/<room> (subprotocol livegate-chat). hello -> welcome; chat -> every member of the room,
// sender included, gets {"type":"batch","events":[<chat event>]} (livegate's frame shape, so the
// same load tool reads both).
// Default: one broadcast per chat line, the line serialised and encoded to a Buffer once and
// that Buffer sent to every member (ws's "broadcast to all clients" pattern). With coalesce_ms >
// 0 a room's lines are gathered and sent as one batch every coalesce_ms, as livegate does; the
// benchmark reports the default, which is what a Node service written from the ws docs does.
// Slow consumers are closed (4008) past 1 MiB buffered, like livegate's send-queue limit.
import { randomBytes } from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';

const port = Number(process.argv[2] || 0);
const coalesceMs = Number(process.argv[3] || 0);
const MAX_BUFFERED = 1 << 20;
const MAX_TEXT = 500;

const rooms = new Map();  // room id -> Set of sockets
let seq = 0;

const wss = new WebSocketServer({
  host: '127.0.0.1',
  port,
  path: undefined,
  perMessageDeflate: false,
  maxPayload: 8192,
  handleProtocols: (protocols) => (protocols.has('livegate-chat') ? 'livegate-chat' : false),
});

function broadcast(members, payload) {
  const frame = Buffer.from(payload);
  for (const client of members) {
    if (client.readyState !== WebSocket.OPEN) continue;
    if (client.bufferedAmount > MAX_BUFFERED) {
      client.close(4008, 'slow consumer');
      continue;
    }
    client.send(frame, { binary: false });
  }
}

function roomOf(id) {
  let room = rooms.get(id);
  if (!room) {
    room = { members: new Set(), pending: [], timer: null };
    rooms.set(id, room);
  }
  return room;
}

function publish(room, event) {
  if (!coalesceMs) return broadcast(room.members, JSON.stringify({ type: 'batch', events: [event] }));
  room.pending.push(event);
  if (room.timer) return;
  room.timer = setTimeout(() => {
    room.timer = null;
    const events = room.pending;
    room.pending = [];
    broadcast(room.members, JSON.stringify({ type: 'batch', events }));
  }, coalesceMs);
}

wss.on('connection', (ws, req) => {
  const m = /^\/ws\/([A-Za-z0-9_-]{1,64})(?:[/?]|$)/.exec(req.url);
  if (!m) return ws.close(4404, 'unknown broadcast');
  const room = roomOf(m[1]);
  let user = null;
  const error = (code, message) => ws.send(JSON.stringify({ type: 'error', code, message }));
  ws.on('message', (data, isBinary) => {
    if (isBinary) return error('bad_frame', 'send JSON text frames');
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return error('bad_json', 'the frame is not valid JSON');
    }
    if (msg?.type === 'hello') {
      if (user) return error('already_welcomed', 'hello was already sent');
      const name = typeof msg.name === 'string' && msg.name.trim() ? msg.name.trim().slice(0, 40) : 'guest';
      user = { id: 'g-' + randomBytes(4).toString('hex'), name, role: 'viewer' };
      room.members.add(ws);
      ws.send(JSON.stringify({ type: 'welcome', user, room: { chat: [], viewers: room.members.size } }));
    } else if (!user) {
      error('hello_first', 'send hello before anything else');
    } else if (msg.type === 'chat') {
      const text = typeof msg.text === 'string' ? msg.text.trim() : '';
      if (!text) return error('empty', 'chat text is empty');
      if ([...text].length > MAX_TEXT) return error('too_long', 'chat text is too long');
      const ts = Date.now();
      publish(room, { type: 'chat', id: `${ts}-${seq++}`, text, ts, user });
    } else if (msg.type === 'ping') {
      ws.send('{"type":"pong"}');
    } else {
      error('unknown_type', 'unknown message type');
    }
  });
  ws.on('close', () => room.members.delete(ws));
  ws.on('error', () => {});
});

wss.on('listening', () => console.log(`listening ${wss.address().port}`));
process.on('SIGTERM', () => process.exit(0));
