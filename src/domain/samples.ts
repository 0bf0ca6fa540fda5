import type { AuthorizationState, BadLoginReason } from './authorization';

/*
 * Sample authorizations for `npm run demo` (src/demo/): real records through relink's own paths, so
 * the notice, the form, the preview and the email work for real, marked as samples wherever they show
 * (the customer's name, the utility, and so the email's subject), and removable by their ids.
 */

/** Every sample's platform id starts with this: how relink tells a sample from a customer. */
export const SAMPLE_ID_PREFIX = 'relink-sample-';

export const isSampleId = (externalId: string): boolean => externalId.startsWith(SAMPLE_ID_PREFIX);

/**
 * A sample has no platform account behind it, so no platform can make its reauthorization link: its
 * email links here instead (example.com is reserved for examples and never serves anyone's form).
 */
export const SAMPLE_REAUTH_FORM = {
  uid: 'relink-sample',
  url: 'https://example.com/relink-sample-reauthorization',
};

/** "[Sample] PG&E": shown in the notice, the Home and the email's subject ("Please relink your …"). */
export const SAMPLE_UTILITY = '[Sample] PG&E';

export const sampleName = (name: string): string => `${name} (sample)`;

export interface SampleAuthorization {
  externalId: string;
  name: string;
  /** `expiring_soon` is an active authorization near its expiry: a warning, not an incident. */
  problem: 'bad_login' | 'expired' | 'declined' | 'expiring_soon';
}

export const SAMPLE_AUTHORIZATIONS: readonly SampleAuthorization[] = [
  { externalId: `${SAMPLE_ID_PREFIX}bad-login`, name: sampleName('Ada Lovelace'), problem: 'bad_login' },
  { externalId: `${SAMPLE_ID_PREFIX}expired`, name: sampleName('Grace Hopper'), problem: 'expired' },
  { externalId: `${SAMPLE_ID_PREFIX}declined`, name: sampleName('Hedy Lamarr'), problem: 'declined' },
  {
    externalId: `${SAMPLE_ID_PREFIX}expiring-soon`,
    name: sampleName('Katherine Johnson'),
    problem: 'expiring_soon',
  },
];

const DAY_MS = 86_400_000;

/** What the platform would report for a sample now: its state and dates. */
export function sampleObservation(
  sample: SampleAuthorization,
  now: Date,
  warningDays: number,
): {
  state: AuthorizationState;
  reason: BadLoginReason | null;
  expiresAt: Date | null;
  declinedAt: Date | null;
} {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  switch (sample.problem) {
    case 'bad_login':
      return { state: 'bad_login', reason: 'invalid_credentials', expiresAt: null, declinedAt: null };
    case 'expired':
      return { state: 'expired', reason: null, expiresAt: ago(3), declinedAt: null };
    case 'declined':
      return { state: 'declined', reason: null, expiresAt: null, declinedAt: ago(1) };
    case 'expiring_soon':
      // Inside the warning's window by an hour, so the warning names that many days.
      return { state: 'active', reason: null, expiresAt: ago(-warningDays + 1 / 24), declinedAt: null };
  }
}
