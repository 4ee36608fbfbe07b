import {
  type Bitrix24Client,
  createWebhookClient,
  rawCommand,
  runBatchList,
  unwrap,
  type WebhookClientOptions,
} from '../../../src/bitrix24';
import { CountingTransport } from './counting-transport';

/**
 * Where the contract suite runs. Everything the shared tests do goes through REST methods a real portal
 * has; only `seedDeals` may use a back door (the sandbox's portal object) for bulk data.
 */
export interface ContractTarget {
  kind: 'sandbox' | 'real';
  webhookUrl: string;
  /** Webhook client; a real portal keeps the client's default pacing, the unlimited sandbox needs none. */
  client(options?: Partial<WebhookClientOptions>): { client: Bitrix24Client; transport: CountingTransport };
  /** Creates `count` deals whose TITLE contains `tag`; returns their ids ascending. */
  seedDeals(count: number, tag: string): Promise<number[]>;
}

export function webhookClientFor(webhookUrl: string, paced: boolean, options: Partial<WebhookClientOptions> = {}) {
  const transport = new CountingTransport();
  const client = createWebhookClient({ webhookUrl, transport, ...(paced ? {} : { rateLimiter: false }), ...options });
  return { client, transport };
}

/** Creates deals over REST in 50-command batches (what a real portal offers). */
export async function seedDealsOverRest(client: Bitrix24Client, count: number, tag: string): Promise<number[]> {
  const adds = Array.from({ length: count }, (_, i) =>
    rawCommand('crm.deal.add', { fields: { TITLE: `${tag} deal ${i}`, CATEGORY_ID: 0, CURRENCY_ID: 'RUB', OPPORTUNITY: 100 + i } }),
  );
  const outcomes = await runBatchList(client, adds);
  return outcomes.map((outcome) => Number(unwrap(outcome))).sort((a, b) => a - b);
}

export function withWrongSecret(webhookUrl: string): string {
  return webhookUrl.replace(/\/rest\/(\d+)\/[^/]+\//, '/rest/$1/definitely-wrong-secret/');
}
