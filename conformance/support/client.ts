import type { Json } from './json.ts';

export interface ApiResponse {
  status: number;
  body: Json;
  headers: Headers;
}

/** A minimal HTTP client for the admin API: JSON in, JSON out, one credential. */
export class Api {
  readonly baseUrl: string;
  /** The Authorization header value, e.g. `Api-Key abc.def` or `Token xyz`; null sends none. */
  readonly auth: string | null;

  constructor(baseUrl: string, auth: string | null) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.auth = auth;
  }

  /** The same server with another credential. */
  as(auth: string | null): Api {
    return new Api(this.baseUrl, auth);
  }

  async request(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.auth) headers.authorization = this.auth;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: Json = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (e.g. the Swagger UI page): keep the text.
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, body?: unknown) {
    return this.request('POST', path, body ?? {});
  }
  put(path: string, body: unknown) {
    return this.request('PUT', path, body);
  }
  patch(path: string, body: unknown) {
    return this.request('PATCH', path, body);
  }
  delete(path: string) {
    return this.request('DELETE', path);
  }

  /** Like request, but throws with the response when the status is not the expected one. */
  async expect(status: number, method: string, path: string, body?: unknown): Promise<Json> {
    const res = await this.request(method, path, body);
    if (res.status !== status) {
      throw new Error(
        `${method} ${path}: expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`,
      );
    }
    return res.body;
  }
}
