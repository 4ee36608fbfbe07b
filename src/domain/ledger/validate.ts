import { InvalidLedgerRequestError } from './errors';

export function requireKey(key: unknown, what: string): void {
  if (typeof key !== 'string' || key.trim() === '') throw new InvalidLedgerRequestError(`${what}: key must be a non-empty string`);
}

export function requirePositiveAmount(amount: unknown, what: string): void {
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new InvalidLedgerRequestError(`${what}: amount must be a positive integer of minor units, got ${String(amount)}`);
  }
}

export function requireInstant(instant: unknown, what: string): void {
  if (typeof instant !== 'number' || !Number.isSafeInteger(instant)) {
    throw new InvalidLedgerRequestError(`${what}: expected epoch milliseconds as an integer, got ${String(instant)}`);
  }
}

export function requireReason(reason: unknown, what: string): void {
  if (typeof reason !== 'string' || reason.trim() === '') throw new InvalidLedgerRequestError(`${what}: reason must be a non-empty string`);
}

export function requireOptionalAuthor(author: unknown, what: string): void {
  if (author !== undefined && (typeof author !== 'string' || author.trim() === '')) {
    throw new InvalidLedgerRequestError(`${what}: author, when given, must be a non-empty string`);
  }
}

export function requireNonNegativeInteger(value: unknown, what: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidLedgerRequestError(`${what}: expected a non-negative integer, got ${String(value)}`);
  }
}

export function requireKind<K extends string>(kind: K, allowed: readonly K[], what: string): void {
  if (!allowed.includes(kind)) throw new InvalidLedgerRequestError(`${what}: kind must be one of ${allowed.join(', ')}, got "${String(kind)}"`);
}
