import { randomUUID } from 'node:crypto';
import type { MessagingExtensionActionResponse, TaskModuleResponse } from 'botbuilder';
import { giveKudos } from '../../core/give';
import { channelName, giveGuide } from '../../core/help';
import type { LiveReply, PostPlace } from '../../core/ports';
import { publishKudos, reportPost, whereFor, type GivenAt } from '../../core/publish';
import type { Settings } from '../../core/settings';
import { allowanceText, refusalsByField, skipText } from '../../core/refusals';
import { conversationKind } from '../activity';
import { cardAttachment, listJoin } from '../cards/common';
import { FIELD, GIVE_FORM, giveFormCard, splitChoices, whereIsText, type GiveFormInput, type WhereView } from '../cards/give-form';
import { postNotice } from '../cards/messages';
import type { TeamsContext, Turn } from '../context';
import { firstThatPosts, turnReply } from '../notifier';
import { namesFor, placeHere, teamHere } from './message';

type FormResponse = TaskModuleResponse & MessagingExtensionActionResponse;

/** The message a message action was used on, as Teams describes it (`messagePayload`). */
export interface MessagePayload {
  id?: string;
  linkToMessage?: string;
  from?: { user?: { id?: string; displayName?: string } | null } | null;
  body?: { contentType?: string; content?: string };
}

const TITLE = 'Give kudos';

function dialog(card: GiveFormInput, title = TITLE): FormResponse {
  return { task: { type: 'continue', value: { title, width: 'medium', height: 'large', card: cardAttachment(giveFormCard(card)) as never } } };
}

function popup(text: string): FormResponse {
  return { task: { type: 'message', value: text } };
}

/**
 * Opens the form (`composeExtension/fetchTask` from the message action or the compose box, `task/fetch` from a
 * card button). From a message, its author is already picked and the message is quoted.
 */
export async function fetchGiveForm(ctx: TeamsContext, turn: Turn, payload?: MessagePayload | null): Promise<FormResponse> {
  const { settings, values } = await giveGuide(ctx.db, turn.ws);
  const author = payload?.from?.user;
  const me = turn.tc.activity.from;
  const people = author?.id && author.id !== me.id && author.id !== me.aadObjectId ? [{ id: author.id, name: author.displayName ?? '' }] : [];
  return dialog({
    where: (await placeOfForm(ctx, turn, settings, !!payload?.id)).view,
    values,
    valueRequired: settings.valueRequired,
    minMessageLength: settings.minMessageLength,
    context: { formId: randomUUID(), messageId: payload?.id ?? null, permalink: payload?.linkToMessage ?? null },
    people,
    quote: payload?.body?.content ? { author: author?.displayName ?? '', text: plainText(payload.body.content) } : null,
  });
}

/**
 * Where a kudos from this form is posted, decided once for the form's sentence, the post and the confirmation:
 * the place a message here would put it (placeHere: in a channel or group chat, where the form was used, in the
 * message's thread in a channel; in a personal chat, the kudos channel when there is one), and its description.
 */
async function placeOfForm(
  ctx: TeamsContext,
  turn: Turn,
  settings: Pick<Settings, 'kudosChannel'>,
  forMessage: boolean,
): Promise<{ place: PostPlace; given: GivenAt; view: WhereView }> {
  const a = turn.tc.activity;
  // A channel thread's conversation id is the channel's with ";messageid=<root>": a reply goes in that thread.
  const given: GivenAt = { channelId: a.conversation.id, threadTs: /;messageid=(.+)$/.exec(a.conversation.id)?.[1] ?? null, forMessage };
  const place = placeHere(turn, settings);
  const where = whereFor(settings, place, given);
  return { place, given, view: { where, here: conversationKind(a), forMessage, channelName: await kudosChannelName(ctx, turn, settings) } };
}

async function kudosChannelName(ctx: TeamsContext, turn: Turn, settings: Pick<Settings, 'kudosChannel'>): Promise<string | null> {
  return settings.kudosChannel ? channelName(ctx.db, turn.ws, settings.kudosChannel).catch(() => null) : null;
}

/** Message bodies come as HTML; the form quotes them as words. */
function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The form submitted (`composeExtension/submitAction` or `task/submit`). Refusals come back as the same form
 * with the person's input and an error under each field; a kudos is posted as a card and confirmed in a popup.
 * Teams retries a submit that takes over five seconds: the form's id makes the retry a no-op.
 */
