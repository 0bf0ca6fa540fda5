import type { z } from 'zod';

/**
 * Turns a zod error into one readable line per problem, e.g.
 * `authorization.customer.email: Invalid email address`, so a 400 tells the sender exactly what to fix.
 */
export function describeZodIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${path || '(body)'}: ${issue.message}`;
  });
}
