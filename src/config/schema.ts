/**
 * The rules file (loyalty.config.yaml) as a zod 4 schema. Every object is strict (unknown keys are errors);
 * cross-field rules (ascending tiers, declared pipelines, …) are checked after the shapes and reported with
 * the path they concern. The result is the domain's `Programme`.
 */
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { ROUNDING_MODES } from '../domain/money';
import { NOTIFICATION_KINDS } from '../domain/notifications';
import { DISCOUNT_KINDS, EARNING_PROGRAMMES, PERCENT_DISCOUNT_KINDS, type Programme } from '../domain/programme';
import { referralLinkTemplateError } from '../domain/referral-code';
import { amountSchema, httpUrlSchema, percentSchema, wholeNumber } from './values';

const name = z.string().trim().min(1);

function sections(exponent: number) {
  const amount = amountSchema(exponent);
  const pipeline = z.strictObject({ id: wholeNumber(0, 1_000_000), name });
  const applicability = z.strictObject({
    pipeline: wholeNumber(0, 1_000_000),
    earns: z.array(z.enum(EARNING_PROGRAMMES)),
    discounts: z.array(z.enum(DISCOUNT_KINDS)),
    discountStages: z.array(name),
  });
  const welcome = z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('discount'), percent: percentSchema }),
    z.strictObject({ kind: z.literal('cashback'), amount }),
  ], { error: 'must be one of: discount, cashback' });
  const referral = z.strictObject({
    enabled: z.boolean(),
    qualifyingDeal: z.enum(['first', 'any']).default('first'),
    minDealAmount: amount.default(0),
    countBy: z.enum(['contacts', 'deals']).default('contacts'),
    tiers: z.array(z.strictObject({ referrals: wholeNumber(1, 1_000_000), percent: percentSchema })),
    welcome: welcome.nullable().default(null),
    secondLevelCashback: amount.nullable().default(null),
    rejectExistingCustomers: z.boolean().default(true),
    linkTemplate: z.string().nullable().default(null),
  });
  const purchaseCount = z.strictObject({
    enabled: z.boolean(),
    tiers: z.array(z.strictObject({ purchases: wholeNumber(1, 1_000_000), percent: percentSchema })),
  });
  const cashback = z.strictObject({
    enabled: z.boolean(),
    tierBasis: z.enum(['dealAmount', 'cumulativeSpend']).default('dealAmount'),
    tiers: z.array(z.strictObject({ upTo: amount.optional(), percent: percentSchema })).min(1),
    rounding: z.enum(ROUNDING_MODES).default('down'),
    lotExpiryDays: wholeNumber(1, 3650),
    pendingDays: wholeNumber(0, 90).default(0),
    reset: z.strictObject({ month: wholeNumber(1, 12), day: wholeNumber(1, 31) }).nullable().default(null),
    maxPaymentPercent: percentSchema,
    reminderDaysBeforeExpiry: wholeNumber(1, 365).nullable().default(null),
    clawback: z.enum(['debt', 'cap']),
  });
  const birthday = z.strictObject({
    enabled: z.boolean(),
    percent: percentSchema,
    daysBefore: wholeNumber(0, 31),
    daysAfter: wholeNumber(0, 31),
    feb29: z.enum(['feb28', 'mar1']).default('feb28'),
  });
  const bonus = z.strictObject({
    defaultAmount: amount,
    maxAmount: amount,
    reasonMinLength: wholeNumber(0, 1000).default(10),
    grantedBy: z.array(z.union([name, z.number().int().nonnegative().transform(String)])).min(1).nullable().default(null),
  });
  const group = z.strictObject({ id: name, name, percent: percentSchema, dailyLimit: amount.nullable().default(null) });
  const stacking = z.discriminatedUnion('policy', [
    z.strictObject({ policy: z.literal('best') }),
    z.strictObject({ policy: z.literal('sum'), capPercent: percentSchema }),
    z.strictObject({ policy: z.literal('priority'), order: z.array(z.enum(PERCENT_DISCOUNT_KINDS)).min(1) }),
  ], { error: 'must be one of: best, sum, priority' });
  const notifications = z.strictObject({
    kinds: z.array(z.enum(NOTIFICATION_KINDS)).default([...NOTIFICATION_KINDS]),
    channels: z.array(z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('bitrix24') }),
      z.strictObject({ type: z.literal('webhook'), url: httpUrlSchema }),
      z.strictObject({ type: z.literal('log') }),
    ], { error: 'must be one of: bitrix24, webhook, log' })).default([{ type: 'bitrix24' }]),
  });
  return z.strictObject({
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code such as RUB'),
    timeZone: z.string(),
    pipelines: z.array(pipeline).min(1),
    applicability: z.array(applicability),
    referral,
    purchaseCount,
    cashback,
    birthday,
    bonuses: z.strictObject({ review: bonus.nullable().default(null), apology: bonus.nullable().default(null) }),
    groups: z.array(group).default([]),
    stacking,
    // Left out, every kind goes to the manager's Bitrix24 notification centre; `kinds: []` silences them all.
    notifications: notifications.default({ kinds: [...NOTIFICATION_KINDS], channels: [{ type: 'bitrix24' }] }),
  });
}

