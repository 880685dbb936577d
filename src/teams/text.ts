import type { Activity } from 'botbuilder';
import { isBotAccount, mentionEntities } from './activity';

/**
 * Turns a Teams message into the text `parseThanks` reads (Slack's escaped form): each `<at>…</at>` becomes
 * `<@teamsUserId>` from its mention entity, the bot's own mention goes, and the person's own `&`, `<`, `>`
 * are escaped. Entities, not the text, say who was mentioned (the sender can edit the text); a tag with no
 * entity stays as the words it holds.
 */
export function thanksTextFromActivity(a: Partial<Activity>): string {
  const text = a.text ?? '';
  const mentions = mentionEntities(a);
  const used = new Set<number>();
  const pick = (tag: string, inner: string): number => {
    let i = mentions.findIndex((m, idx) => !used.has(idx) && m.text === tag);
    // Entity text and message text sometimes differ (`<at>@Name</at>` vs `<at>Name</at>`): fall back to the name.
    if (i === -1) i = mentions.findIndex((m, idx) => !used.has(idx) && sameName(m.name, inner));
    if (i !== -1) used.add(i);
    return i;
  };
  let out = '';
  let last = 0;
  for (const m of text.matchAll(/<at(?:\s[^>]*)?>([\s\S]*?)<\/at>/gi)) {
    out += escapeText(text.slice(last, m.index));
    last = m.index + m[0].length;
    const i = pick(m[0], m[1]);
    if (i === -1) {
      out += escapeText(`@${m[1]}`);
      continue;
    }
    const who = mentions[i];
    if (who.id === a.recipient?.id) continue;
    // People are `29:` ids; another bot or a channel/team/tag mention is kept as its name (no kudos to those).
    out += who.id.startsWith('29:') && !isBotAccount(a, { id: who.id }) ? `<@${who.id}>` : escapeText(`@${who.name || m[1]}`);
  }
  out += escapeText(text.slice(last));
  return out.replace(/\u00a0/g, ' ').trim();
}

function sameName(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/^@/, '').trim().toLowerCase();
  return norm(a) === norm(b);
}

function escapeText(s: string): string {
  return s.replace(/&nbsp;/g, ' ').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Plain words a person typed, for keyword checks (`help`, `settings`) once the bot's mention is gone. */
export function plainCommand(a: Partial<Activity>): string {
  return thanksTextFromActivity(a).replace(/&lt;|&gt;|&amp;/g, ' ').trim().toLowerCase();
}
