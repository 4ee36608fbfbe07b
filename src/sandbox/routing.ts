export type RestRoute =
  | { kind: 'webhook'; userId: number; secret: string; method: string }
  | { kind: 'oauth'; method: string }
  | { kind: 'malformed' };

/** Collapses duplicate slashes in the path part only (SDKs with a trailing-slash base send `/rest//method`). */
export function collapseSlashes(url: string): string {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return path.replace(/\/{2,}/g, '/') + (q === -1 ? '' : url.slice(q));
}

function stripFormat(method: string): string {
  return decodeURIComponent(method).replace(/\.(json|xml)$/i, '').toLowerCase();
}

/**
 * `/rest/{user}/{secret}/{method}[.json]` → incoming webhook; `/rest/{method}` → OAuth (token in `auth`).
 * A webhook path missing its user id does not parse as a webhook and ends up as "Method not found!".
 */
export function parseRestPath(path: string): RestRoute {
  const segments = path.replace(/^\/rest\/?/, '').split('/').filter((s) => s !== '');
  if (segments.length === 1) return { kind: 'oauth', method: stripFormat(segments[0]!) };
  if (segments.length === 3 && /^\d+$/.test(segments[0]!)) {
    return { kind: 'webhook', userId: Number(segments[0]), secret: segments[1]!, method: stripFormat(segments[2]!) };
  }
  return { kind: 'malformed' };
}
