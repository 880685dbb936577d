import type { KnownBlock } from '../types';
import { GIVE_BUTTON_ACTION } from './digest';
import { truncate } from './text';

/**
 * What every part of the App Home tab shares: Slack's limits for it, the ids of its buttons, and small block
 * builders. Slack allows 100 blocks in a Home tab and 3,000 characters in a section.
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
  downloadMine: 'data_download_mine',
  eraseMine: 'data_erase_mine',
  exportWorkspace: 'admin_data_export',
  erasePerson: 'admin_data_erase',
  /** Opens the form to mark user groups as teams (blocks/teams.ts). */
  chooseTeams: 'admin_teams_choose',
  deleteAll: 'admin_data_delete_all',
  /** The Kudos Wall (blocks/wall.ts): make a link, revoke one (value: its id), who may frame it. */
  wallCreate: 'admin_wall_create',
  wallRevoke: 'admin_wall_revoke',
  wallFraming: 'admin_wall_framing',
});

/** Block ids of the Home's parts, so a reader (or a test) can tell them apart without reading sentences. */
export const HOME_BLOCK = Object.freeze({
  notice: 'home_notice',
  give: 'home_give',
  /** The first block of the admin part; absent for everyone else. */
  adminHeader: 'admin_header',
  /** `admin_setting:<setting key>` */
  settingPrefix: 'admin_setting:',
  digest: 'admin_digest',
  auditHeader: 'admin_audit',
});

export const section = (text: string, accessory?: Record<string, unknown>, blockId?: string): KnownBlock =>
  ({
    type: 'section',
    ...(blockId ? { block_id: blockId } : {}),
    text: { type: 'mrkdwn', text: truncate(text, HOME_LIMITS.sectionText) },
    ...(accessory ? { accessory } : {}),
  }) as KnownBlock;
export const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, HOME_LIMITS.sectionText) }] });
export const header = (text: string, blockId?: string): KnownBlock =>
  ({ type: 'header', ...(blockId ? { block_id: blockId } : {}), text: { type: 'plain_text', text: text.slice(0, 150), emoji: true } }) as KnownBlock;
export const divider: KnownBlock = { type: 'divider' };
export const button = (text: string, actionId: string, value?: string, extra: Record<string, unknown> = {}) => ({
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
