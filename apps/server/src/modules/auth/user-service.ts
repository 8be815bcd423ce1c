import { type Kysely, sql } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import type { OrganisationRole, Schema } from '../../platform/db/schema.ts';
import { PermissionDeniedError, ValidationError } from '../../platform/errors.ts';
import { hashSecret, verifySecret } from '../../platform/secrets.ts';
import type { LoginRateLimiter } from './login-rate-limiter.ts';
import type { Principal } from './principal.ts';
import { issueToken, type TokenAuthenticator } from './token-authenticator.ts';
import { type UserRow, userStore } from './user-store.ts';

export interface SignUpInput {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  marketingConsentGiven: boolean;
  inviteHash: string | undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Django's default password validators, reduced to what does not need a word list. */
export function passwordProblems(password: string, email: string): string[] {
  const problems: string[] = [];
  if (password.length < 8)
    problems.push('This password is too short. It must contain at least 8 characters.');
  if (/^\d+$/.test(password)) problems.push('This password is entirely numeric.');
  if (password.toLowerCase() === email.toLowerCase())
    problems.push('The password is too similar to the email.');
  return problems;
}

// A dummy hash so that logging in with an unknown email costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;
const timingEqualiser = () => {
  dummyHash ??= hashSecret('vexil-timing-equaliser');
  return dummyHash;
};

/**
 * Users and their sessions: first-user sign-up, sign-up through an invite link, login (rate limited), logout,
 * the current user and password changes. Memberships written here are the organisation roles permissions read.
 */
export class UserService {
  readonly #database: Database;
  readonly #limiter: LoginRateLimiter;
  readonly #tokens: TokenAuthenticator;

  constructor(deps: { database: Database; limiter: LoginRateLimiter; tokens: TokenAuthenticator }) {
    this.#database = deps.database;
    this.#limiter = deps.limiter;
    this.#tokens = deps.tokens;
  }

  /**
   * The first user of an installation may sign up freely and becomes admin of every existing organisation (e.g.
   * the bootstrap "Default"); afterwards sign-up needs a valid invite link hash, whose role they receive.
   */
  async signUp(input: SignUpInput): Promise<{ user: UserRow; key: string }> {
    const email = input.email.trim();
    const problems: Record<string, string[]> = {};
    if (!EMAIL.test(email)) problems.email = ['Enter a valid email address.'];
    const pw = passwordProblems(input.password, email);
    if (pw.length > 0) problems.password = pw;
    if (Object.keys(problems).length > 0) throw new ValidationError(problems);
    const passwordHash = await hashSecret(input.password);

    return this.#database.db.transaction().execute(async (trx) => {
      // Serialises sign-ups so that two "first users" cannot both become admins.
      await sql`SELECT pg_advisory_xact_lock(1447385164, 10)`.execute(trx);
      // An invite decides the role; without one only the very first user may sign up.
      let invite: { organisationId: number; role: OrganisationRole } | undefined;
      if (input.inviteHash !== undefined) {
        invite = await this.#validInvite(trx, input.inviteHash);
        if (!invite) throw ValidationError.field('invite_hash', 'Invite link is invalid or has expired.');
      }
      const first = invite === undefined && (await userStore.count(trx)) === 0;
      if (invite === undefined && !first) {
        throw new PermissionDeniedError(
          'Sign-up needs an invitation: ask an organisation admin for an invite link.',
        );
      }
      if (await userStore.findByEmail(trx, email)) {
        throw ValidationError.field('email', 'A user with this email already exists. Please log in.');
      }
      const user = await userStore.insert(trx, {
        email,
        first_name: input.firstName,
        last_name: input.lastName,
        password_hash: passwordHash,
        marketing_consent_given: input.marketingConsentGiven,
      });
      if (first) {
        for (const id of await userStore.allOrganisationIds(trx))
          await userStore.addMembership(trx, user.id, id, 'ADMIN');
      } else if (invite) {
        await userStore.addMembership(trx, user.id, invite.organisationId, invite.role);
      }
      const key = await issueToken(trx, user.id);
      return { user, key };
    });
  }

  /** True until the first user signs up: the dashboard then shows its first-run sign-up page. */
  async firstUserNeeded(): Promise<boolean> {
    return (await userStore.count(this.#database.db)) === 0;
  }

  async #validInvite(db: Kysely<Schema>, hash: string) {
    const link = await userStore.findInviteLink(db, hash);
    if (!link || (link.expires_at && link.expires_at.getTime() <= Date.now())) return undefined;
    return { organisationId: link.organisation_id, role: link.role };
  }

  /** Email + password to a new token. Rate limited per email and per client IP before any hashing. */
  async login(email: string, password: string, ip: string): Promise<string> {
    this.#limiter.attempt(email, ip);
    const user = await userStore.findByEmail(this.#database.db, email.trim());
    let ok = false;
    if (user?.is_active) ok = await verifySecret(password, user.password_hash);
    else await verifySecret(password, await timingEqualiser());
    if (!user || !ok) {
      throw ValidationError.field('non_field_errors', 'Unable to log in with provided credentials.');
    }
    return this.#database.db.transaction().execute(async (trx) => {
      await userStore.update(trx, user.id, { last_login: new Date() });
      return issueToken(trx, user.id);
    });
  }

  /** Deletes the token the request used; a master API key has no session, so this is a no-op for it. */
  async logout(principal: Principal): Promise<void> {
    if (principal.kind !== 'user') return;
    await userStore.deleteToken(this.#database.db, principal.tokenId);
    this.#tokens.forgetToken(principal.tokenId);
  }

  async me(principal: Principal): Promise<UserRow> {
    const user = await userStore.findById(this.#database.db, requireUser(principal).userId);
    if (!user) throw new PermissionDeniedError();
    return user;
  }

  async updateMe(
    principal: Principal,
    patch: { firstName?: string; lastName?: string; marketingConsentGiven?: boolean },
  ): Promise<UserRow> {
    const { userId } = requireUser(principal);
    return userStore.update(this.#database.db, userId, {
      ...(patch.firstName !== undefined ? { first_name: patch.firstName } : {}),
      ...(patch.lastName !== undefined ? { last_name: patch.lastName } : {}),
      ...(patch.marketingConsentGiven !== undefined
        ? { marketing_consent_given: patch.marketingConsentGiven }
        : {}),
    });
  }

  async setPassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.me(principal);
    if (!(await verifySecret(currentPassword, user.password_hash))) {
      throw ValidationError.field('current_password', 'Invalid password.');
    }
    const problems = passwordProblems(newPassword, user.email);
    if (problems.length > 0) throw new ValidationError({ new_password: problems });
    await userStore.update(this.#database.db, user.id, { password_hash: await hashSecret(newPassword) });
  }
}

export function requireUser(principal: Principal) {
  if (principal.kind !== 'user') {
    throw new PermissionDeniedError('This endpoint is for signed-in users, not master API keys.');
  }
  return principal;
}
