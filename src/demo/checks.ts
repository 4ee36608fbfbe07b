import { isDeepStrictEqual } from 'node:util';
import { settle, type Patience } from './wait';

/** One number (or text) of the story: what the rules say it must be and what the engine showed. */
export interface DemoCheck {
  contactId: number;
  what: string;
  expected: string;
  actual: string;
  passed: boolean;
  /** Why it failed: not reached in time, or the last read's error. */
  problem?: string;
}

export interface Expectation<T> {
  contactId: number;
  what: string;
  /** Computed from the programme's rules, never typed in. */
  expected: T;
  /** What the CRM or the customer's workflow shows now. */
  read: () => T | Promise<T>;
  show: (value: T) => string;
}

/** Waits until the engine shows the expected value and records the outcome; a timeout is a failed check, not an error. */
export async function expectToSee<T>(expectation: Expectation<T>, patience: Patience): Promise<DemoCheck> {
  const { contactId, what, expected, show } = expectation;
  const seen = await settle(expectation.read, (value) => isDeepStrictEqual(value, expected), patience);
  const check = { contactId, what, expected: show(expected), actual: seen.value === undefined ? 'nothing yet' : show(seen.value) };
  if (seen.met) return { ...check, passed: true };
  const waited = `not shown within ${Math.round(patience.timeoutMs / 1000)} s`;
  return { ...check, passed: false, problem: seen.lastError === undefined ? waited : `${waited}; last read failed: ${seen.lastError}` };
}

/** A step that could not even be taken (a refused request): recorded as a failed check with its reason. */
export function failedStep(contactId: number, what: string, expected: string, error: unknown): DemoCheck {
  const problem = error instanceof Error ? error.message : String(error);
  return { contactId, what, expected, actual: 'not done', passed: false, problem };
}
