import { describeAudit, type AuditFormat } from '../../core/audit-text';
import { plural } from '../../core/digest-text';
import type { HomeData, HomeKudos } from '../../core/home';
import { BUILT_IN_KEYS, BUILT_IN_OBSERVANCES } from '../../core/observances';
import { allowanceText } from '../../core/refusals';
import type { Settings } from '../../core/settings';
import type { ValueView } from '../../core/types';
import type { AuditEntry } from '../../db/queries/audit';
import type { JobStatus } from '../../db/schema';
import type { HomeView, KnownBlock } from '../types';
import { GIVE_BUTTON_ACTION } from './digest';
import { emoji, listJoin, mention, messageMrkdwn, mrkdwnEscape, quote, truncate } from './text';

/**
 * The App Home tab: everyone's own appreciation, and for admins the whole configuration. Pure: data in,
 * Block Kit out. Slack allows 100 blocks in a Home tab and 3,000 characters in a section; every list here is
 * cut ("and N more") and every free text truncated, and fitHome makes sure of the block count whatever the
 * data holds.
 */

export const HOME_LIMITS = Object.freeze({
  blocks: 100,
  sectionText: 3000,
  topValues: 5,
  kudosMessage: 500,
  valueEmoji: 12,
  reactionEmoji: 20,
  admins: 15,
  runs: 5,
  auditPerSection: 5,
  auditLine: 400,
});

export const HOME_ACTION = Object.freeze({
  give: GIVE_BUTTON_ACTION,
  dm: 'home_pref_dm',
  rankings: 'home_pref_rankings',
  /** `admin_edit:<setting key>` opens that setting's form. */
  editPrefix: 'admin_edit:',
  values: 'admin_values',
  customObservances: 'admin_custom_observances',
  previewDigest: 'admin_digest_preview',
  postDigest: 'admin_digest_post',
});

/** The settings an admin edits from the Home, in the order shown. */
export const HOME_SETTINGS = ['kudosChannel', 'digest', 'allowancePerDay', 'minMessageLength', 'valueRequired', 'reactionEmoji', 'observances', 'admins'] as const;
export type HomeSettingKey = (typeof HOME_SETTINGS)[number];

export interface RunSummary {
  kind: string;
  periodKey: string;
  status: JobStatus;
  dueAt: Date;
  finishedAt: Date | null;
  target: string | null;
  lastError: string | null;
}

export interface AdminHome {
  via: 'platform' | 'settings' | 'operator';
  settings: Settings;
  workspaceTimeZone: string;
  values: { active: ValueView[]; inactive: number };
  /** Operator-named admins (KUDOS_ADMINS), shown but not editable here. */
  operatorAdmins: string[];
  digest: {
    zone: string;
    next: Date;
    /** The latest period that came due: what "Post digest now" posts. */
    latest: { key: string; dueAt: Date; target: string | null; run: RunSummary | null };
  };
  runs: RunSummary[];
  audit: { entries: AuditEntry[]; total: number };
}

export interface HomeNotice {
  kind: 'ok' | 'warn' | 'info';
  text: string;
}

export interface HomeInput {
  home: HomeData;
  admin: AdminHome | null;
  notice?: HomeNotice | null;
}

const section = (text: string, accessory?: Record<string, unknown>): KnownBlock =>
  ({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, HOME_LIMITS.sectionText) }, ...(accessory ? { accessory } : {}) }) as KnownBlock;
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, HOME_LIMITS.sectionText) }] });
const header = (text: string): KnownBlock => ({ type: 'header', text: { type: 'plain_text', text: text.slice(0, 150), emoji: true } });
const divider: KnownBlock = { type: 'divider' };
const button = (text: string, actionId: string, value?: string, extra: Record<string, unknown> = {}) => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text: text.slice(0, 75), emoji: true },
  ...(value !== undefined ? { value } : {}),
  ...extra,
});

