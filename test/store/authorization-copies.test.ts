import { Types } from 'mongoose';
import { createAuthorizationCopies } from '../../src/store/authorization-copies';
import type { AuthorizationDocument } from '../../src/store/models';

const copyOf = (id: Types.ObjectId, version: number) => ({ _id: id, version }) as AuthorizationDocument;

describe("a sole writer's copies of authorizations", () => {
  it('keeps the newest revision of each, whatever order copies arrive in', () => {
    const copies = createAuthorizationCopies();
    const id = new Types.ObjectId();
    copies.put(copyOf(id, 2));
    copies.put(copyOf(id, 1));
    expect(copies.get(id.toHexString())?.version).toBe(2);
    copies.put(copyOf(id, 3));
    expect(copies.get(id.toHexString())?.version).toBe(3);
    expect(copies.get(new Types.ObjectId().toHexString())).toBeUndefined();
  });

  it('lets the copy written longest ago go past its size', () => {
    const copies = createAuthorizationCopies(2);
    const [a, b, c] = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
    copies.put(copyOf(a, 1));
    copies.put(copyOf(b, 1));
    copies.put(copyOf(a, 2)); // written again: now the newest
    copies.put(copyOf(c, 1));
    expect([a, b, c].map((id) => copies.get(id.toHexString())?.version)).toEqual([2, undefined, 1]);
  });

  it('gives back the authorization as it was kept, a fresh object each time', () => {
    const copies = createAuthorizationCopies();
    const id = new Types.ObjectId();
    const doc = {
      _id: id,
      workspaceId: 'T1',
      source: 'utilityapi',
      externalId: 'uid-1',
      state: 'bad_login',
      reason: 'Username and password did not work',
      expiresAt: new Date('2027-01-01T00:00:00Z'),
      declinedAt: null,
      customer: { name: 'Ada', email: 'ada@example.com', editedInRelink: false },
      warnedDays: [30, 7],
      version: 4,
      createdAt: new Date('2026-11-01T00:00:00Z'),
      updatedAt: new Date('2026-11-02T00:00:00Z'),
    } as unknown as AuthorizationDocument;
    copies.put(doc);
    const copy = copies.get(id.toHexString());
    expect(copy).toEqual(doc);
    expect(copy?._id).toBeInstanceOf(Types.ObjectId);
    expect(copy && 'triage' in copy).toBe(false);
    if (copy) copy.customer.name = 'changed by a caller';
    expect(copies.get(id.toHexString())?.customer.name).toBe('Ada');
  });
});
