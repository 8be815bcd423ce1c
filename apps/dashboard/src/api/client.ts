/**
 * The one door to the admin API: fetch with the session token, JSON in and out, and every failure turned into
 * an ApiError that knows which field each message belongs to (Django REST framework's `{"field": ["msg"]}`).
 */

const TOKEN_KEY = 'vexil.token';

export type FieldErrors = Readonly<Record<string, readonly string[]>>;

export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  /** Messages per field, as the API sent them; form-wide ones under `non_field_errors`. */
  readonly fields: FieldErrors;

  constructor(status: number, body: unknown) {
    const fields = toFieldErrors(body);
    super(summarise(status, fields));
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.fields = fields;
  }

  /** The message for one field, or undefined when the API said nothing about it. */
  field(name: string): string | undefined {
    const messages = this.fields[name];
    return messages && messages.length > 0 ? messages.join(' ') : undefined;
  }
}

/** Normalises every error body the API sends: `{detail}`, `{field: [..]}`, `{field: ".."}` and nested objects. */
export function toFieldErrors(body: unknown): FieldErrors {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return typeof body === 'string' && body !== '' ? { non_field_errors: [body] } : {};
  }
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    const name = key === 'detail' ? 'non_field_errors' : key;
    const messages = flattenMessages(value);
    if (messages.length > 0) out[name] = [...(out[name] ?? []), ...messages];
  }
  return out;
}

function flattenMessages(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(flattenMessages);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => flattenMessages(v).map((m) => `${k}: ${m}`));
  }
  return value === undefined || value === null ? [] : [String(value)];
}

function summarise(status: number, fields: FieldErrors): string {
  const all = Object.entries(fields).map(([k, v]) =>
    k === 'non_field_errors' ? v.join(' ') : `${k}: ${v.join(' ')}`,
  );
  if (all.length > 0) return all.join(' ');
  if (status === 0) return 'The server could not be reached. Check your connection and try again.';
  return `The server answered ${status}.`;
}

type Listener = () => void;

export class ApiClient {
  #token: string | null;
  readonly #onUnauthorised = new Set<Listener>();
  readonly #baseUrl: string;

  constructor(baseUrl = '', storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage) {
    this.#baseUrl = baseUrl;
    this.#token = storage?.getItem(TOKEN_KEY) ?? null;
  }

  get token(): string | null {
    return this.#token;
  }

  setToken(token: string | null) {
    this.#token = token;
    if (token) globalThis.localStorage?.setItem(TOKEN_KEY, token);
    else globalThis.localStorage?.removeItem(TOKEN_KEY);
  }

  /** Called when the API says the session is gone (401), so the app can show the login page. */
  onUnauthorised(listener: Listener): () => void {
    this.#onUnauthorised.add(listener);
    return () => this.#onUnauthorised.delete(listener);
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const init: RequestInit = {
      method,
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        // The SDK endpoints authenticate with an environment key; the session token is for the admin API only.
        ...(this.#token && !headers['x-environment-key'] ? { authorization: `Token ${this.#token}` } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    };
    let res: Response;
    try {
      res = await fetch(`${this.#baseUrl}${path}`, init);
    } catch {
      throw new ApiError(0, undefined);
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = text;
    }
    if (!res.ok) {
      if (res.status === 401 && this.#token && !headers['x-environment-key']) {
        this.setToken(null);
        for (const l of this.#onUnauthorised) l();
      }
      throw new ApiError(res.status, parsed);
    }
    return parsed as T;
  }

  get<T>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  put<T>(path: string, body: unknown) {
    return this.request<T>('PUT', path, body);
  }
  patch<T>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
  delete<T = void>(path: string) {
    return this.request<T>('DELETE', path);
  }
}

/** Builds a query string from the defined values only. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}

export const api = new ApiClient();
