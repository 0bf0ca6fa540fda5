/*
 * The web pages of an OAuth install (GET /slack/install and the page after Slack sends the installer
 * back). They are HTML, not Block Kit, but they are words users read, and those live in blocks/.
 * Pure: plain data in, a complete HTML document out; every value from outside is escaped.
 */

/** Why an install did not finish; each has its own words and next step. */
export type InstallProblem = 'link_expired' | 'cancelled' | 'org_wide' | 'failed';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title>${escapeHtml(title)}</title>
    <style>body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; }</style>
  </head>
  <body>
    <h1>${escapeHtml(title)}</h1>
${body}
  </body>
</html>
`;
}

/** The page at the shared install link: what relink does, and the button that goes to Slack. */
export function installPage(authorizeUrl: string): string {
  return page(
    'Add relink to Slack',
    `    <p>relink tells your team in Slack when a customer's utility data authorization stops working, and asks the customer to reauthorize.</p>
    <p><a href="${escapeHtml(authorizeUrl)}">Add to Slack</a></p>
    <p>Slack shows what relink asks for before anything is installed. relink is installed into one workspace at a time.</p>`,
  );
}

/** After a successful install: where to go next in Slack. */
export function installedPage(input: {
  teamId: string;
  teamName: string | null;
  appId: string | null;
}): string {
  const where = input.teamName ? `relink is installed in ${input.teamName}` : 'relink is installed';
  const team = encodeURIComponent(input.teamId);
  const home = input.appId
    ? `slack://app?team=${team}&id=${encodeURIComponent(input.appId)}&tab=home`
    : `slack://open?team=${team}`;
  return page(
    where,
    `    <p>Next:</p>
    <ol>
      <li>Open relink's App Home in Slack: <a href="${escapeHtml(home)}">open in the Slack app</a>, or find relink under Apps in the sidebar of <a href="https://app.slack.com/client/${team}">Slack in your browser</a>.</li>
      <li>In Settings, choose the alert channel where relink posts notices, then add relink to that channel (type <code>/invite @relink</code> in it).</li>
      <li>In the same Settings, connect your UtilityAPI account and paste the webhook URL shown there into UtilityAPI.</li>
    </ol>`,
  );
}

const PROBLEMS: Record<InstallProblem, { title: string; text: string }> = {
  link_expired: {
    title: 'This install link has expired',
    text: 'It was already used, it is more than 10 minutes old, or it was opened in another browser. Nothing was installed.',
  },
  cancelled: {
    title: 'relink was not installed',
    text: 'The install was cancelled in Slack.',
  },
  org_wide: {
    title: 'relink installs into one workspace at a time',
    text: 'This was an install for a whole Enterprise Grid organization, which relink does not support, so nothing was kept. Install relink from inside the workspace that should get the notices.',
  },
  failed: {
    title: 'relink was not installed',
    text: 'Slack did not confirm the install. If trying again does not help, ask whoever runs relink to check its logs.',
  },
};

/** An install that did not finish: what happened, in plain words, and how to start again. */
export function installProblemPage(problem: InstallProblem, installPath: string): string {
  const { title, text } = PROBLEMS[problem];
  return page(
    title,
    `    <p>${escapeHtml(text)}</p>\n    <p><a href="${escapeHtml(installPath)}">Start the install again</a></p>`,
  );
}
