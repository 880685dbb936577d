import type { Directory, Profile } from '../../src/core/types';

/** An in-memory directory for core tests (the platform side of the port); adapters have their own. */
export class MemoryDirectory implements Directory {
  readonly people = new Map<string, Profile>();
  lookups = 0;
  failing = false;

  add(id: string, over: Partial<Profile> = {}): this {
    this.people.set(id, {
      externalId: id,
      displayName: over.displayName ?? `User ${id}`,
      timeZone: over.timeZone ?? 'UTC',
      isBot: over.isBot ?? false,
      isDeleted: over.isDeleted ?? false,
      isPlatformAdmin: over.isPlatformAdmin ?? false,
    });
    return this;
  }

  async lookup(_ws: string, id: string): Promise<Profile | null> {
    this.lookups++;
    if (this.failing) throw new Error('directory unavailable');
    return this.people.get(id) ?? null;
  }
}
