import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidStateError, type InstallURLOptions, type StateStore } from '@slack/oauth';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock';
import { deleteExpiredOAuthStates, insertOAuthState, takeOAuthState } from '../db/queries/oauth-state';
import type { Database } from '../db/schema';

/** How long an install link works: long enough to read Slack's consent screen, short enough to be useless later. */
export const STATE_TTL_MS = 10 * 60 * 1000;

const NONCE_BYTES = 16;
const NONCE = /^[A-Za-z0-9_-]{22}$/;
const EXPIRY = /^[0-9]{1,12}$/;
const SIGNATURE_BYTES = 32;

export interface OAuthStateStoreOptions {
  db: Kysely<Database>;
  /** SLACK_STATE_SECRET: the HMAC-SHA256 key of every state. */
  secret: string;
  clock: Clock;
  /** What the redirect handler gets back for a good state: the options the install link was made with. */
  installOptions: InstallURLOptions;
  ttlMs?: number;
}

/**
 * The `state` of "Add to Slack" links, for @slack/oauth's InstallProvider: `<nonce>.<expiry>.<signature>`, where the
 * expiry is in seconds since the epoch and the signature is HMAC-SHA256 over `<nonce>.<expiry>` (all base64url
 * or digits, so it fits in a cookie as it is). It is signed, so a forged or altered state is refused without a
 * database lookup, and single-use: the nonce is stored when the link is made and deleted when it is used, so a
 * state seen once (in a log, a browser history, a proxy) cannot install anything again.
 *
 * Time comes from `clock`, not from the `now` InstallProvider passes, so that tests can move it.
 */
export class OAuthStateStore implements StateStore {
  private readonly ttlMs: number;

  constructor(private readonly opts: OAuthStateStoreOptions) {
    this.ttlMs = opts.ttlMs ?? STATE_TTL_MS;
  }

  async generateStateParam(_installOptions: InstallURLOptions, _now: Date): Promise<string> {
    const now = this.opts.clock();
    // Links that were never followed are cleared here, so the table stays as small as the links in use.
    await deleteExpiredOAuthStates(this.opts.db, now);
    const nonce = randomBytes(NONCE_BYTES).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    await insertOAuthState(this.opts.db, { nonce, createdAt: now, expiresAt });
    const payload = `${nonce}.${Math.floor(expiresAt.getTime() / 1000)}`;
    return `${payload}.${this.sign(payload).toString('base64url')}`;
  }

  /** The install options for a good state, used up by this call; an InvalidStateError for anything else. */
  async verifyStateParam(_now: Date, state: string): Promise<InstallURLOptions> {
    const [nonce, expiry, signature, ...rest] = state.split('.');
    if (!nonce || !expiry || !signature || rest.length > 0 || !NONCE.test(nonce) || !EXPIRY.test(expiry)) {
      throw new InvalidStateError('the state is not one Kudos made');
    }
    const given = Buffer.from(signature, 'base64url');
    const expected = this.sign(`${nonce}.${expiry}`);
    if (given.length !== SIGNATURE_BYTES || !timingSafeEqual(given, expected)) {
      throw new InvalidStateError('the state is not signed with SLACK_STATE_SECRET');
    }
    const now = this.opts.clock();
    // Taken (deleted) even when expired, so the row goes either way.
    const taken = await takeOAuthState(this.opts.db, nonce, now);
    if (Number(expiry) * 1000 <= now.getTime()) throw new InvalidStateError('the state has expired');
    if (!taken) throw new InvalidStateError('the state was used already (or has expired)');
    return this.opts.installOptions;
  }

  private sign(payload: string): Buffer {
    return createHmac('sha256', this.opts.secret).update(payload).digest();
  }
}
