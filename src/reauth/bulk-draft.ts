import type { ReauthDraft } from '../domain/reauth-draft';
import type { IndexedEntry } from '../worklist/worklist-index';

/** A customer's name as a bulk ask's email greets them and its lists name them. */
export const customerNameOf = (entry: Pick<IndexedEntry, 'name'>): string => entry.name?.trim() || 'there';

/**
 * The draft a bulk ask sends to one customer: their details on file and the shared note. Nobody
 * corrects them one by one, so what the platform reported is what the email uses.
 */
export const bulkDraftOf = (entry: IndexedEntry, note: string | null): ReauthDraft => ({
  customerName: customerNameOf(entry),
  customerEmail: entry.email ?? '',
  utility: entry.utility.trim() || 'utility company',
  note,
  sendAnyway: false,
});
