import { createHash } from 'node:crypto';
import { testDatabases } from '../helpers/db';
import { cardOf, cardText } from '../helpers/fake-connector';
import { parseCsv } from '../helpers/csv';
import { captureLogs } from '../helpers/logs';
import { ALICE, BOB, BOT, CAROL, GINA, channelMessage, groupChatMessage, personalMessage, type TeamsUser } from '../helpers/teams-activities';
import { useTeamsE2E } from '../helpers/teams-e2e';

const PUBLIC_URL = 'https://kudos.example.test';
const MINUTE = 60_000;

describe.each(testDatabases())('Teams `export` end to end on %s', (kind) => {
  let offsetMs = 0;
  const logs = captureLogs('debug');
  const e = useTeamsE2E(kind, { env: { PUBLIC_URL }, clock: () => new Date(Date.now() + offsetMs), logger: logs.logger });
  const url = () => e.connector.url;

  beforeEach(() => {
    offsetMs = 0;
    logs.lines.length = 0;
  });

  const give = async (from: TeamsUser, to: TeamsUser, words: string) => {
    const res = await e.send(channelMessage(url(), { from, parts: [BOT, ' thanks ', to, ` ${words}`] }));
    expect(res.status).toBe(200);
  };

  /** Says `export` in the person's personal chat and returns the card's two links. */
  const exportLinks = async (from: TeamsUser = GINA): Promise<{ csv: string; json: string; card: any }> => {
    e.connector.reset();
    await e.send(personalMessage(url(), { from, parts: ['export'] }));
    const card = cardOf(e.connector.sent().at(-1)?.body);
    expect(card).toBeDefined();
    const open = (card.actions as any[]).filter((x) => x.type === 'Action.OpenUrl');
    expect(open).toHaveLength(2);
    const [csv, json] = open.map((x) => x.url as string);
    return { csv, json, card };
  };

  /** A real GET to the app for a link made for PUBLIC_URL. */
  const download = (link: string) => {
    const u = new URL(link);
    return fetch(`${e.app.url}${u.pathname}${u.search}`);
  };
  const tokenOf = (link: string) => new URL(link).pathname.split('/').at(-1)!;

  it('sends a card in personal chat whose links download only the person\'s own kudos, as CSV and JSON', async () => {
    await give(GINA, ALICE, 'for untangling the refund flow #ownership');
    await give(BOB, GINA, 'for the calm release notes, again');
    await give(ALICE, CAROL, 'for covering my shift on Friday');
    expect(await e.count('kudos')).toBe(3);

    const { csv, json, card } = await exportLinks();
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(cardText(card)).toContain('Your kudos');
    expect(cardText(card)).toContain('15 minutes');
    expect(cardText(card)).toContain('only for you');
    expect(csv.startsWith(`${PUBLIC_URL}/export/`)).toBe(true);
    expect(new URL(csv).searchParams.get('format')).toBe('csv');
    expect(new URL(json).searchParams.get('format')).toBe('json');
    expect(tokenOf(csv)).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const c = await download(csv);
    expect(c.status).toBe(200);
    expect(c.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(c.headers.get('content-disposition')).toBe('attachment; filename="my-kudos.csv"');
    expect(c.headers.get('cache-control')).toBe('no-store');
    expect(c.headers.get('referrer-policy')).toBe('no-referrer');
    expect(c.headers.get('x-content-type-options')).toBe('nosniff');
    const [header, ...records] = parseCsv(await c.text());
    const col = (name: string) => header.indexOf(name);
    expect(col('giver')).toBeGreaterThanOrEqual(0);
    expect(records).toHaveLength(2);
    const byMessage = new Map(records.map((r) => [r[col('message')], r]));
    const gave = byMessage.get('for untangling the refund flow')!;
    expect(gave[col('giver')]).toBe(GINA.id);
    expect(gave[col('recipients')]).toBe(ALICE.id);
    expect(gave[col('values')]).toBe('ownership');
    const received = byMessage.get('for the calm release notes, again')!;
    expect(received[col('giver')]).toBe(BOB.id);
    expect(received[col('recipients')]).toBe(GINA.id);
    expect(byMessage.has('for covering my shift on Friday')).toBe(false);

    const j = await download(json);
    expect(j.status).toBe(200);
    expect(j.headers.get('content-type')).toBe('application/json');
    expect(j.headers.get('content-disposition')).toBe('attachment; filename="my-kudos.json"');
    expect(j.headers.get('cache-control')).toBe('no-store');
    const body = (await j.json()) as any[];
    expect(body).toHaveLength(2);
    expect(body.map((k) => ({ giver: k.giver.id, recipients: k.recipients.map((r: any) => r.id), message: k.message, role: k.role })).sort((a, b) => a.message.localeCompare(b.message))).toEqual([
      { giver: BOB.id, recipients: [GINA.id], message: 'for the calm release notes, again', role: 'received' },
      { giver: GINA.id, recipients: [ALICE.id], message: 'for untangling the refund flow', role: 'gave' },
    ]);
    expect(JSON.stringify(body)).not.toContain(CAROL.id);
  });

  it('keeps only the token\'s hash in the database, audits the link, and never logs the token', async () => {
    await give(GINA, ALICE, 'for untangling the refund flow #ownership');
    const { csv } = await exportLinks();
    const token = tokenOf(csv);
    expect((await download(csv)).status).toBe(200);

    const links = await e.db.db.selectFrom('export_link').selectAll().execute();
    expect(links).toHaveLength(1);
    expect(links[0].token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(new Date(links[0].expires_at).getTime() - new Date(links[0].created_at).getTime()).toBe(15 * MINUTE);
    const gina = await e.db.db.selectFrom('person').selectAll().where('external_id', '=', GINA.id).executeTakeFirstOrThrow();
    expect(links[0].person_id).toBe(gina.id);

    const audit = await e.db.db.selectFrom('audit_log').selectAll().where('action', '=', 'data.export.self').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_id: gina.id, target: GINA.id, after: { via: 'link' }, workspace_id: gina.workspace_id });
    for (const table of ['export_link', 'audit_log', 'event_inbox'] as const) {
      const rows = await e.db.db.selectFrom(table).selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(token);
    }

    const logged = logs.lines.join('');
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(logged).not.toContain(token);
    const used = logs.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'export link used');
    expect(used).toMatchObject({ workspaceId: gina.workspace_id });
  });

  it('answers 404 alike for an expired, unknown or malformed token', async () => {
    await give(GINA, ALICE, 'for untangling the refund flow #ownership');
    const { csv, json } = await exportLinks();
    expect((await download(json)).status).toBe(200);

    offsetMs = 15 * MINUTE + 1000;
    const expired = await download(csv);
    const unknown = await download(`${PUBLIC_URL}/export/${'A'.repeat(43)}?format=csv`);
    const malformed = [
      await download(`${PUBLIC_URL}/export/not-a-token`),
      await download(`${PUBLIC_URL}/export/${tokenOf(csv)}x`),
      await download(`${PUBLIC_URL}/export/`),
      await fetch(`${e.app.url}/export/${encodeURIComponent("'; drop table kudos; --")}`),
    ];
    const answers = await Promise.all([expired, unknown, ...malformed].map(async (r) => ({ status: r.status, body: await r.text() })));
    for (const a of answers) expect(a).toEqual({ status: 404, body: 'not found' });

    // A new link clears the workspace's expired ones.
    await exportLinks(ALICE);
    const left = await e.db.db.selectFrom('export_link').select('token_hash').execute();
    expect(left).toHaveLength(1);
    expect(left[0].token_hash).not.toBe(createHash('sha256').update(tokenOf(csv)).digest('hex'));
    expect(logs.lines.join('')).not.toContain(tokenOf(csv));
  });

  it('never sends a link in a channel or group chat: it points to the personal chat', async () => {
    await give(GINA, ALICE, 'for untangling the refund flow #ownership');
    for (const msg of [channelMessage(url(), { parts: [BOT, ' export'] }), groupChatMessage(url(), { parts: [BOT, ' download'] })]) {
      e.connector.reset();
      await e.send(msg);
      const sent = e.connector.sent();
      expect(sent).toHaveLength(1);
      expect(sent[0].conversationId).toBe(msg.conversation.id);
      expect(sent[0].body.text).toContain('personal chat');
      expect(JSON.stringify(sent[0].body)).not.toContain('/export/');
    }
    expect(await e.count('kudos')).toBe(1);
    expect(await e.db.db.selectFrom('export_link').selectAll().execute()).toHaveLength(0);
  });

  it('answers `download` and `my data` like `export`, and lists `export` in help', async () => {
    for (const words of ['download', 'My data']) {
      e.connector.reset();
      await e.send(personalMessage(url(), { parts: [words] }));
      const card = cardOf(e.connector.sent().at(-1)?.body);
      expect(card.actions.map((x: any) => x.type)).toEqual(['Action.OpenUrl', 'Action.OpenUrl']);
    }
    e.connector.reset();
    await e.send(personalMessage(url(), { parts: ['help'] }));
    expect(cardText(cardOf(e.connector.sent()[0].body))).toContain('`export`');
  });

  it('does not serve the route for other methods', async () => {
    const { csv } = await exportLinks();
    const u = new URL(csv);
    const res = await fetch(`${e.app.url}${u.pathname}`, { method: 'POST' });
    expect(res.status).toBe(405);
  });
});

describe.each(testDatabases())('Teams `export` without PUBLIC_URL on %s', (kind) => {
  const e = useTeamsE2E(kind);

  it('says an admin must set PUBLIC_URL, and makes no link', async () => {
    await e.send(personalMessage(e.connector.url, { parts: ['export'] }));
    const [reply] = e.connector.sent();
    expect(reply.body.text).toContain('PUBLIC_URL');
    expect(cardOf(reply.body)).toBeUndefined();
    expect(await e.db.db.selectFrom('export_link').selectAll().execute()).toHaveLength(0);
    const res = await fetch(`${e.app.url}/export/${'A'.repeat(43)}`);
    expect(res.status).toBe(404);
  });
});
