import { Types } from 'mongoose';
import { authorizationKeyId } from '../../src/domain/record-ids';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import { createAuthorizationKeys } from '../../src/store/authorization-keys';
import type { AuthorizationDocument } from '../../src/store/models';
import { createModels, ensureIndexes, type Models } from '../../src/store/models';
import { useTestDatabase } from '../support/database';

describe('authorizations by their platform key', () => {
  const db = useTestDatabase('authorization-keys');
  let models: Models;
  beforeAll(async () => {
    models = createModels(db.connection);
    await ensureIndexes(models);
  });

  it('creates one pending authorization however many writers see a new key at once', async () => {
    const written: AuthorizationDocument[] = [];
    const keys = createAuthorizationKeys(models, { authorizationWritten: (a) => written.push(a) });
    const found = await Promise.all(
      Array.from({ length: 6 }, () =>
        keys.findOrCreate({ workspaceId: SINGLE_WORKSPACE_ID, source: 'utilityapi', externalId: 'race-1' }),
      ),
    );
    expect(new Set(found.map((a) => a._id.toHexString())).size).toBe(1);
    expect(found[0]).toMatchObject({ source: 'utilityapi', externalId: 'race-1', state: 'pending' });
    expect(written).toHaveLength(1);
    expect(
      (
        await keys.findByKey({ workspaceId: SINGLE_WORKSPACE_ID, source: 'utilityapi', externalId: 'race-1' })
      )?._id.toHexString(),
    ).toBe(found[0]?._id.toHexString());
  });

  it('creates the authorization a crash left its key without', async () => {
    const keys = createAuthorizationKeys(models, {});
    const authorizationId = new Types.ObjectId();
    await models.AuthorizationKey.create({
      _id: authorizationKeyId({
        workspaceId: SINGLE_WORKSPACE_ID,
        source: 'webhook',
        externalId: 'orphan-1',
      }),
      authorizationId,
    });
    expect(
      await keys.findByKey({ workspaceId: SINGLE_WORKSPACE_ID, source: 'webhook', externalId: 'orphan-1' }),
    ).toBeNull();
    const created = await keys.findOrCreate({
      workspaceId: SINGLE_WORKSPACE_ID,
      source: 'webhook',
      externalId: 'orphan-1',
    });
    expect(created._id.toHexString()).toBe(authorizationId.toHexString());
  });

  it('finds nothing for a key no platform has reported', async () => {
    expect(
      await createAuthorizationKeys(models, {}).findByKey({
        workspaceId: SINGLE_WORKSPACE_ID,
        source: 'utilityapi',
        externalId: 'never-seen',
      }),
    ).toBeNull();
  });
});
