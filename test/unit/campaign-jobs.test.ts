import { DateTime } from 'luxon';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/settings';
import type { ObservanceSettings } from '../../src/core/observances';
import type { JobRunRow, WorkspaceRow } from '../../src/db/schema';
import {
  CAMPAIGN_JOBS,
  CSW_ANNOUNCE_KIND,
  CSW_DAY_KIND,
  CSW_KICKOFF_KIND,
  CSW_RECAP_KIND,
  LOOKBACK_DAYS,
  OBSERVANCE_KIND,
  cswAnnounceJob,
  cswDayJob,
  cswKickoffJob,
  customerServiceWeekSchedule,
  localTimeOn,
  observanceJob,
} from '../../src/jobs/campaign-jobs';
import type { JobSource } from '../../src/jobs/ports';

const ws = (zone: string) => ({ id: 1, time_zone: zone }) as WorkspaceRow;

function settingsWith(observances: Partial<ObservanceSettings> = {}, over: Partial<Settings> = {}): Settings {
  return {
    ...structuredClone(DEFAULT_SETTINGS),
    kudosChannel: 'CKUDOS',
    ...over,
    observances: { ...structuredClone(DEFAULT_SETTINGS.observances), ...observances },
  } as Settings;
}

const at = (iso: string) => new Date(iso);
const local = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone });

/** What a scheduler ticking every `stepMin` minutes from `from` to `to` would claim: first sighting per (kind, period). */
function simulate(sources: readonly JobSource[], zone: string, settings: Settings, from: string, to: string, stepMin = 30) {
  const seen = new Map<string, { dueAt: Date; firstSeen: Date; target: string | null }>();
  for (let t = at(from).getTime(); t <= at(to).getTime(); t += stepMin * 60_000) {
    const now = new Date(t);
    for (const s of sources) {
      for (const d of s.due(ws(zone), settings, now)) {
        expect(d.dueAt.getTime()).toBeLessThanOrEqual(t);
        const key = `${s.kind}/${d.periodKey}`;
        const earlier = seen.get(key);
        if (earlier) expect(earlier.dueAt.getTime()).toBe(d.dueAt.getTime());
        else seen.set(key, { dueAt: d.dueAt, firstSeen: now, target: d.target });
      }
    }
  }
  return seen;
}

