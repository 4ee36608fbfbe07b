/**
 * The customer-history JSON for `loyalty rules simulate`, validated like the rules file and converted to the
 * domain's `CustomerHistory` (instants, minor units). Dates are `YYYY-MM-DD` (start of that local day) or ISO
 * date-times with an offset.
 */
import { DateTime } from 'luxon';
import { z } from 'zod';
import { type Programme } from '../domain/programme';
import { type CustomerHistory, type HistoryEvent } from '../domain/simulate';
import { formatIssues } from './issues';
import { amountSchema } from './values';

function instantSchema(timeZone: string) {
  return z.string().transform((text, ctx): number => {
    const parsed = /^\d{4}-\d{2}-\d{2}$/.test(text) ? DateTime.fromISO(text, { zone: timeZone }) : DateTime.fromISO(text, { setZone: true });
    if (!parsed.isValid || (!/^\d{4}-\d{2}-\d{2}$/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text))) {
      ctx.addIssue({ code: 'custom', message: `must be a date YYYY-MM-DD or an ISO date-time with offset, got "${text}"` });
      return z.NEVER;
    }
    return parsed.toMillis();
  });
}

const id = z.union([z.string().trim().min(1), z.number().int().nonnegative().transform(String)]);

function historySchema(programme: Programme) {
  const at = instantSchema(programme.timeZone);
  const amount = amountSchema(programme.currencyExponent);
  return z.strictObject({
    asOf: at,
    contacts: z.array(
      z.strictObject({
        id,
        name: z.string().default(''),
        birthdate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').nullable().default(null),
        groups: z.array(z.string()).default([]),
      }),
    ),
    referrals: z.array(z.strictObject({ referrer: id, referred: id, at })).default([]),
    deals: z
      .array(z.strictObject({ id, contacts: z.array(id).min(1), pipeline: z.number().int().nonnegative(), amount, wonAt: at, lostAt: at.optional() }))
      .default([]),
    bonuses: z
      .array(z.strictObject({ kind: z.enum(['review', 'apology']), contact: id, amount: amount.optional(), reason: z.string(), grantedBy: id, at }))
      .default([]),
  });
}

type HistoryFile = z.output<ReturnType<typeof historySchema>>;

function toHistory(file: HistoryFile): CustomerHistory {
  const events: HistoryEvent[] = [
    ...file.referrals.map((r): HistoryEvent => ({ kind: 'referral', at: r.at, referrerId: r.referrer, referredId: r.referred })),
    ...file.deals.flatMap((d): HistoryEvent[] => [
      { kind: 'won', at: d.wonAt, dealId: d.id, pipelineId: d.pipeline, amountMinor: d.amount, contactIds: d.contacts },
      ...(d.lostAt === undefined ? [] : [{ kind: 'lost' as const, at: d.lostAt, dealId: d.id }]),
    ]),
    ...file.bonuses.map((b): HistoryEvent => ({
      kind: 'bonus',
      at: b.at,
      bonus: { kind: b.kind, contactId: b.contact, reason: b.reason, grantedBy: b.grantedBy, ...(b.amount === undefined ? {} : { amountMinor: b.amount }) },
    })),
  ];
  return { asOf: file.asOf, contacts: file.contacts, events };
}

export type HistoryParse = { ok: true; history: CustomerHistory } | { ok: false; errors: string[] };

export function parseHistory(jsonText: string, programme: Programme): HistoryParse {
  let data: unknown;
  try {
    data = JSON.parse(jsonText);
  } catch (error) {
    return { ok: false, errors: [`JSON: ${(error as Error).message}`] };
  }
  const result = historySchema(programme).safeParse(data, { reportInput: true });
  return result.success ? { ok: true, history: toHistory(result.data) } : { ok: false, errors: formatIssues(result.error.issues) };
}
