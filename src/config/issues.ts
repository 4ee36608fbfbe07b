/**
 * Turns zod issues into one line each, `path: problem`, e.g. `cashback.tiers[1].percent: must be between 0 and 100`.
 */
import { type z } from 'zod';

type Issue = z.core.$ZodIssue & { input?: unknown };

export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`), '');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** A discriminated union reports the whole object as input and the discriminator as the last path key. */
function describeDiscriminator(issue: Issue): string {
  const key = issue.path.at(-1);
  const input = issue.input;
  if (typeof input !== 'object' || input === null || typeof key !== 'string') return '';
  const value = (input as Record<string, unknown>)[key];
  return value === undefined ? '' : `, got ${describe(value)}`;
}

const TYPE_NAMES: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', number: 'a number', boolean: 'true or false', int: 'a whole number' };

/** Zod's own wording starts like this; anything else is a message written in a schema and is kept. */
const DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized)/;

function problem(issue: Issue): string {
  if (issue.code !== 'invalid_union' && !DEFAULT_MESSAGE.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${describe(issue.input)}`;
    case 'invalid_value':
      if ('input' in issue && issue.input === undefined) return 'is required';
      return `must be one of: ${issue.values.map(String).join(', ')}${issue.input === undefined ? '' : `, got ${describe(issue.input)}`}`;
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${String(issue.minimum)} item(s)`;
      if (issue.origin === 'string') return Number(issue.minimum) === 1 ? 'must not be empty' : `must be at least ${String(issue.minimum)} characters`;
      return `must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${String(issue.maximum)} item(s)`;
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}`;
    case 'invalid_union':
      // Unions in the schemas carry their own message listing the allowed forms; the default says nothing useful.
      if (issue.message === 'Invalid input') return 'does not match any of the allowed forms';
      return `${issue.message}${describeDiscriminator(issue)}`;
    default:
      return issue.message;
  }
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue: Issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown key`);
    const path = formatPath(issue.path);
    return [`${path === '' ? '(top level)' : path}: ${problem(issue)}`];
  });
}
