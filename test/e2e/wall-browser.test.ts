import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { HOME_ACTION } from '../../src/slack/blocks/home-kit';
import { WALL_BLOCK, WALL_CALLBACK } from '../../src/slack/blocks/wall';
import { useSlackE2E } from '../helpers/slack-e2e';
import { blockAction, viewSubmission } from '../helpers/slack-views';

/**
 * The Kudos Wall in a real browser (Debian's chromium, driven by playwright-core) against the real app: a link
 * made by an admin in the App Home, kudos given over signed HTTP appearing live, an undo taking one away, a
 * private channel's kudos never appearing, and a revoked link ending the open page.
 */

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));
if (!CHROMIUM) {
  // .ci/run installs chromium; a machine without it cannot run this file.
  console.warn('test/e2e/wall-browser.test.ts skipped: no chromium binary (apt-get install chromium, or set CHROMIUM_PATH)');
}
const describeWithBrowser = CHROMIUM ? describe : describe.skip;

const PUBLIC_URL = 'https://kudos.example.com';
const OUTPUT = join(__dirname, '..', '..', 'test-output');

describeWithBrowser('the Kudos Wall in a browser', () => {
  const e = useSlackE2E('pglite', { env: { PUBLIC_URL } });
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(() => {
    // conversations.info as Slack answers it: #general is public, #secret private.
    e.fake.methods.set('conversations.info', (p) => ({
      ok: true,
      channel: p.channel === 'CSECRET' ? { id: p.channel, is_channel: true, is_private: true } : { id: p.channel, is_channel: true, is_private: false },
    }));
  });

  /** An admin makes a link in the App Home; the modal shows its address once. Returns the local URL and the link id. */
  async function makeLink(name: string): Promise<{ url: string; path: string; id: number }> {
    const form = { callback_id: WALL_CALLBACK.create, blocks: [] };
    const res = await e.post(viewSubmission({ userId: 'UADMIN', view: form, values: { [WALL_BLOCK.name]: { value: { type: 'plain_text_input', value: name } }, [WALL_BLOCK.days]: { value: { type: 'plain_text_input', value: '' } } } }));
    expect(res.status).toBe(200);
    expect(res.json.response_action).toBe('update');
    const shown = JSON.stringify(res.json.view);
    const match = /https:\/\/kudos\.example\.com(\/wall\/[A-Za-z0-9_-]{43})/.exec(shown);
    if (!match) throw new Error(`no link in ${shown}`);
    const row = await e.db.db.selectFrom('wall_link').select('id').where('name', '=', name).executeTakeFirstOrThrow();
    return { url: `${e.app.url}${match[1]}`, path: match[1], id: row.id };
  }

  async function openWall(url: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, reducedMotion: 'reduce' });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    const res = await page.goto(url);
    expect(res?.status()).toBe(200);
    // The stream is open and has sent its first view: from here on, nothing given is missed.
    await page.waitForSelector('body[data-live="true"]', { timeout: 5000 });
    return { page, problems };
  }

  async function latestKudosId(message: string): Promise<number> {
    const row = await e.db.db.selectFrom('kudos').select('id').where('message', 'like', `%${message}%`).orderBy('id', 'desc').executeTakeFirstOrThrow();
    return row.id;
  }

  it('shows kudos from public channels live, takes back an undo, never shows a private channel, and ends when revoked', async () => {
    const link = await makeLink('Lobby screen');
    // The audit log has it, for the App Home's audit section.
    const audit = await e.db.db.selectFrom('audit_log').select('action').execute();
    expect(audit.map((a) => a.action)).toContain('wall.link.create');
    const { page, problems } = await openWall(link.url);
    expect(await page.locator('h1').innerText()).toContain('Kudos Wall');
    expect(await page.locator('svg.chart[role="img"] > title').textContent()).toMatch(/^Kudos per day over the last 28 days: 0 in all/);

    // A kudos in a public channel appears within 2 s.
    const started = Date.now();
    await e.thanks('<@UALICE> <@UBOB> for the calm handover on the outage call #ownership', { channel_id: 'C0GENERAL' });
    const first = await latestKudosId('calm handover');
    await page.waitForSelector(`#k-${first}`, { timeout: 2000 });
    expect(Date.now() - started).toBeLessThan(2000);
    const note = await page.locator(`#k-${first}`).innerText();
    expect(note).toContain('gina');
    expect(note).toContain('alice');
    expect(note).toContain('Ownership');
    expect(note).toContain('💪');
    // The header counted it.
    await page.waitForSelector('.figures li:first-child .value:text-is("1")', { timeout: 2000 });

    // One in a private channel, then one in public: the second arrives, the first never does.
    await e.thanks('<@UCAROL> for the confidential payroll fix', { channel_id: 'CSECRET' });
    await e.thanks('<@UCAROL> for the release notes everyone can read', { channel_id: 'C0GENERAL', user_id: 'UALICE' });
    const third = await latestKudosId('release notes');
    await page.waitForSelector(`#k-${third}`, { timeout: 2000 });
    expect(await page.content()).not.toContain('confidential payroll');
    const secret = await latestKudosId('confidential payroll');
    expect(await page.locator(`#k-${secret}`).count()).toBe(0);

    // A few more, so the screenshot looks like a wall on a busy morning.
    await e.thanks('<@UBOB> for staying late to walk a customer through the migration #empathy', { channel_id: 'C0GENERAL', user_id: 'UCAROL' });
    await e.thanks('<@UGIVER> for the tidy runbook that saved my first on-call shift #knowledge #collaboration', { channel_id: 'C0GENERAL', user_id: 'UBOB' });
    await e.thanks('<@UCAROL> <@UALICE> for answering the billing question before the customer even finished asking #quick-response', { channel_id: 'C0GENERAL', user_id: 'UADMIN' });
    await page.waitForSelector('#notes > li:nth-child(5)', { timeout: 2000 });
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'wall.png') });

    // Gina's undo withdraws her latest kudos (the private one): the page is unchanged; a second undo takes the first away.
    await e.thanks('undo');
    await e.thanks('undo');
    await page.waitForSelector(`#k-${first}`, { state: 'detached', timeout: 2000 });
    expect(await page.locator(`#k-${third}`).count()).toBe(1);
    expect(await page.locator('#notes > li').count()).toBe(4);

    // Revoked in the App Home (with the Home's confirm): the open page says so, and a reload gets a 404.
    const revoked = await e.post(blockAction({ userId: 'UADMIN', actionId: HOME_ACTION.wallRevoke, value: String(link.id) }));
    expect(revoked.status).toBe(200);
    await page.waitForSelector('body[data-ended="true"]', { timeout: 3000 });
    expect(await page.locator('#status').innerText()).toContain('no longer works');
    // No CSP refusal, script error or failed load on the way (the page asks for nothing else).
    expect(problems).toEqual([]);
    const again = await page.reload();
    expect(again?.status()).toBe(404);
    await page.close();
  });

  it('answers with strict headers, and one plain 404 for a token that opens nothing', async () => {
    const link = await makeLink('Call share');
    const res = await fetch(link.url);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toMatch(/<header[\s>]/);
    expect(html).toMatch(/<main[\s>]/);
    expect(html).not.toMatch(/\ssrc="https?:|\shref="https?:/);

    for (const path of ['/wall/' + 'x'.repeat(43), '/wall/', '/wall/short', `${link.path}/other`]) {
      const r = await fetch(`${e.app.url}${path}`);
      expect([path, r.status, await r.text()]).toEqual([path, 404, 'not found']);
    }
    const post = await fetch(link.url, { method: 'POST' });
    expect(post.status).toBe(405);

    // A framing origin set by an admin is the only one allowed.
    const settingsRes = await e.post(
      viewSubmission({
        userId: 'UADMIN',
        view: { callback_id: WALL_CALLBACK.framing, blocks: [], private_metadata: JSON.stringify({ v: 0 }) },
        values: { [WALL_BLOCK.framing]: { value: { type: 'plain_text_input', value: 'https://intranet.example.com/' } } },
      }),
    );
    expect(settingsRes.status).toBe(200);
    const framed = await fetch(link.url);
    expect(framed.headers.get('content-security-policy')).toMatch(/frame-ancestors https:\/\/intranet\.example\.com$/);
    const bad = await e.post(
      viewSubmission({
        userId: 'UADMIN',
        view: { callback_id: WALL_CALLBACK.framing, blocks: [], private_metadata: JSON.stringify({ v: 1 }) },
        values: { [WALL_BLOCK.framing]: { value: { type: 'plain_text_input', value: "https://x.example.com 'unsafe-inline'" } } },
      }),
    );
    expect(bad.json.response_action).toBe('errors');
  });

  it('refuses to make or revoke links for someone who is not an admin', async () => {
    const link = await makeLink('Kept');
    const res = await e.post(
      viewSubmission({ userId: 'UGINA', view: { callback_id: WALL_CALLBACK.create, blocks: [] }, values: { [WALL_BLOCK.name]: { value: { type: 'plain_text_input', value: 'Sneaky' } } } }),
    );
    expect(JSON.stringify(res.json)).toContain('Only Kudos admins');
    await e.post(blockAction({ userId: 'UGINA', actionId: HOME_ACTION.wallRevoke, value: String(link.id) }));
    expect((await fetch(link.url)).status).toBe(200);
    const rows = await e.db.db.selectFrom('wall_link').select('name').execute();
    expect(rows.map((r) => r.name)).toEqual(['Kept']);
    const actions = (await e.db.db.selectFrom('audit_log').select('action').orderBy('id').execute()).map((r) => r.action);
    expect(actions).toEqual(['wall.link.create', 'wall.link.refused', 'wall.link.refused']);
  });
});
