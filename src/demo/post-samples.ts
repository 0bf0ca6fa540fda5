import { SAMPLE_AUTHORIZATIONS, SAMPLE_UTILITY, sampleObservation } from '../domain/samples';
import type { AuthorizationStore } from '../store/authorizations';

export interface PostSamplesDeps {
  authorizations: AuthorizationStore;
  workspaceId: string;
  /** The workspace's expiry-warning days: the sample warning uses the nearest one above a day. */
  warningDays: readonly number[];
  clock: () => Date;
}

/** The warning the sample shows: a week by default (30, 7, 1), else the nearest the workspace uses. */
const warningDayOf = (days: readonly number[]): number =>
  [...days].sort((a, b) => a - b).find((d) => d > 1) ?? days[0] ?? 7;

/**
 * Records the sample authorizations as a platform would report them, through the same store and
 * state machine as real ones, so their notices and warning go out through the outbox and the notice
 * publisher. A sample already there is left as it is (its dates would move and warn again), so a
 * second run posts nothing twice. Returns how many notices and warnings it caused.
 */
export async function postSamples(deps: PostSamplesDeps, email: string): Promise<number> {
  const now = deps.clock();
  const days = warningDayOf(deps.warningDays);
  let effects = 0;
  for (const sample of SAMPLE_AUTHORIZATIONS) {
    const key = { workspaceId: deps.workspaceId, source: 'webhook' as const, externalId: sample.externalId };
    if (await deps.authorizations.findByKey(key)) continue;
    const observed = await deps.authorizations.applyByKey(key, {
      event: { kind: 'observed', at: now, revokedAt: null, ...sampleObservation(sample, now, days) },
      actor: 'system',
      sourceEventId: 'demo',
      customer: { name: sample.name, email, utility: SAMPLE_UTILITY },
      now,
    });
    effects += observed.effects.length;
    if (sample.problem === 'expiring_soon') {
      const warned = await deps.authorizations.applyByKey(key, {
        event: { kind: 'expiry_warning_due', at: now, days },
        actor: 'system',
        now,
      });
      effects += warned.effects.length;
    }
  }
  // The store announces the effects: the notice publisher posts them at once (src/flows/steps.ts).
  return effects;
}
