import type { TurnContext } from 'botbuilder';
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock';
import type { CoreDeps } from '../core/give';
import type { UseCaseDeps } from '../core/ports';
import type { Database, PersonRow, WorkspaceRow } from '../db/schema';
import type { Logger } from '../logger';
import type { Background } from '../server/background';
import type { KudosCloudAdapter } from './adapter';
import type { TeamsDirectory } from './directory';

/** Everything a Teams handler needs, wired once in app.ts. */
export interface TeamsContext {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  background: Background;
  /** botbuilder's adapter; proactive sends go through it as this bot (its Microsoft app id). */
  adapter: KudosCloudAdapter;
  /** KUDOS_ADMINS: admins in every tenant, whatever the settings say. */
  seedAdmins: readonly string[];
  campaignKeyAt?: CoreDeps['campaignKeyAt'];
  /** PUBLIC_URL: where download links point (`export`); unset, none are made. */
  publicUrl?: string;
}

/** One inbound activity, with what every handler needs resolved once. */
export interface Turn {
  tc: TurnContext;
  ws: WorkspaceRow;
  tenant: string;
  directory: TeamsDirectory;
  /** What the core's use cases need for this turn: the database, this turn's directory, the notifier, the clock. */
  core: UseCaseDeps;
  /** The person who sent the activity, refreshed from it (null for a bot or a sender-less activity). */
  sender: PersonRow | null;
  /** What people call the bot here (its mention name), for help texts. */
  botName: string;
}

const TURN_KEY = Symbol('kudos.turn');

export function setTurn(tc: TurnContext, turn: Turn): void {
  tc.turnState.set(TURN_KEY, turn);
}

export function turnOf(tc: TurnContext): Turn {
  const turn = tc.turnState.get<Turn>(TURN_KEY);
  if (!turn) throw new Error('Teams turn was not prepared');
  return turn;
}
