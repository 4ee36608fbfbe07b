import { z } from 'zod';
import { CLOUD_LIMITS, ENTERPRISE_LIMITS, type LeakyBucketLimits } from '../bitrix24/rate-limiter';
import { formatIssues } from '../config/issues';

/** Cloud plans have published request budgets; a self-hosted portal's budget is its server's configuration. */
export type PortalPlan = 'standard' | 'enterprise' | 'self-hosted';

type CloudPlan = Exclude<PortalPlan, 'self-hosted'>;

/** The cloud portal's request budget per plan: the same numbers the client's leaky bucket paces itself by. */
export const PLAN_LIMITS: Record<CloudPlan, LeakyBucketLimits> = { standard: CLOUD_LIMITS, enterprise: ENTERPRISE_LIMITS };

/** A self-hosted portal's stated rate is paced with ten seconds of it as burst, as the cloud plans' buckets roughly are. */
const SELF_HOSTED_BURST_SECONDS = 10;

export interface PortalRate {
  plan: PortalPlan;
  /** The client's leaky bucket for this plan (share one per portal per process). */
  limits: LeakyBucketLimits;
  /** `maxTaskQueueActivitiesPerSecond` of the portal's Bitrix24 queue: never above the plan's drain rate. */
  activitiesPerSecond: number;
}

const schema = z
  .object({
    LOYALTY_BITRIX24_PLAN: z.enum(['standard', 'enterprise', 'self-hosted'], { error: 'must be standard, enterprise or self-hosted' }).default('standard'),
    LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND: z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a number such as 1.5')
      .transform(Number)
      .pipe(z.number().positive('must be above 0'))
      .optional(),
  })
  .superRefine((v, ctx) => {
    const path = ['LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND'];
    if (v.LOYALTY_BITRIX24_PLAN === 'self-hosted') {
      if (v.LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND === undefined) {
        ctx.addIssue({ code: 'custom', path, message: "is required for a self-hosted portal: the requests per second its server's REST settings allow" });
      }
      return;
    }
    const drain = PLAN_LIMITS[v.LOYALTY_BITRIX24_PLAN].drainPerSecond;
    if (v.LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND !== undefined && v.LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND > drain) {
      ctx.addIssue({ code: 'custom', path, message: `must be at most ${drain}, the ${v.LOYALTY_BITRIX24_PLAN} plan's requests per second` });
    }
  });

/**
 * The portal's plan (LOYALTY_BITRIX24_PLAN, default standard: 2 requests/s; enterprise: 5/s; self-hosted: the rate
 * its server allows) and how many Bitrix24 activities may start per second (LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND:
 * on a cloud plan default its drain rate, set lower to leave room for the bridge and the admin API on the same
 * portal; on a self-hosted portal required, and the client's request pace too).
 */
export function readPortalRate(env: Readonly<Record<string, string | undefined>>): PortalRate {
  const present = Object.fromEntries(['LOYALTY_BITRIX24_PLAN', 'LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND'].map((name) => [name, env[name]?.trim() || undefined]));
  const result = schema.safeParse(present, { reportInput: false });
  if (!result.success) throw new Error(`invalid portal rate settings\n${formatIssues(result.error.issues).map((line) => `  ${line}`).join('\n')}`);
  const { LOYALTY_BITRIX24_PLAN: plan, LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND: stated } = result.data;
  if (plan === 'self-hosted') {
    const rate = stated as number;
    return { plan, limits: { drainPerSecond: rate, burst: Math.max(2, Math.ceil(rate * SELF_HOSTED_BURST_SECONDS)) }, activitiesPerSecond: rate };
  }
  const limits = PLAN_LIMITS[plan];
  return { plan, limits, activitiesPerSecond: stated ?? limits.drainPerSecond };
}
