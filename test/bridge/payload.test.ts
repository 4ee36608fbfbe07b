import qs from 'qs';
import { describe, expect, it } from 'vitest';
import { entityKindOf, readCredentials, readEntityEvent, readEventName, readInstallationGrant } from '../../src/bridge/payload';
import { ACCESS_TOKEN, APPLICATION_TOKEN, MEMBER_ID, REFRESH_TOKEN, appEventBody, appInstallBody, outgoingWebhookBody } from './wire-bodies';

const decode = (body: string): unknown => qs.parse(body);

describe('event payload from the Bitrix24 wire format', () => {
  it('reads credentials, event name, entity id and ts from an app event body', () => {
    const body = decode(appEventBody('ONCRMCONTACTADD', '134806'));
    expect(readCredentials(body)).toEqual({ memberId: MEMBER_ID, applicationToken: APPLICATION_TOKEN });
    expect(readEventName(body)).toEqual({ ok: true, value: 'ONCRMCONTACTADD' });
    expect(readEntityEvent(body, 'ONCRMCONTACTADD')).toEqual({
      ok: true,
      value: { event: 'ONCRMCONTACTADD', kind: 'contact', entityId: 134806, ts: 1727018926 },
    });
  });

  it('reads an outgoing webhook body, which has no access token', () => {
    const body = decode(outgoingWebhookBody('ONCRMDEALUPDATE', '7'));
    expect(readCredentials(body)).toEqual({ memberId: MEMBER_ID, applicationToken: APPLICATION_TOKEN });
    expect(readEntityEvent(body, 'ONCRMDEALUPDATE')).toEqual({ ok: true, value: { event: 'ONCRMDEALUPDATE', kind: 'deal', entityId: 7, ts: 1727018926 } });
  });

  it('reads the install grant from ONAPPINSTALL, and names a missing token by its wire key', () => {
    expect(readInstallationGrant(decode(appInstallBody()))).toEqual({
      ok: true,
      value: { memberId: MEMBER_ID, accessToken: ACCESS_TOKEN, refreshToken: REFRESH_TOKEN, applicationToken: APPLICATION_TOKEN, clientEndpoint: 'https://b24-example.bitrix24.ru/rest/' },
    });
    expect(readInstallationGrant(decode(appEventBody('ONAPPINSTALL', 1)))).toEqual({ ok: false, problem: 'auth[refresh_token]: is required' });
    expect(readInstallationGrant({ event: 'ONAPPINSTALL' })).toEqual({ ok: false, problem: 'auth: is required' });
  });

  it('accepts the same event as JSON with numbers', () => {
    const body = { event: 'ONCRMDEALADD', data: { FIELDS: { ID: 9 } }, ts: 1727018926, auth: { member_id: 'm', application_token: 't' } };
    expect(readEntityEvent(body, 'ONCRMDEALADD')).toEqual({ ok: true, value: { event: 'ONCRMDEALADD', kind: 'deal', entityId: 9, ts: 1727018926 } });
  });

  it.each([
    ['0', 'data[FIELDS][ID]: must be a positive integer'],
    ['-3', 'data[FIELDS][ID]: must be a positive integer'],
    ['1.5', 'data[FIELDS][ID]: must be a positive integer'],
    ['12abc', 'data[FIELDS][ID]: must be a positive integer'],
    ['', 'data[FIELDS][ID]: must be a positive integer'],
  ])('rejects the entity id %j naming the wire key', (id, problem) => {
    expect(readEntityEvent(decode(outgoingWebhookBody('ONCRMDEALUPDATE', id)), 'ONCRMDEALUPDATE')).toEqual({ ok: false, problem });
  });

  it('names every missing key', () => {
    const result = readEntityEvent({ event: 'ONCRMDEALUPDATE' }, 'ONCRMDEALUPDATE');
    expect(result).toEqual({ ok: false, problem: 'data: is required; ts: is required' });
    expect(readEntityEvent({ data: { FIELDS: 'x' }, ts: '1' }, 'ONCRMDEALUPDATE')).toEqual({ ok: false, problem: 'data[FIELDS]: must be an object' });
  });

  it('reports a missing event name', () => {
    expect(readEventName(decode('data%5BFIELDS%5D%5BID%5D=1'))).toEqual({ ok: false, problem: 'event: is required' });
  });

  it('treats missing or empty credentials as none', () => {
    expect(readCredentials(decode('event=ONCRMDEALADD&auth%5Bmember_id%5D=m'))).toBeNull();
    expect(readCredentials(decode('event=ONCRMDEALADD&auth%5Bmember_id%5D=m&auth%5Bapplication_token%5D='))).toBeNull();
    expect(readCredentials(decode('event=ONCRMDEALADD&auth=flat'))).toBeNull();
  });

  it('maps every deal and contact event to its workflow family and nothing else', () => {
    expect(['ONCRMDEALADD', 'ONCRMDEALUPDATE', 'ONCRMDEALDELETE', 'ONCRMDEALMOVETOCATEGORY'].map(entityKindOf)).toEqual(['deal', 'deal', 'deal', 'deal']);
    expect(['ONCRMCONTACTADD', 'ONCRMCONTACTUPDATE', 'ONCRMCONTACTDELETE'].map(entityKindOf)).toEqual(['contact', 'contact', 'contact']);
    expect(entityKindOf('ONCRMLEADADD')).toBeNull();
    expect(entityKindOf('oncrmdealadd')).toBeNull();
  });
});
