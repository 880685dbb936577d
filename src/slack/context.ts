import type { Context } from '@slack/bolt';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock';
import type { UseCaseDeps } from '../core/ports';
import type { Database, WorkspaceRow } from '../db/schema';
import type { Logger } from '../logger';
import type { Background } from '../server/background';
import type { SlackApi } from './api';
import type { SlackDirectory } from './directory';
import type { SlackHome } from './home';
import type { SlackIdentity } from './identity';
import type { SlackNotifier } from './notifier';

/**
 * Everything a Slack listener needs for one workspace: the workspace, the bot's identity there, and a Web API
 * client holding that workspace's token. Built by the workspace source (src/slack/workspaces.ts) for each
 * request and scheduled post; one per workspace, so nothing of one workspace reaches another.
 */
export interface SlackContext {
  db: Kysely<Database>;
  api: SlackApi;
  directory: SlackDirectory;
  notifier: SlackNotifier;
  clock: Clock;
  logger: Logger;
  background: Background;
  /** The workspace this context serves. */
  workspace(): WorkspaceRow;
  botUserId(): string;
  identity(): SlackIdentity;
  /** The core's use cases' dependencies: database, directory, notifier, clock. */
  core(): UseCaseDeps;
  /** The workspace's App Homes: publishing, admin checks, refreshes after kudos (debounced per person). */
  home: SlackHome;
  /** Kudos was uninstalled from this workspace (app_uninstalled, or the bot's token revoked). */
  uninstalled(): Promise<void>;
}

/** Where the workspace's context travels in Bolt's per-request `context` (set by the adapter's authorize). */
export const CONTEXT_KEY = 'kudos';

/** The workspace context of the request a listener is handling. */
export function contextOf(context: Context): SlackContext {
  const ctx = (context as Record<string, unknown>)[CONTEXT_KEY] as SlackContext | undefined;
  if (!ctx) throw new Error('a Slack request reached a listener without its workspace');
  return ctx;
}

/**
 * Bolt's authorize answer for a workspace: the bot's ids (Bolt's ignoreSelf uses them) and the workspace context
 * for the listeners. No token and no team id: listeners call Slack through `ctx.api`, and Bolt keeps a Web API
 * client per team and token it is given, for ever, which a fleet of workspaces would only grow.
 */
export function authorization(ctx: SlackContext): { botUserId: string; botId: string | undefined } {
  const id = ctx.identity();
  return { botUserId: id.botUserId, botId: id.botId ?? undefined, [CONTEXT_KEY]: ctx } as { botUserId: string; botId: string | undefined };
}
