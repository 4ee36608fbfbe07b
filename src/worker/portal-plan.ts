import { z } from 'zod';
import { CLOUD_LIMITS, ENTERPRISE_LIMITS, type LeakyBucketLimits } from '../bitrix24/rate-limiter';
import { formatIssues } from '../config/issues';

export type PortalPlan = 'standard' | 'enterprise';

/** The portal's request budget per plan: the same numbers the client's leaky bucket paces itself by. */
export const PLAN_LIMITS: Record<PortalPlan, LeakyBucketLimits> = { standard: CLOUD_LIMITS, enterprise: ENTERPRISE_LIMITS };

export interface PortalRate {
  plan: PortalPlan;
  /** The client's leaky bucket for this plan (share one per portal per process). */
  limits: LeakyBucketLimits;
  /** `maxTaskQueueActivitiesPerSecond` of the portal's Bitrix24 queue: never above the plan's drain rate. */
  activitiesPerSecond: number;
}

const schema = z
  .object({
    LOYALTY_BITRIX24_PLAN: z.enum(['standard', 'enterprise'], { error: 'must be standard or enterprise' }).default('standard'),
    LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND: z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a number such as 1.5')
      .transform(Number)
      .pipe(z.number().positive('must be above 0'))
      .optional(),
  })
  .superRefine((v, ctx) => {
    const drain = PLAN_LIMITS[v.LOYALTY_BITRIX24_PLAN].drainPerSecond;
    if (v.LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND !== undefined && v.LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND > drain) {
      ctx.addIssue({ code: 'custom', path: ['LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND'], message: `must be at most ${drain}, the ${v.LOYALTY_BITRIX24_PLAN} plan's requests per second` });
    }
  });

/**
 * The portal's plan (LOYALTY_BITRIX24_PLAN, default standard: 2 requests/s; enterprise: 5/s) and how many Bitrix24
 * activities may start per second (LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND, default the plan's drain rate; set it
 * lower to leave room for the bridge and the admin API on the same portal).
 */
export function readPortalRate(env: Readonly<Record<string, string | undefined>>): PortalRate {
  const present = Object.fromEntries(['LOYALTY_BITRIX24_PLAN', 'LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND'].map((name) => [name, env[name]?.trim() || undefined]));
  const result = schema.safeParse(present, { reportInput: false });
  if (!result.success) throw new Error(`invalid portal rate settings\n${formatIssues(result.error.issues).map((line) => `  ${line}`).join('\n')}`);
  const plan = result.data.LOYALTY_BITRIX24_PLAN;
  const limits = PLAN_LIMITS[plan];
  return { plan, limits, activitiesPerSecond: result.data.LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND ?? limits.drainPerSecond };
}
