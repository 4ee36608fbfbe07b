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

/**
 * multipart/form-data with PHP bracket names: text parts become parameters exactly as the same pairs would in a
 * urlencoded body; file contents are kept as text (the sandbox stores no files).
 */
export function parseMultipart(body: string, contentType: string): Record<string, unknown> {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return {};
  const pairs: [string, string][] = [];
  for (const part of body.split(`--${boundary}`)) {
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) continue;
    const name = /name="([^"]*)"/i.exec(part.slice(0, headerEnd))?.[1];
    if (name === undefined) continue;
    pairs.push([name, part.slice(headerEnd + 4).replace(/\r\n$/, '')]);
  }
  return parsePhpForm(encodeFormPairs(pairs));
}