/** `<!date^…>`: Slack shows it in each reader's own time zone; the fallback is UTC. */
export function slackDate(at: Date, format = '{date_short_pretty} {time}'): string {
  const fallback = at.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  return `<!date^${Math.floor(at.getTime() / 1000)}^${format}|${fallback}>`;
}

export const slackAuditFormat: AuditFormat = {
  person: (id) => mention(id),
  channel: (id) => `<#${id}>`,
  emoji: (name) => emoji(name),
  literal: (text) => `\`${text.replace(/`/g, "'")}\``,
};

export function homeView(input: HomeInput): HomeView {
  const blocks = [...noticeBlocks(input.notice), ...personalBlocks(input.home), ...(input.admin ? adminBlocks(input.admin) : [])];
  return { type: 'home', callback_id: 'kudos_home', blocks: fitHome(blocks) };
}

function noticeBlocks(notice: HomeNotice | null | undefined): KnownBlock[] {
  if (!notice) return [];
  const icon = notice.kind === 'ok' ? ':white_check_mark:' : notice.kind === 'warn' ? ':warning:' : ':information_source:';
  return [section(`${icon} ${notice.text}`)];
}

// ---------------------------------------------------------------------------------------------------
// Everyone

function personalBlocks(h: HomeData): KnownBlock[] {
  const blocks: KnownBlock[] = [
    header(':sparkles: Your kudos'),
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*This week*\nReceived: *${h.week.received}*\nGiven: *${h.week.given}*` },
        { type: 'mrkdwn', text: `*All time*\nReceived: *${h.allTime.received}*\nGiven: *${h.allTime.given}*` },
      ],
    },
    context(allowanceText(h.allowance)),
    { type: 'actions', block_id: 'home_give', elements: [button(':raised_hands: Give kudos', HOME_ACTION.give, 'home', { style: 'primary' })] } as KnownBlock,
  ];

  if (h.challenge) {
    const c = h.challenge;
    const dots = Array.from({ length: c.goal }, (_, i) => (i < c.distinct ? ':large_green_circle:' : ':white_circle:')).join(' ');
    const line = c.completed
      ? `:tada: Done! You've thanked ${c.goal} different people. Thank you.`
      : `${dots}  ${c.distinct} of ${c.goal} people thanked. ${c.goal - c.distinct === 1 ? 'One more to go.' : `${c.goal - c.distinct} more to go.`}`;
    blocks.push(
      section(`:memo: *The three-notes challenge* (${mrkdwnEscape(c.campaignName)})\n${line}`),
      context('Thank the person beside you, the one on your other side, and someone anywhere else in the company.'),
    );
  }

  blocks.push(divider);
  if (h.topValues.length) {
    const shown = h.topValues.slice(0, HOME_LIMITS.topValues);
    const lines = shown.map((v) => `${emoji(v.emoji)} ${mrkdwnEscape(truncate(v.label, 60))}  *${v.count}*`);
    const more = h.topValues.length - shown.length;
    blocks.push(section(`*What you're thanked for*\n${lines.join('\n')}${more ? `\nand ${plural(more, 'more value')}` : ''}`));
  }

  if (h.latest.length) {
    blocks.push(section('*Latest kudos for you*'));
    for (const k of h.latest) blocks.push(...receivedBlocks(k));
    const more = h.allTime.received - h.latest.length;
    if (more > 0) blocks.push(context(`and ${plural(more, 'more kudos', 'more kudos')} received`));
  } else {
    blocks.push(section("*Latest kudos for you*\nNothing yet. When someone thanks you, it shows up here. Why not start by thanking someone?"));
  }

  blocks.push(
    divider,
    section(
      `*Kudos DMs:* ${h.person.dmEnabled ? 'on' : 'off'}\n${h.person.dmEnabled ? 'I send you a direct message when someone thanks you.' : "You won't get a direct message when someone thanks you."}`,
      button(h.person.dmEnabled ? 'Turn off' : 'Turn on', HOME_ACTION.dm, h.person.dmEnabled ? 'off' : 'on'),
    ),
    section(
      `*Rankings:* ${h.person.rankingsEnabled ? 'on' : 'off'}\n${h.person.rankingsEnabled ? 'You may be named in the weekly digest\'s "most thanked" and "most generous".' : "You're never named in the weekly digest's rankings."}`,
      button(h.person.rankingsEnabled ? 'Turn off' : 'Turn on', HOME_ACTION.rankings, h.person.rankingsEnabled ? 'off' : 'on'),
    ),
  );
  return blocks;
}

