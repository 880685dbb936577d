import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { loadKudosViews } from '../db/queries/kudos';
import {
  channelsToCheck,
  conversationKinds,
  countLiveWallLinks,
  findChannelVisibility,
  findLiveWallLink,
  insertWallLink,
  kudosByIds,
  kudosCreatedSince,
  kudosRevokedSince,
  listWallLinkRows,
  liveWallLinkIds,
  namesByExternalId,
  publicCountsByQuarterHour,
  publicTotals,
  recentPublicKudosIds,
  revokeWallLinkRow,
  upsertChannelVisibility,
} from '../db/queries/wall';
import type { ConversationKind, Database, WallLinkRow, WorkspaceRow } from '../db/schema';
import { recordAdminAction, type AdminCheck } from './admin';
import { activeCampaignAt, campaignZone } from './campaigns';
import { dailyTheme } from './campaign-copy';
import { publicCrossTeamShare } from './cross-team';
import { ERASED_NAME } from './erasure';
import { lookupLinkToken, newLinkToken } from './link-tokens';
import { replaceMentions } from './mention';
import type { Settings } from './settings';
import { loadSettings } from './settings-store';
import type { KudosView } from './types';

/**
 * The Kudos Wall: a read-only page of recent kudos for an office screen, a call or a phone, opened by a link an
 * admin made (GET /wall/<token>, src/server/wall-route.ts).
 *
 * What it never shows: kudos given anywhere but a public channel (Slack) or a team channel (Teams). Whether a
 * channel is public is asked of the platform by its adapter (a ChannelVisibility port) and kept in wall_channel;
 * a channel nobody could tell about is not shown. It shows no ranking at all, so people who opted out of
 * rankings are thanked on it like everyone else and never ranked; erased people appear by ERASED_NAME.
 *
 * A link's token is a bearer secret stored only as a hash, as for download links (core/link-tokens.ts): a
 * database dump opens no wall.
 */

export const WALL_PATH = '/wall/';
export const WALL_AUDIT = Object.freeze({ create: 'wall.link.create', revoke: 'wall.link.revoke', refused: 'wall.link.refused' });
export const WALL_NAME_MAX = 80;
export const WALL_EXPIRY_MAX_DAYS = 365;
/** Live links a workspace may have at once (a typo loop cannot fill the table). */
export const WALL_LIVE_LINKS_MAX = 50;
/** Links the admin's list shows (newest first). */
export const WALL_LINKS_LISTED = 10;
/** Notes on a wall. */
export const WALL_NOTES = 30;
/** Days in the header's chart. */
export const WALL_CHART_DAYS = 28;
/** A channel's visibility is asked again after this long (a channel may be made private). */
export const CHANNEL_RECHECK_MS = 24 * 60 * 60_000;

