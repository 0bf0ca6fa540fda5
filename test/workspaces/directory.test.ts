import { RelinkError } from '../../src/domain/errors';
import { DEFAULT_WHO_MAY_ACT, SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import type { WorkspaceStore } from '../../src/store/workspaces';
import { createWorkspaceDirectory } from '../../src/workspaces/directory';

/** Which workspace a Slack team acts in: the directory's rule, in both modes. */
describe('the workspace directory', () => {
  const directory = (mode: 'single' | 'oauth') =>
    createWorkspaceDirectory({
      mode,
      // Never read: which workspace a team acts in is the mode's rule, not stored data.
      store: {} as WorkspaceStore,
      defaults: {
        alertChannel: null,
        whoMayAct: DEFAULT_WHO_MAY_ACT,
        cooldownHours: 24,
        expiryWarningDays: [7],
      },
      env: { botToken: null, utilityapi: null },
      utilityApiClient: () => {
        throw new Error('no UtilityAPI in this test');
      },
    });

  it('puts every team in the one workspace in single-workspace mode', () => {
    const { workspaceOfTeam } = directory('single');
    expect(workspaceOfTeam('T0ANY')).toBe(SINGLE_WORKSPACE_ID);
    expect(workspaceOfTeam(undefined)).toBe(SINGLE_WORKSPACE_ID);
  });

  it('makes each installed team its own workspace with OAuth, and refuses a request naming none', () => {
    const { workspaceOfTeam } = directory('oauth');
    expect(workspaceOfTeam('T0NORTH')).toBe('T0NORTH');
    expect(() => workspaceOfTeam(undefined)).toThrow(RelinkError);
  });
});
