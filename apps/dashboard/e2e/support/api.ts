import { randomUUID } from 'node:crypto';
import type { BrowserContext } from 'playwright-core';

/** The shared server's organisation master key (organisation "Default", id 1). */
export const BOOTSTRAP_KEY = 'dashboard-e2e-bootstrap-key-0123456789';

/** VEXIL_MAX_SEGMENTS_PER_PROJECT on the shared server. */
export const SHARED_SEGMENT_LIMIT = 5;

/** A tiny admin API client for arranging data; what the tests check goes through the browser. */
export function adminClient(baseUrl: string, authorization: string) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    get: <T>(path: string) => call<T>('GET', path),
    post: <T>(path: string, body: unknown = {}) => call<T>('POST', path, body),
    patch: <T>(path: string, body: unknown) => call<T>('PATCH', path, body),
  };
}

export interface TestUser {
  email: string;
  password: string;
  token: string;
}

/** Signs up an organisation admin on the shared server through an invite link. */
export async function newAdminUser(baseUrl: string): Promise<TestUser> {
  const master = adminClient(baseUrl, `Api-Key ${BOOTSTRAP_KEY}`);
  const link = await master.post<{ hash: string }>('/api/v1/organisations/1/invite-links/', {
    role: 'ADMIN',
  });
  const email = `e2e-${randomUUID().slice(0, 8)}@example.com`;
  const password = 'correct-horse-battery';
  const user = await adminClient(baseUrl, '').post<{ key: string }>('/api/v1/auth/users/', {
    email,
    password,
    invite_hash: link.hash,
  });
  return { email, password, token: user.key };
}

/** A project with one environment, made through the API for tests that are about something else. */
export async function newProject(baseUrl: string, user: TestUser, name = `p-${randomUUID().slice(0, 6)}`) {
  const api = adminClient(baseUrl, `Token ${user.token}`);
  const project = await api.post<{ id: number }>('/api/v1/projects/', { name, organisation: 1 });
  const environment = await api.post<{ id: number; api_key: string }>('/api/v1/environments/', {
    name: 'Production',
    project: project.id,
  });
  return { api, project, environment };
}

/** Signs the browser profile in without the login page (the login page has its own test). */
export async function signInWithToken(context: BrowserContext, token: string) {
  await context.addInitScript((t) => {
    if (!window.localStorage.getItem('vexil.token')) window.localStorage.setItem('vexil.token', t);
  }, token);
}