/** `${publicUrl}/wall/<token>` (publicUrl without a trailing slash). */
export function wallLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${WALL_PATH}${token}`;
}

// ---------------------------------------------------------------------------------------------------
// Links

export type WallLinkState = 'live' | 'expired' | 'revoked';

export interface WallLinkSummary {
  id: number;
  name: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  state: WallLinkState;
}

function summary(row: WallLinkRow, now: Date): WallLinkSummary {
  const expiresAt = row.expires_at ? new Date(row.expires_at) : null;
  const revokedAt = row.revoked_at ? new Date(row.revoked_at) : null;
  const state: WallLinkState = revokedAt ? 'revoked' : expiresAt && expiresAt <= now ? 'expired' : 'live';
  return { id: row.id, name: row.name, createdAt: new Date(row.created_at), expiresAt, revokedAt, state };
}

export interface WallLinkForm {
  name: string;
  /** Days until it expires; empty or undefined: never. */
  expiresInDays?: string | number | null;
}

/** A link's form read and checked: a name, and whole days from 1 to WALL_EXPIRY_MAX_DAYS or none. */
export function readWallLinkForm(form: WallLinkForm): { ok: true; name: string; days: number | null } | { ok: false; errors: { name?: string; expiresInDays?: string } } {
  const errors: { name?: string; expiresInDays?: string } = {};
  const name = String(form.name ?? '').replace(/\s+/g, ' ').trim();
  if (!name) errors.name = 'Give the link a name, such as "Lobby screen".';
  else if ([...name].length > WALL_NAME_MAX) errors.name = `Use at most ${WALL_NAME_MAX} characters.`;
  const rawDays = form.expiresInDays === null || form.expiresInDays === undefined ? '' : String(form.expiresInDays).trim();
  let days: number | null = null;
  if (rawDays) {
    if (!/^\d{1,4}$/.test(rawDays) || Number(rawDays) < 1 || Number(rawDays) > WALL_EXPIRY_MAX_DAYS) {
      errors.expiresInDays = `Use a whole number of days from 1 to ${WALL_EXPIRY_MAX_DAYS}, or leave it empty for a link that does not expire.`;
    } else days = Number(rawDays);
  }
  return errors.name || errors.expiresInDays ? { ok: false, errors } : { ok: true, name, days };
}

export type CreateWallLinkResult =
  | { status: 'created'; token: string; link: WallLinkSummary }
  | { status: 'not_allowed' }
  | { status: 'invalid'; errors: { name?: string; expiresInDays?: string } }
  | { status: 'too_many'; max: number };

/**
 * A new wall link, made by an admin (the check is the server's own, made for this request). Audited with its
 * name and expiry, never its token; a refusal is audited too. The token is returned once, for the admin only.
 */
export async function createWallLink(db: Kysely<Database>, workspace: Pick<WorkspaceRow, 'id'>, check: AdminCheck, form: WallLinkForm, now: Date): Promise<CreateWallLinkResult> {
  if (!check.admin || check.workspaceId !== workspace.id) {
    await recordAdminAction(db, { ...check, workspaceId: workspace.id }, { action: WALL_AUDIT.refused, target: 'create', before: null, after: { name: String(form.name ?? '').slice(0, WALL_NAME_MAX) } });
    return { status: 'not_allowed' };
  }
  const read = readWallLinkForm(form);
  if (!read.ok) return { status: 'invalid', errors: read.errors };
  if ((await countLiveWallLinks(db, workspace.id, now)) >= WALL_LIVE_LINKS_MAX) return { status: 'too_many', max: WALL_LIVE_LINKS_MAX };
  const { token, hash } = newLinkToken();
  const expiresAt = read.days === null ? null : new Date(now.getTime() + read.days * 24 * 60 * 60_000);
  const row = await db.transaction().execute(async (trx) => {
    const inserted = await insertWallLink(trx, { workspaceId: workspace.id, name: read.name, tokenHash: hash, createdBy: check.person?.id ?? null, createdAt: now, expiresAt });
    await recordAdminAction(trx, check, { action: WALL_AUDIT.create, target: String(inserted.id), before: null, after: { name: read.name, expiresAt: expiresAt?.toISOString() ?? null } });
    return inserted;
  });
  return { status: 'created', token, link: summary(row, now) };
}

export type RevokeWallLinkResult = { status: 'revoked'; name: string } | { status: 'already_revoked'; name: string } | { status: 'not_found' } | { status: 'not_allowed' };

/** Revokes a link of this workspace (admins only, checked for this request); audited. Open walls on it close. */
export async function revokeWallLink(db: Kysely<Database>, workspace: Pick<WorkspaceRow, 'id'>, check: AdminCheck, linkId: number, now: Date): Promise<RevokeWallLinkResult> {
  if (!check.admin || check.workspaceId !== workspace.id) {
    await recordAdminAction(db, { ...check, workspaceId: workspace.id }, { action: WALL_AUDIT.refused, target: 'revoke', before: null, after: { link: linkId } });
    return { status: 'not_allowed' };
  }
  if (!Number.isSafeInteger(linkId) || linkId <= 0) return { status: 'not_found' };
  return db.transaction().execute(async (trx) => {
    const out = await revokeWallLinkRow(trx, workspace.id, linkId, check.person?.id ?? null, now);
    if (!out) return { status: 'not_found' } as const;
    if (!out.revoked) return { status: 'already_revoked', name: out.before.name } as const;
    await recordAdminAction(trx, check, { action: WALL_AUDIT.revoke, target: String(linkId), before: { name: out.before.name }, after: null });
    return { status: 'revoked', name: out.before.name } as const;
  });
}

/** What an admin is told about a revoke, on either platform (`notAdmin`: the platform's refusal sentence). */
export function revokeWallLinkText(out: RevokeWallLinkResult, notAdmin: string): { ok: boolean; text: string } {
  switch (out.status) {
    case 'revoked':
      return { ok: true, text: `Wall link "${out.name}" revoked: pages open on it stop updating.` };
    case 'already_revoked':
      return { ok: true, text: `Wall link "${out.name}" was already revoked.` };
    case 'not_found':
      return { ok: false, text: 'That wall link is not there any more.' };
    case 'not_allowed':
      return { ok: false, text: notAdmin };
  }
}

/** What an admin is told when the workspace has as many live links as it may. */
export function tooManyWallLinksText(max: number): string {
  return `This workspace has ${max} live wall links already: revoke one first.`;
}

/** The workspace's links for an admin's list, newest first. */
export async function listWallLinks(db: Kysely<Database>, workspaceId: number, now: Date, limit = WALL_LINKS_LISTED): Promise<WallLinkSummary[]> {
  return (await listWallLinkRows(db, workspaceId, limit)).map((r) => summary(r, now));
}

/**
 * The link and workspace a token opens at `now`; undefined for a token that is unknown, revoked, expired, not a
 * token at all, or whose workspace uninstalled Kudos. Every "no" is the same "no", and a malformed token is
 * hashed and looked up like any other so each takes about as long.
 */
export async function resolveWallLink(db: Kysely<Database>, token: string, now: Date): Promise<{ link: { id: number; name: string }; workspace: WorkspaceRow } | undefined> {
  const { wellFormed, hash } = lookupLinkToken(token);
  const found = await findLiveWallLink(db, hash, now);
  return wellFormed && found ? { link: { id: found.link.id, name: found.link.name }, workspace: found.workspace } : undefined;
}

/** Which of these links are still live (an open wall's link is checked again on every poll). */
export function liveWallLinks(db: Kysely<Database>, workspaceId: number, linkIds: number[], now: Date): Promise<Set<number>> {
  return liveWallLinkIds(db, workspaceId, linkIds, now);
}

// ---------------------------------------------------------------------------------------------------
// Channel visibility: asked of the platform, kept in wall_channel

export type ChannelVisibility = 'public' | 'private';

/**
 * How an adapter tells whether channels are public: an answer per channel it could decide; a channel left out
 * is unknown (asked again later) and not shown meanwhile.
 */
export type ChannelVisibilityPort = (workspace: WorkspaceRow, channelIds: string[]) => Promise<Map<string, ChannelVisibility>>;

export interface WallDeps {
  db: Kysely<Database>;
  /** This workspace's platform's answer; undefined when the platform is not served here (nothing new is learned). */
  channels?: ChannelVisibilityPort;
  /** Channels asked about without an answer, and when: not asked again for a minute (rate limits). */
  unanswered?: Map<string, number>;
}

const UNANSWERED_RETRY_MS = 60_000;
/** At most this many channels are asked about in one go. */
const CHANNELS_PER_ASK = 20;

/**
 * Makes sure the visibility of these channels is known and fresh, asking the platform about the others (never
 * more than CHANNELS_PER_ASK at once, never a channel asked within the last minute without an answer).
 */
export async function learnChannels(deps: WallDeps, workspace: WorkspaceRow, channelIds: string[], now: Date): Promise<void> {
  const ids = [...new Set(channelIds.filter(Boolean))];
  if (!ids.length || !deps.channels) return;
  const known = await findChannelVisibility(deps.db, workspace.id, ids);
  const fresh = new Set(known.filter((k) => new Date(k.checked_at).getTime() > now.getTime() - CHANNEL_RECHECK_MS).map((k) => k.channel_id));
  const unanswered = deps.unanswered;
  const key = (id: string) => `${workspace.id}:${id}`;
  const ask = ids.filter((id) => !fresh.has(id) && !((unanswered?.get(key(id)) ?? -Infinity) > now.getTime() - UNANSWERED_RETRY_MS)).slice(0, CHANNELS_PER_ASK);
  if (!ask.length) return;
  let answers: Map<string, ChannelVisibility>;
  try {
    answers = await deps.channels(workspace, ask);
  } catch {
    answers = new Map();
  }
  for (const id of ask) {
    if (answers.has(id)) unanswered?.delete(key(id));
    else unanswered?.set(key(id), now.getTime());
  }
  if (unanswered && unanswered.size > 10_000) unanswered.clear();
  await upsertChannelVisibility(
    deps.db,
    workspace.id,
    [...answers].filter(([id]) => ask.includes(id)).map(([channelId, visibility]) => ({ channelId, visibility })),
    now,
  );
}

/** Stored conversation kinds (Teams' conversation references) by conversation id, for the Teams adapter's answer. */
export function storedConversationKinds(db: Kysely<Database>, workspace: Pick<WorkspaceRow, 'id'>, conversationIds: string[]): Promise<Map<string, ConversationKind>> {
  return conversationKinds(db, workspace.id, conversationIds);
}

// ---------------------------------------------------------------------------------------------------
// The wall

export interface WallNote {
  id: number;
  giver: string;
  recipients: string[];
  /** Plain text; people mentioned inside it by name. Empty for one-click kudos (a reaction). */
  message: string;
  /** The reaction a one-click kudos came from (a short name), else null. */
  reaction: string | null;
  values: Array<{ label: string; emoji: string }>;
  createdAt: Date;
}

export interface WallHeader {
  zone: string;
  /** This week (Monday to now, in `zone`). */
  week: { kudos: number; thanked: number; givers: number; startDay: string };
  /** The last WALL_CHART_DAYS days in `zone`, oldest first; the last one is today. */
  days: Array<{ day: string; count: number }>;
  /** Customer Service Week's theme of the day, while it runs. */
  campaign: { name: string; day: number; title: string; prompt: string } | null;
  /** This week's share of public thanks that crossed team lines (0–1); null without teams or thanks. */
  crossTeamShare: number | null;
}

export interface WallSnapshot {
  workspaceName: string;
  header: WallHeader;
  notes: WallNote[];
}

const SOMEONE = 'A teammate';

/** Whole snapshot: the header and the latest notes. Channels not known yet are asked about first. */
export async function loadWallSnapshot(deps: WallDeps, workspace: WorkspaceRow, now: Date): Promise<WallSnapshot> {
  const settings = await loadSettings(deps.db, workspace.id);
  const zone = campaignZone(workspace, settings);
  const chartStart = DateTime.fromJSDate(now, { zone }).startOf('day').minus({ days: WALL_CHART_DAYS - 1 }).toJSDate();
  // Channels used in the chart's days that are not known (or were checked long ago): ask before counting.
  await learnChannels(deps, workspace, await channelsToCheck(deps.db, workspace.id, chartStart, new Date(now.getTime() - CHANNEL_RECHECK_MS), CHANNELS_PER_ASK), now);
  const [header, ids] = await Promise.all([loadWallHeader(deps.db, workspace, settings, now), recentPublicKudosIds(deps.db, workspace.id, WALL_NOTES)]);
  return { workspaceName: workspace.name ?? 'Kudos', header, notes: await wallNotes(deps.db, workspace, ids) };
}

/** The header: this week's numbers (with the cross-team share), the last four weeks per day, the campaign's theme of the day. */
export async function loadWallHeader(db: Kysely<Database>, workspace: WorkspaceRow, settings: Settings | undefined, now: Date): Promise<WallHeader> {
  const s = settings ?? (await loadSettings(db, workspace.id));
  const zone = campaignZone(workspace, s);
  const local = DateTime.fromJSDate(now, { zone });
  const weekStart = local.startOf('week');
  const today = local.startOf('day');
  const chartStart = today.minus({ days: WALL_CHART_DAYS - 1 });
  const end = new Date(now.getTime() + 1);
  const [week, buckets, crossTeamShare] = await Promise.all([
    publicTotals(db, workspace.id, weekStart.toJSDate(), end),
    publicCountsByQuarterHour(db, workspace.id, chartStart.toJSDate(), end),
    publicCrossTeamShare(db, workspace.id, { start: weekStart.toJSDate(), end }),
  ]);
  const days: Array<{ day: string; count: number }> = [];
  const index = new Map<string, number>();
  for (let i = 0; i < WALL_CHART_DAYS; i++) {
    const day = chartStart.plus({ days: i }).toISODate() as string;
    index.set(day, i);
    days.push({ day, count: 0 });
  }
  for (const b of buckets) {
    const day = DateTime.fromSeconds(b.bucket, { zone }).toISODate() as string;
    const i = index.get(day);
    if (i !== undefined) days[i].count += b.n;
  }
  const campaign = activeCampaignAt(workspace, s, now);
  const theme = campaign ? dailyTheme(DateTime.fromJSDate(now, { zone: campaign.timeZone }).weekday) : null;
  return {
    zone,
    week: { ...week, startDay: weekStart.toISODate() as string },
    days,
    campaign: campaign && theme ? { name: campaign.name, day: theme.day, title: theme.title, prompt: plainText(theme.prompt) } : null,
    crossTeamShare,
  };
}

/** Notes for these kudos (in this order), people by name: an erased person by the placeholder. */
export async function wallNotes(db: Kysely<Database>, workspace: Pick<WorkspaceRow, 'id'>, ids: number[]): Promise<WallNote[]> {
  const views = await loadKudosViews(db, workspace.id, ids);
  const mentioned = new Set<string>();
  for (const k of views) replaceMentions(k.message, (id) => (mentioned.add(id), ''));
  const names = await namesByExternalId(db, workspace.id, [...mentioned]);
  return views.map((k) => noteOf(k, names));
}

function noteOf(k: KudosView, names: Map<string, { name: string; erased: boolean }>): WallNote {
  const message = replaceMentions(k.message, (id) => {
    const p = names.get(id);
    return `@${p ? (p.erased ? ERASED_NAME : p.name || SOMEONE) : SOMEONE}`;
  });
  return {
    id: k.id,
    giver: nameOf(k.giver),
    recipients: k.recipients.map(nameOf),
    message: message.trim(),
    reaction: k.message.trim() ? null : k.emoji,
    values: k.values.map((v) => ({ label: v.label, emoji: v.emoji })),
    createdAt: k.createdAt,
  };
}

function nameOf(p: { displayName: string; erased?: boolean }): string {
  return p.erased ? ERASED_NAME : p.displayName.trim() || SOMEONE;
}

/** Slack-style emphasis and code marks taken out of a prompt written for chat. */
function plainText(s: string): string {
  return s.replace(/[`*_]/g, '');
}

