import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock';
import type { UseCaseDeps } from '../core/ports';
import type { Database, WorkspaceRow } from '../db/schema';
import type { Logger } from '../logger';
import type { Background } from '../server/background';
import type { SlackApi } from './api';
import type { SlackDirectory } from './directory';
import type { SlackIdentity } from './identity';
import type { SlackNotifier } from './notifier';

/** Everything a Slack listener needs, wired once in app.ts. */
export interface SlackContext {
  db: Kysely<Database>;
  api: SlackApi;
  directory: SlackDirectory;
  notifier: SlackNotifier;
  clock: Clock;
  logger: Logger;
  background: Background;
  /** The installed workspace (known once auth.test has answered). */
  workspace(): WorkspaceRow;
  botUserId(): string;
  identity(): SlackIdentity;
  /** The core's use cases' dependencies: database, directory, notifier, clock. */
  core(): UseCaseDeps;
  /** App Homes to refresh after kudos are given or received (debounced per person). */
  homes?: { touch(userIds: Iterable<string>): void };
}