describe('Customer Service Week schedule', () => {
  it.each([
    // 2026: the week is 5–9 October. New York is on EDT (UTC-4) throughout.
    ['America/New_York', 2026, '2026-09-28T13:00:00.000Z', '2026-10-05T13:00:00.000Z', '2026-10-12T13:00:00.000Z'],
    // Sydney moves to daylight time (UTC+10 → +11) on Sunday 4 October 2026, between the announcement and the week.
    ['Australia/Sydney', 2026, '2026-09-27T23:00:00.000Z', '2026-10-04T22:00:00.000Z', '2026-10-11T22:00:00.000Z'],
    // Auckland is on NZDT (UTC+13) from 27 September 2026: the Monday 09:00 is still Sunday in UTC.
    ['Pacific/Auckland', 2026, '2026-09-27T20:00:00.000Z', '2026-10-04T20:00:00.000Z', '2026-10-11T20:00:00.000Z'],
    ['Asia/Kolkata', 2027, '2027-09-27T03:30:00.000Z', '2027-10-04T03:30:00.000Z', '2027-10-11T03:30:00.000Z'],
    ['UTC', 2027, '2027-09-27T09:00:00.000Z', '2027-10-04T09:00:00.000Z', '2027-10-11T09:00:00.000Z'],
  ])('in %s (%i): announced, kicked off and recapped at 09:00 local', (zone, year, announce, kickoff, recap) => {
    const s = customerServiceWeekSchedule(year, { announceDaysBefore: 7, postTime: '09:00' }, zone);
    expect(s.announce?.toISOString()).toBe(announce);
    expect(s.kickoff.toISOString()).toBe(kickoff);
    expect(s.recap.toISOString()).toBe(recap);
    expect(s.days.map((d) => local(d, zone).toFormat('ccc HH:mm'))).toEqual(['Mon 09:00', 'Tue 09:00', 'Wed 09:00', 'Thu 09:00', 'Fri 09:00']);
    expect(s.campaign.key).toBe(`csw-${year}`);
    // The campaign's days run from Monday 00:00 to the end of Friday, locally.
    expect(local(s.campaign.start, zone).toFormat('ccc HH:mm')).toBe('Mon 00:00');
    expect(local(s.campaign.end, zone).toFormat('ccc HH:mm')).toBe('Sat 00:00');
  });

  it.each(['America/New_York', 'Australia/Sydney', 'Pacific/Auckland', 'Europe/London', 'Asia/Kolkata'])(
    'a scheduler ticking every half hour through September and October in %s sees each post once, on time, under its period key',
    (zone) => {
      const seen = simulate(CAMPAIGN_JOBS, zone, settingsWith({ builtIn: { ...DEFAULT_SETTINGS.observances.builtIn } }), '2026-09-20T00:00:00Z', '2026-10-20T00:00:00Z');
      expect([...seen.keys()].sort()).toEqual(
        [
          `${CSW_ANNOUNCE_KIND}/2026`,
          `${CSW_KICKOFF_KIND}/2026`,
          `${CSW_DAY_KIND}/2026-1`,
          `${CSW_DAY_KIND}/2026-2`,
          `${CSW_DAY_KIND}/2026-3`,
          `${CSW_DAY_KIND}/2026-4`,
          `${CSW_DAY_KIND}/2026-5`,
          `${CSW_RECAP_KIND}/2026`,
        ].sort(),
      );
      for (const [key, v] of seen) {
        // Seen at the first tick at or after it was due: never early, at most one tick late.
        expect(v.firstSeen.getTime() - v.dueAt.getTime()).toBeLessThan(30 * 60_000);
        expect(local(v.dueAt, zone).toFormat('HH:mm')).toBe('09:00');
        expect(v.target).toBe('CKUDOS');
        if (key.startsWith(CSW_DAY_KIND)) {
          const day = Number(key.slice(-1));
          expect(local(v.dueAt, zone).weekday).toBe(day);
          expect(local(v.dueAt, zone).toISODate()).toBe(`2026-10-0${4 + day}`);
        }
      }
    },
  );

  it('posts in the observance channel when one is set, and at the configured time', () => {
    const settings = settingsWith({ channel: 'CCAMPAIGN', postTime: '10:30', announceDaysBefore: 3 });
    const s = customerServiceWeekSchedule(2026, settings.observances, 'Europe/London');
    expect(s.announce?.toISOString()).toBe('2026-10-02T09:30:00.000Z');
    const due = cswAnnounceJob.due(ws('Europe/London'), settings, at('2026-10-02T09:30:00Z'));
    expect(due).toEqual([{ periodKey: '2026', dueAt: at('2026-10-02T09:30:00Z'), target: 'CCAMPAIGN' }]);
  });

  it('uses the digest time zone when the workspace set one', () => {
    const settings = settingsWith({}, { digest: { ...DEFAULT_SETTINGS.digest, timeZone: 'Asia/Tokyo' } });
    const [run] = cswKickoffJob.due(ws('America/New_York'), settings, at('2026-10-05T00:00:00Z'));
    expect(run.dueAt.toISOString()).toBe('2026-10-05T00:00:00.000Z'); // 09:00 in Tokyo
  });

  it('has no announcement when announceDaysBefore is 0, and nothing at all when the week is switched off', () => {
    expect(cswAnnounceJob.due(ws('UTC'), settingsWith({ announceDaysBefore: 0 }), at('2026-10-04T12:00:00Z'))).toEqual([]);
    const off = settingsWith({ builtIn: { ...DEFAULT_SETTINGS.observances.builtIn, 'customer-service-week': { enabled: false, prompt: null } } });
    const now = at('2026-10-09T12:00:00Z');
    for (const source of CAMPAIGN_JOBS) expect(source.due(ws('UTC'), off, now).filter((d) => !d.periodKey.includes(':'))).toEqual([]);
  });

  it(`offers the occurrences of the last ${LOOKBACK_DAYS} days (so the scheduler can record a miss beyond its grace window), no older`, () => {
    const settings = settingsWith();
    // Friday evening: all five days are due, in order.
    expect(cswDayJob.due(ws('UTC'), settings, at('2026-10-09T18:00:00Z')).map((d) => d.periodKey)).toEqual(['2026-1', '2026-2', '2026-3', '2026-4', '2026-5']);
    // Ten days after the kickoff it is still offered; sixteen days after, it is not.
    expect(cswKickoffJob.due(ws('UTC'), settings, at('2026-10-15T09:00:00Z')).map((d) => d.periodKey)).toEqual(['2026']);
    expect(cswKickoffJob.due(ws('UTC'), settings, at('2026-10-21T09:00:01Z'))).toEqual([]);
    // Before its time, nothing.
    expect(cswKickoffJob.due(ws('UTC'), settings, at('2026-10-05T08:59:59Z'))).toEqual([]);
  });
});

