/**
 * Reads the rules file: YAML syntax errors come back with line and column, schema errors as `path: problem`
 * lines; never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { currencyExponent, MoneyError } from '../domain/money';
import { type Programme } from '../domain/programme';
import { formatIssues } from './issues';
import { programmeSchema } from './schema';

export type ProgrammeParse = { ok: true; programme: Programme } | { ok: false; errors: string[] };

export class ProgrammeConfigError extends Error {
  constructor(
    readonly source: string,
    readonly errors: readonly string[],
  ) {
    super(`${source}: invalid loyalty rules\n${errors.map((e) => `  ${e}`).join('\n')}`);
    this.name = 'ProgrammeConfigError';
  }
}

function exponentOf(document: unknown): number {
  const currency = typeof document === 'object' && document !== null ? (document as Record<string, unknown>).currency : undefined;
  try {
    return typeof currency === 'string' ? currencyExponent(currency) : 2;
  } catch (error) {
    if (error instanceof MoneyError) return 2; // the schema reports the bad currency itself
    throw error;
  }
}

export function parseProgramme(yamlText: string): ProgrammeParse {
  const lineCounter = new LineCounter();
  const document = parseDocument(yamlText, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (document.errors.length > 0) {
    return {
      ok: false,
      errors: document.errors.map((error) => {
        const at = lineCounter.linePos(error.pos[0]);
        return `line ${at.line}, column ${at.col}: ${error.message.split('\n')[0] ?? error.message}`;
      }),
    };
  }
  const data: unknown = document.toJS();
  const result = programmeSchema(exponentOf(data)).safeParse(data ?? {}, { reportInput: true });
  return result.success ? { ok: true, programme: result.data } : { ok: false, errors: formatIssues(result.error.issues) };
}

/** Reads and validates the rules file; throws `ProgrammeConfigError` listing every problem. */
export function loadProgramme(file: string): Programme {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ProgrammeConfigError(file, [`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  const parsed = parseProgramme(text);
  if (!parsed.ok) throw new ProgrammeConfigError(file, parsed.errors);
  return parsed.programme;
}
