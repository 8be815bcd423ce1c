/**
 * Who is calling the admin API: a signed-in user (`Authorization: Token <key>`) or an organisation master API key
 * (`Authorization: Api-Key <key>`). Services receive it to check permissions and to sign the audit log.
 */
export type Principal = UserPrincipal | MasterKeyPrincipal;

export interface UserPrincipal {
  kind: 'user';
  userId: number;
  email: string;
  /** The token this request used; logout deletes it. */
  tokenId: number;
}

export interface MasterKeyPrincipal {
  kind: 'master-api-key';
  keyId: number;
  organisationId: number;
  /** Flagsmith: admin keys act as organisation admins; others get no project access. */
  isAdmin: boolean;
}
