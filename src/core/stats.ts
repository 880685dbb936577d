import type { PersonRow, WorkspaceRow } from '../db/schema';
import { countGivenAndReceived } from '../db/queries/kudos';
import { challengeProgress, type ChallengeProgress } from './campaigns';
import { allowanceToday, type CoreDeps } from './give';
import { safeZone, startOfLocalWeek } from './time';
import type { AllowanceView } from './types';

export interface PersonStats {
  week: { given: number; received: number };
  allTime: { given: number; received: number };
  allowance: AllowanceView;
}

/** A person's own numbers: this week (from Monday in their time zone) and all time, plus today's allowance. */
export async function personStats(deps: Pick<CoreDeps, 'db' | 'clock'>, workspace: WorkspaceRow, person: PersonRow): Promise<PersonStats> {
  const weekStart = startOfLocalWeek(deps.clock(), safeZone(person.time_zone, workspace.time_zone));
  const [week, allTime, allowance] = await Promise.all([
    countGivenAndReceived(deps.db, workspace.id, person.id, weekStart),
    countGivenAndReceived(deps.db, workspace.id, person.id, null),
    allowanceToday(deps, workspace, person),
  ]);
  return { week, allTime, allowance };
}

export interface MyStats extends PersonStats {
  /** While Customer Service Week runs: how many different people they have thanked toward the three notes. */
  challenge: ChallengeProgress | null;
}

/** The stats use case: a person's own numbers, and their Customer Service Week progress while it runs. */
export async function myStats(deps: Pick<CoreDeps, 'db' | 'clock'>, workspace: WorkspaceRow, person: PersonRow): Promise<MyStats> {
  const [stats, challenge] = await Promise.all([personStats(deps, workspace, person), challengeProgress(deps.db, workspace, person.id, deps.clock())]);
  return { ...stats, challenge };
}
