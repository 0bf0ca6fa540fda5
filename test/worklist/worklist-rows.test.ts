import { Types } from 'mongoose';
import { SINGLE_WORKSPACE_ID } from '../../src/domain/workspace';
import type { WorklistAuthorizationRow } from '../../src/store/worklist-source';
import { indexed, itemOf } from '../../src/worklist/worklist-rows';

const row = (over: Partial<WorklistAuthorizationRow> = {}): WorklistAuthorizationRow =>
  ({
    _id: new Types.ObjectId(),
    workspaceId: SINGLE_WORKSPACE_ID,
    version: 3,
    customer: { name: 'Jane Doe', email: 'jane@example.com', editedInRelink: false },
    utility: 'PG&E',
    state: 'expired',
    reason: null,
    expiresAt: new Date('2026-01-01T00:00:00Z'),
    declinedAt: null,
    revokedAt: null,
    incidentOpen: true,
    incidentSince: new Date('2026-01-01T00:00:00Z'),
    ...over,
  }) as WorklistAuthorizationRow;

describe('the worklist’s shapes of an authorization', () => {
  it('keeps every listed field from the stored row to the rendered item, times as epoch ms between', () => {
    const stored = row();
    const entry = indexed(stored);
    expect(entry).toMatchObject({
      id: stored._id.toHexString(),
      workspaceId: SINGLE_WORKSPACE_ID,
      version: 3,
      expiresAt: Date.parse('2026-01-01T00:00:00Z'),
    });
    const item = itemOf({ ...entry, request: null });
    expect(item._id.toHexString()).toBe(stored._id.toHexString());
    expect(item).toMatchObject({
      customer: { name: 'Jane Doe', email: 'jane@example.com' },
      utility: 'PG&E',
      state: 'expired',
      reason: null,
      expiresAt: stored.expiresAt,
      declinedAt: null,
      incidentOpen: true,
      incidentSince: stored.incidentSince,
    });
  });

  it('reads a row written before a field existed as that field’s default', () => {
    const old = row({ version: undefined, customer: undefined, utility: undefined, incidentOpen: undefined });
    expect(indexed(old)).toMatchObject({
      version: 0,
      name: null,
      email: null,
      utility: '',
      incidentOpen: false,
    });
  });
});