describe('observance reminders', () => {
  it.each([
    // Employee Appreciation Day, first Friday of March: 6 March 2026 (EST, UTC-5).
    ['employee-appreciation-day', 'America/New_York', '2026-03-06T14:00:00.000Z'],
    // 4 July 2026 in Los Angeles (PDT, UTC-7).
    ['independence-day', 'America/Los_Angeles', '2026-07-04T16:00:00.000Z'],
    // Thanksgiving, fourth Thursday of November: 26 November 2026, after New York went back to EST.
    ['thanksgiving', 'America/New_York', '2026-11-26T14:00:00.000Z'],
  ])('%s in %s: on the morning of the day, period key <key>:<year>', (key, zone, due) => {
    const runs = observanceJob.due(ws(zone), settingsWith(), new Date(Date.parse(due) + 60_000));
    expect(runs).toEqual([{ periodKey: `${key}:2026`, dueAt: new Date(due), target: 'CKUDOS' }]);
  });

  it('goes out the day before when configured', () => {
    const settings = settingsWith({ reminderTiming: 'day-before' });
    expect(observanceJob.due(ws('America/New_York'), settings, at('2026-11-25T13:59:00Z'))).toEqual([]);
    expect(observanceJob.due(ws('America/New_York'), settings, at('2026-11-25T14:00:00Z'))).toEqual([
      { periodKey: 'thanksgiving:2026', dueAt: at('2026-11-25T14:00:00Z'), target: 'CKUDOS' },
    ]);
  });

  it('a day-before reminder for 1 January goes out on 31 December, keyed by the year of the day itself', () => {
    const settings = settingsWith({
      reminderTiming: 'day-before',
      custom: [{ id: 'new-year', name: 'New Year', rule: { kind: 'fixed', month: 1, day: 1 }, message: 'Thank someone who carried you through the year.', days: 1 }],
    });
    expect(observanceJob.due(ws('Europe/Paris'), settings, at('2026-12-31T09:00:00Z'))).toEqual([
      { periodKey: 'custom:new-year:2027', dueAt: at('2026-12-31T08:00:00Z'), target: 'CKUDOS' },
    ]);
  });

  it('a reminder time that daylight saving skips moves forward to the first real minute', () => {
    // 14 March 2027, the second Sunday of March: New York clocks go from 02:00 to 03:00.
    const settings = settingsWith({
      postTime: '02:30',
      custom: [{ id: 'pi', name: 'Pi Day', rule: { kind: 'nth-weekday', n: 2, weekday: 7, month: 3 }, message: 'Thank someone precise.', days: 1 }],
    });
    const run = observanceJob.due(ws('America/New_York'), settings, at('2027-03-14T12:00:00Z')).find((r) => r.periodKey === 'custom:pi:2027')!;
    expect(local(run.dueAt, 'America/New_York').toFormat('HH:mm')).toBe('03:30');
    expect(localTimeOn('2027-03-14', '02:30', 'America/New_York').toISOString()).toBe('2027-03-14T07:30:00.000Z');
  });

  it('leaves out switched-off observances, and Customer Service Week (it has its own posts)', () => {
    const builtIn = { ...DEFAULT_SETTINGS.observances.builtIn, thanksgiving: { enabled: false, prompt: null } };
    expect(observanceJob.due(ws('America/New_York'), settingsWith({ builtIn }), at('2026-11-26T15:00:00Z'))).toEqual([]);
    expect(observanceJob.due(ws('UTC'), settingsWith(), at('2026-10-09T18:00:00Z'))).toEqual([]);
  });

  it('a multi-day custom observance is reminded once, on its first day', () => {
    const settings = settingsWith({
      custom: [{ id: 'gratitude', name: 'Gratitude Week', rule: { kind: 'nth-weekday', n: 2, weekday: 1, month: 5 }, message: 'A week of thanks.', days: 5 }],
    });
    const seen = simulate([observanceJob], 'Europe/Berlin', settings, '2026-05-01T00:00:00Z', '2026-05-20T00:00:00Z', 60);
    expect([...seen.keys()]).toEqual([`${OBSERVANCE_KIND}/custom:gratitude:2026`]);
    expect(local([...seen.values()][0].dueAt, 'Europe/Berlin').toISO()).toBe('2026-05-11T09:00:00.000+02:00');
  });
});

