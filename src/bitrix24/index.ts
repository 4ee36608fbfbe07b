/** Bitrix24 REST client: the public surface used by activities, the bridge and the CLI. */
export { Bitrix24Client, DEFAULT_RETRY, type Bitrix24ClientOptions, type RetryOptions } from './client';
export {
  createOAuthClient,
  createWebhookClient,
  OAuthTenantClients,
  type OAuthClientOptions,
  type OAuthTenantOptions,
  type WebhookClientOptions,
} from './factories';
export { OAuthAuth, WebhookAuth, type AuthStrategy } from './auth';
export { InMemoryTokenStore, JsonFileTokenStore, type OAuthTokens, type TokenStore } from './token-store';
export { type OAuthApp } from './oauth-refresh';
export { AxiosTransport, type RequestOptions, type Transport } from './transport';
export { systemClock, type Clock } from './clock';
export { CLOUD_LIMITS, ENTERPRISE_LIMITS, LeakyBucket, type LeakyBucketLimits } from './rate-limiter';
export { DEFAULT_OPERATING_LIMITS, OperatingLimiter, type OperatingLimiterOptions } from './operating-limiter';
export * from './errors';
export { classifyError } from './error-classification';
export { toRetryDescriptor, type RetryDescriptor } from './retry-descriptor';
export { command, rawCommand, type Command, type IdOrReference, type Page, type ResultReference } from './command';
export { BATCH_MAX_COMMANDS, encodeCommand, resultRef, runBatch, runBatchList, unwrap, type BatchOptions, type CommandOutcome } from './batch';
export { LIST_PAGE_SIZE, pagesByOffset, scanByKeyset } from './pagination';
export { deals } from './methods/deals';
export { contacts } from './methods/contacts';
export { userFields, type UserFieldEntity } from './methods/user-fields';
export { timeline, type TimelineComment, type TimelineCommentInput } from './methods/timeline';
export { addCommentOnce, referenceTag } from './comment-once';
export { pipelines } from './methods/pipelines';
export { notifications, type SystemNotification } from './methods/notifications';
export { events, LOYALTY_EVENTS, type EventBinding, type OfflineEvent, type OfflineEventBatch } from './methods/events';
export { type ListParams } from './methods/list-params';
export { readDealSnapshot, writeDealDiscounts, dealReadCommands, type DealSnapshot, type DealDiscountWrite } from './deal-batches';
export { setupPortal, outgoingWebhookInstructions, type SetupReport } from './setup';
export { LOYALTY_FIELDS, LOYALTY_FIELD_DEFINITIONS } from './loyalty-fields';
export { type Deal, type DealPatch, type DealContactBinding } from './shapes/deal';
export { type Contact, type ContactPatch, type ContactLoyalty } from './shapes/contact';
export { type ProductRow, type ProductRowInput } from './shapes/product-row';
export { lostStages, wonStage, semanticOfStage, type Stage, type StageSemantic } from './shapes/stage';
export { type Category } from './shapes/category';
export { type UserField } from './shapes/user-field';
export { type PortalDateTime } from './normalize';
