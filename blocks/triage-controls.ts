import type { ActionsBlockElement, Button, PlainTextOption, StaticSelect } from '@slack/types';
import {
  DISMISS_REASONS,
  isDismissed,
  isSnoozed,
  SNOOZE_DAYS,
  type TriageCommand,
  type TriageSummary,
} from '../src/domain/triage';
import { ActionId, type ActionIdValue, keyedActionId } from '../src/slack/ids';
import { historyValue, triageValue } from '../src/slack/triage-values';
import { DISMISS_REASON_WORDS } from './triage-words';

export const HISTORY_LABEL = 'History';

export interface TriageControlsInput {
  authorizationId: string;
  triage: TriageSummary | null | undefined;
  /** Whether an incident is open: triage acts on incidents; without one only History is offered. */
  incidentOpen: boolean;
  now: Date;
  /**
   * Makes each action_id unique in a view or message holding many rows (`triage.<key>-assign`); the
   * notice, one per message, leaves it out.
   */
  key?: string;
}

/**
 * The triage controls of an incident (on the notice, a Home row, a `/reauth` row): "I'm on it" (and
 * Unassign), Snooze… or Wake up, Dismiss… or Reopen, then History. Every value names the
 * authorization and the command, so one listener handles them all.
 */
export function triageElements(input: TriageControlsInput): ActionsBlockElement[] {
  const { authorizationId, triage, now } = input;
  const id = (base: ActionIdValue, what: string) =>
    keyedActionId(base, input.key === undefined ? what : `${input.key}-${what}`);
  const value = (command: TriageCommand) => triageValue.encode({ v: 1, authorizationId, command });
  const elements: ActionsBlockElement[] = [];
  if (input.incidentOpen) {
    if (triage && isDismissed(triage)) {
      elements.push(button(id(ActionId.triage, 'reopen'), 'Reopen', value({ kind: 'reopen' })));
    } else {
      elements.push(button(id(ActionId.triage, 'assign'), "I'm on it", value({ kind: 'assign' })));
      if (triage?.assignee) {
        elements.push(button(id(ActionId.triage, 'unassign'), 'Unassign', value({ kind: 'unassign' })));
      }
      elements.push(
        triage && isSnoozed(triage, now)
          ? button(id(ActionId.triage, 'unsnooze'), 'Wake up', value({ kind: 'unsnooze' }))
          : menu(
              id(ActionId.triageSnooze, 'snooze'),
              'Snooze…',
              SNOOZE_DAYS.map((days) =>
                option(`${days} day${days === 1 ? '' : 's'}`, value({ kind: 'snooze', days })),
              ),
            ),
        menu(
          id(ActionId.triageDismiss, 'dismiss'),
          'Dismiss…',
          DISMISS_REASONS.map((reason) =>
            option(DISMISS_REASON_WORDS[reason], value({ kind: 'dismiss', reason })),
          ),
        ),
      );
    }
  }
  elements.push(historyButton(authorizationId, input.key));
  return elements;
}

/** History: opens the authorization's timeline. */
export const historyButton = (authorizationId: string, key?: string): Button =>
  button(
    key === undefined ? ActionId.openHistory : keyedActionId(ActionId.openHistory, key),
    HISTORY_LABEL,
    historyValue.encode({ v: 1, authorizationId }),
  );

const button = (actionId: string, text: string, value: string): Button => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text },
  value,
});

const option = (text: string, value: string): PlainTextOption => ({
  text: { type: 'plain_text', text },
  value,
});

const menu = (actionId: string, placeholder: string, options: PlainTextOption[]): StaticSelect => ({
  type: 'static_select',
  action_id: actionId,
  placeholder: { type: 'plain_text', text: placeholder },
  options,
});
