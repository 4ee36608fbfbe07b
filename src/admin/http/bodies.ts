/** The admin API's request bodies (JSON or form-encoded, so every number may also come as text). */
import { z } from 'zod';
import { formatIssues } from '../../config/issues';
import type { Programme } from '../../domain/programme';
import { operatorAmount } from '../operator-amount';
import { REQUEST_ID_PATTERN, REQUEST_ID_RULE } from '../request-id';

const positiveId = z
  .union([z.number(), z.string().trim().regex(/^\d+$/, 'must be a positive whole number').transform(Number)], { error: 'must be a positive whole number' })
  .pipe(z.number().int('must be a positive whole number').positive('must be a positive whole number').max(Number.MAX_SAFE_INTEGER));
const text = z.string({ error: 'must be a string' });
const amountOf = (programme: Programme) =>
  z.union([z.number(), z.string()], { error: 'must be an amount such as 500 or "499.90"' }).superRefine((value, ctx) => {
    const amount = operatorAmount(value, programme);
    if ('problem' in amount) ctx.addIssue({ code: 'custom', message: amount.problem.replace(/^amount: /, '') });
  });
const requestId = text.regex(REQUEST_ID_PATTERN, REQUEST_ID_RULE);

export function bonusBodySchema(programme: Programme) {
  return z.strictObject({
    contactId: positiveId,
    amount: amountOf(programme).optional(),
    reason: text,
    author: z.union([text, z.number().int().nonnegative().transform(String)], { error: 'must be a Bitrix24 user id such as 12' }),
    requestId: requestId.optional(),
  });
}

export function redeemBodySchema(programme: Programme) {
  return z.strictObject({ contactId: positiveId, dealId: positiveId, amount: amountOf(programme), requestId: requestId.optional() });
}

export type BodyCheck<T> = { ok: true; value: T } | { ok: false; problems: string[] };

export function checkBody<T>(schema: z.ZodType<T>, body: unknown): BodyCheck<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, problems: ['body: must be a JSON object'] };
  const result = schema.safeParse(body, { reportInput: false });
  return result.success ? { ok: true, value: result.data } : { ok: false, problems: formatIssues(result.error.issues) };
}

/** The request id from the `Idempotency-Key` header or the body's `requestId`; one of them, and they must agree. */
export function requestIdOf(header: string | string[] | undefined, bodyRequestId: string | undefined): BodyCheck<string> {
  if (Array.isArray(header)) return { ok: false, problems: ['Idempotency-Key: must be sent once'] };
  if (header !== undefined && !REQUEST_ID_PATTERN.test(header)) return { ok: false, problems: [`Idempotency-Key: ${REQUEST_ID_RULE}`] };
  if (header !== undefined && bodyRequestId !== undefined && header !== bodyRequestId) return { ok: false, problems: ['requestId: differs from the Idempotency-Key header'] };
  const id = header ?? bodyRequestId;
  return id === undefined ? { ok: false, problems: ['requestId: is required (or the Idempotency-Key header), so that a repeated call grants once'] } : { ok: true, value: id };
}