describe('building a claimed run', () => {
  const run = (kind: string, periodKey: string, dueAt: string) => ({ kind, period_key: periodKey, due_at: new Date(dueAt) }) as JobRunRow;
  // These runs need no database (only Thursday's prompt and the recap read from it).
  const ctx = (r: JobRunRow, now: string, settings = settingsWith(), zone = 'UTC') => ({ db: undefined as never, workspace: ws(zone), settings, run: r, now: new Date(now) });

  it('builds each day with its own theme and a Give kudos button', async () => {
    const built = await cswDayJob.build(ctx(run(CSW_DAY_KIND, '2026-2', '2026-10-06T09:00:00Z'), '2026-10-06T09:00:00Z'));
    expect(built).toMatchObject({ post: { kind: 'campaign', post: { type: 'daily', subject: 'csw-2026', giveButton: true } } });
    if (!('post' in built) || built.post.kind !== 'campaign' || built.post.post.type === 'recap') throw new Error('expected a prompt');
    expect(built.post.post.text).toContain('day 2: Thank someone in another team');
  });

  it("skips a day's prompt caught up after that day ended, and an announcement caught up after the week began", async () => {
    // Tuesday's prompt, reached at 00:30 on Wednesday in New York (04:30 UTC).
    const late = await cswDayJob.build(ctx(run(CSW_DAY_KIND, '2026-2', '2026-10-06T13:00:00Z'), '2026-10-07T04:30:00Z', settingsWith(), 'America/New_York'));
    expect(late).toEqual({ skip: 'day_over' });
    const early = await cswDayJob.build(ctx(run(CSW_DAY_KIND, '2026-2', '2026-10-06T13:00:00Z'), '2026-10-07T03:30:00Z', settingsWith(), 'America/New_York'));
    expect('post' in early).toBe(true);
    expect(await cswAnnounceJob.build(ctx(run(CSW_ANNOUNCE_KIND, '2026', '2026-09-28T09:00:00Z'), '2026-10-05T00:00:00Z'))).toEqual({ skip: 'campaign_started' });
  });

  it("puts the admin's own words for the week into the kickoff", async () => {
    const plain = await cswKickoffJob.build(ctx(run(CSW_KICKOFF_KIND, '2026', '2026-10-05T09:00:00Z'), '2026-10-05T09:00:00Z'));
    const builtIn = { ...DEFAULT_SETTINGS.observances.builtIn, 'customer-service-week': { enabled: true, prompt: 'Lunch is on us on Friday.' } };
    const own = await cswKickoffJob.build(ctx(run(CSW_KICKOFF_KIND, '2026', '2026-10-05T09:00:00Z'), '2026-10-05T09:00:00Z', settingsWith({ builtIn })));
    const textOf = (b: typeof plain) => ('post' in b && b.post.kind === 'campaign' && b.post.post.type !== 'recap' ? b.post.post.text : '');
    expect(textOf(plain)).not.toContain('Lunch');
    const paragraphs = textOf(own).split('\n\n');
    expect(paragraphs[0]).toBe('*Happy Customer Service Week!*');
    expect(paragraphs[2]).toBe('Lunch is on us on Friday.');
    expect(paragraphs).toHaveLength(textOf(plain).split('\n\n').length + 1);
  });

  it('skips a run whose campaign was switched off after it was claimed', async () => {
    const off = settingsWith({ builtIn: { ...DEFAULT_SETTINGS.observances.builtIn, 'customer-service-week': { enabled: false, prompt: null } } });
    expect(await cswKickoffJob.build(ctx(run(CSW_KICKOFF_KIND, '2026', '2026-10-05T09:00:00Z'), '2026-10-05T09:00:00Z', off))).toEqual({ skip: 'disabled' });
  });

  it("words a reminder for when it goes out, with the admin's own prompt when there is one", async () => {
    const builtIn = { ...DEFAULT_SETTINGS.observances.builtIn, thanksgiving: { enabled: true, prompt: 'Thank the night shift.' } };
    const settings = settingsWith({ builtIn, reminderTiming: 'day-before' });
    const built = await observanceJob.build(ctx(run(OBSERVANCE_KIND, 'thanksgiving:2026', '2026-11-25T09:00:00Z'), '2026-11-25T09:00:00Z', settings));
    expect(built).toMatchObject({ post: { kind: 'campaign', post: { type: 'reminder', subject: 'thanksgiving', summary: 'Tomorrow: Thanksgiving', giveButton: true } } });
    if (!('post' in built) || built.post.kind !== 'campaign' || built.post.post.type === 'recap') throw new Error('expected a reminder');
    expect(built.post.post.text).toBe('*Tomorrow: Thanksgiving*\nThank the night shift.');

    const onTheDay = await observanceJob.build(ctx(run(OBSERVANCE_KIND, 'employee-appreciation-day:2026', '2026-03-06T09:00:00Z'), '2026-03-06T09:00:00Z'));
    if (!('post' in onTheDay) || onTheDay.post.kind !== 'campaign' || onTheDay.post.post.type === 'recap') throw new Error('expected a reminder');
    expect(onTheDay.post.post.text).toMatch(/^\*Employee Appreciation Day\*\n.*colleague.*customer/s);
  });

  it('builds a custom observance from its id (ids may contain the separator of the key), and skips one removed since', async () => {
    const custom = [{ id: 'founders', name: "Founders' Day", rule: { kind: 'fixed' as const, month: 6, day: 1 }, message: 'Thank someone who built this.', days: 1 }];
    const built = await observanceJob.build(ctx(run(OBSERVANCE_KIND, 'custom:founders:2026', '2026-06-01T09:00:00Z'), '2026-06-01T09:05:00Z', settingsWith({ custom })));
    expect(built).toMatchObject({ post: { post: { type: 'reminder', subject: 'custom:founders', text: "*Founders' Day*\nThank someone who built this." } } });
    expect(await observanceJob.build(ctx(run(OBSERVANCE_KIND, 'custom:founders:2026', '2026-06-01T09:00:00Z'), '2026-06-01T09:05:00Z'))).toEqual({ skip: 'disabled' });
    // Found again after the day ended (a long retry): not posted late.
    expect(await observanceJob.build(ctx(run(OBSERVANCE_KIND, 'custom:founders:2026', '2026-06-01T09:00:00Z'), '2026-06-02T00:00:00Z', settingsWith({ custom })))).toEqual({
      skip: 'observance_over',
    });
  });
});
