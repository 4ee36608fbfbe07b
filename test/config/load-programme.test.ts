import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadProgramme, parseProgramme, ProgrammeConfigError } from '../../src/config/load-programme';
import { exampleProgramme } from '../domain/programme.fixture';

const EXAMPLE = readFileSync(join(__dirname, '../../loyalty.config.yaml'), 'utf8');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests edit arbitrary YAML data in place
type YamlDoc = Record<string, any>;

/** The example file with one change applied to its data. */
function variant(change: (doc: YamlDoc) => void): string {
  const doc = parse(EXAMPLE) as YamlDoc;
  change(doc);
  return stringify(doc);
}

function errorsOf(text: string): string[] {
  const result = parseProgramme(text);
  if (result.ok) throw new Error('expected the file to be rejected');
  return result.errors;
}

describe('the example rules file', () => {
  it('loads into the documented programme', () => {
    expect(parseProgramme(EXAMPLE)).toEqual({ ok: true, programme: exampleProgramme() });
  });

  it('converts percentages and amounts exactly', () => {
    const result = parseProgramme(
      variant((doc) => {
        doc.cashback.tiers = [{ upTo: '49999.99', percent: '7.5' }, { percent: 12.25 }];
        doc.birthday.percent = '0.01 %';
      }),
    );
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.programme.cashback.tiers).toEqual([
      { upToMinor: 4_999_999, percent: 750 },
      { upToMinor: null, percent: 1225 },
    ]);
    expect(result.programme.birthday.percent).toBe(1);
  });

  it('sends every kind to Bitrix24 when the section or its kinds are left out, none with kinds: [], and reads webhook and log channels', () => {
    const everyKind = ['referralNew', 'thresholdReached', 'cashbackAccrued', 'cashbackExpiring', 'birthdayWindowOpen', 'bonusGranted'];
    const without = parseProgramme(variant((doc) => delete doc.notifications));
    expect(without.ok && without.programme.notifications).toEqual({ kinds: everyKind, channels: [{ type: 'bitrix24' }] });
    const withoutKinds = parseProgramme(variant((doc) => delete doc.notifications.kinds));
    expect(withoutKinds.ok && withoutKinds.programme.notifications.kinds).toEqual(everyKind);
    const silenced = parseProgramme(variant((doc) => (doc.notifications.kinds = [])));
    expect(silenced.ok && silenced.programme.notifications.kinds).toEqual([]);
    const logged = parseProgramme(variant((doc) => (doc.notifications.channels = [{ type: 'log' }, { type: 'bitrix24' }])));
    expect(logged.ok && logged.programme.notifications.channels).toEqual([{ type: 'log' }, { type: 'bitrix24' }]);
    const webhook = parseProgramme(variant((doc) => (doc.notifications.channels = [{ type: 'webhook', url: 'https://hooks.example.com/x?token=1' }])));
    expect(webhook.ok && webhook.programme.notifications.channels).toEqual([{ type: 'webhook', url: 'https://hooks.example.com/x?token=1' }]);
  });

  it('uses the currency’s minor unit', () => {
    const result = parseProgramme(variant((doc) => (doc.currency = 'JPY')));
    expect(result.ok && result.programme.referral.minDealAmountMinor).toBe(1000);
  });
});

