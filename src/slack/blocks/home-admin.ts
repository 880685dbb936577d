import type { AdminVia } from '../../core/admin';
import type { AdminOverview } from '../../core/admin-home';
import { WEEKDAY_NAMES } from '../../core/calendar';
import { plural } from '../../core/digest-text';
import { BUILT_IN_KEYS, BUILT_IN_OBSERVANCES } from '../../core/observances';
import { SETTING_LABELS } from '../../core/setting-labels';
import type { Settings } from '../../core/settings';
import type { KnownBlock } from '../types';
import { auditLine } from './audit-lines';
import { adminDataBlocks } from './data';
import { teamsBlocks } from './teams';
import { wallAdminBlocks, type WallAdminView } from './wall';
import { button, context, divider, header, HOME_ACTION, HOME_BLOCK, HOME_LIMITS, section, slackDate } from './home-kit';
import { kindLabel, runIcon, runStatusText, type RunSummary } from './home-runs';
import { emoji, listJoin, mention, mrkdwnEscape, truncate } from './text';

/** The admin part of the App Home: every setting with its Edit button, the values, the digest, the audit log. */

/** The settings an admin edits from the Home, in the order shown. */
export const HOME_SETTINGS = ['kudosChannel', 'digest', 'allowancePerDay', 'minMessageLength', 'valueRequired', 'reactionEmoji', 'observances', 'admins', 'retention'] as const;
export type HomeSettingKey = (typeof HOME_SETTINGS)[number];

/** The keys of settings that have a form on the Home. */
export function isHomeSettingKey(key: string): key is HomeSettingKey {
  return (HOME_SETTINGS as readonly string[]).includes(key);
}

export interface AdminHome extends AdminOverview {
  via: AdminVia;
  settings: Settings;
  workspaceTimeZone: string;
  /** Operator-named admins (KUDOS_ADMINS), shown but not editable here. */
  operatorAdmins: string[];
  digest: {
    zone: string;
    next: Date;
    /** The latest period that came due: what "Post digest now" posts. */
    latest: { key: string; dueAt: Date; target: string | null; run: RunSummary | null };
  };
  runs: RunSummary[];
  /** The Kudos Wall's links (blocks/wall.ts); no section without it. */
  wall?: WallAdminView;
}

const WHY: Record<AdminVia, string> = {
  platform: 'You see this because you are a Slack workspace owner or admin.',
  operator: 'You see this because the Kudos operator named you an admin.',
  settings: 'You see this because you are in the Kudos admin list.',
};

export function adminBlocks(a: AdminHome): KnownBlock[] {
  const s = a.settings;
  const blocks: KnownBlock[] = [divider, header(':gear: Kudos settings', HOME_BLOCK.adminHeader), context(`${WHY[a.via]} Every change is recorded in the audit log below.`)];
  for (const key of HOME_SETTINGS) {
    blocks.push(section(`*${SETTING_LABELS[key]}*\n${settingSummary(key, a)}`, button('Edit', `${HOME_ACTION.editPrefix}${key}`, key), `${HOME_BLOCK.settingPrefix}${key}`));
    if (key === 'valueRequired') blocks.push(valuesBlock(a));
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
  return [...blocks, ...digestBlocks(a), ...(a.teams ? teamsBlocks(a.teams) : []), divider, ...adminDataBlocks(), ...(a.wall ? [divider, ...wallAdminBlocks(a.wall)] : []), ...auditBlocks(a)];
}

function valuesBlock(a: AdminHome): KnownBlock {
  const shown = a.values.active.slice(0, HOME_LIMITS.valueEmoji).map((v) => emoji(v.emoji)).join(' ');
  const more = a.values.active.length - Math.min(a.values.active.length, HOME_LIMITS.valueEmoji);
  return section(
    `*Values*\n${plural(a.values.active.length, 'active value')}${a.values.inactive ? `, ${a.values.inactive} deactivated` : ''}${shown ? `: ${shown}${more ? ` and ${more} more` : ''}` : ''}`,
    button('Manage', HOME_ACTION.values, 'values'),
  );
}

function digestBlocks(a: AdminHome): KnownBlock[] {
  const d = a.digest;
  const latest = d.latest.run;
  const latestText = latest ? `${d.latest.key}: ${runStatusText(latest)}` : `${d.latest.key} (${slackDate(d.latest.dueAt)}): not posted`;
  const blocks: KnownBlock[] = [
    divider,
    section(
      `*Weekly digest*\n${a.settings.digest.enabled ? `Next: ${slackDate(d.next, '{date_long_pretty} {time}')}` : 'Off: nothing is posted on schedule.'}\nLatest period ${latestText}`,
    ),
    {
      type: 'actions',
      block_id: HOME_BLOCK.digest,
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
  ];
  if (a.runs.length) {
    const lines = a.runs.slice(0, HOME_LIMITS.runs).map((r) => `${runIcon(r.status)} ${kindLabel(r.kind)} ${r.periodKey}: ${runStatusText(r)}`);
    blocks.push(section(`*Latest scheduled posts*\n${lines.join('\n')}`));
  } else {
    blocks.push(context('No scheduled posts yet.'));
  }
  return blocks;
}

function auditBlocks(a: AdminHome): KnownBlock[] {
  const blocks: KnownBlock[] = [divider, header(':scroll: Audit log', HOME_BLOCK.auditHeader)];
  const { entries, total } = a.audit;
  if (!entries.length) {
    blocks.push(context('No changes yet. Every change to the settings and values will be listed here: who, when, and what changed.'));
    return blocks;
  }
  blocks.push(context(entries.length < total ? `The latest ${entries.length} of ${total} changes; all are kept in the database.` : plural(total, 'change')));
  for (let i = 0; i < entries.length; i += HOME_LIMITS.auditPerSection) {
    blocks.push(section(entries.slice(i, i + HOME_LIMITS.auditPerSection).map(auditLine).join('\n')));
  }
  return blocks;
}

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
      return `On: ${WEEKDAY_NAMES[d.weekday - 1]}s at ${d.time} (${mrkdwnEscape(zone)}) in ${channel ? `<#${channel}>` : '_no channel yet_'}; top ${d.topCount}; quiet weeks ${d.quietWeek === 'skip' ? 'skipped' : 'get a nudge'}.`;
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
    case 'retention': {
      const r = s.retention;
      const messages = r.messageMonths === null ? 'kept' : `cleared after ${plural(r.messageMonths, 'month')}`;
      const people = r.eraseDeactivatedAfterDays === null ? 'kept' : `erased ${plural(r.eraseDeactivatedAfterDays, 'day')} after they leave`;
      return `Events kept ${plural(r.eventBodyDays, 'day')}; kudos messages ${messages}; people who left ${people}.`;
    }
  }
}
