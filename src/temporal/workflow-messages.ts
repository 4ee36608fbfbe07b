import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { QueryDefinition, SignalDefinition } from '@temporalio/common';

/** A query on a workflow that is not there answers `absent`: the contact simply has nothing there yet. */
export async function queryIfPresent<T, A extends unknown[]>(client: Client, workflowId: string, query: QueryDefinition<T, A>, absent: T, ...args: A): Promise<T> {
  try {
    return await client.workflow.getHandle(workflowId).query(query, ...args);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return absent;
    throw error;
  }
}

/** Signals a running workflow; one that was never started or has ended is left alone. Returns whether it ran. */
export async function signalIfRunning<A extends unknown[]>(client: Client, workflowId: string, signal: SignalDefinition<A>, ...args: A): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).signal(signal, ...args);
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
