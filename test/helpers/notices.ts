import type { Testbed } from './testbed';

export interface RecordedNotice {
  userId: number;
  message: string;
  tag: string | null;
}

/** What the portal's notification centre holds about `contactId` of one kind, read the way an operator would: the sandbox admin API. */
export async function noticesIn(bed: Testbed, contactId: number, kind: string): Promise<RecordedNotice[]> {
  const all = (await (await fetch(`${bed.sandbox.baseUrl}/sandbox/notifications`)).json()) as RecordedNotice[];
  return all.filter((n) => n.tag?.startsWith(`loyalty:${kind}:${contactId}:`));
}
