import type { ProblemFacts } from '../domain/problem-words';
import type { Cooldown } from '../domain/reauth-request';
import type { Suppression } from '../domain/suppression';
import type { LastBounce } from './email-eligibility';

/** What the reauth form starts from: the customer as stored, the problem now, and any cooldown. */
export interface PreparedForm {
  authorizationId: string;
  /** Null when the platform never gave one; the form leaves the field empty. */
  customerName: string | null;
  customerEmail: string | null;
  utility: string;
  problem: ProblemFacts;
  /** When the problem started. */
  since: Date;
  /** The last request inside the cooldown, if any: sending again then needs "Send anyway". */
  cooldown: Cooldown | null;
  /** The latest request's email bounced: the form flags the address it went to. */
  bounced?: LastBounce | null;
  /** The customer marked relink's email as spam or unsubscribed: sending needs "Send anyway". */
  suppression?: Suppression | null;
}
