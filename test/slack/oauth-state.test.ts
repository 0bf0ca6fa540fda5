import type { InstallURLOptions } from '@slack/bolt';
import { INVALID_STATE, oneTimeStateStore, STATE_LIFETIME_MS } from '../../src/slack/oauth-state';
import { createOAuthStateClaims } from '../../src/store/oauth-state-claims';
import { useTestDatabase } from '../support/database';

describe('the OAuth state store', () => {
  const db = useTestDatabase('oauth_state');
  const t0 = new Date('2026-06-01T12:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const options: InstallURLOptions = {
    scopes: ['chat:write', 'commands'],
    metadata: 'from the install page',
  };
  let states: ReturnType<typeof oneTimeStateStore>;
  beforeAll(async () => {
    const claims = createOAuthStateClaims(db.connection, { keepForMs: 60 * 60_000 });
    await claims.init();
    states = oneTimeStateStore({ secret: 'state-secret-0123456789', claims });
  });

  const refusal = (why: RegExp) =>
    expect.objectContaining({ code: INVALID_STATE, message: expect.stringMatching(why) });

  it('gives back the install options once, within 10 minutes, then refuses the same state', async () => {
    const state = await states.generateStateParam(options, t0);
    expect(await states.verifyStateParam(at(STATE_LIFETIME_MS), state)).toEqual(options);
    await expect(states.verifyStateParam(at(1000), state)).rejects.toEqual(refusal(/already used/));
  });

  it('issues a different state every time', async () => {
    const a = await states.generateStateParam(options, t0);
    const b = await states.generateStateParam(options, t0);
    expect(a).not.toBe(b);
  });

  it('refuses a state older than 10 minutes or from the future', async () => {
    const old = await states.generateStateParam(options, t0);
    await expect(states.verifyStateParam(at(STATE_LIFETIME_MS + 1), old)).rejects.toEqual(refusal(/expired/));
    const ahead = await states.generateStateParam(options, at(5 * 60_000));
    await expect(states.verifyStateParam(t0, ahead)).rejects.toEqual(refusal(/expired/));
  });

  it('refuses a state whose content or signature was changed, or that another secret signed', async () => {
    const state = await states.generateStateParam(options, t0);
    const [payload = '', mac = ''] = state.split('.');
    const changed = Buffer.from(
      Buffer.from(payload, 'base64url').toString().replace('commands', 'admin'),
    ).toString('base64url');
    await expect(states.verifyStateParam(t0, `${changed}.${mac}`)).rejects.toEqual(
      refusal(/not issued by relink/),
    );
    await expect(states.verifyStateParam(t0, `${payload}.${mac.slice(1)}x`)).rejects.toEqual(
      refusal(/not issued by relink/),
    );
    const stranger = oneTimeStateStore({
      secret: 'another-secret-9876543210',
      claims: { claim: async () => true },
    });
    const foreign = await stranger.generateStateParam(options, t0);
    await expect(states.verifyStateParam(t0, foreign)).rejects.toEqual(refusal(/not issued by relink/));
    await expect(states.verifyStateParam(t0, 'not-a-state')).rejects.toEqual(refusal(/malformed/));
    // The refused attempts above used nothing up.
    expect(await states.verifyStateParam(t0, state)).toEqual(options);
  });
});
