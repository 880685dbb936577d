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
 * client holding that workspace's token. Built by the workspace source (src/slack/workspaces.ts, with contextOf for listeners) for each
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
