import { type Lot, type LotMovement } from './state';

/** Soonest expiry first; ties by accrual time, then key, so the order is total and stable. */
export function spendOrder(a: Lot, b: Lot): number {
  return a.expiresAt - b.expiresAt || a.accruedAt - b.accruedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Has something left that has not expired at `at` (pending or available). */
export function isLiveAt(lot: Lot, at: number): boolean {
  return lot.remaining > 0 && lot.expiresAt > at;
}

export function isSpendableAt(lot: Lot, at: number): boolean {
  return isLiveAt(lot, at) && lot.availableAt <= at;
}

/** Takes up to `amount` from `candidates` in spend order; the movements say how much from which lot. */
export function takeInSpendOrder(candidates: readonly Lot[], amount: number): LotMovement[] {
  let left = amount;
  const movements: LotMovement[] = [];
  for (const lot of [...candidates].sort(spendOrder)) {
    if (left === 0) break;
    const taken = Math.min(lot.remaining, left);
    movements.push({ lotKey: lot.key, amount: taken });
    left -= taken;
  }
  return movements;
}

/** Lowers `remaining` of each moved lot and books the amount to `bucket` (where the value went). */
export function debitLots(lots: readonly Lot[], movements: readonly LotMovement[], bucket: 'spent' | 'settledDebt'): Lot[] {
  return lots.map((lot) => {
    const taken = movements.filter((m) => m.lotKey === lot.key).reduce((sum, m) => sum + m.amount, 0);
    return taken === 0 ? lot : { ...lot, remaining: lot.remaining - taken, [bucket]: lot[bucket] + taken };
  });
}

export function sumOfMovements(movements: readonly LotMovement[]): number {
  return movements.reduce((sum, m) => sum + m.amount, 0);
}
