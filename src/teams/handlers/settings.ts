import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue } from 'botbuilder';
import { adminCandidates, adminListProblem, checkAdmin, saveSettingAsAdmin, type AdminCheck } from '../../core/admin';
import { SETTING_LABELS } from '../../core/setting-labels';
import { fieldErrors, formFieldLabel, readSettingForm, type SettingForm } from '../../core/settings-form';
import { loadSettingsSnapshot } from '../../core/settings-store';
import type { SettingKey, SettingsSnapshot } from '../../core/settings';
// Teams-only storage: the channels the bot learned from conversation references (Teams has no channel picker).
import { listChannelRefs } from '../../db/queries/teams';
import { conversationKind } from '../activity';
import { ADAPTIVE_CARD_CONTENT_TYPE, cardAttachment, listJoin } from '../cards/common';
import { CARD_INPUTS, CARD_KEYS, NONE, SAVE_SETTINGS_VERB, settingsCard, type CardInputId, type CardKey, type SettingsCardInput } from '../cards/settings-card';
import { tellPrivately } from '../conversations';
import type { TeamsContext, Turn } from '../context';
import { wallCardInput } from './wall';

const NOT_ADMIN = 'Only Kudos admins can change the settings. Ask one of them, or the person who installed Kudos.';
const CONFLICT = 'someone else changed this meanwhile. Here is the current value; make your change again.';

/**
 * The sender's admin status, by the core's one admin model (core/admin.ts): the admin list, KUDOS_ADMINS, and a
 * platform flag (Teams reports none). The sender's id comes from the activity Teams signed, never from card data.
 */
export function checkSender(ctx: TeamsContext, turn: Turn): Promise<AdminCheck> {
  return checkAdmin(turn.core, turn.ws, turn.tc.activity.from.id, ctx.seedAdmins);
}

/** `settings` from an admin: the settings card, in their personal chat with the bot. */
export async function showSettings(ctx: TeamsContext, turn: Turn): Promise<void> {
  const check = await checkSender(ctx, turn);
  if (!check.admin) {
    await tellPrivately(ctx, turn, { type: 'message', text: NOT_ADMIN });
    return;
  }
  const card = settingsCard(await cardInput(ctx, turn, check.snapshot, null));
  const note = conversationKind(turn.tc.activity) === 'personal' ? null : 'I sent you the settings in our personal chat.';
  const where = await tellPrivately(ctx, turn, { type: 'message', summary: 'Kudos settings', attachments: [cardAttachment(card)] });
  if (note && where === 'private') await turn.tc.sendActivity(note);
}

/** The channels (from the bot's stored conversation references) and the people the card offers. */
async function cardInput(
  ctx: TeamsContext,
  turn: Turn,
  snapshot: SettingsSnapshot,
  notice: SettingsCardInput['notice'],
  errors: SettingsCardInput['errors'] = {},
): Promise<SettingsCardInput> {
  const [channels, people, wall] = await Promise.all([
    listChannelRefs(ctx.db, turn.ws.id),
    adminCandidates(ctx.db, turn.ws.id),
    wallCardInput(ctx, turn.ws, { frameAncestors: snapshot.settings.wall.frameAncestors, version: snapshot.versions.wall }),
  ]);
  return {
    settings: snapshot.settings,
    versions: snapshot.versions,
    channels: channels.filter((c) => c.channel_id).map((c) => ({ id: c.channel_id as string, name: c.name ?? '' })),
    people,
    workspaceTimeZone: turn.ws.time_zone,
    notice,
    errors,
    today: ctx.clock().toISOString().slice(0, 10),
    wall,
  };
}

/** A submitted card as the core's setting forms: only the inputs the card sent, each into its field. */
export function cardForms(data: Record<string, unknown>): Partial<Record<CardKey, SettingForm>> {
  const forms: Partial<Record<CardKey, Record<string, string>>> = {};
  for (const [id, { key, field }] of Object.entries(CARD_INPUTS)) {
    const raw = data[id];
    const v = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : undefined;
    if (v === undefined) continue;
    // A choice set cannot submit an empty choice: NONE stands for "none".
    (forms[key] ??= {})[field] = field === 'channel' && v.trim() === NONE ? '' : v;
  }
  return forms;
}

function inputFor(key: SettingKey, field: string): CardInputId {
  const found = (Object.entries(CARD_INPUTS) as Array<[CardInputId, { key: string; field: string }]>).find(([, f]) => f.key === key && f.field === field);
  return found?.[0] ?? (Object.entries(CARD_INPUTS) as Array<[CardInputId, { key: string }]>).find(([, f]) => f.key === key)![0];
}

function labelOf(id: CardInputId): string {
  const { key, field } = CARD_INPUTS[id];
  return formFieldLabel(key, field);
}

type SettingsOutcome = { kind: 'card'; card: ReturnType<typeof settingsCard> } | { kind: 'refused'; text: string };

