import type { AuditEntry } from '../../core/admin-home';
import { describeAudit, type AuditFormat } from '../../core/audit-text';
import { HOME_LIMITS, slackDate } from './home-kit';
import { emoji, mention, truncate } from './text';

/** Audit log entries as Slack lines: when, who, and the core's sentence for what changed. */

export const slackAuditFormat: AuditFormat = {
  person: (id) => mention(id),
  channel: (id) => `<#${id}>`,
  emoji: (name) => emoji(name),
  literal: (text) => `\`${text.replace(/`/g, "'")}\``,
};

export function auditLine(e: AuditEntry): string {
  const who = e.actorExternalId ? mention(e.actorExternalId) : 'Kudos';
  return truncate(`${slackDate(e.createdAt)} · ${who} · ${describeAudit(e, slackAuditFormat)}`, HOME_LIMITS.auditLine);
}
