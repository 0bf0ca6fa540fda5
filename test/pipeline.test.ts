import { setTimeout as sleep } from 'node:timers/promises';
import { createPipeline, type Step } from '../src/pipeline';
import { eventually } from './support/eventually';
import { silentLog } from './support/silent-log';

/** A pipeline whose steps record when they start and can be held open until released. */
function recordingPipeline() {
  const pipeline = createPipeline(silentLog());
  const started: Step[] = [];
  const gates = new Map<Step, () => void>();
  const define = (step: Step, behaviour: 'hold' | 'pass' | 'fail' = 'pass') =>
    pipeline.define(step, async () => {
      started.push(step);
      if (behaviour === 'hold') await new Promise<void>((resolve) => gates.set(step, resolve));
      if (behaviour === 'fail') throw new Error(`${step} broke`);
    });
  const release = (step: Step) => gates.get(step)?.();
  return { pipeline, started, define, release };
}

const count = (steps: Step[], step: Step) => steps.filter((s) => s === step).length;

describe('pipeline', () => {
  it('folds a burst of calls during a run into exactly one more run', async () => {
    const { pipeline, started, define, release } = recordingPipeline();
    define('processInbox', 'hold');
    const first = pipeline.run('processInbox');
    for (let i = 0; i < 20; i++) void pipeline.run('processInbox');
    await eventually(() => count(started, 'processInbox') === 1, 'the first run');
    release('processInbox');
    await eventually(() => count(started, 'processInbox') === 2, 'the folded run');
    release('processInbox');
    await first;
    await sleep(20);
    expect(count(started, 'processInbox')).toBe(2);
  });

  it('publishes notices after processing the inbox and after sending requests', async () => {
    const { pipeline, started, define } = recordingPipeline();
    define('processInbox');
    define('sendRequests');
    define('publishNotices');
    await pipeline.run('processInbox');
    await eventually(() => count(started, 'publishNotices') === 1, 'publishing after the inbox');
    await pipeline.run('sendRequests');
    await eventually(() => count(started, 'publishNotices') === 2, 'publishing after sending');
  });

  it('still publishes what a failed inbox run recorded, and never rejects', async () => {
    const { pipeline, started, define } = recordingPipeline();
    define('processInbox', 'fail');
    define('publishNotices');
    await expect(pipeline.run('processInbox')).resolves.toBeUndefined();
    await eventually(() => started.length === 2, 'publishing after the failure');
    expect(started).toEqual(['processInbox', 'publishNotices']);
  });

  it('starts processing when events are stored, and the reply and the send when a request is queued', async () => {
    const { pipeline, started, define } = recordingPipeline();
    for (const step of ['processInbox', 'sendRequests', 'publishNotices'] as const) define(step);
    pipeline.eventsStored();
    await eventually(() => started.length === 2, 'processing, then publishing');
    expect(started).toEqual(['processInbox', 'publishNotices']);
    started.length = 0;
    pipeline.requestQueued();
    await eventually(() => count(started, 'sendRequests') === 1, 'the send');
    expect(started[0]).toBe('publishNotices');
  });

  it('runs a step without work (Slack not configured) as nothing', async () => {
    const { pipeline, started, define } = recordingPipeline();
    define('processInbox');
    expect(pipeline.isDefined('publishNotices')).toBe(false);
    await pipeline.run('publishNotices');
    await pipeline.run('processInbox');
    expect(started).toEqual(['processInbox']);
  });

  it('stops: the run in progress ends before stop resolves, and nothing starts afterwards', async () => {
    const { pipeline, started, define, release } = recordingPipeline();
    define('sendRequests', 'hold');
    define('publishNotices');
    void pipeline.run('sendRequests');
    void pipeline.run('sendRequests'); // owed a second run, which stopping drops
    await eventually(() => started.length === 1, 'the send to start');
    let stopped = false;
    const stopping = pipeline.stop().then(() => {
      stopped = true;
    });
    await sleep(20);
    expect(stopped).toBe(false);
    release('sendRequests');
    await stopping;
    pipeline.requestQueued();
    await pipeline.run('publishNotices');
    await sleep(20);
    expect(started).toEqual(['sendRequests']);
  });

  it('stops waiting for a run that outlasts the timeout: stopping never hangs on one step', async () => {
    const { pipeline, started, define } = recordingPipeline();
    define('publishNotices', 'hold');
    void pipeline.run('publishNotices');
    await eventually(() => started.length === 1, 'the run to start');
    await expect(pipeline.stop(50)).resolves.toBeUndefined();
  });
});