type RulesFile = z.output<ReturnType<typeof sections>>;
type Report = (path: PropertyKey[], message: string) => void;

function checkAscending(values: readonly number[], path: (i: number) => PropertyKey[], what: string, report: Report, strict = true): void {
  values.forEach((value, i) => {
    const previous = values[i - 1];
    if (previous === undefined) return;
    if (strict ? value <= previous : value < previous) report(path(i), `must be ${strict ? 'greater than' : 'at least'} the previous tier's ${what} (${previous})`);
  });
}

function checkUnique<T>(items: readonly T[], key: (item: T) => unknown, path: (i: number) => PropertyKey[], report: Report): void {
  items.forEach((item, i) => {
    if (items.findIndex((other) => key(other) === key(item)) < i) report(path(i), `duplicate ${JSON.stringify(key(item))}`);
  });
}

function checkTiers(file: RulesFile, report: Report): void {
  const { referral, purchaseCount, cashback } = file;
  checkAscending(referral.tiers.map((t) => t.referrals), (i) => ['referral', 'tiers', i, 'referrals'], 'referrals', report);
  checkAscending(referral.tiers.map((t) => t.percent), (i) => ['referral', 'tiers', i, 'percent'], 'percent', report, false);
  checkAscending(purchaseCount.tiers.map((t) => t.purchases), (i) => ['purchaseCount', 'tiers', i, 'purchases'], 'purchases', report);
  checkAscending(purchaseCount.tiers.map((t) => t.percent), (i) => ['purchaseCount', 'tiers', i, 'percent'], 'percent', report, false);
  cashback.tiers.forEach((tier, i) => {
    if (tier.upTo === undefined && i < cashback.tiers.length - 1) report(['cashback', 'tiers', i, 'upTo'], 'is required on every tier but the last');
  });
  const bounded = cashback.tiers.flatMap((t, i) => (t.upTo === undefined ? [] : [{ upTo: t.upTo, i }]));
  bounded.forEach(({ upTo, i }, k) => {
    const previous = bounded[k - 1];
    if (previous !== undefined && upTo <= previous.upTo) report(['cashback', 'tiers', i, 'upTo'], 'must be greater than the previous tier\'s upTo');
  });
}

/** Bitrix24 stage ids: `NEW` in pipeline 0, `C{id}:NEW` in pipeline id. */
function checkStages(row: RulesFile['applicability'][number], index: number, report: Report): void {
  const prefix = row.pipeline === 0 ? '' : `C${row.pipeline}:`;
  row.discountStages.forEach((stage, j) => {
    const belongs = prefix === '' ? !/^C\d+:/.test(stage) : stage.startsWith(prefix) && stage.length > prefix.length;
    if (!belongs) report(['applicability', index, 'discountStages', j], `stage ${stage} is not a stage of pipeline ${row.pipeline} (expected ${prefix}CODE)`);
  });
}

