import { crossTeamSentence, type CrossTeamWeek, type TeamGrid, type TeamsOverview } from '../../src/core/cross-team';
import { chooseTeamsModal, gridText, teamsBlocks } from '../../src/slack/blocks/teams';

const grid = (names: string[], others = 0): TeamGrid => ({
  since: new Date('2026-10-30T00:00:00Z'),
  until: new Date('2026-11-27T00:00:00Z'),
  teams: names.map((name, i) => ({ id: name === 'No team' ? null : i + 1, name })),
  counts: names.map((_, i) => names.map((__, j) => (i === j ? 120 : i + j))),
  others,
});

const overview = (g: TeamGrid, teams = 3): TeamsOverview => ({
  teams: Array.from({ length: teams }, (_, i) => ({ id: i + 1, key: `S${i}`, name: `Team ${i + 1}`, handle: null, members: 4, refreshedAt: null })),
  grid: g,
});

describe('Teams on the Slack App Home', () => {
  it('draws the table as aligned monospace text, names cut to fit and numbered for the columns', () => {
    const text = gridText(grid(['Customer Support Europe', 'Billing', 'No team']));
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0].trim().split(/\s+/)).toEqual(['1', '2', '3']);
    expect(lines[1]).toMatch(/^1 Customer Su… +120 +1 +2$/);
    expect(lines[3]).toMatch(/^3 No team +2 +3 +120$/);
    // Every row as long as the header: the columns line up.
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });

  it('shows at most the busiest teams and says how many were left out', () => {
    const names = [...Array.from({ length: 8 }, (_, i) => `Team ${i + 1}`), 'No team'];
    const blocks = teamsBlocks(overview(grid(names, 3), 11));
    const json = JSON.stringify(blocks);
    expect(json).toContain('3 smaller teams not shown');
    expect(json).toContain('11 teams: Team 1 (4)');
    const table = blocks.find((b: any) => b.block_id === 'admin_teams_grid') as any;
    expect(table.text.text.split('\n')).toHaveLength(10);
    expect(table.text.text.length).toBeLessThan(3000);
  });

  it('invites an admin to choose teams when there are none, without a table', () => {
    const blocks = teamsBlocks(overview(grid([]), 0));
    expect(JSON.stringify(blocks)).toContain('No teams yet');
    expect(blocks.some((b: any) => b.block_id === 'admin_teams_grid')).toBe(false);
  });

  it('offers at most 100 user groups in the form, and says so', () => {
    const groups = Array.from({ length: 130 }, (_, i) => ({ key: `S${i}`, name: `Group ${i}`, handle: `g${i}`, members: i }));
    const view = chooseTeamsModal(groups, ['S0', 'S120']);
    const select = (view.blocks as any[]).find((b) => b.block_id === 'teams_groups').element;
    expect(select.options).toHaveLength(100);
    expect(select.initial_options.map((o: any) => o.value)).toEqual(['S0']);
    expect(JSON.stringify(view)).toContain('Showing 100 of 130 user groups');
  });

  it('words the digest line with and without last week and a top pair', () => {
    const week: CrossTeamWeek = { teams: 3, pairs: 50, crossing: 17, share: 0.34, previousShare: 0.21, topPair: { a: 'Billing', b: 'Support', count: 12 } };
    const plain = { strong: (x: string) => x, team: (n: string) => n };
    expect(crossTeamSentence(week, plain)).toBe('🤝 34% of kudos crossed team lines this week (last week 21%). Billing and Support thanked each other most (12).');
    expect(crossTeamSentence({ ...week, previousShare: null, topPair: null }, plain)).toBe('🤝 34% of kudos crossed team lines this week.');
    expect(crossTeamSentence({ ...week, share: null, pairs: 0 }, plain)).toBeNull();
    expect(crossTeamSentence({ ...week, teams: 0 }, plain)).toBeNull();
  });
});