/**
 * A settings submission, from `Action.Execute` or its `Action.Submit` fallback. Every one is checked here: the
 * sender must be an admin now (the card proves nothing: anyone can forge its data), each form is read and checked
 * by the core's settings form, and saved through the core's admin model (the keep-one-admin rule, the version
 * check, the audit log). Nothing is saved while any input is wrong.
 */
async function saveFromCard(ctx: TeamsContext, turn: Turn, data: Record<string, unknown>): Promise<SettingsOutcome> {
  const a = turn.tc.activity;
  const check = await checkSender(ctx, turn);
  if (!check.admin) {
    ctx.logger.warn({ tenant: turn.tenant, user: a.from.id }, 'refused a settings change from someone who is not an admin');
    return { kind: 'refused', text: NOT_ADMIN };
  }
  const current = check.snapshot.settings;
  const forms = cardForms(data);
  const versions = (data.versions ?? {}) as Record<string, unknown>;
  const errors: Partial<Record<CardInputId, string>> = {};
  const changes: Array<{ key: CardKey; value: unknown; expectedVersion: number }> = [];
  for (const key of CARD_KEYS) {
    const form = forms[key];
    if (!form) continue;
    const read = readSettingForm(key, form, current);
    if (!read.ok) {
      for (const [field, message] of Object.entries(read.errors)) errors[inputFor(key, field)] ??= message;
      continue;
    }
    if (JSON.stringify(read.value) === JSON.stringify(current[key])) continue;
    if (key === 'admins') {
      const problem = adminListProblem(read.value as string[], check);
      if (problem) {
        errors.admins = problem;
        continue;
      }
    }
    const v = versions[key];
    changes.push({ key, value: read.value, expectedVersion: typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : -1 });
  }
  if (Object.keys(errors).length) {
    return { kind: 'card', card: settingsCard(await cardInput(ctx, turn, check.snapshot, { kind: 'error', text: errorText(errors) }, errors)) };
  }

  const saved: string[] = [];
  const problems: Partial<Record<CardInputId, string>> = {};
  for (const change of changes) {
    const r = await saveSettingAsAdmin(ctx.db, check, change);
    if (r.status === 'saved') saved.push(SETTING_LABELS[change.key]);
    else if (r.status === 'invalid') for (const [field, message] of Object.entries(fieldErrors(change.key, r.errors))) problems[inputFor(change.key, field)] ??= message;
    else problems[inputFor(change.key, '')] = r.status === 'conflict' ? CONFLICT : NOT_ADMIN;
  }
  const fresh = await loadSettingsSnapshot(ctx.db, turn.ws.id);
  if (saved.length) ctx.logger.info({ tenant: turn.tenant, saved }, 'settings changed in Teams');
  const notice: SettingsCardInput['notice'] = Object.keys(problems).length
    ? { kind: 'error', text: `${saved.length ? `Saved: ${listJoin(saved)}. ` : ''}${errorText(problems)}` }
    : saved.length
      ? { kind: 'saved', text: `✅ Saved: ${listJoin(saved)}.` }
      : { kind: 'info', text: 'Nothing changed.' };
  return { kind: 'card', card: settingsCard(await cardInput(ctx, turn, fresh, notice, problems)) };
}

function errorText(errors: Partial<Record<CardInputId, string>>): string {
  return (Object.entries(errors) as Array<[CardInputId, string]>).map(([id, message]) => `${labelOf(id)}: ${message}`).join(' ');
}

/** `adaptiveCard/action` (Universal Actions): the answer replaces the card in place. */
export async function onAdaptiveCardAction(ctx: TeamsContext, turn: Turn, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
  if (value.action?.verb !== SAVE_SETTINGS_VERB) {
    return { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'NotSupported', message: 'Unknown action.' } as never };
  }
  const out = await saveFromCard(ctx, turn, (value.action.data ?? {}) as Record<string, unknown>);
  if (out.kind === 'refused') return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: out.text as never };
  return { statusCode: 200, type: ADAPTIVE_CARD_CONTENT_TYPE, value: out.card as never };
}

/** The `Action.Submit` fallback arrives as a message: the card is updated in place when possible. */
export async function submitSettingsMessage(ctx: TeamsContext, turn: Turn, data: Record<string, unknown>): Promise<void> {
  const a = turn.tc.activity;
  const out = await saveFromCard(ctx, turn, data);
  if (out.kind === 'refused') {
    await turn.tc.sendActivity(out.text);
    return;
  }
  const activity = { type: 'message', summary: 'Kudos settings', attachments: [cardAttachment(out.card)] };
  if (a.replyToId) {
    try {
      await turn.tc.updateActivity({ ...activity, id: a.replyToId });
      return;
    } catch {
      // The card may be gone; a fresh one does as well.
    }
  }
  await turn.tc.sendActivity(activity);
}
