/**
 * Who an authorization belongs to, and whose word about them wins: the platform's, until a person
 * corrects the customer in Slack (DESIGN.md, "Authorization").
 */

/** The customer as relink keeps them. */
export interface CustomerFields {
  name: string | null;
  email: string | null;
  /** Someone corrected the customer in Slack: the platform's name and email no longer replace theirs. */
  editedInRelink: boolean;
  utility: string;
}

/** What a platform says about the customer; null fields are unknown and keep what relink has. */
export interface ObservedCustomer {
  name: string | null;
  email: string | null;
  utility: string | null;
}

/** A person confirmed or corrected the customer in Slack. */
export interface CustomerEdit {
  name: string;
  email: string;
}

/** The customer after a platform's observation and then, if any, a person's correction. */
export function mergeCustomer(
  current: CustomerFields,
  observed: ObservedCustomer | null | undefined,
  edit: CustomerEdit | null = null,
): CustomerFields {
  const merged = observed
    ? {
        // Once someone corrected the customer in Slack, the platform's copy no longer replaces it.
        name: current.editedInRelink || !observed.name ? current.name : observed.name,
        email: current.editedInRelink ? current.email : (observed.email ?? current.email),
        editedInRelink: current.editedInRelink,
        utility: observed.utility ?? current.utility,
      }
    : current;
  return edit ? { ...merged, name: edit.name, email: edit.email, editedInRelink: true } : merged;
}

export const sameCustomer = (a: CustomerFields, b: CustomerFields): boolean =>
  a.name === b.name &&
  a.email === b.email &&
  a.utility === b.utility &&
  a.editedInRelink === b.editedInRelink;
