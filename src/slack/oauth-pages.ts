/**
 * The pages of "Add to Slack": the one with the button, the one after a successful install, and the ones after
 * a failed one. Pure functions returning whole documents: inline CSS, no script, nothing loaded from elsewhere,
 * every value from outside (a workspace name, a URL) HTML-escaped. Served with PAGE_HEADERS.
 */

/**
 * No script runs and nothing is loaded from another origin; no other site may frame the pages (clickjacking
 * the button); the redirect's URL, which carries Slack's code, is never sent on as a Referer.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  // The install page carries a single-use state; a cached copy would hand out a used link.
  'cache-control': 'no-store',
});

/** Why Kudos asks for each bot scope (the manifest's comments, for the person installing it). */
export const SCOPE_REASONS: Readonly<Record<string, string>> = Object.freeze({
  commands: 'the /thanks command and the “Give kudos” message shortcut',
  'chat:write': 'post each kudos, the weekly digest, and a direct message to the people thanked',
  'chat:write.public': 'post in a public channel your admins choose without being invited first',
  'reactions:read': 'count an emoji reaction (such as :clap:) as a kudos',
  'users:read': 'show people’s names and send the digest in their own time zone',
  'channels:join': 'join a public channel it is asked to post in',
  'im:write': 'open a direct message with someone who asks for their data, to send it as a file',
  'files:write': 'send people the file of their own kudos (or an admin an export) in that direct message',
  'channels:history': 'after an interruption, look at its own latest post in a channel, so that nothing is posted twice',
  'groups:history': 'the same check in a private channel it was invited to',
  'channels:read': 'tell whether a channel is public, so that only kudos from public channels appear on the Kudos Wall',
  'usergroups:read': 'list your user groups, so that an admin can mark the ones that are teams and Kudos can count kudos between teams',
});

export type InstallFailure =
  /** The state is missing, forged, expired, used already, or not this browser's (or the code is missing). */
  | 'invalid_link'
  /** The installer pressed Cancel on Slack's page (`error=access_denied`). */
  | 'cancelled'
  /** Slack refused to exchange the code (oauth.v2.access answered ok: false). */
  | 'refused'
  /** Slack could not be reached, or answered with an HTTP error. */
  | 'unavailable'
  /** Anything else: a failure on this server's side. */
  | 'error';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function installPage(p: { authorizeUrl: string; scopes: readonly string[] }): string {
  const scopes = p.scopes
    .map((s) => `<li><code>${escapeHtml(s)}</code>: ${escapeHtml(SCOPE_REASONS[s] ?? 'asked for by this Kudos server’s configuration')}</li>`)
    .join('\n');
  return page(
    'Add Kudos to Slack',
    `<h1>Add Kudos to Slack</h1>
<p>Kudos lets your team thank each other where they already talk: <code>/thanks @someone for what they did #value</code>,
the “Give kudos” shortcut on a message, or an emoji reaction. Each kudos is posted for the team to see, and a weekly
digest celebrates who gave and received thanks and the company values behind them.</p>
<h2>What Kudos asks for, and why</h2>
<ul>
${scopes}
</ul>
<p class="note">Kudos does not read your conversations: it sees the commands, shortcuts and reactions meant for it,
and the history scopes only serve to find its own posts. Its data stays in the database of the server that runs it.</p>
<p><a class="button" href="${escapeHtml(p.authorizeUrl)}">Add to Slack</a></p>
<p class="note">On Slack’s page you choose the workspace and confirm. This link works once, for 10 minutes.</p>`,
  );
}

export function installedPage(p: { name: string; isEnterpriseInstall: boolean; teamId?: string; appId?: string }): string {
  const open =
    p.teamId && p.appId
      ? `<p><a class="button" href="${escapeHtml(`slack://app?team=${encodeURIComponent(p.teamId)}&id=${encodeURIComponent(p.appId)}`)}">Open Kudos in Slack</a></p>`
      : '';
  const org = p.isEnterpriseInstall
    ? '<li>An org admin chooses the workspaces of the organization that get Kudos, in the org’s app management.</li>\n'
    : '';
  return page(
    'Kudos is installed',
    `<h1>Kudos is installed in ${escapeHtml(p.name)}</h1>
<p>Next steps:</p>
<ol>
${org}<li>Invite <strong>@Kudos</strong> to a channel where people thank each other: type <code>/invite @Kudos</code> there.</li>
<li>Try it: <code>/thanks @someone for reviewing my pull request #collaboration</code>.</li>
<li>Admins: open the Kudos App Home (under Apps in Slack’s sidebar) to choose the values, the channels, the weekly digest and the daily allowance.</li>
</ol>
${open}`,
  );
}

export function failurePage(kind: InstallFailure, installPath: string): string {
  const again = `<p><a class="button" href="${escapeHtml(installPath)}">Start again</a></p>`;
  switch (kind) {
    case 'invalid_link':
      return page(
        'This install link has expired',
        `<h1>This install link has expired</h1>
<p>An install link works once, for 10 minutes, in the browser that opened it. This one has expired, was used
already, or was opened in another browser. Nothing was installed.</p>
${again}`,
      );
    case 'cancelled':
      return page(
        'Installation cancelled',
        `<h1>Installation cancelled</h1>
<p>Kudos was not added to Slack: nothing was installed. You can start again whenever you like.</p>
${again}`,
      );
    case 'refused':
      return page(
        'Slack did not complete the installation',
        `<h1>Slack did not complete the installation</h1>
<p>Slack did not accept this installation request, so nothing was installed. This can happen when the page is
reloaded or opened twice. Please try again.</p>
${again}`,
      );
    case 'unavailable':
      return page(
        'Slack could not be reached',
        `<h1>Slack could not be reached</h1>
<p>Kudos could not finish the installation with Slack just now, so nothing was installed. Please try again in a
moment.</p>
${again}`,
      );
    case 'error':
      return page(
        'Something went wrong',
        `<h1>Something went wrong</h1>
<p>Kudos could not finish the installation because of a problem on its server. The problem has been logged;
please try again, and tell whoever runs Kudos if it happens again.</p>
${again}`,
      );
  }
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { margin: 0; background: #f8f8fa; color: #1d1c1d; font: 16px/1.5 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 40rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 12px; box-shadow: 0 1px 4px rgba(0, 0, 0, .12); }
h1 { margin-top: 0; font-size: 1.6rem; }
h2 { font-size: 1.1rem; margin-top: 1.5rem; }
li { margin: .3rem 0; }
code { background: #f1f1f3; padding: .05rem .3rem; border-radius: 4px; font-size: .9em; }
.note { color: #616061; font-size: .9rem; }
.button { display: inline-block; padding: .7rem 1.4rem; border-radius: 8px; background: #4a154b; color: #fff; font-weight: 600; text-decoration: none; }
.button:hover, .button:focus { background: #611f64; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
