import { expectToSee, type DemoCheck, type Expectation } from './checks';
import type { Patience } from './wait';

/** A customer of the story and what happened to them, in the order it happened. */
export interface DemoCustomer {
  contactId: number;
  name: string;
  role: string;
  events: string[];
}

export interface DemoOutcome {
  customers: DemoCustomer[];
  checks: DemoCheck[];
  passed: boolean;
}

/** Collects the story's customers, what they got and every check, and says each check as it is settled. */
export class StoryLog {
  private readonly customers: DemoCustomer[] = [];
  private readonly checks: DemoCheck[] = [];

  constructor(
    private readonly patience: Patience,
    private readonly progress: (line: string) => void,
  ) {}

  introduce(contactId: number, name: string, role: string): void {
    this.customers.push({ contactId, name, role, events: [] });
  }

  tell(contactId: number, event: string): void {
    this.customerOf(contactId).events.push(event);
  }

  record(check: DemoCheck): DemoCheck {
    this.checks.push(check);
    const customer = this.customerOf(check.contactId);
    this.progress(`${check.passed ? 'ok  ' : 'FAIL'} ${customer.name}: ${check.what} = ${check.actual}${check.passed ? '' : ` (expected ${check.expected}; ${check.problem ?? ''})`}`);
    return check;
  }

  /** Waits for the engine to show it, records the check; true when it did. */
  async expect<T>(expectation: Expectation<T>): Promise<boolean> {
    this.throwIfStopped();
    const check = await expectToSee(expectation, this.patience);
    // A wait cut short by Ctrl-C says nothing about the engine: it is not recorded.
    this.throwIfStopped();
    return this.record(check).passed;
  }

  private throwIfStopped(): void {
    if (this.patience.signal?.aborted) throw new Error('the demo story was stopped');
  }

  outcome(): DemoOutcome {
    return { customers: structuredClone(this.customers), checks: [...this.checks], passed: this.checks.length > 0 && this.checks.every((c) => c.passed) };
  }

  private customerOf(contactId: number): DemoCustomer {
    const customer = this.customers.find((c) => c.contactId === contactId);
    if (customer === undefined) throw new Error(`contact ${contactId} is not part of the story`);
    return customer;
  }
}
