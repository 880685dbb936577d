import type { SettingKey } from './settings';

/**
 * What admins call each setting, and the parts of one that a form asks for separately. The one list: the Slack
 * App Home and its forms, the Teams settings card, and the audit log all name settings from here.
 */
export const SETTING_LABELS: Readonly<Record<SettingKey, string>> = Object.freeze({
  kudosChannel: 'Kudos channel',
  digest: 'Weekly digest',
  allowancePerDay: 'Daily allowance',
  minMessageLength: 'Minimum message length',
  valueRequired: 'Value required',
  reactionEmoji: 'Reaction emoji',
  observances: 'Observances',
  admins: 'Admins',
  retention: 'Data retention',
  wall: 'Kudos Wall framing',
});

/** Parts of a setting, by path (`digest.timeZone`), where an error names one field rather than the setting. */
export const FIELD_LABELS: Readonly<Record<string, string>> = Object.freeze({
  'digest.enabled': 'Weekly digest',
  'digest.channel': 'Digest channel',
  'digest.weekday': 'Digest day',
  'digest.time': 'Digest time',
  'digest.timeZone': 'Digest time zone',
  'digest.topCount': 'People named in each ranking',
  'digest.quietWeek': 'Quiet weeks',
  'observances.builtIn': 'Observances',
  'observances.channel': 'Observance channel',
  'observances.announceDaysBefore': 'Days announced ahead',
  'observances.reminderTiming': 'Reminder day',
  'observances.postTime': 'Observance posting time',
  'retention.eventBodyDays': 'Days platform events are kept',
  'retention.messageMonths': 'Months kudos messages are kept',
  'retention.eraseDeactivatedAfterDays': 'Days before people who left are erased',
  'wall.frameAncestors': 'Sites allowed to show the Kudos Wall in a frame',
});

/** A setting's or a field's name; an unknown key is shown as it is. */
export function settingLabel(keyOrPath: string): string {
  return FIELD_LABELS[keyOrPath] ?? (SETTING_LABELS as Record<string, string>)[keyOrPath] ?? keyOrPath;
}
