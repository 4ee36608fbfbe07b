import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Opaque CRM identifiers only: never names, phones, e-mails or birthdates (no personal data in visibility).
export const PORTAL = defineSearchAttributeKey('LoyaltyPortal', SearchAttributeType.KEYWORD);
export const CONTACT_ID = defineSearchAttributeKey('LoyaltyContactId', SearchAttributeType.KEYWORD);
export const DEAL_ID = defineSearchAttributeKey('LoyaltyDealId', SearchAttributeType.KEYWORD);
export const PROGRAMME = defineSearchAttributeKey('LoyaltyProgramme', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [PORTAL, CONTACT_ID, DEAL_ID, PROGRAMME];

/** `--search-attribute` arguments for `temporal server start-dev` and `temporal operator search-attribute create`. */
export function searchAttributeCliArgs(): string[] {
  return ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]);
}
