// The seller REST API as the studio calls it: JSON in and out, the seller token on every call,
// and one kind of failure (ApiError) whose message is the server's own {"error": ...} text, or
// a plain sentence when the server did not answer at all.
import { t } from './i18n.js';

let token = null;

export function setToken(value) {
  token = value;
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;  // 0: no answer (network)
  }
}

// method, path ("/api/..."), body (an object, sent as JSON). Resolves with the parsed answer.
export async function api(method, path, body) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, t('error.network'));
  }
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    // not JSON (a proxy's error page): the status says enough
  }
  if (!response.ok) throw new ApiError(response.status, answer?.error || t('error.http', response.status));
  return answer ?? {};
}

export const broadcastPath = (id, rest = '') => `/api/broadcasts/${encodeURIComponent(id)}${rest}`;

// The claims of the sign-in token when it is a JWT (null for the operator's plain seller token).
// Read only to choose what to ask the server for; the server checks the signature.
function jwtClaims(value) {
  const parts = (value ?? '').split('.');
  if (parts.length !== 3) return null;
  try {
    const text = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(decodeURIComponent(escape(text)));  // the payload is UTF-8
  } catch {
    return null;
  }
}

// A chat token to act as the broadcast's seller (the studio's chat panel, "Open it as host").
// Signed in with a seller JWT for this broadcast (a demo login), that token is one already: a
// seller may only mint roles below its own. The operator's token mints one.
export async function sellerChatToken(broadcast, name) {
  const claims = jwtClaims(token);
  if (claims?.role === 'seller' && (!claims.room || claims.room === broadcast.id)) return token;
  const answer = await api('POST', broadcastPath(broadcast.id, '/tokens'), { role: 'seller', name });
  return answer.token;
}
