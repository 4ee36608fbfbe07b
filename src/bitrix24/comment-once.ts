import { type Bitrix24Client } from './client';
import { timeline, type TimelineCommentInput } from './methods/timeline';
import { scanByKeyset } from './pagination';

/**
 * `crm.timeline.comment.add` is not idempotent: a retry after a timeout may have been applied already. The
 * comment therefore ends with a reference line, and before adding it the entity's comments are searched for
 * that reference. Returns the id of the comment, new or found.
 */
export async function addCommentOnce(client: Bitrix24Client, input: TimelineCommentInput, reference: string): Promise<{ id: number; created: boolean }> {
  const tag = referenceTag(reference);
  const list = (params: Parameters<typeof timeline.listComments>[2]) => timeline.listComments(input.entityType, input.entityId, params);
  for await (const existing of scanByKeyset(client, list, (c) => c.id)) {
    if (existing.comment.includes(tag)) return { id: existing.id, created: false };
  }
  const id = await client.run(timeline.addComment({ ...input, comment: `${input.comment}\n${tag}` }));
  return { id, created: true };
}

export function referenceTag(reference: string): string {
  return `[ref ${reference}]`;
}
