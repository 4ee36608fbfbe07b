/**
 * Event bodies exactly as Bitrix24 puts them on the wire (reference §4.1/§4.2): form-encoded, PHP bracket keys
 * with the brackets percent-encoded, every value a string. Key order follows a capture from a real portal.
 */
export const MEMBER_ID = 'a223c6b3710f85df22e9377d6c4f7553';
export const APPLICATION_TOKEN = '51856fefc120afa4b628cc82d3935cce';
export const ACCESS_TOKEN = 's1morf609228iwyjjpvfv6wsvuja4p8y';

/** The keys that travel with a user's access token, between its expiry and whose it is. */
const TOKEN_SESSION = [
  'auth%5Bexpires_in%5D=3600',
  'auth%5Bscope%5D=crm%2Cuser_brief',
  'auth%5Bdomain%5D=b24-example.bitrix24.ru',
  'auth%5Bserver_endpoint%5D=https%3A%2F%2Foauth.bitrix.info%2Frest%2F',
  'auth%5Bstatus%5D=L',
  'auth%5Bclient_endpoint%5D=https%3A%2F%2Fb24-example.bitrix24.ru%2Frest%2F',
  `auth%5Bmember_id%5D=${MEMBER_ID}`,
];

/** An app subscription's event: carries a user's access token besides the always-present auth keys. */
export function appEventBody(event: string, id: string | number, token = APPLICATION_TOKEN, ts = '1727018926'): string {
  return [
    `event=${event}`,
    'event_handler_id=58',
    `data%5BFIELDS%5D%5BID%5D=${id}`,
    `ts=${ts}`,
    `auth%5Baccess_token%5D=${ACCESS_TOKEN}`,
    'auth%5Bexpires%5D=1727022526',
    ...TOKEN_SESSION,
    'auth%5Buser_id%5D=1',
    `auth%5Bapplication_token%5D=${token}`,
  ].join('&');
}

/** An outgoing webhook's event: exactly the five always-present auth keys, no user tokens. */
export function outgoingWebhookBody(event: string, id: string | number, token = APPLICATION_TOKEN): string {
  return [
    `event=${event}`,
    'event_handler_id=12',
    `data%5BFIELDS%5D%5BID%5D=${id}`,
    'ts=1727018926',
    'auth%5Bdomain%5D=b24-example.bitrix24.ru',
    'auth%5Bserver_endpoint%5D=https%3A%2F%2Foauth.bitrix.info%2Frest%2F',
    'auth%5Bclient_endpoint%5D=https%3A%2F%2Fb24-example.bitrix24.ru%2Frest%2F',
    `auth%5Bmember_id%5D=${MEMBER_ID}`,
    `auth%5Bapplication_token%5D=${token}`,
  ].join('&');
}

export const REFRESH_TOKEN = 'r2norf609228iwyjjpvfv6wsvuja4p8z';

/** ONAPPINSTALL with the key set of Bitrix24's documentation: a refresh token, `expires_in` but no `expires`. */
export function appInstallBody(): string {
  return [
    'event=ONAPPINSTALL',
    'data%5BVERSION%5D=1',
    'data%5BACTIVE%5D=Y',
    'data%5BINSTALLED%5D=Y',
    'data%5BLANGUAGE_ID%5D=ru',
    'ts=1727018926',
    `auth%5Baccess_token%5D=${ACCESS_TOKEN}`,
    ...TOKEN_SESSION,
    `auth%5Brefresh_token%5D=${REFRESH_TOKEN}`,
    `auth%5Bapplication_token%5D=${APPLICATION_TOKEN}`,
  ].join('&');
}