describe('validation messages', () => {
  it.each<[string, (doc: YamlDoc) => void, string[]]>([
    ['percent out of range', (d) => (d.cashback.tiers[1].percent = 120), ['cashback.tiers[1].percent: must be between 0 and 100']],
    ['negative percent', (d) => (d.birthday.percent = -5), ['birthday.percent: must be between 0 and 100']],
    ['too many decimals', (d) => (d.referral.tiers[0].percent = 5.125), ['referral.tiers[0].percent: must have at most 2 decimal places']],
    ['amount with three decimals', (d) => (d.referral.minDealAmount = '10.005'), ['referral.minDealAmount: must have at most 2 decimal places']],
    [
      'amount beyond the safe range',
      (d) => (d.referral.minDealAmount = '99999999999999999'),
      ['referral.minDealAmount: amount "99999999999999999": result 9999999999999999900 is outside the safe-integer range'],
    ],
    ['amount that is not a number', (d) => (d.groups[0].dailyLimit = 'lots'), ['groups[0].dailyLimit: must be an amount such as 50000 or "499.90", got "lots"']],
    ['missing key', (d) => delete d.cashback.clawback, ['cashback.clawback: is required']],
    ['missing section', (d) => delete d.birthday, ['birthday: is required']],
    ['unknown welcome kind', (d) => (d.referral.welcome = { kind: 'gift' }), ['referral.welcome.kind: must be one of: discount, cashback, got "gift"']],
    ['wrong enum', (d) => (d.referral.qualifyingDeal = 'last'), ['referral.qualifyingDeal: must be one of: first, any, got "last"']],
    ['wrong type', (d) => (d.birthday.daysBefore = 'seven'), ['birthday.daysBefore: must be a number, got "seven"']],
    ['fractional days', (d) => (d.cashback.lotExpiryDays = 36.5), ['cashback.lotExpiryDays: must be a whole number, got 36.5']],
    ['unknown key', (d) => (d.cashback.expiryDays = 365), ['cashback.expiryDays: unknown key']],
    ['unknown top-level key', (d) => (d.cashbak = {}), ['cashbak: unknown key']],
    [
      'tiers not ascending',
      (d) => (d.referral.tiers = [{ referrals: 10, percent: 10 }, { referrals: 3, percent: 5 }]),
      ['referral.tiers[1].referrals: must be greater than the previous tier\'s referrals (10)', 'referral.tiers[1].percent: must be at least the previous tier\'s percent (1000)'],
    ],
    ['cashback tiers not ascending', (d) => (d.cashback.tiers = [{ upTo: 500, percent: 5 }, { upTo: 100, percent: 7 }]), ['cashback.tiers[1].upTo: must be greater than the previous tier\'s upTo']],
    ['open tier not last', (d) => (d.cashback.tiers = [{ percent: 5 }, { upTo: 100, percent: 7 }]), ['cashback.tiers[0].upTo: is required on every tier but the last']],
    ['undeclared pipeline', (d) => (d.applicability[1].pipeline = 7), ['applicability[1].pipeline: pipeline 7 is not declared in pipelines']],
    ['duplicate pipeline', (d) => (d.pipelines[1].id = 0), ['pipelines[1].id: duplicate 0', 'applicability[1].pipeline: pipeline 1 is not declared in pipelines']],
    ['unknown discount kind', (d) => (d.applicability[0].discounts = ['loyalty']), ['applicability[0].discounts[0]: must be one of: referral, purchaseCount, birthday, group, cashback, got "loyalty"']],
    [
      'stage of another pipeline',
      (d) => (d.applicability[1].discountStages = ['PREPARATION', 'C3:NEW']),
      ['applicability[1].discountStages[0]: stage PREPARATION is not a stage of pipeline 1 (expected C1:CODE)', 'applicability[1].discountStages[1]: stage C3:NEW is not a stage of pipeline 1 (expected C1:CODE)'],
    ],
    ['prefixed stage in the default pipeline', (d) => (d.applicability[0].discountStages = ['C3:NEW']), ['applicability[0].discountStages[0]: stage C3:NEW is not a stage of pipeline 0 (expected CODE)']],
    ['bad time zone', (d) => (d.timeZone = 'Moscow'), ['timeZone: "Moscow" is not an IANA time zone such as Europe/Moscow']],
    ['impossible reset day', (d) => (d.cashback.reset = { month: 2, day: 29 }), ['cashback.reset: 2/29 is not a day that exists every year']],
    ['bad link template', (d) => (d.referral.linkTemplate = 'https://example.com/'), ['referral.linkTemplate: must contain {code} exactly once, found 0']],
    ['default above maximum', (d) => (d.bonuses.review.defaultAmount = 5000), ['bonuses.review.defaultAmount: must not exceed maxAmount']],
    ['unknown stacking policy', (d) => (d.stacking = { policy: 'all' }), ['stacking.policy: must be one of: best, sum, priority, got "all"']],
    ['sum without a cap', (d) => (d.stacking = { policy: 'sum' }), ['stacking.capPercent: is required']],
    [
      'unknown notification kind',
      (d) => (d.notifications.kinds = ['cashbackAccrued', 'dealLost']),
      ['notifications.kinds[1]: must be one of: referralNew, thresholdReached, cashbackAccrued, cashbackExpiring, birthdayWindowOpen, bonusGranted, got "dealLost"'],
    ],
    ['repeated notification kind', (d) => (d.notifications.kinds = ['bonusGranted', 'bonusGranted']), ['notifications.kinds[1]: duplicate "bonusGranted"']],
    ['unknown notification channel', (d) => (d.notifications.channels = [{ type: 'sms' }]), ['notifications.channels[0].type: must be one of: bitrix24, webhook, log, got "sms"']],
    ['webhook channel without a url', (d) => (d.notifications.channels = [{ type: 'webhook' }]), ['notifications.channels[0].url: is required']],
    [
      'webhook channel with a relative url',
      (d) => (d.notifications.channels = [{ type: 'webhook', url: '/hooks/loyalty' }]),
      ['notifications.channels[0].url: must be an absolute http:// or https:// URL'],
    ],
    ['unknown notifications key', (d) => (d.notifications.sms = true), ['notifications.sms: unknown key']],
    ['log channel with a setting', (d) => (d.notifications.channels = [{ type: 'log', level: 'info' }]), ['notifications.channels[0].level: unknown key']],
  ])('%s', (_name, change, expected) => {
    expect(errorsOf(variant(change))).toEqual(expected);
  });

  it('passes the money module\'s reason through for an unquoted amount beyond the safe range', () => {
    // YAML reads 99999999999999999 as the nearest double, 1e17; the message shows the value actually read.
    const text = EXAMPLE.replace('minDealAmount: 1000 ', 'minDealAmount: 99999999999999999 ');
    expect(text).not.toBe(EXAMPLE);
    expect(errorsOf(text)).toEqual(['referral.minDealAmount: amount "100000000000000000": result 10000000000000000000 is outside the safe-integer range']);
  });

  it('lists every problem of a file at once', () => {
    const errors = errorsOf(
      variant((d) => {
        d.cashback.tiers[1].percent = 120;
        d.birthday.daysAfter = 40;
        d.extra = true;
      }),
    );
    expect(errors).toEqual(['cashback.tiers[1].percent: must be between 0 and 100', 'birthday.daysAfter: must be at most 31', 'extra: unknown key']);
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(errorsOf('currency: RUB\npipelines: [1,\n')).toEqual(['line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]']);
    expect(errorsOf('currency: RUB\ncurrency: USD\n')).toEqual(['line 2, column 1: Map keys must be unique']);
  });

  it('reports an empty file as missing sections', () => {
    expect(errorsOf('').slice(0, 3)).toEqual(['currency: is required', 'timeZone: is required', 'pipelines: is required']);
  });
});

describe('loadProgramme', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loyalty-rules-'));

  it('throws a ProgrammeConfigError naming the file and every problem', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, variant((d) => (d.cashback.tiers[1].percent = 120)));
    expect(() => loadProgramme(file)).toThrow(new ProgrammeConfigError(file, ['cashback.tiers[1].percent: must be between 0 and 100']));
  });

  it('reports a missing file without a stack trace', () => {
    const file = join(dir, 'missing.yaml');
    expect(() => loadProgramme(file)).toThrow(`${file}: invalid loyalty rules\n  cannot read the file: ENOENT`);
  });
});
