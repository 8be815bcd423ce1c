/**
 * A tiny JSON client for in-process admin API tests (the black-box suite has its own in conformance/).
 */
export interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON read by tests, checked by assertions rather than types.
  body: any;
  text: string;
}

export function adminClient(baseUrl: string, auth: string | null) {
  const request = async (method: string, path: string, body?: unknown): Promise<Reply> => {
    const headers: Record<string, string> = {};
    if (auth) headers.authorization = auth;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, text };
  };
  /** Like request, but throws unless the status is `status`; returns the body. */
  // biome-ignore lint/suspicious/noExplicitAny: see Reply.body.
  const ok = async (status: number, method: string, path: string, body?: unknown): Promise<any> => {
    const res = await request(method, path, body);
    if (res.status !== status)
      throw new Error(`${method} ${path}: expected ${status}, got ${res.status} ${res.text}`);
    return res.body;
  };
  return { request, ok };
}
export type AdminClient = ReturnType<typeof adminClient>;
