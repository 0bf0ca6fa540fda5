import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { ListenerDeps } from '../types';
import { workspaceRemoved } from './workspace-removed';

type TokensRevokedArgs = SlackEventMiddlewareArgs<'tokens_revoked'> & AllMiddlewareArgs;

/**
 * Tokens of a workspace were revoked (no scope needed). Only the bot token matters: relink asks for no
 * user scopes, so it holds no user token, and a revoked bot token leaves it nothing to act with.
 */
export const tokensRevoked =
  (deps: ListenerDeps) =>
  async ({ event, context }: TokensRevokedArgs) => {
    if ((event.tokens.bot ?? []).length === 0) return;
    await workspaceRemoved(deps, context, 'tokens_revoked');
  };
