import type { Logger as BoltLogger, HTTPReceiverOptions, InstallationStore, StateStore } from '@slack/bolt';
import { installPage } from '../../blocks/install-pages';
import type { SlackConfig } from './app';
import { installCallbacks } from './install-callbacks';
import { SLACK_CONTRACT } from './manifest-contract';
import { STATE_LIFETIME_MS } from './oauth-state';

/** Where an OAuth install keeps what it learns: installations, and the `state` values already used. */
export interface InstallStores {
  installationStore: InstallationStore;
  stateStore: StateStore;
}

/**
 * Slack's authorize page sits beside its Web API (`https://slack.com/api/` → `https://slack.com/oauth/v2/authorize`),
 * so tests pointing SLACK_API_URL at the stand-in get its authorize step too, without another variable.
 */
export const authorizeUrlOf = (slackApiUrl: string): string =>
  new URL('../oauth/v2/authorize', slackApiUrl.endsWith('/') ? slackApiUrl : `${slackApiUrl}/`).toString();

/** The HTTPReceiver options of a multi-workspace install: `GET /slack/install` and the redirect back. */
export function installOptions(input: {
  oauth: NonNullable<SlackConfig['oauth']>;
  stores: InstallStores;
  paths: { install: string; redirect: string };
  logger: BoltLogger;
  clientOptions: { slackApiUrl: string };
}): Partial<HTTPReceiverOptions> {
  const { oauth, stores, paths, clientOptions } = input;
  return {
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    installationStore: stores.installationStore,
    scopes: [...SLACK_CONTRACT.scopes],
    installerOptions: {
      installPath: paths.install,
      redirectUriPath: paths.redirect,
      // oauth.v2.access and auth.test after it go where every other Web API call goes.
      clientOptions,
      authorizationUrl: authorizeUrlOf(clientOptions.slackApiUrl),
      // Signed with SLACK_STATE_SECRET and usable once (oauth-state.ts); Bolt's own state store would
      // accept a replay within its 10 minutes.
      stateStore: stores.stateStore,
      stateCookieExpirationSeconds: STATE_LIFETIME_MS / 1000,
      renderHtmlForInstallPath: installPage,
      callbackOptions: installCallbacks({
        installPath: paths.install,
        slackApiUrl: clientOptions.slackApiUrl,
        log: input.logger,
      }),
    },
  };
}
