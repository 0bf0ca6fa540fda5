import type { WorkspaceSettings } from '../domain/workspace';
import type { StoreListeners } from '../store/listeners';
import type { WorkspaceStore } from '../store/workspaces';

/**
 * What each workspace chose in Settings, in memory: the access guard in front of every click and the
 * reauth form's cooldown read it before Slack's 3 s run out (DESIGN.md, "A click must answer from
 * memory"). Loaded at start in one read (a small document per workspace, nothing decrypted), told of
 * each change this process writes, and re-read with the worklist when other processes share the
 * database. Tokens and secrets are not kept here: the workspace directory reads those.
 */
export function createSettingsInMemory() {
  const chosen = new Map<string, Partial<WorkspaceSettings>>();
  let source: Pick<WorkspaceStore, 'everySettings'> | null = null;
  const read = async () => {
    for (const { workspaceId, settings } of (await source?.everySettings()) ?? [])
      chosen.set(workspaceId, settings);
  };

  return {
    /** For the workspace store: every settings change this process writes. */
    listeners: {
      settingsChanged: (workspaceId, patch) =>
        chosen.set(workspaceId, { ...chosen.get(workspaceId), ...patch }),
    } satisfies StoreListeners,
    /** Reads every workspace's settings from `store` (the one these listeners hear), before anything is served. */
    async load(store: Pick<WorkspaceStore, 'everySettings'>): Promise<void> {
      source = store;
      await read();
    },
    /** Reads them again: what other processes changed. */
    refresh: read,
    /** What the workspace chose; undefined when it never chose anything (the defaults apply). */
    chosen: (workspaceId: string): Partial<WorkspaceSettings> | undefined => chosen.get(workspaceId),
  };
}

export type SettingsInMemory = ReturnType<typeof createSettingsInMemory>;
