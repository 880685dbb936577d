import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue } from 'botbuilder';
import { loadSettingsSnapshot, saveSetting } from '../../core/settings-store';
import type { SettingsSnapshot } from '../../core/settings';
import { listChannelRefs, listPeopleByName } from '../../db/queries/teams';
import { conversationKind } from '../activity';
import { isAdmin, teamsSeedAdmins } from '../admins';
import { ADAPTIVE_CARD_CONTENT_TYPE, cardAttachment, listJoin } from '../cards/common';
import { readSettingsSubmission, SAVE_SETTINGS_VERB, settingLabel, settingsCard, type SettingsCardInput } from '../cards/settings-card';
import { tellPrivately } from '../conversations';
import type { TeamsContext, Turn } from '../context';

const NOT_ADMIN = 'Only Kudos admins can change the settings. Ask one of them, or the person who installed Kudos.';

/** `settings` from an admin: the settings card, in their personal chat with the bot. */
export async function showSettings(ctx: TeamsContext, turn: Turn): Promise<void> {
  const snapshot = await loadSettingsSnapshot(ctx.db, turn.ws.id);
  if (!isAdmin(ctx, snapshot.settings, turn.tc.activity.from)) {
    await tellPrivately(ctx, turn, { type: 'message', text: NOT_ADMIN });
    return;
  }
  const card = settingsCard(await cardInput(ctx, turn, snapshot, null));
  const note = conversationKind(turn.tc.activity) === 'personal' ? null : 'I sent you the settings in our personal chat.';
  const where = await tellPrivately(ctx, turn, { type: 'message', summary: 'Kudos settings', attachments: [cardAttachment(card)] });
  if (note && where === 'private') await turn.tc.sendActivity(note);
}

async function cardInput(ctx: TeamsContext, turn: Turn, snapshot: SettingsSnapshot, notice: SettingsCardInput['notice']): Promise<SettingsCardInput> {
  const [channels, people] = await Promise.all([
    listChannelRefs(ctx.db, turn.ws.id),
    listPeopleByName(ctx.db, turn.ws.id, 200),
  ]);
  return {
    settings: snapshot.settings,
    versions: snapshot.versions,
    channels: channels.filter((c) => c.channel_id).map((c) => ({ id: c.channel_id as string, name: c.name ?? '' })),
    people: people.map((p) => ({ id: p.external_id, name: p.display_name })),
    workspaceTimeZone: turn.ws.time_zone,
    notice,
  };
}

type SettingsOutcome = { kind: 'card'; card: ReturnType<typeof settingsCard> } | { kind: 'refused'; text: string };

/**
 * A settings submission, from `Action.Execute` or its `Action.Submit` fallback. Every one is checked here: the
 * sender must be an admin now (the card proves nothing: anyone can forge its data), and each value goes through
 * the core's schema and version check, which writes the audit log.
 */
async function saveFromCard(ctx: TeamsContext, turn: Turn, data: Record<string, unknown>): Promise<SettingsOutcome> {
  const a = turn.tc.activity;
  const snapshot = await loadSettingsSnapshot(ctx.db, turn.ws.id);
  if (!isAdmin(ctx, snapshot.settings, a.from)) {
    ctx.logger.warn({ tenant: turn.tenant, user: a.from.id }, 'refused a settings change from someone who is not an admin');
    return { kind: 'refused', text: NOT_ADMIN };
  }
  const { changes, errors } = readSettingsSubmission(data, snapshot.settings);
  const adminChange = changes.find((c) => c.key === 'admins');
  if (adminChange && (adminChange.value as string[]).length === 0 && teamsSeedAdmins(ctx.seedAdmins).length === 0) {
    errors.admins = 'Keep at least one admin, or nobody will be able to change the settings.';
  }
  if (Object.keys(errors).length) return { kind: 'card', card: settingsCard(await cardInput(ctx, turn, snapshot, { kind: 'error', text: errorText(errors) })) };

  const saved: string[] = [];
  const problems: Record<string, string> = {};
  for (const change of changes) {
    const r = await saveSetting(ctx.db, {
      workspaceId: turn.ws.id,
      key: change.key,
      value: change.value,
      expectedVersion: change.expectedVersion,
      actorId: turn.sender?.id ?? null,
    });
    if (r.status === 'saved') saved.push(settingLabel(change.key));
    else if (r.status === 'invalid') for (const [field, message] of Object.entries(r.errors)) problems[field === change.key ? field : `${change.key}.${field}`] = message;
    else problems[change.key] = 'someone else changed this meanwhile. Here is the current value; make your change again.';
  }
  const fresh = await loadSettingsSnapshot(ctx.db, turn.ws.id);
  if (saved.length) ctx.logger.info({ tenant: turn.tenant, saved }, 'settings changed in Teams');
  const notice: SettingsCardInput['notice'] = Object.keys(problems).length
    ? { kind: 'error', text: `${saved.length ? `Saved: ${listJoin(saved)}. ` : ''}${errorText(problems)}` }
    : saved.length
      ? { kind: 'saved', text: `✅ Saved: ${listJoin(saved)}.` }
      : { kind: 'info', text: 'Nothing changed.' };
  return { kind: 'card', card: settingsCard(await cardInput(ctx, turn, fresh, notice)) };
}

function errorText(errors: Record<string, string>): string {
  return Object.entries(errors)
    .map(([field, message]) => `${settingLabel(field)}: ${message}`)
    .join(' ');
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
