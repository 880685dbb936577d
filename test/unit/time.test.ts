import fc from 'fast-check';
import { DateTime } from 'luxon';
import { localDay, safeZone } from '../../src/core/time';

describe('localDay', () => {
  const zones = ['UTC', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Europe/London'];

  it('is the calendar day the instant falls on in the zone, as luxon computes it', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1971-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }), fc.constantFrom(...zones), (at, zone) => {
        expect(localDay(at, zone)).toBe(DateTime.fromJSDate(at, { zone }).toISODate());
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the same instant as different days on either side of the date line', () => {
    const at = new Date('2026-03-10T11:30:00Z');
    expect(localDay(at, 'Pacific/Kiritimati')).toBe('2026-03-11');
    expect(localDay(at, 'Pacific/Pago_Pago')).toBe('2026-03-10');
  });

  it('falls back to UTC for a zone that does not exist', () => {
    expect(safeZone('Mars/Olympus_Mons')).toBe('UTC');
    expect(localDay(new Date('2026-03-10T23:30:00Z'), 'Mars/Olympus_Mons')).toBe('2026-03-10');
  });
});
