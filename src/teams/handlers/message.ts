import { threeNotesProgressText } from '../../core/campaign-copy';
import { giveKudos } from '../../core/give';
import { giveGuide } from '../../core/help';
import { parseThanks, type ParsedThanks } from '../../core/parse-thanks';
import type { TeamOfGive } from '../../core/cross-team';
import type { PostPlace } from '../../core/ports';
import { placeFor, publishKudos } from '../../core/publish';
import { undoLastKudos, withdrawPost } from '../../core/reverse';
import type { Settings } from '../../core/settings';
import { myStats } from '../../core/stats';
import type { PersonRow } from '../../db/schema';
import { channelData, conversationBase, conversationKind, mentionEntities } from '../activity';
import { adminVia, teamsSeedAdmins } from '../../core/admin';
import { boldToMarkdown, cardAttachment } from '../cards/common';
import {
  confirmationMessage,
  duplicateMessage,
  helpCard,
  nothingToUndoMessage,
  postNotice,
  refusalMessage,
  skippedMessage,
  statsCard,
  statsSummary,
  undoneMessage,
} from '../cards/messages';
import { DELETE_ALL_VERB, ERASE_PERSON_VERB, EXPORT_KUDOS_VERB, SAVE_SETTINGS_VERB } from '../cards/settings-card';
import { deleteAllFromCard, eraseFromCard, exportFromCard } from './admin-data';
import { askToErase, ERASE_ME_VERB, eraseMe } from './erase';
import { tellPrivately } from '../conversations';
import type { TeamsContext, Turn } from '../context';
import { turnReply } from '../notifier';
import { plainCommand, thanksTextFromActivity } from '../text';
import { exportOwnKudos } from './export';
import { showSettings, submitSettingsMessage } from './settings';
import { isWallVerb, wallFromCard } from './wall';

const SETTINGS_WORDS = new Set(['settings', 'setting', 'admin', 'config']);
const EXPORT_WORDS = new Set(['export', 'download', 'my data']);
const ERASE_WORDS = new Set(['erase my data', 'forget me', 'delete my data']);

/**
 * A message to the bot: `@Kudos thanks @Alice @Bob for … #value` in a channel, group chat or personal chat, or
 * `help`, `stats`, `undo`, `settings`, `export`, `erase my data`. Classic `Action.Submit` from a card arrives here too (empty text, a value).
 */
export async function onMessage(ctx: TeamsContext, turn: Turn): Promise<void> {
  const a = turn.tc.activity;
  if (a.value && typeof a.value === 'object' && !a.text?.trim()) {
    const verb = (a.value as { kudosAction?: unknown }).kudosAction;
    if (verb === SAVE_SETTINGS_VERB) return submitSettingsMessage(ctx, turn, a.value as Record<string, unknown>);
    if (verb === ERASE_ME_VERB) return eraseMe(ctx, turn);
    if (verb === EXPORT_KUDOS_VERB) return exportFromCard(ctx, turn, a.value as Record<string, unknown>);
    if (verb === ERASE_PERSON_VERB) return eraseFromCard(ctx, turn, a.value as Record<string, unknown>);
    if (verb === DELETE_ALL_VERB) return deleteAllFromCard(ctx, turn, a.value as Record<string, unknown>);
    if (isWallVerb(verb)) return wallFromCard(ctx, turn, a.value as Record<string, unknown>);
    return;
  }
  const command = plainCommand(a);
  if (SETTINGS_WORDS.has(command)) return showSettings(ctx, turn);
  if (EXPORT_WORDS.has(command.replace(/\s+/g, ' '))) return exportOwnKudos(ctx, turn);
  if (ERASE_WORDS.has(command.replace(/\s+/g, ' '))) return askToErase(ctx, turn);
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
  const { settings, values } = await giveGuide(ctx.db, turn.ws);
  const card = helpCard(values, settings.allowancePerDay, settings.minMessageLength, turn.botName, isListedAdmin(ctx, turn, settings));
  await turn.tc.sendActivity({ type: 'message', summary: 'How to use Kudos', attachments: [cardAttachment(card)] });
}

