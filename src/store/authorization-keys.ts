import { Types } from 'mongoose';
import type { PlatformKey } from '../domain/authorization';
import { RelinkError } from '../domain/errors';
import { authorizationKeyId } from '../domain/record-ids';
import { isDuplicateKey } from './duplicate-key';
import type { StoreListeners } from './listeners';
import type { AuthorizationDocument, AuthorizationKeyDocument, Models } from './models';

/**
 * Authorizations by the key a platform knows them by (`source` and `externalId`). FerretDB indexes only
 * a bare `{ _id }` filter, so the key (which names the workspace too) is its own collection (see models.ts), and inserting a key is
 * what claims a new authorization: of several writers seeing it first, exactly one creates it.
 */
export function createAuthorizationKeys(models: Models, listeners: StoreListeners) {
  const { Authorization, AuthorizationKey } = models;

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
