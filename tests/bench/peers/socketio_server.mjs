// The socket.io peer for tests/bench/chat_fanout.sh: the same chat subset on socket.io v4 with
// @socket.io/redis-adapter (npm `redis` client) against the benchmark's redis-server, as a
// socket.io service that can scale past one node is deployed.
//   node socketio_server.mjs <port> <redis_port>
// hello {room, name} -> joins the room, "welcome"; chat {text} -> io.to(room).emit("chat",
// event) with the same event object livegate sends (the adapter publishes it through Redis and
// delivers it locally). WebSocket transport only: the load tool speaks engine.io v4 over a raw
// WebSocket, with no long-polling upgrade dance.
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { Server } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';

const port = Number(process.argv[2] || 0);
const redisPort = Number(process.argv[3] || 6379);
const MAX_TEXT = 500;

const pub = createClient({ url: `redis://127.0.0.1:${redisPort}` });
const sub = pub.duplicate();
pub.on('error', (e) => console.error('redis', e.message));
sub.on('error', (e) => console.error('redis', e.message));
await Promise.all([pub.connect(), sub.connect()]);

const httpServer = createServer();
const io = new Server(httpServer, {
  adapter: createAdapter(pub, sub),
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  maxHttpBufferSize: 8192,
});
let seq = 0;

io.on('connection', (socket) => {
  let user = null;
  let room = null;
  const error = (code, message) => socket.emit('error', { type: 'error', code, message });
  socket.on('hello', (msg) => {
    if (user) return error('already_welcomed', 'hello was already sent');
    const id = typeof msg?.room === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(msg.room) ? msg.room : null;
    if (!id) return error('unknown_broadcast', 'no such room');
    const name = typeof msg.name === 'string' && msg.name.trim() ? msg.name.trim().slice(0, 40) : 'guest';
    user = { id: 'g-' + randomBytes(4).toString('hex'), name, role: 'viewer' };
    room = id;
    socket.join(room);
    const viewers = io.sockets.adapter.rooms.get(room)?.size ?? 1;
    socket.emit('welcome', { type: 'welcome', user, room: { chat: [], viewers } });
  });
  socket.on('chat', (msg) => {
    if (!user) return error('hello_first', 'send hello before anything else');
    const text = typeof msg?.text === 'string' ? msg.text.trim() : '';
    if (!text) return error('empty', 'chat text is empty');
    if ([...text].length > MAX_TEXT) return error('too_long', 'chat text is too long');
    const ts = Date.now();
    io.to(room).emit('chat', { type: 'chat', id: `${ts}-${seq++}`, text, ts, user });
  });
});

httpServer.listen(port, '127.0.0.1', () => console.log(`listening ${httpServer.address().port}`));
process.on('SIGTERM', () => process.exit(0));
