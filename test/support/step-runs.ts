import { createFlows } from '../../src/flows/flows';
import type { StepName } from '../../src/flows/steps';
import { silentLog } from './silent-log';

/**
 * relink's flows with one step whose runs are counted instead of done: stores given `listeners` start
 * it exactly as they do in main.ts, by what they announce.
 */
export function countedStepRuns(step: StepName) {
  const flows = createFlows({ log: silentLog() });
  let runs = 0;
  flows.define({
    [step]: async () => {
      runs += 1;
    },
  });
  return {
    listeners: flows.listeners,
    get runs() {
      return runs;
    },
  };
}