function receivedBlocks(k: HomeKudos): KnownBlock[] {
  const from = mention(k.giver.externalId);
  const when = slackDate(k.createdAt, '{date_short_pretty}');
  let body: string;
  if (k.source === 'reaction' && !k.message.trim()) body = `${from} reacted ${k.emoji ? emoji(k.emoji) : ''} to ${k.permalink ? `<${k.permalink}|your message>` : 'your message'}`;
  else if (k.source === 'pileon' || k.source === 'teams_pileon') body = `${from} added their thanks${k.message.trim() ? `\n${quote(truncate(messageMrkdwn(k.message.trim()), HOME_LIMITS.kudosMessage))}` : ''}`;
  else body = `${from}\n${quote(truncate(messageMrkdwn(k.message.trim() || '…'), HOME_LIMITS.kudosMessage))}`;
  const notes = [when, ...k.values.slice(0, 5).map((v) => `${emoji(v.emoji)} ${mrkdwnEscape(truncate(v.label, 60))}`)];
  if (k.permalink && k.source !== 'reaction' && k.permalink.length < 500) notes.push(`<${k.permalink}|Where it happened>`);
  return [section(body), context(notes.join('   '))];
}

// ---------------------------------------------------------------------------------------------------
// Admins

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function adminBlocks(a: AdminHome): KnownBlock[] {
  const s = a.settings;
  const why =
    a.via === 'platform'
      ? 'You see this because you are a Slack workspace owner or admin.'
      : a.via === 'operator'
        ? 'You see this because the Kudos operator named you an admin.'
        : 'You see this because you are in the Kudos admin list.';
  const blocks: KnownBlock[] = [divider, header(':gear: Kudos settings'), context(`${why} Every change is recorded in the audit log below.`)];
  for (const key of HOME_SETTINGS) {
    blocks.push(section(`*${SETTING_TITLES[key]}*\n${settingSummary(key, a)}`, button('Edit', `${HOME_ACTION.editPrefix}${key}`, key)));
    if (key === 'valueRequired') {
      const shown = a.values.active.slice(0, HOME_LIMITS.valueEmoji).map((v) => emoji(v.emoji)).join(' ');
      const more = a.values.active.length - Math.min(a.values.active.length, HOME_LIMITS.valueEmoji);
      blocks.push(
        section(
          `*Values*\n${plural(a.values.active.length, 'active value')}${a.values.inactive ? `, ${a.values.inactive} deactivated` : ''}${shown ? `: ${shown}${more ? ` and ${more} more` : ''}` : ''}`,
          button('Manage', HOME_ACTION.values, 'values'),
        ),
      );
    }
    if (key === 'observances') {
      const custom = s.observances.custom;
      const names = custom.slice(0, 5).map((c) => mrkdwnEscape(truncate(c.name, 40)));
      blocks.push(
        section(
          `*Custom observances*\n${custom.length ? `${listJoin(custom.length > 5 ? [...names, `${custom.length - 5} more`] : names)}` : 'None yet: add your own days, like a founders\' day.'}`,
          button('Manage', HOME_ACTION.customObservances, 'custom'),
        ),
      );
    }
  }

  const d = a.digest;
  const latest = d.latest.run;
  const latestText = latest
    ? `${d.latest.key}: ${runStatusText(latest)}`
    : `${d.latest.key} (${slackDate(d.latest.dueAt)}): not posted`;
  blocks.push(
    divider,
    section(
      `*Weekly digest*\n${s.digest.enabled ? `Next: ${slackDate(d.next, '{date_long_pretty} {time}')}` : 'Off: nothing is posted on schedule.'}\nLatest period ${latestText}`,
    ),
    {
      type: 'actions',
      block_id: 'admin_digest',
      elements: [
        button('Preview digest', HOME_ACTION.previewDigest, 'preview'),
        button('Post digest now', HOME_ACTION.postDigest, d.latest.key, {
          style: 'primary',
          confirm: {
            title: { type: 'plain_text', text: 'Post the digest now?' },
            // A confirm dialog's text is plain text (no channel links), at most 300 characters.
            text: {
              type: 'plain_text',
              text: `This posts the digest for ${d.latest.key} in the digest channel now. A period that was already posted is not posted again.`.slice(0, 300),
            },
            confirm: { type: 'plain_text', text: 'Post it' },
            deny: { type: 'plain_text', text: 'Cancel' },
          },
        }),
      ],
    } as KnownBlock,
  );
  if (a.runs.length) {
    const lines = a.runs.slice(0, HOME_LIMITS.runs).map((r) => `${runIcon(r.status)} ${kindLabel(r.kind)} ${r.periodKey}: ${runStatusText(r)}`);
    blocks.push(section(`*Latest scheduled posts*\n${lines.join('\n')}`));
  } else {
    blocks.push(context('No scheduled posts yet.'));
  }

  blocks.push(divider, header(':scroll: Audit log'));
  const { entries, total } = a.audit;
  if (!entries.length) {
    blocks.push(context('No changes yet. Every change to the settings and values will be listed here: who, when, and what changed.'));
  } else {
    blocks.push(context(entries.length < total ? `The latest ${entries.length} of ${total} changes; all are kept in the database.` : plural(total, 'change')));
    for (let i = 0; i < entries.length; i += HOME_LIMITS.auditPerSection) {
      const lines = entries.slice(i, i + HOME_LIMITS.auditPerSection).map(auditLine);
      blocks.push(section(lines.join('\n')));
    }
  }
  return blocks;
}

