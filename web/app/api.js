export class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

let token = null;
export function setToken(t) { token = t; }
export function authHeader() { return { Authorization: `Bearer ${token}` }; }

/** JSON in, JSON out; every call carries the bearer token, never a cookie. */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { ...authHeader(), Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store', credentials: 'omit' });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? 'HTTP', json?.error?.message ?? `HTTP ${res.status}`);
  return json;
}

/** Downloads a file the API serves (the browser cannot add a header to a plain link). */
export async function download(path, fallbackName) {
  const res = await fetch(`/api/v1${path}`, { headers: authHeader(), cache: 'no-store', credentials: 'omit' });
  if (!res.ok) throw new ApiError(res.status, 'HTTP', `HTTP ${res.status}`);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url; a.download = name;
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
