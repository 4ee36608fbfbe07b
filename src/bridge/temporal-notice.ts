import { type Client } from '@temporalio/client';

/** A cheap round trip proving the Temporal frontend answers. */
export async function pingTemporal(client: Client, deadlineMs: number): Promise<void> {
  await client.withDeadline(Date.now() + deadlineMs, () => client.workflowService.getSystemInfo({}));
}