export function auditLine(e: AuditEntry): string {
  const who = e.actorExternalId ? mention(e.actorExternalId) : 'Kudos';
  return truncate(`${slackDate(e.createdAt)} · ${who} · ${describeAudit(e, slackAuditFormat)}`, HOME_LIMITS.auditLine);
}

const SETTING_TITLES: Record<HomeSettingKey, string> = {
  kudosChannel: 'Kudos channel',
  digest: 'Weekly digest schedule',
  allowancePerDay: 'Daily allowance',
  minMessageLength: 'Minimum message length',
  valueRequired: 'Value required',
  reactionEmoji: 'Reaction emoji',
  observances: 'Observances and campaigns',
  admins: 'Admins',
};

function settingSummary(key: HomeSettingKey, a: AdminHome): string {
  const s = a.settings;
  switch (key) {
    case 'kudosChannel':
      return s.kudosChannel ? `Kudos are posted in <#${s.kudosChannel}>.` : 'Kudos are posted where they are given.';
    case 'digest': {
      const d = s.digest;
      if (!d.enabled) return 'Off.';
      const channel = d.channel ?? s.kudosChannel;
      const zone = d.timeZone ?? `${a.workspaceTimeZone}, the workspace's`;
      return `On: ${WEEKDAYS[d.weekday - 1]}s at ${d.time} (${mrkdwnEscape(zone)}) in ${channel ? `<#${channel}>` : '_no channel yet_'}; top ${d.topCount}; quiet weeks ${d.quietWeek === 'skip' ? 'skipped' : 'get a nudge'}.`;
    }
    case 'allowancePerDay':
      return s.allowancePerDay === null ? 'Unlimited.' : `${plural(s.allowancePerDay, 'person', 'people')} a day per giver.`;
    case 'minMessageLength':
      return s.minMessageLength === 0 ? 'Any length.' : `At least ${plural(s.minMessageLength, 'character')}.`;
    case 'valueRequired':
      return s.valueRequired ? 'Yes: every kudos names a value.' : 'No: values are optional.';
    case 'reactionEmoji': {
      const shown = s.reactionEmoji.slice(0, HOME_LIMITS.reactionEmoji).map(emoji).join(' ');
      const more = s.reactionEmoji.length - Math.min(s.reactionEmoji.length, HOME_LIMITS.reactionEmoji);
      return s.reactionEmoji.length ? `${shown}${more ? ` and ${more} more` : ''}, plus each value's own emoji.` : "Only each value's own emoji.";
    }
    case 'observances': {
      const o = s.observances;
      const on = BUILT_IN_KEYS.filter((k) => o.builtIn[k]?.enabled).map((k) => BUILT_IN_OBSERVANCES[k].name);
      const where = o.channel ?? s.kudosChannel;
      return `${on.length ? `On: ${listJoin(on)}.` : 'All built-in observances are off.'} Announced ${o.announceDaysBefore ? `${plural(o.announceDaysBefore, 'day')} ahead` : 'without notice'}, at ${o.postTime}, in ${where ? `<#${where}>` : '_no channel yet_'}.`;
    }
    case 'admins': {
      const ids = s.admins.slice(0, HOME_LIMITS.admins).map(mention);
      const more = s.admins.length - ids.length;
      const listed = ids.length ? `${ids.join(', ')}${more ? ` and ${more} more` : ''}` : 'Nobody listed';
      const operator = a.operatorAdmins.length ? `; named by the operator: ${a.operatorAdmins.slice(0, 5).map(mention).join(', ')}` : '';
      return `${listed}${operator}; plus Slack's workspace owners and admins.`;
    }
  }
}

