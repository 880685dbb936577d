import { threeNotesProgressText } from '../../core/campaign-copy';
import { challengeProgress } from '../../core/campaigns';
import { allowanceToday, giveKudos } from '../../core/give';
import { parseThanks, type ParsedThanks } from '../../core/parse-thanks';
import { undoLastKudos } from '../../core/reverse';
import { loadSettings } from '../../core/settings-store';
import { personStats } from '../../core/stats';
import { findPeople } from '../../db/queries/people';
import { listValues } from '../../db/queries/values';
import { conversationBase, conversationKind, mentionEntities } from '../activity';
import { isAdmin } from '../admins';
import { boldToMarkdown, cardAttachment } from '../cards/common';
import {
  confirmationMessage,
  duplicateMessage,
  helpCard,
  nothingToUndoMessage,
  refusalMessage,
  skippedMessage,
  statsCard,
  statsSummary,
  undoneMessage,
} from '../cards/messages';
import { SAVE_SETTINGS_VERB } from '../cards/settings-card';
import { tellPrivately } from '../conversations';
import type { TeamsContext, Turn } from '../context';
import { cardNotice, postKudosCard, updateKudosCard, type CardTarget } from '../deliver';
import { plainCommand, thanksTextFromActivity } from '../text';
import { showSettings, submitSettingsMessage } from './settings';

const SETTINGS_WORDS = new Set(['settings', 'setting', 'admin', 'config']);

/**
 * A message to the bot: `@Kudos thanks @Alice @Bob for … #value` in a channel, group chat or personal chat, or
 * `help`, `stats`, `undo`, `settings`. Classic `Action.Submit` from a card arrives here too (empty text, a value).
 */
export async function onMessage(ctx: TeamsContext, turn: Turn): Promise<void> {
  const a = turn.tc.activity;
  if (a.value && typeof a.value === 'object' && !a.text?.trim()) {
    if ((a.value as { kudosAction?: unknown }).kudosAction === SAVE_SETTINGS_VERB) return submitSettingsMessage(ctx, turn, a.value as Record<string, unknown>);
    return;
  }
  if (SETTINGS_WORDS.has(plainCommand(a))) return showSettings(ctx, turn);
  const parsed = parseThanks(thanksTextFromActivity(a));
  switch (parsed.kind) {
    case 'open_modal':
    case 'help':
      return help(ctx, turn);
    case 'stats':
      return stats(ctx, turn);
    case 'undo':
      return undo(ctx, turn);
    case 'give':
      return give(ctx, turn, parsed.draft);
  }
}

async function help(ctx: TeamsContext, turn: Turn): Promise<void> {
  const [settings, values] = await Promise.all([loadSettings(ctx.db, turn.ws.id), listValues(ctx.db, turn.ws.id, { activeOnly: true })]);
  const card = helpCard(values, settings.allowancePerDay, settings.minMessageLength, turn.botName, isAdmin(ctx, settings, turn.tc.activity.from));
  await turn.tc.sendActivity({ type: 'message', summary: 'How to use Kudos', attachments: [cardAttachment(card)] });
}

async function stats(ctx: TeamsContext, turn: Turn): Promise<void> {
  if (!turn.sender) return;
  const [s, challenge] = await Promise.all([personStats(turn.core, turn.ws, turn.sender), challengeProgress(ctx.db, turn.ws, turn.sender.id, ctx.clock())]);
  // While Customer Service Week runs: the three-notes challenge too.
  const extra = challenge ? [boldToMarkdown(threeNotesProgressText(challenge.distinct))] : [];
  await tellPrivately(ctx, turn, { type: 'message', summary: statsSummary(s), attachments: [cardAttachment(statsCard(s, extra))] });
}

async function undo(ctx: TeamsContext, turn: Turn): Promise<void> {
  if (!turn.sender) return;
  const result = await undoLastKudos(turn.core, turn.ws, turn.sender);
  if (result.status === 'nothing_to_undo') {
    await tellPrivately(ctx, turn, { type: 'message', text: nothingToUndoMessage(result.windowMinutes) });
    return;
  }
  const updated = await updateKudosCard(ctx, turn.ws, result.kudos.id, turn.tc);
  const allowance = await allowanceToday(turn.core, turn.ws, turn.sender);
  await tellPrivately(ctx, turn, { type: 'message', text: undoneMessage(result.kudos, allowance, updated) });
}

/** Display names for sentences about these people: stored names first, then the names in the mentions. */
export async function namesFor(ctx: TeamsContext, turn: Turn, ids: string[]): Promise<Map<string, string>> {
  const names = new Map(mentionEntities(turn.tc.activity).map((m) => [m.id, m.name]));
  for (const p of await findPeople(ctx.db, turn.ws.id, ids)) if (p.display_name) names.set(p.external_id, p.display_name);
  return names;
}

async function give(ctx: TeamsContext, turn: Turn, draft: ParsedThanks): Promise<void> {
  const a = turn.tc.activity;
  const personal = conversationKind(a) === 'personal';
  const result = await giveKudos(turn.core, turn.ws, {
    workspaceId: turn.ws.id,
    giver: a.from.id,
    recipients: draft.recipients,
    userGroups: draft.userGroups,
    message: draft.message,
    values: draft.values,
    source: 'teams_message',
    // The message's own id: Teams re-sends the same activity, never a new one, for one message.
    sourceKey: `teams:msg:${conversationBase(a.conversation.id)}:${a.id}`,
    channelId: a.conversation.id,
    messageTs: a.id ?? null,
  });
  if (result.status === 'refused') {
    const names = await namesFor(ctx, turn, draft.recipients);
    await tellPrivately(ctx, turn, { type: 'message', text: refusalMessage(result.refusals, names, turn.botName) });
    return;
  }
  const settings = await loadSettings(ctx.db, turn.ws.id);
  // In a channel or group chat the card answers in the thread; from a personal chat it goes to the kudos channel.
  const here: CardTarget = { kind: 'here', tc: turn.tc };
  const targets: CardTarget[] = personal && settings.kudosChannel ? [{ kind: 'channel', channelId: settings.kudosChannel }, here] : [here];
  const outcome = await postKudosCard(ctx, turn.ws, result.kudos, targets);
  if (result.status === 'duplicate') {
    // Handled before (recorded, and posted now if a crash had left it unposted): nothing more to say.
    if (personal && outcome.status === 'claimed_elsewhere') await turn.tc.sendActivity(duplicateMessage(result.kudos));
    return;
  }
  const notice = cardNotice(outcome);
  const names = await namesFor(ctx, turn, draft.recipients);
  if (personal) {
    const confirm = confirmationMessage(result.kudos, result.skipped, result.allowance, names);
    await turn.tc.sendActivity(notice ? `${confirm}\n\n${notice}` : confirm);
    return;
  }
  const notes = [result.skipped.length ? skippedMessage(result.skipped, names) : null, notice].filter(Boolean);
  if (notes.length) await tellPrivately(ctx, turn, { type: 'message', text: notes.join('\n\n') });
}
