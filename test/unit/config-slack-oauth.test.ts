import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '../../src/config';

/** "Add to Slack" mode: what it needs, what it cannot be combined with, and the grace period. */
describe('configuration for several Slack workspaces', () => {
  const key = randomBytes(32).toString('base64');
  const oauth = {
    SLACK_CLIENT_ID: '1111.2222',
    SLACK_CLIENT_SECRET: 'client-secret',
    SLACK_STATE_SECRET: 'state-secret-0123456789',
    SLACK_SIGNING_SECRET: 'signing-secret',
    KUDOS_ENCRYPTION_KEY: key,
  };
  const problems = (env: Record<string, string>): string => {
    try {
      loadConfig(env);
      return '';
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
  };

  it('turns Slack on with the client credentials, no bot token, and a 30-day grace period by default', () => {
    const c = loadConfig(oauth);
    expect(c.slack).toMatchObject({ botToken: undefined, oauth: { clientId: '1111.2222', clientSecret: 'client-secret', stateSecret: 'state-secret-0123456789', redirectUri: undefined } });
    expect(c.uninstallGraceDays).toBe(30);
    expect(loadConfig({ ...oauth, UNINSTALL_GRACE_DAYS: '7' }).uninstallGraceDays).toBe(7);
  });

  it.each(['SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'SLACK_SIGNING_SECRET', 'KUDOS_ENCRYPTION_KEY'])('refuses to start without %s, naming it', (name) => {
    const env: Record<string, string> = { ...oauth };
    delete env[name];
    expect(problems(env)).toMatch(new RegExp(`required with SLACK_CLIENT_ID[^\\n]*\\n\\s*→ at ${name}`));
  });

  it('refuses an encryption key that is not 32 bytes, without printing it', () => {
    const message = problems({ ...oauth, KUDOS_ENCRYPTION_KEY: 'too-short-a-key' });
    expect(message).toMatch(/KUDOS_ENCRYPTION_KEY/);
    expect(message).not.toContain('too-short-a-key');
  });

  it('refuses one-workspace settings alongside it: a bot token, or Socket Mode', () => {
    expect(problems({ ...oauth, SLACK_BOT_TOKEN: 'xoxb-1-2-3' })).toMatch(/must not be set with SLACK_CLIENT_ID[^\n]*\n\s*→ at SLACK_BOT_TOKEN/);
    expect(problems({ ...oauth, SLACK_APP_TOKEN: 'xapp-1-2-3' })).toMatch(/Socket Mode serves one workspace[^\n]*\n\s*→ at SLACK_APP_TOKEN/);
  });

  it('a short state secret is refused', () => {
    expect(problems({ ...oauth, SLACK_STATE_SECRET: 'short' })).toMatch(/at least 16 characters[^\n]*\n\s*→ at SLACK_STATE_SECRET/);
  });
});
