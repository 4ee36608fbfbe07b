import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseReferralCode,
  REFERRAL_CODE_ALPHABET,
  ReferralCodeError,
  referralCodeFor,
  referralLink,
  referralLinkTemplateError,
} from '../../src/domain/referral-code';

const SALT = 'portal-salt';
const contactId = fc.integer({ min: 0, max: 0xffff_ffff }).map(String);

describe('referral codes', () => {
  it('uses no ambiguous characters', () => {
    expect(REFERRAL_CODE_ALPHABET).not.toMatch(/[01OIL]/);
    fc.assert(fc.property(contactId, (id) => /^[2-9A-HJKMNP-Z]{8}$/.test(referralCodeFor(id, SALT))));
  });

  it('is unique over many ids', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => String(i * 7919));
    expect(new Set(ids.map((id) => referralCodeFor(id, SALT))).size).toBe(ids.length);
    fc.assert(fc.property(contactId, contactId, (a, b) => a === b || referralCodeFor(a, SALT) !== referralCodeFor(b, SALT)));
  });

  it('is deterministic and depends on the salt', () => {
    expect(referralCodeFor('42', SALT)).toBe(referralCodeFor('42', SALT));
    expect(referralCodeFor('42', SALT)).not.toBe(referralCodeFor('42', 'other-portal'));
  });

  it('decodes back to the contact id, accepting lower case and dashes', () => {
    fc.assert(
      fc.property(contactId, (id) => {
        const code = referralCodeFor(id, SALT);
        const typed = `${code.slice(0, 4)}-${code.slice(4)}`.toLowerCase();
        expect(parseReferralCode(typed, SALT)).toEqual({ valid: true, code, contactId: id });
      }),
    );
  });

  it('catches every single-character typo with the check character', () => {
    fc.assert(
      fc.property(contactId, fc.nat(7), fc.nat(REFERRAL_CODE_ALPHABET.length - 2), (id, position, shift) => {
        const code = referralCodeFor(id, SALT);
        const original = REFERRAL_CODE_ALPHABET.indexOf(code[position] ?? '');
        const replacement = REFERRAL_CODE_ALPHABET[(original + shift + 1) % REFERRAL_CODE_ALPHABET.length] ?? '';
        const typo = code.slice(0, position) + replacement + code.slice(position + 1);
        expect(parseReferralCode(typo, SALT).valid).toBe(false);
      }),
    );
  });

  it('catches swaps of neighbouring characters', () => {
    fc.assert(
      fc.property(contactId, fc.nat(6), (id, position) => {
        const code = referralCodeFor(id, SALT);
        const swapped = code.slice(0, position) + code[position + 1] + code[position] + code.slice(position + 2);
        expect(swapped === code || !parseReferralCode(swapped, SALT).valid).toBe(true);
      }),
    );
  });

  it.each([
    ['ABC', 'a referral code has 8 characters, got 3'],
    ['ABCDEFG0', '"0" is not a referral code character'],
  ])('rejects %s', (input, error) => {
    expect(parseReferralCode(input, SALT)).toEqual({ valid: false, error });
  });

  it('refuses non-numeric contact ids and an empty salt', () => {
    expect(() => referralCodeFor('abc', SALT)).toThrow(ReferralCodeError);
    expect(() => referralCodeFor('4294967296', SALT)).toThrow('contact id must be a whole number from 0 to 4294967295, got "4294967296"');
    expect(() => referralCodeFor('1', '')).toThrow('the portal salt must not be empty');
  });
});

describe('referral links', () => {
  it('fills the template', () => {
    expect(referralLink('https://site.example/?ref={code}', 'ABCD2345')).toBe('https://site.example/?ref=ABCD2345');
  });

  it.each([
    ['site.example/?ref={code}', '"site.example/?ref={code}" is not an absolute URL'],
    ['ftp://site.example/{code}', 'must be an http(s) URL, got ftp:'],
    ['https://site.example/', 'must contain {code} exactly once, found 0'],
    ['https://site.example/{code}/{code}', 'must contain {code} exactly once, found 2'],
  ])('rejects the template %s', (template, error) => {
    expect(referralLinkTemplateError(template)).toBe(error);
    expect(() => referralLink(template, 'X')).toThrow(`referral link template: ${error}`);
  });
});
