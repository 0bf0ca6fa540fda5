import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { InstallURLOptions, StateStore } from '@slack/bolt';
import { z } from 'zod';
import type { OAuthStateClaims } from '../store/oauth-state-claims';

/** How long an install link's `state` is good for: Bolt's state cookie lives as long (600 s). */
export const STATE_LIFETIME_MS = 10 * 60_000;
// A state from a clock slightly ahead (another relink process) is fine; one from the future is not.
const CLOCK_SKEW_MS = 60_000;

/** The code @slack/oauth gives a bad state, so the install's failure page treats both alike. */
export const INVALID_STATE = 'slack_oauth_invalid_state';

class StateRefused extends Error {
  readonly code = INVALID_STATE;
}

const Payload = z.object({
  /** Random: what a replay is recognised by. */
  n: z.string().min(16),
  /** Issued at, ms. */
  t: z.number().int(),
  /** The install options Bolt asked to carry to the redirect. */
  o: z.record(z.string(), z.unknown()),
});

/**
 * The OAuth `state`: signed with SLACK_STATE_SECRET (so it cannot be forged), good for 10 minutes,
 * and usable once. Bolt also checks it against the cookie set by the install page, so a state only
 * works in the browser that started the install; the one-time claim stops the same browser (or anyone
 * who captured its request) from finishing a second install with it. Issuing writes nothing, so the
 * public install page costs no database write.
 */
export function oneTimeStateStore(input: {
  secret: string;
  claims: Pick<OAuthStateClaims, 'claim'>;
}): StateStore {
  const sign = (payload: string) => createHmac('sha256', input.secret).update(payload).digest();

  const decode = (state: string): z.infer<typeof Payload> => {
    const [payload, mac, ...rest] = state.split('.');
    if (!payload || !mac || rest.length > 0) throw new StateRefused('the state is malformed');
    const given = Buffer.from(mac, 'base64url');
    const expected = sign(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new StateRefused('the state was not issued by relink');
    }
    try {
      return Payload.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    } catch {
      throw new StateRefused('the state is malformed');
    }
  };

  return {
    async generateStateParam(installOptions, now) {
      const body = { n: randomBytes(16).toString('base64url'), t: now.getTime(), o: installOptions };
      const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
      return `${payload}.${sign(payload).toString('base64url')}`;
    },

    async verifyStateParam(now, state) {
      const { n, t, o } = decode(state);
      const age = now.getTime() - t;
      if (age > STATE_LIFETIME_MS || age < -CLOCK_SKEW_MS) throw new StateRefused('the state has expired');
      if (!(await input.claims.claim(n, now))) throw new StateRefused('the state was already used');
      return o as unknown as InstallURLOptions;
    },
  };
}
