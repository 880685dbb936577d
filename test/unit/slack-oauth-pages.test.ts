import { escapeHtml, failurePage, installedPage, installPage, PAGE_HEADERS, SCOPE_REASONS, type InstallFailure } from '../../src/slack/oauth-pages';
import { BOT_SCOPES } from '../../src/slack/scopes';

describe('"Add to Slack" pages', () => {
  it.each([
    ['plain', 'plain'],
    ['<b>', '&lt;b&gt;'],
    ['a & b', 'a &amp; b'],
    [`"quoted" 'single'`, '&quot;quoted&quot; &#39;single&#39;'],
    ['&amp;', '&amp;amp;'],
  ])('escapes %j', (text, html) => {
    expect(escapeHtml(text)).toBe(html);
  });

  it('explains every scope Kudos asks for', () => {
    for (const scope of BOT_SCOPES) expect(SCOPE_REASONS[scope]).toEqual(expect.any(String));
    const html = installPage({ authorizeUrl: 'https://slack.com/oauth/v2/authorize?scope=a,b&state=s&client_id=1', scopes: BOT_SCOPES });
    for (const scope of BOT_SCOPES) expect(html).toContain(`<code>${scope}</code>: ${escapeHtml(SCOPE_REASONS[scope]!)}`);
    expect(html).toContain('href="https://slack.com/oauth/v2/authorize?scope=a,b&amp;state=s&amp;client_id=1"');
  });

  it('escapes a hostile link, scope and workspace name', () => {
    const install = installPage({ authorizeUrl: 'https://x/"><script>', scopes: ['<img src=x>'] });
    expect(install).not.toMatch(/<script|<img/);
    const done = installedPage({ name: '<script>x</script>', isEnterpriseInstall: false, teamId: 'T"1', appId: 'A<1' });
    expect(done).not.toContain('<script');
    expect(done).toContain('Kudos is installed in &lt;script&gt;x&lt;/script&gt;');
    expect(done).toContain('href="slack://app?team=T%221&amp;id=A%3C1"');
  });

  it('says what an org-wide install leaves to the org admin, and links the App Home only for a team', () => {
    const org = installedPage({ name: 'Globex', isEnterpriseInstall: true });
    expect(org).toContain('org’s app management');
    expect(org).not.toContain('slack://');
    expect(installedPage({ name: 'Acme', isEnterpriseInstall: false })).not.toContain('app management');
  });

  it.each<[InstallFailure, string]>([
    ['invalid_link', 'This install link has expired'],
    ['cancelled', 'Installation cancelled'],
    ['refused', 'Slack did not complete the installation'],
    ['unavailable', 'Slack could not be reached'],
    ['error', 'Something went wrong'],
  ])('%s: says what happened and links back to the install page', (kind, title) => {
    const html = failurePage(kind, '/slack/install');
    expect(html).toContain(`<h1>${title}</h1>`);
    expect(html).toContain('href="/slack/install"');
    expect(html).not.toMatch(/<script|src=/);
  });

  it('sends the pages with a policy that allows no script and no framing', () => {
    expect(PAGE_HEADERS['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
    expect(PAGE_HEADERS['referrer-policy']).toBe('no-referrer');
    expect(PAGE_HEADERS['x-content-type-options']).toBe('nosniff');
  });
});
