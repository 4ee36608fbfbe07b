/**
 * Referral codes: 7 characters that are a keyed, bijective scramble of the numeric contact id (so two contacts
 * can never share a code) plus one check character. The alphabet leaves out 0/O/1/I/L, which people confuse.
 *
 * The scramble is a 4-round Feistel network over 32 bits whose round function is FNV-1a keyed by the portal
 * salt; it is invertible, so a code also decodes back to its contact id. Pure TS: usable in workflow code.
 */

export const REFERRAL_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const BASE = REFERRAL_CODE_ALPHABET.length; // 31, a prime: the weighted check sum catches every single substitution
const BODY_LENGTH = 7; // 31^7 > 2^32
const ROUNDS = 4;
const MAX_CONTACT_ID = 0xffff_ffff;

export class ReferralCodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReferralCodeError';
  }
}

function fnv1a(text: string, seed = 0x811c9dc5): number {
  let hash = seed;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

function roundFunction(half: number, round: number, salt: string): number {
  return fnv1a(`${round}:${half}`, fnv1a(salt)) & 0xffff;
}

function feistel(value: number, salt: string, rounds: readonly number[]): number {
  let left = value >>> 16;
  let right = value & 0xffff;
  for (const round of rounds) [left, right] = [right, left ^ roundFunction(right, round, salt)];
  return ((right << 16) | left) >>> 0;
}

const FORWARD = Array.from({ length: ROUNDS }, (_, i) => i);
const BACKWARD = [...FORWARD].reverse();

function checkCharacter(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i += 1) sum += (i + 1) * REFERRAL_CODE_ALPHABET.indexOf(body[i] ?? '');
  return REFERRAL_CODE_ALPHABET[sum % BASE] ?? '';
}

function parseContactId(contactId: string): number {
  if (!/^\d{1,10}$/.test(contactId) || Number(contactId) > MAX_CONTACT_ID) {
    throw new ReferralCodeError(`contact id must be a whole number from 0 to ${MAX_CONTACT_ID}, got "${contactId}"`);
  }
  return Number(contactId);
}

function requireSalt(salt: string): void {
  if (salt.length === 0) throw new ReferralCodeError('the portal salt must not be empty');
}

export function referralCodeFor(contactId: string, salt: string): string {
  requireSalt(salt);
  let value = feistel(parseContactId(contactId), salt, FORWARD);
  let body = '';
  for (let i = 0; i < BODY_LENGTH; i += 1) {
    body = (REFERRAL_CODE_ALPHABET[value % BASE] ?? '') + body;
    value = Math.floor(value / BASE);
  }
  return body + checkCharacter(body);
}

/** Accepts lower case, spaces and dashes as typed by people. */
export function normalizeReferralCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

export type ReferralCodeCheck = { valid: true; code: string; contactId: string } | { valid: false; error: string };

export function parseReferralCode(input: string, salt: string): ReferralCodeCheck {
  requireSalt(salt);
  const code = normalizeReferralCode(input);
  if (code.length !== BODY_LENGTH + 1) return { valid: false, error: `a referral code has ${BODY_LENGTH + 1} characters, got ${code.length}` };
  const foreign = [...code].find((ch) => !REFERRAL_CODE_ALPHABET.includes(ch));
  if (foreign !== undefined) return { valid: false, error: `"${foreign}" is not a referral code character` };
  const body = code.slice(0, BODY_LENGTH);
  if (checkCharacter(body) !== code[BODY_LENGTH]) return { valid: false, error: 'the check character does not match (mistyped code?)' };
  let value = 0;
  for (const ch of body) value = value * BASE + REFERRAL_CODE_ALPHABET.indexOf(ch);
  if (value > MAX_CONTACT_ID) return { valid: false, error: 'not a code issued by this portal' };
  return { valid: true, code, contactId: String(feistel(value, salt, BACKWARD)) };
}

export const REFERRAL_CODE_PLACEHOLDER = '{code}';

/** Null when the template is fine, else what is wrong with it. */
export function referralLinkTemplateError(template: string): string | null {
  let url: URL;
  try {
    url = new URL(template.replace(REFERRAL_CODE_PLACEHOLDER, 'CODE'));
  } catch {
    return `"${template}" is not an absolute URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must be an http(s) URL, got ${url.protocol}`;
  const occurrences = template.split(REFERRAL_CODE_PLACEHOLDER).length - 1;
  if (occurrences !== 1) return `must contain ${REFERRAL_CODE_PLACEHOLDER} exactly once, found ${occurrences}`;
  return null;
}

export function referralLink(template: string, code: string): string {
  const error = referralLinkTemplateError(template);
  if (error !== null) throw new ReferralCodeError(`referral link template: ${error}`);
  return template.replace(REFERRAL_CODE_PLACEHOLDER, encodeURIComponent(code));
}
