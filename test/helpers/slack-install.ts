import { randomBytes } from 'node:crypto';
import type { FakeSlackOAuth, OAuthGrant } from './fake-slack-oauth';

/** The install state's cookie InstallProvider sets (and checks when Slack sends the installer back). */
export const STATE_COOKIE = 'slack-app-oauth-state';

function unescapeHtml(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Opens the install page as a browser would: the page, the state in its button's link, and the state cookie. */
export async function openInstallPage(base: string) {
  const res = await fetch(`${base}/slack/install`, { redirect: 'manual' });
  const html = await res.text();
  const href = /<a class="button" href="([^"]+)">Add to Slack<\/a>/.exec(html)?.[1];
  const authorizeUrl = new URL(unescapeHtml(href ?? 'about:blank'));
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith(`${STATE_COOKIE}=`));
  return { res, html, authorizeUrl, state: authorizeUrl.searchParams.get('state') ?? '', cookie: cookie ?? '' };
}

/** Slack sending the installer back to the redirect URL, with the browser's cookie (if any). */
export async function comeBack(base: string, query: Record<string, string>, cookie?: string) {
  const res = await fetch(`${base}/slack/oauth_redirect?${new URLSearchParams(query)}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return { res, html: await res.text() };
}

/** The whole "Add to Slack" flow for one grant: install page, Allow on Slack's page (a code), back to Kudos. */
export async function installThroughBrowser(base: string, oauth: FakeSlackOAuth, g: OAuthGrant) {
  const start = await openInstallPage(base);
  const code = oauth.grant(`code-${randomBytes(6).toString('hex')}`, g);
  return { ...(await comeBack(base, { code, state: start.state }, start.cookie)), start, code };
}
