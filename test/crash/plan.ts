// A crash-fuzzing trial's plan, drawn from its seed with fast-check (so one seed always gives the
// same plan): the sleep of every node, then the interruptions of the first invocations — `oe run`,
// then `oe resume` of the latest run of the chain — each at a random moment. Invocations after the
// planned interruptions are left alone until one succeeds. Pure.
import fc from 'fast-check';
import { crashNodes } from './experience.js';

/** How an invocation is interrupted. */
export type Interrupt =
  /** SIGKILL: no handler runs, the log ends wherever the process was. */
  | 'kill'
  /** One SIGINT: the run cancels (running nodes are aborted) and ends `cancelled`. */
  | 'sigint'
  /** Two SIGINTs a few ms apart: the second stops the process at once (hard stop). */
  | 'sigint-twice'
  /** `oe pause <runId>` from another process: the run stops at the next node boundary, `paused`. */
  | 'pause';

/** One planned interruption. */
export interface Interruption {
  how: Interrupt;
  /**
   * Lines the invocation's new log must hold before the interruption is sent; 0 sends it without
   * waiting for the log (possibly before the process has claimed the run or created its log).
   * Never 0 for `pause`, which needs the run id and run.started's pid.
   */
  afterEvents: number;
  /** Then this many ms more. */
  delayMs: number;
  /** For `sigint-twice`: ms between the two signals. */
  gapMs: number;
  /**
   * For `kill` only: after the process is dead, append the first `perMille`‰ of a copy of its last
   * line (a write torn by a power loss), then `zeros` NUL bytes (a file system that grew the file
   * but lost the data). Undefined leaves the log as the kill left it.
   */
  tear: { perMille: number; zeros: number } | undefined;
}

/** One `oe run` / `oe resume` invocation of a trial. */
export interface Invocation {
  /** `--concurrency` (the experience says 4). */
  concurrency: number;
  interruption?: Interruption;
}

/** Everything a trial does, from its seed. */
export interface TrialPlan {
  seed: number;
  /** ms each node sleeps (of each iteration, for the `for_each` node), in declaration order. */
  sleeps: number[];
  /** The first invocations, each interrupted; the ones after are not. */
  interrupted: Invocation[];
  /** `--concurrency` of the uninterrupted invocations. */
  concurrency: number;
}

const NODE_COUNT = crashNodes().length;
/** Lines of a whole run's log: run.started, a start and an end per unit (99 nodes, 20 items), run.completed. */
const FULL_RUN_EVENTS = 2 + 2 * (NODE_COUNT + 20);

const interruption: fc.Arbitrary<Interruption> = fc
  .record({
    how: fc.constantFrom<Interrupt>('kill', 'kill', 'sigint', 'sigint-twice', 'pause'),
    // Mostly somewhere in the log; now and then at once, before the log exists.
    afterEvents: fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max: FULL_RUN_EVENTS }), weight: 9 }),
    delayMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
    gapMs: fc.integer({ min: 0, max: 20 }),
    tear: fc.option(fc.record({ perMille: fc.integer({ min: 1, max: 999 }), zeros: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 64 })) }), { freq: 3 }),
  })
  .map((i) => ({
    ...i,
    afterEvents: i.how === 'pause' ? Math.max(1, i.afterEvents) : i.afterEvents,
    tear: i.how === 'kill' ? (i.tear ?? undefined) : undefined,
  }));

const invocation: fc.Arbitrary<Invocation> = fc.record({ concurrency: fc.integer({ min: 1, max: 8 }), interruption });

/** The arbitrary of trial plans (seed left 0; planOf sets it). */
export const trialPlans: fc.Arbitrary<Omit<TrialPlan, 'seed'>> = fc.record({
  sleeps: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 })), { minLength: NODE_COUNT, maxLength: NODE_COUNT }),
  interrupted: fc.array(invocation, { minLength: 1, maxLength: 4 }),
  concurrency: fc.integer({ min: 1, max: 8 }),
});

/** The plan of the trial with this seed (a 32-bit integer): always the same for the same seed. */
export function planOf(seed: number): TrialPlan {
  const [plan] = fc.sample(trialPlans, { seed, numRuns: 1 });
  return { seed, ...plan! };
}
