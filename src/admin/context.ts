import type { Client } from '@temporalio/client';
import type { Bitrix24Client } from '../bitrix24';
import type { Programme } from '../domain/programme';

/** What every admin operation works against: one portal's workflows, under one programme. */
export interface AdminContext {
  client: Client;
  programme: Programme;
  /** Portal key in workflow ids. */
  portal: string;
  /** Task queue of the loyalty workflows. */
  taskQueue: string;
}

/** Redemptions also read the deal from the portal, for its amount and payer. */
export interface RedemptionContext extends AdminContext {
  bitrix: Bitrix24Client;
}
