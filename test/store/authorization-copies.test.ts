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
    expect(copies.size()).toBe(2);
  });
});
