import {
  DAILY_THEMES,
  DEFAULT_PROMPTS,
  announcementText,
  customReminderText,
  dailyTheme,
  dailyThemeText,
  formatSpan,
  kickoffText,
  recapIntroText,
  reminderText,
  threeNotesChallengeText,
  threeNotesCompletedText,
  upcomingText,
} from '../../src/core/campaign-copy';
import { BUILT_IN_KEYS } from '../../src/core/observances';

describe('Customer Service Week themes', () => {
  it('runs Monday to Friday with five distinct themes', () => {
    expect(DAILY_THEMES.map((t) => t.day)).toEqual([1, 2, 3, 4, 5]);
    expect(new Set(DAILY_THEMES.map((t) => t.key)).size).toBe(5);
    expect(new Set(DAILY_THEMES.map((t) => t.title)).size).toBe(5);
    expect(new Set(DAILY_THEMES.map((t) => t.prompt)).size).toBe(5);
  });

  it.each([
    [1, 'own-team', /your (own )?team/i],
    [2, 'other-team', /another team/i],
    [3, 'milestone', /milestone/i],
    [4, 'customer', /customer/i],
    [5, 'service-story', /story/i],
  ])('day %i is %s', (day, key, subject) => {
    const theme = dailyTheme(day);
    expect(theme?.key).toBe(key);
    expect(theme?.title).toMatch(subject);
    expect(theme?.prompt).toMatch(subject);
  });

  it.each([0, 6, 7, 1.5, NaN])('has no theme for day %p', (day) => {
    expect(dailyTheme(day)).toBeNull();
  });

  it('suggests a customer-story value on Thursday, naming the real one when the workspace has it', () => {
    const thursday = dailyTheme(4)!;
    expect(thursday.prompt).toContain('`#customer-love`');
    expect(dailyThemeText(thursday)).toContain('`#customer-love` if your workspace has one');
    expect(dailyThemeText(thursday, 'delighted-customer')).toContain('`#delighted-customer`');
    expect(dailyThemeText(thursday, 'delighted-customer')).not.toContain('customer-love');
  });

  it('heads each daily post with its day and title', () => {
    expect(dailyThemeText(dailyTheme(2)!)).toMatch(/^\*Customer Service Week, day 2: Thank someone in another team\*\n/);
  });
});

describe('Customer Service Week posts', () => {
  it('announces the year and the days, and explains the three-notes challenge', () => {
    const text = announcementText(2026, '2026-10-05', '2026-10-09');
    expect(text).toContain('Customer Service Week 2026');
    expect(text).toContain('Monday 5 October');
    expect(text).toContain('From 5 to 9 October');
    expect(text).toContain(threeNotesChallengeText());
  });

  it('describes the challenge as three notes: either side of you, and anyone else', () => {
    expect(threeNotesChallengeText()).toMatch(/three/i);
    expect(threeNotesChallengeText()).toMatch(/beside you/);
    expect(threeNotesChallengeText()).toMatch(/other side/);
    expect(threeNotesChallengeText()).toMatch(/anywhere else/);
  });

  it('names the year in the recap', () => {
    expect(recapIntroText(2027)).toContain('Customer Service Week 2027');
  });

  it.each([
    ['2026-10-05', '2026-10-09', '5–9 October'],
    ['2026-09-28', '2026-10-02', '28 September – 2 October'],
    ['2026-12-28', '2027-01-03', '28 December – 3 January'],
    ['2026-07-04', '2026-07-04', '4 July'],
  ])('formats %s..%s as %j', (start, end, text) => {
    expect(formatSpan(start, end)).toBe(text);
  });
});

describe('observance reminders', () => {
  it.each(BUILT_IN_KEYS)('%s has its own default prompt', (key) => {
    expect(reminderText(key)).toContain(DEFAULT_PROMPTS[key]);
  });

  it('has a different default prompt for each observance', () => {
    expect(new Set(Object.values(DEFAULT_PROMPTS)).size).toBe(BUILT_IN_KEYS.length);
  });

  it.each(['employee-appreciation-day', 'thanksgiving'] as const)('%s invites thanks to colleagues and customers', (key) => {
    expect(DEFAULT_PROMPTS[key]).toMatch(/colleague/);
    expect(DEFAULT_PROMPTS[key]).toMatch(/customer/);
  });

  it.each(BUILT_IN_KEYS)('%s uses the admin prompt when set', (key) => {
    const text = reminderText(key, '  Thank the night shift.  ');
    expect(text).toContain('Thank the night shift.');
    expect(text).not.toContain(DEFAULT_PROMPTS[key]);
  });

  it.each([null, '', '   '])('falls back to the default prompt for an override of %j', (override) => {
    expect(reminderText('thanksgiving', override)).toContain(DEFAULT_PROMPTS.thanksgiving);
  });

  it('heads reminders with the name, or with "Tomorrow" when sent the day before', () => {
    expect(reminderText('independence-day')).toMatch(/^\*Independence Day\*\n/);
    expect(reminderText('independence-day', null, 'day-before')).toMatch(/^\*Tomorrow: Independence Day\*\n/);
    expect(customReminderText(' Founders\' Day ', ' Thank an early hire. ', 'day-before')).toBe("*Tomorrow: Founders' Day*\nThank an early hire.");
  });

  it("posts a custom observance's own message under its name", () => {
    expect(customReminderText("Founders' Day", 'Thank someone who was here early on.')).toBe("*Founders' Day*\nThank someone who was here early on.");
  });

  it.each([
    ['Employee Appreciation Day', '2026-03-06', '2026-03-06', 'on Friday 6 March'],
    ['Summer week', '2026-06-26', '2026-07-02', 'from 26 June to 2 July'],
    ['Winter week', '2026-12-07', '2026-12-11', 'from 7 to 11 December'],
  ])('announces %s ahead of time', (name, start, end, when) => {
    expect(upcomingText(name, start, end)).toContain(`${name} is coming up ${when}`);
  });
});

describe('every text', () => {
  const all: Array<[string, string]> = [
    ['announcement', announcementText(2026, '2026-10-05', '2026-10-09')],
    ['kickoff', kickoffText()],
    ['recap', recapIntroText(2026)],
    ['three notes', threeNotesChallengeText()],
    ['three notes completed', threeNotesCompletedText()],
    ['upcoming', upcomingText('Thanksgiving', '2026-11-26', '2026-11-26')],
    ...DAILY_THEMES.flatMap((t): Array<[string, string]> => [
      [`theme ${t.day} title`, t.title],
      [`theme ${t.day} prompt`, t.prompt],
      [`theme ${t.day} post`, dailyThemeText(t)],
    ]),
    ...BUILT_IN_KEYS.map((k): [string, string] => [`reminder ${k}`, reminderText(k)]),
  ];

  it.each(all)('%s is written out in full', (_name, text) => {
    expect(text.trim().length).toBeGreaterThan(0);
    expect(text).not.toMatch(/undefined|null|NaN|\[object/);
    // Only Slack-style bold, which both renderers handle, and balanced.
    expect((text.match(/\*/g) ?? []).length % 2).toBe(0);
  });
});
