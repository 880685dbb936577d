import { DateTime } from 'luxon';
import { DEFAULT_SETTINGS, type Settings } from '../../src/core/settings';
import type { WorkspaceRow } from '../../src/db/schema';
import { digestJob, digestPeriodForKey, digestPeriodForRun, latestDigestPeriod, nextDigestPeriod } from '../../src/jobs/digest-job';

const local = (d: Date, zone: string) => DateTime.fromJSDate(d, { zone });
const FRIDAY_16 = { weekday: 5, time: '16:00' };

describe('digest schedule', () => {
  it.each([
    // Friday 16:00 in New York: EST is UTC-5, EDT is UTC-4.
    ['America/New_York', '2026-03-13T12:00:00Z', '2026-03-06T21:00:00.000Z', '2026-W10'],
    ['America/New_York', '2026-03-13T21:00:00Z', '2026-03-13T20:00:00.000Z', '2026-W11'],
    ['America/New_York', '2026-11-06T20:59:00Z', '2026-10-30T20:00:00.000Z', '2026-W44'],
    ['America/New_York', '2026-11-06T21:00:00Z', '2026-11-06T21:00:00.000Z', '2026-W45'],
    // Berlin: CET UTC+1, CEST UTC+2 (changes on the last Sundays of March and October).
    ['Europe/Berlin', '2026-03-27T15:00:00Z', '2026-03-27T15:00:00.000Z', '2026-W13'],
    ['Europe/Berlin', '2026-04-03T13:59:59Z', '2026-03-27T15:00:00.000Z', '2026-W13'],
    ['Europe/Berlin', '2026-04-03T14:00:00Z', '2026-04-03T14:00:00.000Z', '2026-W14'],
    ['Europe/Berlin', '2026-10-30T15:00:00Z', '2026-10-30T15:00:00.000Z', '2026-W44'],
    // Auckland: NZDT UTC+13 until the first Sunday of April, NZST UTC+12 until the last Sunday of September.
    ['Pacific/Auckland', '2026-04-03T03:00:00Z', '2026-04-03T03:00:00.000Z', '2026-W14'],
    ['Pacific/Auckland', '2026-04-10T04:00:00Z', '2026-04-10T04:00:00.000Z', '2026-W15'],
    ['Pacific/Auckland', '2026-10-02T03:00:00Z', '2026-10-02T03:00:00.000Z', '2026-W40'],
    // UTC, and a period key across the ISO year boundary (Friday 1 January 2027 is in 2026-W53).
    ['UTC', '2027-01-01T16:00:00Z', '2027-01-01T16:00:00.000Z', '2026-W53'],
  ])('in %s at %s the latest digest was due at %s (%s)', (zone, now, due, key) => {
    const p = latestDigestPeriod(FRIDAY_16, zone, new Date(now));
    expect(p.end.toISOString()).toBe(due);
    expect(p.key).toBe(key);
    expect(local(p.end, zone).toFormat('ccc HH:mm')).toBe('Fri 16:00');
  });

  it.each(['America/New_York', 'Europe/Berlin', 'Pacific/Auckland', 'Asia/Kolkata', 'UTC'])(
    'over two years in %s: one digest a week at 16:00 local, contiguous periods, no key twice',
    (zone) => {
      let p = latestDigestPeriod(FRIDAY_16, zone, new Date('2025-12-01T00:00:00Z'));
      const keys = new Set<string>();
      for (let i = 0; i < 105; i++) {
        const next = nextDigestPeriod(FRIDAY_16, zone, p.end);
        expect(next.start.getTime()).toBe(p.end.getTime());
        expect(next.previousStart.getTime()).toBe(p.start.getTime());
        expect(local(next.end, zone).toFormat('ccc HH:mm')).toBe('Fri 16:00');
        expect(local(next.end, zone).diff(local(p.end, zone), 'days').days).toBe(7);
        // 167, 168 or 169 hours: a week of wall-clock time, whatever the offset did in between.
        expect([167, 168, 169]).toContain((next.end.getTime() - p.end.getTime()) / 3_600_000);
        expect(keys.has(next.key)).toBe(false);
        keys.add(next.key);
        p = next;
      }
    },
  );

  it('a scheduler ticking every half hour through the daylight-saving weeks claims each week exactly once, on time', () => {
    for (const zone of ['America/New_York', 'Europe/Berlin', 'Pacific/Auckland']) {
      const claimed = new Map<string, Date>();
      const ws = { time_zone: zone } as WorkspaceRow;
      const settings: Settings = { ...DEFAULT_SETTINGS, kudosChannel: 'C1' };
      // Each DST change of 2026 in the three zones falls in one of these spans.
      for (const [from, to] of [
        ['2026-03-01', '2026-04-15'],
        ['2026-09-20', '2026-11-10'],
      ]) {
        // The digest already due when the span starts was posted before it.
        for (const d of digestJob.due(ws, settings, new Date(`${from}T00:00:00Z`))) claimed.set(d.periodKey, d.dueAt);
        const before = claimed.size;
        for (let t = Date.parse(`${from}T00:00:00Z`); t < Date.parse(`${to}T00:00:00Z`); t += 30 * 60_000) {
          for (const d of digestJob.due(ws, settings, new Date(t))) {
            if (!claimed.has(d.periodKey)) {
              claimed.set(d.periodKey, new Date(t));
              expect(t - d.dueAt.getTime()).toBeLessThan(30 * 60_000);
            }
          }
        }
        // Fridays from 6 March to 10 April, and from 25 September to 6 November.
        expect(claimed.size - before).toBe(from.startsWith('2026-03') ? 6 : 7);
      }
      for (const at of claimed.values()) expect(local(at, zone).toFormat('ccc HH')).toBe('Fri 16');
    }
  });

  it('a time skipped by the spring change moves forward that day only; a repeated one happens once', () => {
    const sunday0230 = { weekday: 7, time: '02:30' };
    // 8 March 2026, New York: 02:00 → 03:00.
    const spring = latestDigestPeriod(sunday0230, 'America/New_York', new Date('2026-03-08T12:00:00Z'));
    expect(local(spring.end, 'America/New_York').toFormat('yyyy-MM-dd HH:mm')).toBe('2026-03-08 03:30');
    const after = nextDigestPeriod(sunday0230, 'America/New_York', spring.end);
    expect(local(after.end, 'America/New_York').toFormat('yyyy-MM-dd HH:mm')).toBe('2026-03-15 02:30');
    // 1 November 2026: 01:30 happens twice; the digest is due once.
    const sunday0130 = { weekday: 7, time: '01:30' };
    const fall = latestDigestPeriod(sunday0130, 'America/New_York', new Date('2026-11-01T12:00:00Z'));
    expect(fall.key).toBe('2026-W44');
    const keys = new Set<string>();
    for (let t = Date.parse('2026-11-01T04:00:00Z'); t < Date.parse('2026-11-01T09:00:00Z'); t += 60_000) {
      keys.add(latestDigestPeriod(sunday0130, 'America/New_York', new Date(t)).key);
    }
    expect([...keys].sort()).toEqual(['2026-W43', '2026-W44']);
  });

  it('finds a period by its key, and a run rebuilds the same period from its due time', () => {
    const p = latestDigestPeriod(FRIDAY_16, 'Europe/Berlin', new Date('2026-11-27T18:00:00Z'));
    expect(p.key).toBe('2026-W48');
    expect(digestPeriodForKey('2026-W48', FRIDAY_16, 'Europe/Berlin')).toEqual(p);
    expect(digestPeriodForRun(p.end, FRIDAY_16, 'Europe/Berlin')).toEqual(p);
    expect(digestPeriodForKey('2026-W99', FRIDAY_16, 'Europe/Berlin')).toBeUndefined();
    expect(digestPeriodForKey('next week', FRIDAY_16, 'Europe/Berlin')).toBeUndefined();
  });

  it('uses the digest time zone, else the workspace one; nothing is due when the digest is off', () => {
    const now = new Date('2026-11-27T21:30:00Z');
    const ws = { time_zone: 'America/New_York' } as WorkspaceRow;
    const on: Settings = { ...DEFAULT_SETTINGS, kudosChannel: 'CKUDOS' };
    expect(digestJob.due(ws, on, now)).toEqual([{ periodKey: '2026-W48', dueAt: new Date('2026-11-27T21:00:00Z'), target: 'CKUDOS' }]);
    const berlin: Settings = { ...on, digest: { ...on.digest, timeZone: 'Europe/Berlin', channel: 'CDIGEST' } };
    expect(digestJob.due(ws, berlin, now)).toEqual([{ periodKey: '2026-W48', dueAt: new Date('2026-11-27T15:00:00Z'), target: 'CDIGEST' }]);
    expect(digestJob.due(ws, { ...on, digest: { ...on.digest, enabled: false } }, now)).toEqual([]);
    expect(digestJob.due(ws, { ...on, kudosChannel: null }, now)[0].target).toBeNull();
  });
});
