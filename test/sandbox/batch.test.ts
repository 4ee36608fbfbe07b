import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { call, resultOf } from './helpers';

interface BatchResult {
  result: Record<string, unknown> | unknown[];
  result_error: Record<string, { error: string; error_description: string }> | unknown[];
  result_total: Record<string, number> | unknown[];
  result_next: Record<string, number> | unknown[];
  result_time: Record<string, unknown> | unknown[];
}

describe('sandbox batch', () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ limits: false });
  });
  afterAll(() => sandbox.stop());

  it('counts each command inside a batch as a REST command, and a plain call as one', async () => {
    sandbox.resetStats();
    await call(sandbox, 'crm.deal.list', { select: ['ID'] });
    await call(sandbox, 'batch', { halt: 0, cmd: { a: 'crm.deal.list?select[]=ID', b: 'crm.contact.list?select[]=ID', c: 'crm.status.list' } });
    expect(sandbox.stats()).toMatchObject({ httpRequests: 2, restCommands: 4 });
  });

  it('runs commands in order and resolves $result references, including whole-value arrays', async () => {
    const response = await call(sandbox, 'batch', {
      halt: 0,
      cmd: {
        contact: 'crm.contact.add?fields[NAME]=Ref&fields[LAST_NAME]=Test',
        deal: 'crm.deal.add?fields[TITLE]=For $result[contact]&fields[CONTACT_ID]=$result[contact]',
        read: 'crm.deal.get?id=$result[deal]',
        list: 'crm.deal.list?filter[ID]=$result[deal]&select[]=ID&select[]=TITLE',
        again: 'crm.deal.get?id=$result[list][0][ID]',
      },
    });
    expect(response.status).toBe(200);
    const batch = resultOf<BatchResult>(response);
    const result = batch.result as Record<string, Record<string, unknown>>;
    const contactId = result.contact as unknown as number;
    expect(result.read).toMatchObject({ TITLE: `For ${contactId}`, CONTACT_ID: String(contactId) });
    expect(result.again).toMatchObject({ ID: String(result.deal) });
    expect(batch.result_total).toEqual({ list: 1 });
    expect(batch.result_error).toEqual([]);
    expect(Object.keys(batch.result_time as object)).toEqual(['contact', 'deal', 'read', 'list', 'again']);
  });

  it('reports per-command errors in result_error and keeps going without halt', async () => {
    const batch = resultOf<BatchResult>(await call(sandbox, 'batch', { cmd: { a: 'crm.deal.get?id=999', b: 'no.such.method', c: 'crm.deal.get?id=1' } }));
    expect(batch.result_error).toEqual({
      a: { error: '', error_description: 'Not found' },
      b: { error: 'ERROR_METHOD_NOT_FOUND', error_description: 'Method not found!' },
    });
    expect(Object.keys(batch.result as object)).toEqual(['c']);
  });

  it('stops at the first error with halt=1', async () => {
    const batch = resultOf<BatchResult>(await call(sandbox, 'batch', { halt: 1, cmd: ['crm.deal.get?id=1', 'crm.deal.get?id=999', 'crm.deal.get?id=2'] }));
    expect((batch.result as unknown[]).length).toBe(1);
    expect(Object.keys(batch.result_error as object)).toEqual(['1']);
  });

  it('accepts upper-case CMD/HALT and reports $next and $total', async () => {
    const batch = resultOf<BatchResult>(await call(sandbox, 'batch', { CMD: { l: 'crm.deal.list?filter[<=ID]=5&select[]=ID', t: 'crm.deal.get?id=$total[l]' } }));
    expect(batch.result_total).toEqual({ l: 5 });
    expect(batch.result).toMatchObject({ t: { ID: '5' } });
  });

  it('refuses nested batch and commands past 50', async () => {
    const cmd = Object.fromEntries(Array.from({ length: 52 }, (_, i) => [`c${i}`, 'crm.deal.get?id=1']));
    cmd.c0 = 'batch?cmd[x]=crm.deal.get%3Fid%3D1';
    const response = await call(sandbox, 'batch', { cmd });
    expect(response.status).toBe(200);
    const errors = resultOf<BatchResult>(response).result_error as Record<string, { error: string }>;
    expect(errors.c0!.error).toBe('ERROR_BATCH_METHOD_NOT_ALLOWED');
    expect(errors.c50!.error).toBe('ERROR_BATCH_LENGTH_EXCEEDED');
    expect(errors.c51!.error).toBe('ERROR_BATCH_LENGTH_EXCEEDED');
    expect(Object.keys(resultOf<BatchResult>(response).result as object)).toHaveLength(49);
  });
});
