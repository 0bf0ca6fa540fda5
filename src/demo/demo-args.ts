import { validEmailOrNull } from '../domain/email-address';

/** What `npm run demo -- …` was asked: post the samples (emails go to `email`), or remove them. */
export type DemoArgs = { command: 'post'; email: string } | { command: 'clean' };

export class DemoUsageError extends Error {
  override readonly name = 'DemoUsageError';
}

const USAGE =
  'usage: npm run demo -- --email you@example.com   posts sample notices; their emails go to that address\n' +
  '       npm run demo -- --clean                   removes the samples (records and Slack messages)';

/** Parses the demo's arguments; throws a DemoUsageError saying how to call it. */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  if (argv.includes('--clean')) {
    if (argv.length !== 1) throw new DemoUsageError(`--clean takes nothing else\n${USAGE}`);
    return { command: 'clean' };
  }
  const at = argv.findIndex((a) => a === '--email' || a.startsWith('--email='));
  const given = at < 0 ? undefined : argv[at]?.includes('=') ? argv[at]?.slice(8) : argv[at + 1];
  const extra = argv.filter((_, i) => i !== at && !(i === at + 1 && !argv[at]?.includes('=')));
  if (extra.length > 0) throw new DemoUsageError(`unknown argument ${extra[0]}\n${USAGE}`);
  // The bot has no users:read.email scope, so the person's own Slack address cannot be looked up.
  if (!given) throw new DemoUsageError(`--email is required: where the sample emails go\n${USAGE}`);
  const email = validEmailOrNull(given);
  if (!email) throw new DemoUsageError(`--email ${given} is not an email address\n${USAGE}`);
  return { command: 'post', email };
}
