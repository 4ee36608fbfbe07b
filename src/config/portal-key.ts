/**
 * The portal key names one portal in workflow ids (`loyalty/<portal>/…`), in its Bitrix24 task queue
 * (`loyalty-bitrix24-<portal>`) and in the LoyaltyPortal search attribute: LOYALTY_PORTAL and the bridge's
 * LOYALTY_PORTALS keys follow the same rule, so that the bridge and the worker name a portal alike. A slash would
 * split the workflow ids; the portal's domain, dots included, is the natural key.
 */
export const PORTAL_KEY_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;
export const PORTAL_KEY_RULE = 'must be letters, digits, ".", "_" or "-", such as example.bitrix24.ru';
