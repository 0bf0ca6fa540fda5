import type { AuthorizationState } from '../src/domain/authorization';
import { SINGLE_WORKSPACE_ID } from '../src/domain/workspace';
import type { RunningRelink } from '../src/main';
import { inParallel } from '../src/reauth/bulk-rate';
import { observedEvent } from '../test/support/events';
import { type createUtilityApiStandIn, utilityApiTime } from '../test/support/utilityapi-standin';

/** Customers as a team has them: known to the UtilityAPI stand-in and to relink alike. */

export interface Customer {
  name: string;
  email: string;
}

type UtilityApiStandIn = ReturnType<typeof createUtilityApiStandIn>;

/** The stand-in's copy of a customer whose login was refused at `at`, so a reconcile agrees with relink. */
export const badLoginAt = (customer: Customer, at: Date) => ({
  customer_email: customer.email,
  customer_signature: { type: 'text', ts: utilityApiTime(at), full_name: customer.name },
  notes: [{ type: 'access_invalid', msg: 'The login was refused.', ts: utilityApiTime(at) }],
});

/** The stand-in's copy of a customer whose data flows (its default notes say the login worked). */
const workingAt = (customer: Customer, at: Date) => ({
  customer_email: customer.email,
  customer_signature: { type: 'text', ts: utilityApiTime(at), full_name: customer.name },
});

/**
 * Seeds `customers` in `state` ('bad_login' or 'active') on the stand-in and in relink, one at a time,
 * through the store call the inbox processor makes (as bulk.ts first did). Returns the platform uids
 * and relink's authorization ids, in the customers' order.
 */
export async function seedCustomers(input: {
  relink: RunningRelink;
  utilityapi: UtilityApiStandIn;
  customers: readonly Customer[];
  state: Extract<AuthorizationState, 'bad_login' | 'active'>;
}): Promise<{ uids: string[]; authorizationIds: string[] }> {
  const { relink, utilityapi, customers, state } = input;
  const asOnPlatform = state === 'bad_login' ? badLoginAt : workingAt;
  const uids = customers.map((c) => utilityapi.upsertAuthorization(asOnPlatform(c, new Date())).uid);
  const authorizationIds: string[] = [];
  await inParallel([...uids.keys()], 1, async (i) => {
    const now = new Date();
    const applied = await relink.services.authorizations.applyByKey(
      { workspaceId: SINGLE_WORKSPACE_ID, source: 'utilityapi', externalId: uids[i] as string },
      {
        event: observedEvent(state, now),
        customer: { ...(customers[i] as Customer), utility: 'PG&E' },
        actor: 'platform',
        now,
      },
    );
    authorizationIds[i] = applied.authorizationId;
  });
  return { uids, authorizationIds };
}
