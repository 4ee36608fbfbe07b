import { describe, expect, it } from 'vitest';
import { correlationOf } from '../../src/observability/correlation';
import { createJsonLogger } from '../../src/observability/logger';
import { readObservabilitySettings } from '../../src/observability/settings';
import { PinoTemporalLogger } from '../../src/observability/temporal-logger';
import { bonusWorkflowId, contactWorkflowId, dealWorkflowId } from '../../src/temporal/workflow-ids';
import { readPortalRate } from '../../src/worker/portal-plan';
import { readWorkerTuning } from '../../src/worker/tuning';

describe('worker tuning from LOYALTY_WORKER_*', () => {
  it('has explicit defaults', () => {
    expect(readWorkerTuning({})).toEqual({
      maxCachedWorkflows: 100,
      maxConcurrentWorkflowTaskExecutions: 20,
      maxConcurrentActivityTaskExecutions: 20,
      shutdownGraceTimeMs: 30_000,
    });
  });

  it('reads every setting', () => {
    expect(
      readWorkerTuning({
        LOYALTY_WORKER_MAX_CACHED_WORKFLOWS: '0',
        LOYALTY_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '4',
        LOYALTY_WORKER_MAX_CONCURRENT_ACTIVITIES: ' 8 ',
        LOYALTY_WORKER_SHUTDOWN_GRACE_SECONDS: '5',
      }),
    ).toEqual({ maxCachedWorkflows: 0, maxConcurrentWorkflowTaskExecutions: 4, maxConcurrentActivityTaskExecutions: 8, shutdownGraceTimeMs: 5_000 });
  });

  it('lists every wrong value by variable name', () => {
    expect(() =>
      readWorkerTuning({ LOYALTY_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: '1', LOYALTY_WORKER_MAX_CONCURRENT_ACTIVITIES: 'lots', LOYALTY_WORKER_SHUTDOWN_GRACE_SECONDS: '-1' }),
    ).toThrow(
      [
        'invalid worker settings',
        '  LOYALTY_WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: must be at least 2',
        '  LOYALTY_WORKER_MAX_CONCURRENT_ACTIVITIES: must be a whole number',
        '  LOYALTY_WORKER_SHUTDOWN_GRACE_SECONDS: must be a whole number',
      ].join('\n'),
    );
  });
});

describe('observability settings', () => {
  it('defaults to info logs and no metrics endpoint', () => {
    expect(readObservabilitySettings({})).toEqual({ logLevel: 'info', metricsBindAddress: null });
    expect(readObservabilitySettings({ LOYALTY_LOG_LEVEL: 'debug', LOYALTY_METRICS_ADDRESS: '0.0.0.0:9464' })).toEqual({ logLevel: 'debug', metricsBindAddress: '0.0.0.0:9464' });
  });

  it('names the variable of a wrong value', () => {
    expect(() => readObservabilitySettings({ LOYALTY_LOG_LEVEL: 'loud', LOYALTY_METRICS_ADDRESS: '9464' })).toThrow(
      'invalid observability settings\n  LOYALTY_LOG_LEVEL: must be one of trace, debug, info, warn, error\n  LOYALTY_METRICS_ADDRESS: must be host:port such as 0.0.0.0:9464',
    );
  });
});

describe('log correlation from workflow ids', () => {
  it('reads the portal and the contact, deal or bonus request back from every workflow id format', () => {
    expect(correlationOf(contactWorkflowId('acme.bitrix24.ru', 'cashback', 42))).toEqual({ portal: 'acme.bitrix24.ru', contactId: 42 });
    expect(correlationOf(contactWorkflowId('acme.bitrix24.ru', 'referral', 7))).toEqual({ portal: 'acme.bitrix24.ru', contactId: 7 });
    expect(correlationOf(dealWorkflowId('acme.bitrix24.ru', 901))).toEqual({ portal: 'acme.bitrix24.ru', dealId: 901 });
    expect(correlationOf(bonusWorkflowId('acme.bitrix24.ru', 'r-1'))).toEqual({ portal: 'acme.bitrix24.ru', bonusRequestId: 'r-1' });
  });

  it('adds nothing for other ids', () => {
    expect(correlationOf('some-other-workflow')).toEqual({});
    expect(correlationOf(undefined)).toEqual({});
  });
});

describe('JSON logger', () => {
  function capture() {
    const lines: Record<string, unknown>[] = [];
    const logger = createJsonLogger({ service: 'worker', level: 'info', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    return { lines, logger };
  }

  it('writes SDK lines with their context, the CRM ids and the error serialised under err', () => {
    const { lines, logger } = capture();
    new PinoTemporalLogger(logger).warn('Activity failed', {
      workflowId: dealWorkflowId('acme.bitrix24.ru', 5),
      activityType: 'readDeal',
      error: new Error('portal unavailable'),
    });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        service: 'worker',
        msg: 'Activity failed',
        workflowId: 'loyalty/acme.bitrix24.ru/deal/deal-5',
        activityType: 'readDeal',
        portal: 'acme.bitrix24.ru',
        dealId: 5,
        err: expect.objectContaining({ type: 'Error', message: 'portal unavailable' }),
      }),
    ]);
  });

  it('drops lines below its level and blanks secrets', () => {
    const { lines, logger } = capture();
    const temporal = new PinoTemporalLogger(logger);
    temporal.debug('noise');
    temporal.info('connected', { apiKey: 'k-123', settings: { webhookUrl: 'https://p/rest/1/s3cr3t/' } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'connected', apiKey: '[redacted]', settings: { webhookUrl: '[redacted]' } });
  });
});

describe('portal rate from LOYALTY_BITRIX24_*', () => {
  it('defaults to the standard plan: 2 activities per second, as the client’s bucket drains', () => {
    expect(readPortalRate({})).toEqual({ plan: 'standard', limits: { burst: 50, drainPerSecond: 2 }, activitiesPerSecond: 2 });
  });

  it('follows the enterprise plan and takes a lower rate that leaves room for the bridge', () => {
    expect(readPortalRate({ LOYALTY_BITRIX24_PLAN: 'enterprise' })).toMatchObject({ limits: { burst: 250, drainPerSecond: 5 }, activitiesPerSecond: 5 });
    expect(readPortalRate({ LOYALTY_BITRIX24_PLAN: 'enterprise', LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND: '4.5' }).activitiesPerSecond).toBe(4.5);
  });

  it('paces a self-hosted portal by the rate its server allows, which must be stated', () => {
    expect(readPortalRate({ LOYALTY_BITRIX24_PLAN: 'self-hosted', LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND: '40' })).toEqual({
      plan: 'self-hosted',
      limits: { burst: 400, drainPerSecond: 40 },
      activitiesPerSecond: 40,
    });
    expect(() => readPortalRate({ LOYALTY_BITRIX24_PLAN: 'self-hosted' })).toThrow(
      "invalid portal rate settings\n  LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND: is required for a self-hosted portal: the requests per second its server's REST settings allow",
    );
  });

  it('refuses a rate above the plan’s budget and names every wrong variable', () => {
    expect(() => readPortalRate({ LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND: '3' })).toThrow(
      "invalid portal rate settings\n  LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND: must be at most 2, the standard plan's requests per second",
    );
    expect(() => readPortalRate({ LOYALTY_BITRIX24_PLAN: 'pro', LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND: 'fast' })).toThrow(
      'invalid portal rate settings\n  LOYALTY_BITRIX24_PLAN: must be standard, enterprise or self-hosted\n  LOYALTY_BITRIX24_ACTIVITIES_PER_SECOND: must be a number such as 1.5',
    );
  });
});