// ---------------------------------------------------------------------------------------------------
// The live feed: one poll of one workspace

/** How far back each poll looks for new kudos: covers commits that land after a later id was seen. */
export const FEED_WINDOW_MS = 10_000;
/** A kudos whose channel is not known yet is waited for this long, then left off. */
const PENDING_MS = 60_000;

export interface FeedCursor {
  /** Kudos already decided (shown or left off), with their creation time, for the window's overlap. */
  decided: Map<number, number>;
  /** Kudos whose channel's visibility is still being learned. */
  pending: Map<number, number>;
  /** Withdrawals already reported, with when they happened. */
  removed: Map<number, number>;
  /** The first poll reports nothing that happened before it (the page's snapshot has it). */
  started: Date;
}

export function newFeedCursor(now: Date): FeedCursor {
  return { decided: new Map(), pending: new Map(), removed: new Map(), started: now };
}

export interface FeedChanges {
  added: WallNote[];
  removed: number[];
}

/**
 * What changed on a workspace's wall since the last poll: kudos given in public channels (oldest first) and
 * kudos withdrawn. Reads a window of FEED_WINDOW_MS back each time, so a kudos whose transaction committed after
 * a later one's is still seen; `cursor` remembers what was already decided.
 */
export async function pollWallFeed(deps: WallDeps, workspace: WorkspaceRow, cursor: FeedCursor, now: Date): Promise<FeedChanges> {
  const windowStart = new Date(Math.max(now.getTime() - FEED_WINDOW_MS, cursor.started.getTime() - FEED_WINDOW_MS));
  const [recent, waiting, revoked] = await Promise.all([
    kudosCreatedSince(deps.db, workspace.id, windowStart, 2000),
    kudosByIds(deps.db, workspace.id, [...cursor.pending.keys()]),
    kudosRevokedSince(deps.db, workspace.id, windowStart, 2000),
  ]);
  const candidates = [...recent.filter((k) => !cursor.decided.has(k.id) && !cursor.pending.has(k.id)), ...waiting];
  // Kudos created before the feed started are in the page's snapshot already.
  const fresh = candidates.filter((k) => new Date(k.created_at).getTime() >= cursor.started.getTime() - 1000 || cursor.pending.has(k.id));
  for (const k of candidates) if (!fresh.includes(k)) cursor.decided.set(k.id, new Date(k.created_at).getTime());
  const channels = [...new Set(fresh.map((k) => k.channel_id).filter((c): c is string => !!c))];
  await learnChannels(deps, workspace, channels, now);
  const visibility = new Map((await findChannelVisibility(deps.db, workspace.id, channels)).map((c) => [c.channel_id, c.visibility]));
  const show: number[] = [];
  for (const k of fresh.sort((a, b) => a.id - b.id)) {
    const created = new Date(k.created_at).getTime();
    const seen = k.channel_id ? visibility.get(k.channel_id) : 'private';
    if (seen === undefined && now.getTime() - created < PENDING_MS && !k.revoked_at) {
      cursor.pending.set(k.id, created);
      continue;
    }
    cursor.pending.delete(k.id);
    cursor.decided.set(k.id, created);
    if (seen === 'public' && !k.revoked_at) show.push(k.id);
  }
  const removed: number[] = [];
  for (const r of revoked) {
    if (cursor.removed.has(r.id)) continue;
    cursor.removed.set(r.id, new Date(r.revoked_at).getTime());
    if (new Date(r.revoked_at).getTime() >= cursor.started.getTime() - 1000) removed.push(r.id);
  }
  // Forget what has left the window.
  const horizon = windowStart.getTime() - 5_000;
  for (const m of [cursor.decided, cursor.removed]) for (const [id, at] of m) if (at < horizon) m.delete(id);
  return { added: show.length ? await wallNotes(deps.db, workspace, show) : [], removed };
}
