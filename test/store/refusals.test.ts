import { Types } from 'mongoose';
import { createAuthorizationStore } from '../../src/store/authorizations';
import { createModels } from '../../src/store/models';
import { createRefusalStore, type RecordedRefusal, type RefusalStore } from '../../src/store/refusals';
import { useTestDatabase } from '../support/database';

const at = new Date('2026-03-12T15:00:00.000Z');
const authorizationId = new Types.ObjectId().toHexString();
const refusal = (overrides: Partial<RecordedRefusal> = {}): RecordedRefusal => ({
  workspaceId: 'single',
  actor: 'slack:T0RELINK01/U0GUEST001',
  reason: 'guest',
  attempted: 'block_actions:ask_reauth',
  authorizationId,
  requestId: null,
  interactionKey: 'k1',
  at,
  ...overrides,
});

describe('the refusal store', () => {
  const db = useTestDatabase('refusals');
  let store: RefusalStore;
  const auditEvents = () =>
    db.connection.collection<{ _id: string } & Record<string, unknown>>('audit_events');
  beforeAll(() => {
    store = createRefusalStore(db.connection);
  });

  it('appends an access.refused event to the audit trail, with who, why, what and which authorization', async () => {
    await store.record(refusal());
    const events = await auditEvents().find({ action: 'access.refused' }).toArray();
    expect(events).toEqual([
      {
        _id: 'refused:slack:T0RELINK01/U0GUEST001:k1',
        workspaceId: 'single',
        authorizationId: new Types.ObjectId(authorizationId),
        requestId: null,
        actor: 'slack:T0RELINK01/U0GUEST001',
        action: 'access.refused',
        reason: 'guest',
        attempted: 'block_actions:ask_reauth',
        at,
        appliedAt: at,
      },
    ]);
  });

  it('records Slack’s retry of the same interaction once, and another interaction again', async () => {
    await store.record(refusal({ interactionKey: 'k2' }));
    await store.record(refusal({ interactionKey: 'k2' }));
    await store.record(refusal({ interactionKey: 'k3' }));
    const ids = (await auditEvents().find({ action: 'access.refused' }).toArray()).map((e) => e._id);
    expect(ids.filter((id) => id.endsWith(':k2'))).toHaveLength(1);
    expect(ids.filter((id) => id.endsWith(':k3'))).toHaveLength(1);
  });

  it('keeps a forged authorization id out of the id field', async () => {
    await store.record(refusal({ interactionKey: 'k4', authorizationId: '{"$ne":null}' }));
    const event = await auditEvents().findOne({ _id: 'refused:slack:T0RELINK01/U0GUEST001:k4' });
    expect(event?.authorizationId).toBeNull();
  });

  it('is never picked up by the revision repair, which reads unapplied audit events', async () => {
    await store.record(refusal({ interactionKey: 'k5' }));
    const authorizations = createAuthorizationStore(createModels(db.connection));
    expect(await authorizations.repairUnapplied(new Date(at.getTime() + 3_600_000))).toBe(0);
    expect(await auditEvents().countDocuments({ _id: 'refused:slack:T0RELINK01/U0GUEST001:k5' })).toBe(1);
  });
});
