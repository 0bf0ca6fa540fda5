import { Types } from 'mongoose';
import type { PlatformKey } from '../domain/authorization';
import { RelinkError } from '../domain/errors';
import { authorizationKeyId } from '../domain/record-ids';
import { isDuplicateKey } from './duplicate-key';
import type { StoreListeners } from './listeners';
import type { AuthorizationDocument, AuthorizationKeyDocument, Models } from './models';

/** Keys remembered per process; past this the memory starts again (a miss costs one read). */
const KNOWN_KEYS = 200_000;

/**
 * Authorizations by the key a platform knows them by (`source` and `externalId`). FerretDB indexes only
 * a bare `{ _id }` filter, so the key (which names the workspace too) is its own collection (see models.ts), and inserting a key is
 * what claims a new authorization: of several writers seeing it first, exactly one creates it.
 */
export function createAuthorizationKeys(models: Models, listeners: StoreListeners) {
  const { Authorization, AuthorizationKey } = models;
  // A key never changes its authorization, so what this process has seen may be remembered.
  const known = new Map<string, Types.ObjectId>();
  const remember = (keyId: string, authorizationId: Types.ObjectId) => {
    if (known.size >= KNOWN_KEYS) known.clear();
    known.set(keyId, authorizationId);
  };

  async function claimKey(keyId: string): Promise<AuthorizationKeyDocument> {
    const existing = await AuthorizationKey.findById(keyId).lean();
    if (existing) return existing;
    const candidate = { _id: keyId, authorizationId: new Types.ObjectId() };
    try {
      await AuthorizationKey.create(candidate);
      return candidate;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const winner = await AuthorizationKey.findById(keyId).lean();
      if (!winner) throw new RelinkError('store_inconsistent', `authorization key ${keyId} vanished`);
      return winner;
    }
  }

  return {
    /**
     * The authorization id of each key, claiming the unknown ones with one insert; `claimed` says which
     * ids are new (no authorization exists under them yet).
     */
    /** Forgets a remembered key whose authorization was not found (deleted, e.g. demo samples). */
    forget: (keyId: string) => known.delete(keyId),

    async resolveMany(keyIds: string[]): Promise<{
      ids: Map<string, Types.ObjectId>;
      claimed: Set<string>;
      remembered: Set<string>;
    }> {
      const ids = new Map<string, Types.ObjectId>();
      const remembered = new Set<string>();
      const candidates: AuthorizationKeyDocument[] = [];
      for (const keyId of new Set(keyIds)) {
        const id = known.get(keyId);
        if (id) {
          ids.set(keyId, id);
          remembered.add(keyId);
        } else candidates.push({ _id: keyId, authorizationId: new Types.ObjectId() });
      }
      const taken = new Set<number>();
      await AuthorizationKey.insertMany(candidates, { ordered: false }).catch((err) => {
        const writeErrors = (err as { writeErrors?: { index: number; code?: number }[] }).writeErrors;
        if (!writeErrors?.every((w) => isDuplicateKey(w))) throw err;
        for (const w of writeErrors) taken.add(w.index);
      });
      const claimed = new Set<string>();
      for (const [index, candidate] of candidates.entries()) {
        // Taken keys are read one by one: FerretDB indexes a bare `_id` filter, never `$in`.
        const key = taken.has(index) ? await AuthorizationKey.findById(candidate._id).lean() : candidate;
        if (!key) throw new RelinkError('store_inconsistent', `authorization key ${candidate._id} vanished`);
        if (!taken.has(index)) claimed.add(key._id);
        ids.set(key._id, key.authorizationId);
        remember(key._id, key.authorizationId);
      }
      return { ids, claimed, remembered };
    },

    async findByKey(platformKey: PlatformKey) {
      const key = await AuthorizationKey.findById(authorizationKeyId(platformKey)).lean();
      return key ? Authorization.findById(key.authorizationId).lean() : null;
    },

    /** Claims the key by insert (exactly one creator wins), then creates the authorization under it. */
    async findOrCreate(platformKey: PlatformKey): Promise<AuthorizationDocument> {
      const keyId = authorizationKeyId(platformKey);
      const key = await claimKey(keyId);
      const existing = await Authorization.findById(key.authorizationId).lean();
      if (existing) return existing;
      // Also the repair path when a crash left a key without its authorization.
      try {
        const created = await Authorization.create({
          _id: key.authorizationId,
          workspaceId: platformKey.workspaceId,
          source: platformKey.source,
          externalId: platformKey.externalId,
          state: 'pending',
        });
        const authorization = created.toObject() as AuthorizationDocument;
        listeners.authorizationWritten?.(authorization);
        return authorization;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const raced = await Authorization.findById(key.authorizationId).lean();
        if (!raced) throw new RelinkError('store_inconsistent', `authorization ${keyId} exists twice`);
        return raced;
      }
    },
  };
}