function checkReferences(file: RulesFile, report: Report): void {
  checkUnique(file.pipelines, (p) => p.id, (i) => ['pipelines', i, 'id'], report);
  checkUnique(file.applicability, (row) => row.pipeline, (i) => ['applicability', i, 'pipeline'], report);
  file.applicability.forEach((row, i) => {
    if (!file.pipelines.some((p) => p.id === row.pipeline)) report(['applicability', i, 'pipeline'], `pipeline ${row.pipeline} is not declared in pipelines`);
    else checkStages(row, i, report);
  });
  checkUnique(file.groups, (g) => g.id, (i) => ['groups', i, 'id'], report);
  if (file.stacking.policy === 'priority') checkUnique(file.stacking.order, (kind) => kind, (i) => ['stacking', 'order', i], report);
  checkUnique(file.notifications.kinds, (kind) => kind, (i) => ['notifications', 'kinds', i], report);
  checkUnique(file.notifications.channels, (channel) => JSON.stringify(channel), (i) => ['notifications', 'channels', i], report);
}

function checkValues(file: RulesFile, report: Report): void {
  if (!IANAZone.isValidZone(file.timeZone)) report(['timeZone'], `"${file.timeZone}" is not an IANA time zone such as Europe/Moscow`);
  const { reset } = file.cashback;
  // Checked against a non-leap year: a reset on 29 February would be skipped three years in four.
  if (reset !== null && new Date(Date.UTC(2023, reset.month - 1, reset.day)).getUTCDate() !== reset.day) {
    report(['cashback', 'reset'], `${reset.month}/${reset.day} is not a day that exists every year`);
  }
  const template = file.referral.linkTemplate;
  const templateError = template === null ? null : referralLinkTemplateError(template);
  if (templateError !== null) report(['referral', 'linkTemplate'], templateError);
  for (const kind of ['review', 'apology'] as const) {
    const bonus = file.bonuses[kind];
    if (bonus !== null && bonus.defaultAmount > bonus.maxAmount) report(['bonuses', kind, 'defaultAmount'], 'must not exceed maxAmount');
  }
}

function toProgramme(file: RulesFile, exponent: number): Programme {
  const { referral, purchaseCount, cashback, birthday } = file;
  const bonus = (rule: RulesFile['bonuses']['review']) =>
    rule && { defaultAmountMinor: rule.defaultAmount, maxAmountMinor: rule.maxAmount, reasonMinLength: rule.reasonMinLength, grantedBy: rule.grantedBy };
  return {
    currency: file.currency,
    currencyExponent: exponent,
    timeZone: file.timeZone,
    pipelines: file.pipelines,
    applicability: file.applicability.map(({ pipeline, ...row }) => ({ pipelineId: pipeline, ...row })),
    referral: {
      enabled: referral.enabled,
      qualifyingDeal: referral.qualifyingDeal,
      minDealAmountMinor: referral.minDealAmount,
      countBy: referral.countBy,
      tiers: referral.tiers.map((t) => ({ atLeast: t.referrals, percent: t.percent })),
      welcome: referral.welcome && (referral.welcome.kind === 'discount' ? referral.welcome : { kind: 'cashback', amountMinor: referral.welcome.amount }),
      secondLevelCashbackMinor: referral.secondLevelCashback,
      rejectExistingCustomers: referral.rejectExistingCustomers,
      linkTemplate: referral.linkTemplate,
    },
    purchaseCount: { enabled: purchaseCount.enabled, tiers: purchaseCount.tiers.map((t) => ({ atLeast: t.purchases, percent: t.percent })) },
    cashback: { ...cashback, tiers: cashback.tiers.map((t) => ({ upToMinor: t.upTo ?? null, percent: t.percent })) },
    birthday,
    bonuses: { review: bonus(file.bonuses.review), apology: bonus(file.bonuses.apology) },
    groups: file.groups.map((g) => ({ id: g.id, name: g.name, percent: g.percent, dailyLimitMinor: g.dailyLimit })),
    stacking: file.stacking,
    notifications: file.notifications,
  };
}

/** The schema for a programme whose amounts are in a currency with `exponent` decimals. */
export function programmeSchema(exponent: number) {
  return sections(exponent)
    .superRefine((file, ctx) => {
      const report: Report = (path, message) => ctx.addIssue({ code: 'custom', path, message });
      checkTiers(file, report);
      checkReferences(file, report);
      checkValues(file, report);
    })
    .transform((file) => toProgramme(file, exponent));
}
