import qs from 'qs';

const PARSE_OPTIONS: qs.IParseOptions = { depth: 20, arrayLimit: 1000, parameterLimit: 10_000, allowDots: false };

/** Parses PHP bracket notation (`fields[PHONE][0][VALUE]=…`, `select[]=ID`) as PHP's $_POST would. */
export function parsePhpForm(text: string): Record<string, unknown> {
  return qs.parse(text, PARSE_OPTIONS) as Record<string, unknown>;
}

/** Encodes ordered [key, value] pairs as a form body, keys in bracket notation exactly as given. */
export function encodeFormPairs(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}
