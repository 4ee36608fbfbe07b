import { DateTime } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox';
import { call, fakeClock, resultOf } from './helpers';

/** The reconciler's DATE_MODIFY scans depend on the portal's datetime filter semantics. */
describe('sandbox datetime filters', () => {
  let sandbox: SandboxHandle | undefined;
  afterEach(async () => sandbox?.stop());

  const modifiedIds = async (filter: Record<string, unknown>) =>
    resultOf<{ ID: string }[]>(await call(sandbox!, 'crm.deal.list', { filter, select: ['ID'], order: { ID: 'ASC' }, start: -1 })).map((r) => Number(r.ID));

  it('compares at whole seconds, as the portal stores them', async () => {
    const clock = fakeClock();
    sandbox = await startSandbox({ limits: false, clock: clock.now });
    clock.advance(3_600_000 - (clock.now() % 1000) + 200);
    const id = sandbox.portal.deals.add({ TITLE: 'changed at .200 past a second' });
    const printed = resultOf<Record<string, string>>(await call(sandbox, 'crm.deal.get', { id })).DATE_MODIFY!;

    expect(await modifiedIds({ '>DATE_MODIFY': printed })).toEqual([]);
    expect(await modifiedIds({ '>=DATE_MODIFY': printed })).toEqual([id]);
  });

  it('honours the offset written in the filter value, whatever zone it is in', async () => {
    const clock = fakeClock();
    sandbox = await startSandbox({ limits: false, clock: clock.now, portal: { timeZone: 'Asia/Vladivostok' } });
    clock.advance(3_600_000);
    const boundary = clock.now();
    clock.advance(5_000);
    const id = sandbox.portal.deals.add({ TITLE: 'after the boundary' });

    const inUtc = DateTime.fromMillis(boundary, { zone: 'UTC' }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
    const inMoscow = DateTime.fromMillis(boundary, { zone: 'Europe/Moscow' }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
    expect(await modifiedIds({ '>DATE_MODIFY': inUtc })).toEqual([id]);
    expect(await modifiedIds({ '>DATE_MODIFY': inMoscow })).toEqual([id]);
    // Without an offset the value is read in the portal's own zone, 7 hours ahead of Moscow: the bound moves
    // 7 hours back and even the seeded deals count as modified after it.
    const moscowWallClock = DateTime.fromMillis(boundary, { zone: 'Europe/Moscow' }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
    expect(await modifiedIds({ '>DATE_MODIFY': moscowWallClock })).toEqual(
      resultOf<{ ID: string }[]>(await call(sandbox, 'crm.deal.list', { select: ['ID'], order: { ID: 'ASC' }, start: -1 })).map((r) => Number(r.ID)),
    );
  });
});