export async function submitGiveForm(ctx: TeamsContext, turn: Turn, data: Record<string, unknown> | undefined): Promise<FormResponse> {
  if (!data || data.kudosForm !== GIVE_FORM) return popup('That form is out of date. Please open Give kudos again.');
  const formId = typeof data.formId === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(data.formId) ? data.formId : null;
  if (!formId) return popup('That form is out of date. Please open Give kudos again.');
  const a = turn.tc.activity;
  const text = (k: string) => (typeof data[k] === 'string' ? (data[k] as string) : '');
  const picked = splitChoices(data[FIELD.recipients]);
  const recipients = await toTeamsIds(turn, picked);
  const values = splitChoices(data[FIELD.values]);
  const message = text(FIELD.message).trim();
  const messageId = typeof data.messageId === 'string' ? data.messageId : null;
  const permalink = typeof data.permalink === 'string' && /^https:\/\//.test(data.permalink) ? data.permalink : null;

  const result = await giveKudos(turn.core, turn.ws, {
    workspaceId: turn.ws.id,
    giver: a.from.id,
    recipients,
    message,
    values,
    source: 'teams_form',
    sourceKey: `teams:form:${formId}`,
    channelId: a.conversation.id,
    messageTs: messageId,
    permalink,
    team: teamHere(turn),
  });
  if (result.status === 'refused') {
    const { settings, values: valueRows } = await giveGuide(ctx.db, turn.ws);
    const names = namesFor(turn, result.people);
    return dialog({
      where: (await placeOfForm(ctx, turn, settings, !!messageId)).view,
      values: valueRows,
      valueRequired: settings.valueRequired,
      minMessageLength: settings.minMessageLength,
      context: { formId, messageId, permalink },
      entered: { recipients: picked.join(','), values: values.join(','), message },
      errors: refusalsByField(result.refusals, valueRows.length > 0, (id) => names.get(id) || 'that person'),
    });
  }
  const who = listJoin(result.kudos.recipients.map((r) => r.displayName || 'someone'));
  const settings = result.status === 'given' ? result.settings : (await giveGuide(ctx.db, turn.ws)).settings;
  // The card goes where a message would put it. A form can be used in a chat the bot is not part of: there the
  // turn's own reply fails too, and the kudos channel is the next best place.
  const kudosChannel = settings.kudosChannel;
  const elsewhere: LiveReply[] =
    conversationKind(a) !== 'personal' && kudosChannel ? [{ post: (k) => turn.core.notifier.postKudos(turn.ws, k, { channelId: kudosChannel }) }] : [];
  const held = result.status === 'given' ? result.postClaim : null;
  // The place the form said (placeOfForm); the turn's reply, then the kudos channel, when it cannot be used.
  const { place, given, view } = await placeOfForm(ctx, turn, settings, !!messageId);
  const outcome = await publishKudos(turn.core, turn.ws, result.kudos, place, { live: firstThatPosts([turnReply(turn.tc), ...elsewhere]), held });
  if (result.status === 'duplicate') return popup(`Your kudos to ${who} is already recorded.`);
  const lines = [`Kudos sent to ${who}!`];
  // Where it went (saying so when that is not where the form said), or, when it is not posted, why.
  const notice = postNotice(outcome);
  const where = whereIsText(view, reportPost(settings, given, view.where, outcome));
  if (where && !notice) lines.push(where);
  if (result.skipped.length) {
    const names = namesFor(turn, result.people);
    lines.push(`Left out: ${result.skipped.map((s) => skipText(s, (id) => names.get(id) || 'someone')).join(', ')}.`);
  }
  lines.push(allowanceText(result.allowance));
  if (notice) lines.push(notice.replace(/^\S+ /, ''));
  return popup(lines.join(' '));
}

/**
 * The people picker submits Entra object ids; the ledger knows people by their Teams ids. Each is looked up with
 * the member API; one nobody knows stays as it is and is refused as not found.
 */
async function toTeamsIds(turn: Turn, ids: string[]): Promise<string[]> {
  return Promise.all(
    ids.map(async (id) => {
      if (id.startsWith('29:')) return id;
      try {
        return (await turn.directory.member(id))?.id ?? id;
      } catch {
        return id;
      }
    }),
  );
}