async function stats(ctx: TeamsContext, turn: Turn): Promise<void> {
  if (!turn.sender) return;
  const s = await myStats(turn.core, turn.ws, turn.sender);
  // While Customer Service Week runs: the three-notes challenge too.
  const extra = s.challenge ? [boldToMarkdown(threeNotesProgressText(s.challenge.distinct))] : [];
  await tellPrivately(ctx, turn, { type: 'message', summary: statsSummary(s), attachments: [cardAttachment(statsCard(s, extra))] });
}

async function undo(ctx: TeamsContext, turn: Turn): Promise<void> {
  if (!turn.sender) return;
  const a = turn.tc.activity;
  // Keyed by the message: the same activity handled again (a retry after a failure) withdraws nothing more.
  const result = await undoLastKudos(turn.core, turn.ws, turn.sender, `teams:undo:${a.id}`);
  if (result.status === 'nothing_to_undo') {
    await tellPrivately(ctx, turn, { type: 'message', text: nothingToUndoMessage(result.windowMinutes) });
    return;
  }
  const { kudos, allowance } = result;
  const hasCard = !!(kudos.postChannelId && kudos.postTs);
  const redrawn = hasCard ? await withdrawPost(turn.core, turn.ws, kudos) : true;
  await tellPrivately(ctx, turn, { type: 'message', text: undoneMessage(kudos, allowance, redrawn) });
}

/** Display names for sentences about people: the names Teams gave in the mentions, then the people the core knows. */
export function namesFor(turn: Turn, people: PersonRow[]): Map<string, string> {
  const names = new Map(mentionEntities(turn.tc.activity).map((m) => [m.id, m.name]));
  for (const p of people) if (p.display_name) names.set(p.external_id, p.display_name);
  return names;
}

/**
 * Where a kudos given in this conversation is posted: in a channel or group chat, as an answer in its thread
 * (a channel thread is the conversation id with `;messageid=<root>`); from a personal chat, in the kudos
 * channel when one is set, else right there.
 */
export function placeHere(turn: Turn, settings: Pick<Settings, 'kudosChannel'>): PostPlace {
  const here = turn.tc.activity.conversation.id;
  return conversationKind(turn.tc.activity) === 'personal' ? placeFor(settings, { channelId: here }) : { channelId: here, threadTs: null };
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
    team: teamHere(turn),
  });
  if (result.status === 'refused') {
    await tellPrivately(ctx, turn, { type: 'message', text: refusalMessage(result.refusals, namesFor(turn, result.people), turn.botName) });
    return;
  }
  // A re-delivery finds the kudos recorded: it is posted now only if a stop had left it unposted.
  const settings = result.status === 'given' ? result.settings : (await giveGuide(ctx.db, turn.ws)).settings;
  const held = result.status === 'given' ? result.postClaim : null;
  const outcome = await publishKudos(turn.core, turn.ws, result.kudos, placeHere(turn, settings), { live: turnReply(turn.tc), held });
  if (result.status === 'duplicate') {
    if (personal && outcome.status === 'claimed_elsewhere') await turn.tc.sendActivity(duplicateMessage(result.kudos));
    return;
  }
  const notice = postNotice(outcome);
  const names = namesFor(turn, result.people);
  if (personal) {
    const confirm = confirmationMessage(result.kudos, result.skipped, result.allowance, names);
    await turn.tc.sendActivity(notice ? `${confirm}\n\n${notice}` : confirm);
    return;
  }
  const notes = [result.skipped.length ? skippedMessage(result.skipped, names) : null, notice].filter(Boolean);
  if (notes.length) await tellPrivately(ctx, turn, { type: 'message', text: notes.join('\n\n') });
}

/**
 * The team whose channel this turn is in: a kudos given there makes its giver and recipients members of that
 * team (kudos between teams). Null in a personal or group chat.
 */
export function teamHere(turn: Turn): TeamOfGive | null {
  const a = turn.tc.activity;
  const team = channelData(a).team;
  return conversationKind(a) === 'channel' && team?.id ? { key: team.id, name: team.name ?? null } : null;
}

/** Whether the sender is an admin (Teams reports no tenant admins: the admin list and KUDOS_ADMINS decide). */
function isListedAdmin(ctx: TeamsContext, turn: Turn, settings: Settings): boolean {
  return !!turn.sender && adminVia(turn.sender, settings, teamsSeedAdmins(ctx.seedAdmins)) !== null;
}