function runIcon(status: JobStatus): string {
  switch (status) {
    case 'posted':
      return ':white_check_mark:';
    case 'failed':
      return ':x:';
    case 'skipped':
      return ':fast_forward:';
    default:
      return ':hourglass_flowing_sand:';
  }
}

function kindLabel(kind: string): string {
  return kind === 'digest' ? 'Digest' : kind.charAt(0).toUpperCase() + kind.slice(1).replace(/[-_]/g, ' ');
}

export function runStatusText(r: RunSummary): string {
  const where = r.target ? ` in <#${r.target}>` : '';
  switch (r.status) {
    case 'posted':
      return `posted ${slackDate(r.finishedAt ?? r.dueAt)}${where}`;
    case 'failed':
      return `failed ${slackDate(r.finishedAt ?? r.dueAt)}: ${failureReason(r.lastError)}`;
    case 'skipped':
      return `skipped: ${failureReason(r.lastError)}`;
    case 'posting':
    case 'claimed':
      return r.lastError ? `retrying (${failureReason(r.lastError)})` : 'in progress';
  }
}

/** What a job's last error means for an admin, and what to do about it. */
export function failureReason(code: string | null): string {
  const c = (code ?? '').trim();
  if (!c) return 'no reason recorded';
  if (c === 'no_channel') return 'no channel is set: choose a digest or kudos channel';
  if (c.startsWith('not_in_channel')) return "I'm not in the channel: invite me with `/invite @Kudos`";
  if (c.startsWith('channel_not_found')) return 'the channel was not found (deleted, or private without me)';
  if (c.startsWith('is_archived')) return 'the channel is archived: choose another one';
  if (c === 'quiet_week') return 'a quiet week (set to skip)';
  if (c.startsWith('missed')) return 'nobody was running Kudos near the scheduled time';
  if (c.startsWith('ratelimited')) return 'Slack asked me to slow down';
  if (c.startsWith('post_unconfirmed')) return 'interrupted while posting; not posted again in case it went out';
  return `\`${truncate(c.replace(/`/g, "'"), 120)}\``;
}

/** Keeps the Home within Slack's 100 blocks: the audit log's last sections go first, then other trailing blocks. */
export function fitHome(blocks: KnownBlock[]): KnownBlock[] {
  if (blocks.length <= HOME_LIMITS.blocks) return blocks;
  const out = blocks.slice(0, HOME_LIMITS.blocks - 1);
  out.push(context('Some of this page was left out to stay within what Slack can show.'));
  return out;
}
