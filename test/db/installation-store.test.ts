import { randomBytes } from 'node:crypto';
import type { Installation } from '@slack/oauth';
import { Secrets } from '../../src/core/secrets';
import { deleteWorkspace } from '../../src/core/workspaces';
import { PostgresInstallationStore } from '../../src/slack/installation-store';
import { testDatabases, useTestDb } from '../helpers/db';

/** An installation as @slack/oauth hands it over after oauth.v2.access. */
function teamInstall(team: string, token: string, extra: Partial<Installation<'v2', false>> = {}): Installation<'v2', false> {
  return {
    team: { id: team, name: `Team ${team}` },
    enterprise: undefined,
    isEnterpriseInstall: false,
    user: { id: 'UINSTALLER', token: undefined, scopes: undefined },
    bot: { token, refreshToken: `xoxe-1-refresh-${team}`, expiresAt: 1_900_000_000, scopes: ['commands', 'chat:write'], id: `B${team}`, userId: `U${team}BOT` },
    appId: 'A0KUDOS',
    tokenType: 'bot',
    authVersion: 'v2',
    ...extra,
  };
}

describe.each(testDatabases())('Slack installations on %s', (kind) => {
  const t = useTestDb(kind);
  const key = randomBytes(32);
  const store = () => new PostgresInstallationStore(t.db, new Secrets(key));

  it('stores an installation with its tokens sealed, and gives it back whole', async () => {
    const token = 'xoxb-1111-2222-secret-token-one';
    await store().storeInstallation(teamInstall('T0ONE', token));
    const back = await store().fetchInstallation({ teamId: 'T0ONE', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(back.bot).toEqual({ token, refreshToken: 'xoxe-1-refresh-T0ONE', expiresAt: 1_900_000_000, scopes: ['commands', 'chat:write'], id: 'BT0ONE', userId: 'UT0ONEBOT' });
    expect(back.team).toEqual({ id: 'T0ONE', name: 'Team T0ONE' });
    expect(back.isEnterpriseInstall).toBe(false);

    // The columns never hold a token as Slack issued it.
    const raw = JSON.stringify(await t.db.selectFrom('slack_installation').selectAll().execute());
    expect(raw).not.toContain(token);
    expect(raw).not.toContain('xoxe-1-refresh-T0ONE');
    // Its workspace is connected, values seeded.
    const ws = await t.db.selectFrom('workspace').selectAll().where('external_id', '=', 'T0ONE').executeTakeFirstOrThrow();
    expect(ws).toMatchObject({ platform: 'slack', name: 'Team T0ONE', bot_user_id: 'UT0ONEBOT', uninstalled_at: null });
    expect((await t.db.selectFrom('value').select('id').where('workspace_id', '=', ws.id).execute()).length).toBeGreaterThan(0);
  });

  it('keeps two workspaces apart, and a reinstall replaces the token of its own workspace only', async () => {
    await store().storeInstallation(teamInstall('T0ONE', 'xoxb-one-first'));
    await store().storeInstallation(teamInstall('T0TWO', 'xoxb-two'));
    const before = await t.db.selectFrom('workspace').select(['id', 'external_id']).orderBy('id').execute();
    await store().storeInstallation(teamInstall('T0ONE', 'xoxb-one-second'));
    expect(await t.db.selectFrom('workspace').select(['id', 'external_id']).orderBy('id').execute()).toEqual(before);
    expect((await store().fetchInstallation({ teamId: 'T0ONE', enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token).toBe('xoxb-one-second');
    expect((await store().fetchInstallation({ teamId: 'T0TWO', enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token).toBe('xoxb-two');
  });

  it('finds an org-wide Grid installation by its org, not by a team', async () => {
    const org: Installation<'v2', true> = {
      ...teamInstall('unused', 'xoxb-org-wide'),
      team: undefined,
      enterprise: { id: 'E0GRID', name: 'Grid Org' },
      isEnterpriseInstall: true,
    } as Installation<'v2', true>;
    await store().storeInstallation(org);
    const back = await store().fetchInstallation({ teamId: undefined, enterpriseId: 'E0GRID', isEnterpriseInstall: true });
    expect(back).toMatchObject({ isEnterpriseInstall: true, enterprise: { id: 'E0GRID', name: 'Grid Org' }, team: undefined });
    expect(back.bot?.token).toBe('xoxb-org-wide');
    // A workspace of the org asking as a team (not as the org) has no installation of its own.
    await expect(store().fetchInstallation({ teamId: 'T0INORG', enterpriseId: 'E0GRID', isEnterpriseInstall: false })).rejects.toThrow(/no installation for team T0INORG/);
    await expect(store().fetchInstallation({ teamId: 'E0GRID', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(/no installation/);
    // An org-wide install serves each workspace of the org as its own workspace, connected when first heard from.
    expect(await t.db.selectFrom('workspace').select('external_id').execute()).toEqual([]);
  });

  it('opens tokens sealed before a key rotation, and a reinstall seals with the new key', async () => {
    await store().storeInstallation(teamInstall('T0ONE', 'xoxb-before-rotation'));
    const rotated = new PostgresInstallationStore(t.db, new Secrets(randomBytes(32), [key]));
    expect((await rotated.fetchInstallation({ teamId: 'T0ONE', enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token).toBe('xoxb-before-rotation');
    // Without the old key the sealed token cannot be read, and the error names what to configure.
    const lost = new PostgresInstallationStore(t.db, new Secrets(randomBytes(32)));
    await expect(lost.fetchInstallation({ teamId: 'T0ONE', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(/KUDOS_ENCRYPTION_KEY_PREVIOUS/);
  });

  it('forgets an installation on delete, and goes with its workspace when that is deleted', async () => {
    await store().storeInstallation(teamInstall('T0ONE', 'xoxb-one'));
    await store().storeInstallation(teamInstall('T0TWO', 'xoxb-two'));
    await store().deleteInstallation({ teamId: 'T0ONE', enterpriseId: undefined, isEnterpriseInstall: false });
    await expect(store().fetchInstallation({ teamId: 'T0ONE', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(/no installation for team T0ONE/);
    const two = await t.db.selectFrom('workspace').select('id').where('external_id', '=', 'T0TWO').executeTakeFirstOrThrow();
    await deleteWorkspace(t.db, two.id);
    expect(await t.db.selectFrom('slack_installation').select('id').execute()).toHaveLength(0);
  });
});
