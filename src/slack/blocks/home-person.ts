import { plural } from '../../core/digest-text';
import type { HomeData, HomeKudos } from '../../core/home';
import { allowanceText } from '../../core/refusals';
import { personDataBlocks } from './data';
import type { KnownBlock } from '../types';
import { button, context, divider, header, HOME_ACTION, HOME_BLOCK, HOME_LIMITS, section, slackDate } from './home-kit';
import { emoji, messageMrkdwn, mrkdwnEscape, personRef, quote, truncate } from './text';

/** The part of the App Home everyone sees: their own kudos, today's allowance, the challenge, their preferences. */
export function personalBlocks(h: HomeData): KnownBlock[] {
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
    { type: 'actions', block_id: HOME_BLOCK.give, elements: [button(':raised_hands: Give kudos', HOME_ACTION.give, 'home', { style: 'primary' })] } as KnownBlock,
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

  if (h.person.erased) {
    // Forgotten at their request (or an admin's): no preferences to turn back on, nothing more to erase.
    blocks.push(divider, section('*Your data*\nKudos has forgotten you: your name and messages were removed, you get no DMs from Kudos, and you are never ranked.'));
    return blocks;
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
    divider,
    ...personDataBlocks(),
  );
  return blocks;
}

function receivedBlocks(k: HomeKudos): KnownBlock[] {
  const from = personRef(k.giver);
  const when = slackDate(k.createdAt, '{date_short_pretty}');
  let body: string;
  if (k.source === 'reaction' && !k.message.trim()) body = `${from} reacted ${k.emoji ? emoji(k.emoji) : ''} to ${k.permalink ? `<${k.permalink}|your message>` : 'your message'}`;
  else if (k.source === 'pileon' || k.source === 'teams_pileon') body = `${from} added their thanks${k.message.trim() ? `\n${quote(truncate(messageMrkdwn(k.message.trim()), HOME_LIMITS.kudosMessage))}` : ''}`;
  else body = `${from}\n${quote(truncate(messageMrkdwn(k.message.trim() || '…'), HOME_LIMITS.kudosMessage))}`;
  const notes = [when, ...k.values.slice(0, 5).map((v) => `${emoji(v.emoji)} ${mrkdwnEscape(truncate(v.label, 60))}`)];
  if (k.permalink && k.source !== 'reaction' && k.permalink.length < 500) notes.push(`<${k.permalink}|Where it happened>`);
  return [section(body), context(notes.join('   '))];
}
