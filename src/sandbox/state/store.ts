import { readFileSync, writeFileSync, existsSync, renameSync } from 'node:fs';

/** Internal values keyed by the legacy UPPER_CASE field name (money in minor units, datetimes in epoch ms). */
export type FieldValues = Record<string, unknown>;

export interface Multifield {
  ID: number;
  TYPE_ID: 'PHONE' | 'EMAIL' | 'WEB' | 'IM';
  VALUE_TYPE: string;
  VALUE: string;
}

export interface EntityRecord {
  id: number;
  fields: FieldValues;
  uf: Record<string, unknown>;
}

export interface ContactRecord extends EntityRecord {
  multifields: Multifield[];
}

export interface DealContactBinding {
  CONTACT_ID: number;
  SORT: number;
  ROLE_ID: number;
  IS_PRIMARY: 'Y' | 'N';
}

export interface ProductRow {
  ID: number;
  PRODUCT_ID: number;
  PRODUCT_NAME: string;
  priceMinor: number;
  priceExclusiveMinor: number;
  priceNettoMinor: number;
  priceBruttoMinor: number;
  quantityMilli: number;
  discountTypeId: 1 | 2;
  discountRateCenti: number;
  discountSumMinor: number;
  taxRateCenti: number | null;
  taxIncluded: 'Y' | 'N';
  measureCode: number;
  measureName: string;
  sort: number;
}

export interface Category {
  id: number;
  name: string;
  sort: number;
}

export interface Stage {
  id: number;
  entityId: string;
  statusId: string;
  name: string;
  sort: number;
  semantics: 'S' | 'F' | null;
  categoryId: number;
  color: string;
}

export interface Product {
  id: number;
  name: string;
  priceMinor: number;
  currencyId: string;
}

export interface UserField {
  id: number;
  entityId: 'CRM_DEAL' | 'CRM_CONTACT';
  fieldName: string;
  userTypeId: string;
  xmlId: string | null;
  sort: number;
  multiple: 'Y' | 'N';
  mandatory: 'Y' | 'N';
  settings: Record<string, unknown>;
  label: string | null;
  list: { ID: number; VALUE: string; SORT: number; DEF: 'Y' | 'N'; XML_ID: string }[];
}

export interface TimelineComment {
  id: number;
  entityType: string;
  entityId: number;
  comment: string;
  authorId: number;
  createdMs: number;
}

export interface Notification {
  id: number;
  userId: number;
  message: string;
  tag: string | null;
  subTag: string | null;
  createdMs: number;
  sender: string;
  /** The application the tag is unique within (OAuth app, or a webhook's CLIENT_ID); null: the tag replaces nothing. */
  application: string | null;
}

export interface StageHistoryItem {
  id: number;
  typeId: 1 | 2 | 3 | 5;
  ownerId: number;
  createdMs: number;
  categoryId: number;
  stageSemanticId: 'P' | 'S' | 'F';
  stageId: string;
}

export interface EventBinding {
  id: number;
  clientId: string | null;
  event: string;
  handler: string;
  authType: number;
  offline: boolean;
  authConnector: string | null;
  applicationToken: string;
}

export interface OfflineEvent {
  id: number;
  clientId: string;
  event: string;
  data: Record<string, string>;
  messageId: string;
  timestampMs: number;
  processId: string | null;
  error: boolean;
  userId: number;
  authConnector: string | null;
}

export interface OAuthTokenRecord {
  clientId: string;
  userId: number;
  expiresAtMs: number;
}

export interface PortalState {
  nextId: Record<string, number>;
  categories: Category[];
  stages: Stage[];
  products: Product[];
  deals: Record<string, EntityRecord>;
  contacts: Record<string, ContactRecord>;
  productRows: Record<string, ProductRow[]>;
  dealContacts: Record<string, DealContactBinding[]>;
  comments: TimelineComment[];
  userFields: UserField[];
  notifications: Notification[];
  stageHistory: StageHistoryItem[];
  bindings: EventBinding[];
  offlineEvents: OfflineEvent[];
  accessTokens: Record<string, OAuthTokenRecord>;
  refreshTokens: Record<string, OAuthTokenRecord>;
}

export function emptyState(): PortalState {
  return {
    nextId: {},
    categories: [],
    stages: [],
    products: [],
    deals: {},
    contacts: {},
    productRows: {},
    dealContacts: {},
    comments: [],
    userFields: [],
    notifications: [],
    stageHistory: [],
    bindings: [],
    offlineEvents: [],
    accessTokens: {},
    refreshTokens: {},
  };
}

export function allocateId(state: PortalState, sequence: string): number {
  const id = state.nextId[sequence] ?? 1;
  state.nextId[sequence] = id + 1;
  return id;
}

/** Keeps a sequence ahead of an explicitly chosen id (fixtures give ids). */
export function reserveId(state: PortalState, sequence: string, id: number): void {
  state.nextId[sequence] = Math.max(state.nextId[sequence] ?? 1, id + 1);
}

export function loadSnapshot(file: string): PortalState | undefined {
  if (!existsSync(file)) return undefined;
  return { ...emptyState(), ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<PortalState>) };
}

/** Write-then-rename so a crash mid-write never leaves a truncated snapshot. */
export function saveSnapshot(file: string, state: PortalState): void {
  const temp = `${file}.tmp`;
  writeFileSync(temp, JSON.stringify(state));
  renameSync(temp, file);
}
