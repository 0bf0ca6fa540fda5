import { setTimeout as sleep } from 'node:timers/promises';
import { createFlows } from '../../src/flows/flows';
import { STEP_NAMES, STEPS, type StepName } from '../../src/flows/steps';
import { eventually } from '../support/eventually';
import { silentLog } from '../support/silent-log';

/** Flows whose steps record when they start and can be held open until released. */
function recordingFlows() {
  const flows = createFlows({ log: silentLog() });
  const started: StepName[] = [];
  const gates = new Map<StepName, () => void>();
  const define = (step: StepName, behaviour: 'hold' | 'pass' | 'fail' = 'pass') =>
    flows.define({
      [step]: async () => {
        started.push(step);
        if (behaviour === 'hold') await new Promise<void>((resolve) => gates.set(step, resolve));
        if (behaviour === 'fail') throw new Error(`${step} broke`);
      },
    });
  const release = (step: StepName) => gates.get(step)?.();
  return { flows, started, define, release };
}

const count = (steps: StepName[], step: StepName) => steps.filter((s) => s === step).length;

describe('flows', () => {
  it('says once, for every step, its job, its timer and what follows it', () => {
    expect(new Set(STEP_NAMES.map((step) => STEPS[step].job)).size).toBe(STEP_NAMES.length);
    for (const step of STEP_NAMES) {
      expect(STEPS[step].every).not.toBe('');
      for (const next of STEPS[step].followedBy) expect(STEP_NAMES).toContain(next);
    }
    expect(STEPS.processInbox.followedBy).toEqual(['publishNotices']);
  });

  it('folds a burst of starts during a run into exactly one more run', async () => {
    const { flows, started, define, release } = recordingFlows();
    define('processInbox', 'hold');
    const run = flows.runner('processInbox');
    for (let i = 0; i < 20; i++) run();
    await eventually(() => count(started, 'processInbox') === 1, 'the first run');
    release('processInbox');
    await eventually(() => count(started, 'processInbox') === 2, 'the folded run');
    release('processInbox');
    await sleep(20);
    expect(count(started, 'processInbox')).toBe(2);
  });

  it('publishes notices after processing the inbox and after sending requests', async () => {
    const { flows, started, define } = recordingFlows();
    for (const step of ['processInbox', 'sendRequests', 'publishNotices'] as const) define(step);
    flows.runner('processInbox')();
    await eventually(() => count(started, 'publishNotices') === 1, 'publishing after the inbox');
    flows.runner('sendRequests')();
    await eventually(() => count(started, 'publishNotices') === 2, 'publishing after sending');
  });

  it('still publishes what a failed inbox run recorded, and never rejects', async () => {
    const { flows, started, define } = recordingFlows();
    define('processInbox', 'fail');
    define('publishNotices');
    flows.runner('processInbox')();
    await eventually(() => started.length === 2, 'publishing after the failure');
    expect(started).toEqual(['processInbox', 'publishNotices']);
  });

  it('starts what the stores announce: events stored, effects recorded, a request queued', async () => {
    const { flows, started, define } = recordingFlows();
    for (const step of ['processInbox', 'sendRequests', 'publishNotices'] as const) define(step);
    flows.listeners.eventsStored?.(3);
    await eventually(() => started.length === 2, 'processing, then publishing');
    expect(started).toEqual(['processInbox', 'publishNotices']);

    started.length = 0;
    flows.listeners.effectsRecorded?.(['incident.triaged']);
    await eventually(() => started.length === 1, 'publishing');
    expect(started).toEqual(['publishNotices']);

    // The "queued" line goes to Slack without waiting for the send.
    await sleep(20);
    started.length = 0;
    flows.listeners.effectsRecorded?.(['request.queued']);
    await eventually(() => count(started, 'sendRequests') === 1, 'the send');
    expect(started[0]).toBe('publishNotices');

    // Queued again (Retry): the send starts with no new effect.
    started.length = 0;
    flows.listeners.requestWritten?.({ kind: 'status', id: 'r1', status: 'queued', statusAt: new Date() });
    await eventually(() => count(started, 'sendRequests') === 1, 'the send again');
    flows.listeners.requestWritten?.({ kind: 'status', id: 'r1', status: 'sent', statusAt: new Date() });
    await sleep(20);
    expect(count(started, 'sendRequests')).toBe(1);
  });

  it('runs a step without work (Slack not configured) as nothing', async () => {
    const { flows, started, define } = recordingFlows();
    define('processInbox');
    flows.runner('publishNotices')();
    flows.runner('processInbox')();
    await eventually(() => started.length === 1, 'the inbox');
    await sleep(20);
    expect(started).toEqual(['processInbox']);
  });

  it('stops: the run in progress ends before stop resolves, and nothing starts afterwards', async () => {
    const { flows, started, define, release } = recordingFlows();
    define('sendRequests', 'hold');
    define('publishNotices');
    flows.runner('sendRequests')();
    flows.runner('sendRequests')(); // owed a second run, which stopping drops
    await eventually(() => started.length === 1, 'the send to start');
    let stopped = false;
    const stopping = flows.stop().then(() => {
      stopped = true;
    });
    await sleep(20);
    expect(stopped).toBe(false);
    release('sendRequests');
    await stopping;
    flows.listeners.effectsRecorded?.(['request.queued']);
    flows.runner('publishNotices')();
    await sleep(20);
    expect(started).toEqual(['sendRequests']);
  });

  it('stops waiting for a run that outlasts the timeout: stopping never hangs on one step', async () => {
    const { flows, started, define } = recordingFlows();
    define('publishNotices', 'hold');
    flows.runner('publishNotices')();
    await eventually(() => started.length === 1, 'the run to start');
    await expect(flows.stop(50)).resolves.toBeUndefined();
  });
});
