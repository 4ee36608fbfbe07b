import { InvalidArgumentError } from 'commander';

/** Parses a CRM id flag (`--contact 12`, `--deal 7`). */
export function positiveId(flag: string): (value: string) => number {
  return (value) => {
    const id = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(id) || id <= 0) throw new InvalidArgumentError(`${flag} must be a positive whole number, got "${value}"`);
    return id;
  };
}
