import { Types } from 'mongoose';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createDashboardLinks } from '../../src/home/dashboard-links';
import { type AuthorizationStore, createAuthorizationStore } from '../../src/store/authorizations';
import { createModels, ensureIndexes } from '../../src/store/models';
import { useTestDatabase } from '../support/database';
import { observedEvent } from '../support/events';

describe('dashboard links', () => {
  const db = useTestDatabase('dashboard_links');
  let authorizations: AuthorizationStore;
  beforeAll(async () => {
    const models = createModels(db.connection);
    await ensureIndexes(models);
    authorizations = createAuthorizationStore(models);
  });

  const stored = async (externalId: string) => {
    const now = new Date();
    const { authorizationId } = await authorizations.applyByKey(
      { workspaceId: SINGLE_WORKSPACE_ID, source: 'webhook', externalId },
      {
        event: observedEvent('bad_login', now),
        actor: 'platform',
        customer: { name: 'Jane Doe', email: 'jane@example.com', utility: 'PG&E' },
        now,
      },
    );
    return authorizationId;
  };

  it('links each stored row to its uid in the dashboard, and nothing else', async () => {
    const id = await stored('uid-777');
    const unknown = new Types.ObjectId().toHexString();
    const links = createDashboardLinks({ authorizations, template: 'https://dash.example.com/auth/{uid}' });
    expect(await links([id, unknown])).toEqual(new Map([[id, 'https://dash.example.com/auth/uid-777']]));
  });

  it('has no links, and reads nothing, without a template', async () => {
    const id = await stored('uid-778');
    const reads: string[] = [];
    const counting = {
      findById: (i: string) => {
        reads.push(i);
        return authorizations.findById(i);
      },
    };
    expect(await createDashboardLinks({ authorizations: counting, template: null })([id])).toEqual(new Map());
    expect(reads).toEqual([]);
  });
});
