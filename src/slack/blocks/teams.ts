import { GRID_WEEKS, type TeamGrid, type TeamsOverview } from '../../core/cross-team';
import { plural } from '../../core/digest-text';
import type { PlatformGroup } from '../../core/ports';
import type { KnownBlock, ModalView } from '../types';
import { context as modalContext, input, modal, MODAL_LIMITS, option, plain, section as modalSection } from './admin-modal-kit';
import { button, context, divider, HOME_ACTION, section } from './home-kit';
import { listJoin, mrkdwnEscape, truncate } from './text';

/**
 * "Teams" on the admin part of the App Home (which Slack user groups are teams, and a team × team table of the
 * last four weeks' thanks) and the form to choose them. Pure renderers; the listeners are in ../listeners/teams.ts
 * and the use cases in src/core/cross-team.ts.
 */

export const TEAMS_CALLBACK = Object.freeze({ choose: 'admin_teams_choose_form', result: 'admin_teams_result' });
export const TEAMS_BLOCK = Object.freeze({ home: 'admin_teams', groups: 'teams_groups', grid: 'admin_teams_grid' });

export const TEAMS_LIMITS = Object.freeze({ namesListed: 12, nameInList: 40, gridLabel: 12 });

/** The Teams section of an admin's Home. */
export function teamsBlocks(o: TeamsOverview): KnownBlock[] {
  const names = o.teams.slice(0, TEAMS_LIMITS.namesListed).map((t) => `${mrkdwnEscape(truncate(t.name, TEAMS_LIMITS.nameInList))} (${t.members})`);
  const more = o.teams.length - names.length;
  const summary = o.teams.length
    ? `${plural(o.teams.length, 'team')}: ${listJoin(more ? [...names, `${more} more`] : names)}. Members are read from Slack when you save and every day.`
    : 'No teams yet. Choose the Slack user groups that are your teams, and the weekly digest says how many kudos crossed team lines.';
  const blocks: KnownBlock[] = [divider, section(`*Teams*\n${summary}`, button('Choose teams…', HOME_ACTION.chooseTeams, 'teams'), TEAMS_BLOCK.home)];
  if (o.teams.length) blocks.push(...gridBlocks(o.grid));
  return blocks;
}

function gridBlocks(g: TeamGrid): KnownBlock[] {
  const total = g.counts.reduce((n, row) => n + row.reduce((a, b) => a + b, 0), 0);
  if (!total) return [context(`No kudos between people in teams in the last ${GRID_WEEKS} weeks.`)];
  const note = [
    `Thanks in the last ${GRID_WEEKS} weeks: rows give, columns receive (the numbers are the rows' teams). Someone in several teams counts in each.`,
    g.others ? `${plural(g.others, 'smaller team')} not shown.` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return [section(`\`\`\`${gridText(g)}\`\`\``, undefined, TEAMS_BLOCK.grid), context(note)];
}

/**
 * The table as monospace text (Block Kit has no tables): a row per giving team, numbered, with names cut to
 * fit; columns are the receiving teams by the same numbers. Inside a code block Slack formats nothing, but &, <
 * and > are still escaped (after padding, so the columns line up as shown).
 */
export function gridText(g: TeamGrid): string {
  const labels = g.teams.map((t, i) => `${i + 1} ${cut(t.name, TEAMS_LIMITS.gridLabel)}`);
  const labelWidth = Math.max(...labels.map((l) => l.length));
  const cellWidth = Math.max(3, ...g.counts.flat().map((n) => String(n).length + 1), String(g.teams.length).length + 1);
  const head = `${' '.repeat(labelWidth)} ${g.teams.map((_, i) => String(i + 1).padStart(cellWidth)).join('')}`;
  const rows = g.counts.map((row, i) => `${mrkdwnEscape(labels[i].padEnd(labelWidth))} ${row.map((n) => (n ? String(n) : '·').padStart(cellWidth)).join('')}`);
  return [head, ...rows].join('\n');
}

function cut(s: string, max: number): string {
  const one = s.replace(/\s+/g, ' ').replace(/`/g, "'");
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** The form: a multi-select of the workspace's user groups (Slack allows 100 options), the teams already chosen. */
export function chooseTeamsModal(groups: PlatformGroup[], marked: string[]): ModalView {
  const shown = groups.slice(0, MODAL_LIMITS.options);
  const label = (g: PlatformGroup) => `${g.name}${g.handle ? ` (@${g.handle})` : ''}${g.members !== null ? ` · ${g.members}` : ''}`;
  const initial = shown.filter((g) => marked.includes(g.key)).map((g) => option(label(g), g.key));
  return modal({
    callbackId: TEAMS_CALLBACK.choose,
    title: 'Choose teams',
    submit: 'Save',
    blocks: [
      modalSection('Which user groups are teams? Kudos counts how many kudos cross team lines: the weekly digest says so, and this page shows a table of thanks between teams.'),
      input(
        TEAMS_BLOCK.groups,
        'Teams',
        { type: 'multi_static_select', placeholder: plain('Choose user groups'), options: shown.map((g) => option(label(g), g.key)), ...(initial.length ? { initial_options: initial } : {}) },
        { optional: true },
      ),
      modalContext(
        [
          'Someone in several teams counts in each; someone in none counts as "no team". Members are read from Slack now and every day. Leave it empty for no teams.',
          groups.length > shown.length ? `Showing ${shown.length} of ${groups.length} user groups (the teams first, then by name).` : '',
        ]
          .filter(Boolean)
          .join(' '),
      ),
    ],
  });
}

/** A modal with one message (loading, a problem, what was saved). */
export function teamsMessageModal(title: string, text: string): ModalView {
  return modal({ callbackId: TEAMS_CALLBACK.result, title, submit: null, close: 'Close', blocks: [modalSection(text)] });
}

export const TEAMS_TEXT = Object.freeze({
  loading: 'Looking up your user groups…',
  missingScope:
    'Kudos may not read your user groups yet: it needs the `usergroups:read` permission, which came with a newer version. Ask whoever installed Kudos to reinstall it (or update the app from its manifest), then choose teams again.',
  unavailable: 'Slack did not list your user groups just now. Please try again in a minute.',
  noGroups:
    'This workspace has no user groups yet. Create one for each team in Slack (People → User groups; user groups need a paid plan), then come back here to mark them as teams.',
  saving: "Saving your teams and reading their members from Slack. Your Home shows them in a moment.",
});
