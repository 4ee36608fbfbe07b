/**
 * A short content digest for idempotency references (e.g. "this exact timeline comment was added"): 64-bit FNV-1a
 * over the UTF-16 code units, as 16 hex digits. Not for security; pure, so workflows can compute it.
 */
const OFFSET_BASIS = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

export function textDigest(text: string): string {
  let hash = OFFSET_BASIS;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * PRIME) & MASK;
  }
  return hash.toString(16).padStart(16, '0');
}
