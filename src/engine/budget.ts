// The cost budget of a run (issue #11 §6, `--max-cost <usd>`), a hard cap: an LLM request starts
// only if what the resume chain has spent, plus the worst case of the requests in flight, plus this
// request's worst case, stays within the budget. The worst case is the request's input tokens as the
// API counts them plus its full `max_tokens`, at the model's price (llm/budget-guard.ts works it
// out). A request that does not fit is never sent: the budget stops, the node's attempt fails with
// BudgetExceededError, nothing new starts, and the run ends paused with reason `budget` (run-loop.ts). A
// resume with a higher budget continues. Pure: no clock, no I/O.

/** A request did not fit in the budget: it was not sent. */
export class BudgetExceededError extends Error {
  /** Not retried: the budget stays passed for the rest of the run. */
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'BudgetExceededError';
  }
}

/** A request's worst case cannot be known (an unpriced model, no `max_tokens`, a CLI agent): under a budget it is not sent. */
export class BudgetUnboundedError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'BudgetUnboundedError';
  }
}

/** A request's place in the budget while it is in flight. */
export interface Reservation {
  /** The request finished: its actual cost (USD) replaces its worst case. */
  settle(costUsd: number): void;
  /** The request failed before the API charged it: its worst case is given back. */
  release(): void;
}

/** Where the budget stopped: the request that did not fit. */
export interface BudgetStop {
  nodeId: string;
  /** Its worst case, USD. */
  needUsd: number;
  /** Spent (settled) when it was refused, USD. */
  spentUsd: number;
  /** The worst case of the requests then in flight, USD. */
  inFlightUsd: number;
}

/** The budget of one run: the cap, what the resume chain spent before it, and what this run spends. */
export class Budget {
  private spent: number;
  private readonly inFlight = new Map<number, number>();
  private next = 0;
  private stopped: BudgetStop | undefined;

  /**
   * @param maxUsd the cap, USD (`--max-cost`).
   * @param spentBeforeUsd what the runs of the resume chain spent on LLM requests (0 for a new run).
   */
  constructor(
    readonly maxUsd: number,
    readonly spentBeforeUsd = 0,
  ) {
    this.spent = spentBeforeUsd;
  }

  /** Settled spend, USD: the chain's before this run plus this run's. */
  get spentUsd(): number {
    return this.spent;
  }

  /** The request that did not fit, once one did not. */
  get stop(): BudgetStop | undefined {
    return this.stopped;
  }

  /**
   * Reserves a request's worst case (USD) if it fits: spent + in flight + worst ≤ max. Once a request
   * has not fit, none is reserved (the run is stopping: no new LLM request starts).
   * @throws {BudgetExceededError} when it does not fit, naming the node and the amounts.
   */
  reserve(nodeId: string, worstUsd: number): Reservation {
    const inFlight = [...this.inFlight.values()].reduce((a, b) => a + b, 0);
    if (this.stopped || this.spent + inFlight + worstUsd > this.maxUsd + 1e-12) {
      this.stopped ??= { nodeId, needUsd: worstUsd, spentUsd: this.spent, inFlightUsd: inFlight };
      throw new BudgetExceededError(
        `node ${nodeId}: its next LLM request could cost up to ${usd(worstUsd)}, and ${usd(this.spent)} spent${inFlight > 0 ? ` + ${usd(inFlight)} in flight` : ''} + that would pass the --max-cost budget of ${usd(this.maxUsd)}; it was not sent`,
      );
    }
    const id = this.next++;
    this.inFlight.set(id, worstUsd);
    let done = false;
    return {
      settle: (costUsd) => {
        if (done) return;
        done = true;
        this.inFlight.delete(id);
        this.spent += costUsd;
      },
      release: () => {
        if (done) return;
        done = true;
        this.inFlight.delete(id);
      },
    };
  }
}

/** `$0.0123` — USD with enough digits for cents and fractions of them. */
export function usd(v: number): string {
  return `$${v >= 1 ? v.toFixed(2) : v.toPrecision(3).replace(/0+$/, '').replace(/\.$/, '')}`;
}
