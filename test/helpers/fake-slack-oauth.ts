import type { FakeSlack } from './fake-slack';

/**
 * Slack's side of "Add to Slack" on the fake Web API: codes handed out on Slack's authorize page (`grant`), each
 * exchanged once with oauth.v2.access for the client it was given to, and auth.test answered for the tokens that
 * exchange issued. Answers have the shape Slack documents for oauth.v2.access and auth.test.
 */

export interface OAuthGrant {
  /** The workspace; null for an org-wide Enterprise Grid install. */
  team: { id: string; name: string } | null;
  enterprise?: { id: string; name: string } | null;
  isEnterpriseInstall?: boolean;
  botToken: string;
  botUserId?: string;
  botId?: string;
  appId?: string;
  scopes: readonly string[];
  installerId?: string;
  /** Token rotation on: Slack also returns these. */
  refreshToken?: string;
  expiresIn?: number;
  /** auth.test's `url` (an org-wide install's is the org's). */
  url?: string;
}

export class FakeSlackOAuth {
  private readonly grants = new Map<string, OAuthGrant>();
  private readonly used = new Set<string>();
  private readonly tokens = new Map<string, OAuthGrant>();

  constructor(
    private readonly fake: FakeSlack,
    private readonly client: { id: string; secret: string },
  ) {}

  /** Registers oauth.v2.access and auth.test on the fake (again after a `fake.methods.clear()`). */
  install(): this {
    this.fake.methods.set('oauth.v2.access', (p) => this.exchange(p));
    this.fake.methods.set('auth.test', (_p, token) => this.authTest(token));
    return this;
  }

  /** Forgets every code and token (between tests). */
  reset(): void {
    this.grants.clear();
    this.used.clear();
    this.tokens.clear();
  }

  /** What Slack's authorize page does when the installer presses Allow: a code for this grant. */
  grant(code: string, g: OAuthGrant): string {
    this.grants.set(code, g);
    return code;
  }

  private exchange(p: Record<string, any>): Record<string, unknown> {
    if (p.client_id !== this.client.id) return { ok: false, error: 'invalid_client_id' };
    if (p.client_secret !== this.client.secret) return { ok: false, error: 'bad_client_secret' };
    const code = String(p.code ?? '');
    const g = this.grants.get(code);
    if (!g || this.used.has(code)) return { ok: false, error: 'invalid_code' };
    this.used.add(code);
    this.tokens.set(g.botToken, g);
    const isOrg = g.isEnterpriseInstall === true;
    return {
      ok: true,
      app_id: g.appId ?? 'A0KUDOS',
      authed_user: { id: g.installerId ?? 'UINSTALLER' },
      scope: g.scopes.join(','),
      token_type: 'bot',
      access_token: g.botToken,
      bot_user_id: g.botUserId ?? 'UKUDOSBOT',
      team: g.team,
      enterprise: g.enterprise ?? null,
      is_enterprise_install: isOrg,
      ...(g.refreshToken !== undefined ? { refresh_token: g.refreshToken } : {}),
      ...(g.expiresIn !== undefined ? { expires_in: g.expiresIn } : {}),
    };
  }

  private authTest(token: string): Record<string, unknown> {
    const g = this.tokens.get(token);
    if (!g) return { ok: false, error: 'invalid_auth' };
    return {
      ok: true,
      url: g.url ?? 'https://acme.slack.com/',
      team: g.team?.name ?? g.enterprise?.name,
      team_id: g.team?.id ?? null,
      user_id: g.botUserId ?? 'UKUDOSBOT',
      bot_id: g.botId ?? 'B0KUDOS',
      ...(g.enterprise ? { enterprise_id: g.enterprise.id } : {}),
      is_enterprise_install: g.isEnterpriseInstall === true,
    };
  }
}
