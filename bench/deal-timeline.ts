/**
 * Where one deal's latency went, read back from its workflow history: when the bridge's signal was recorded, the
 * coalescing timer, and each activity from scheduled to completed, up to the rows written; what is left between
 * them is workflow-task turnaround. Server event times and this process's clock are the same machine's clock.
 */
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface DealTimeline {
  /** Manager's change → the bridge's signal recorded in the deal workflow. */
  eventToSignalMs: number;
  /** Signal → coalescing timer started (first workflow task). */
  signalToTimerMs: number;
  coalesceTimerMs: number;
  /** Activity type → scheduled-to-completed milliseconds, summed over its calls until the rows were written. */
  activitiesMs: Record<string, number>;
  /** Rows written (activity completed) → seen in the portal by the poller. */
  writtenToSeenMs: number;
  /** Everything else: workflow tasks between the timer and the activities. */
  workflowTasksMs: number;
}

const WRITE_ACTIVITY = 'writeDealDiscounts';

export async function dealTimeline(client: Client, workflowId: string, movedAtMs: number, seenAtMs: number): Promise<DealTimeline> {
  const events: HistoryEvent[] = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const at = (event: HistoryEvent): number => tsToMs(event.eventTime);
  const signal = events.find((e) => e.workflowExecutionSignaledEventAttributes);
  const timerStarted = events.find((e) => e.timerStartedEventAttributes);
  const timerFired = events.find((e) => e.timerFiredEventAttributes);
  if (!signal || !timerStarted || !timerFired) throw new Error(`${workflowId}: no signal or coalescing timer in its history`);

  const scheduled = new Map<string, { type: string; at: number }>();
  const activitiesMs: Record<string, number> = {};
  let writtenAt: number | null = null;
  for (const event of events) {
    const attributes = event.activityTaskScheduledEventAttributes;
    if (attributes) scheduled.set(String(event.eventId), { type: attributes.activityType?.name ?? '?', at: at(event) });
    const completed = event.activityTaskCompletedEventAttributes;
    if (!completed) continue;
    const start = scheduled.get(String(completed.scheduledEventId));
    if (!start) continue;
    activitiesMs[start.type] = (activitiesMs[start.type] ?? 0) + (at(event) - start.at);
    if (start.type === WRITE_ACTIVITY) {
      writtenAt = at(event);
      break;
    }
  }
  if (writtenAt === null) throw new Error(`${workflowId}: the rows were not written`);
  const activitiesTotal = Object.values(activitiesMs).reduce((sum, ms) => sum + ms, 0);
  return {
    eventToSignalMs: at(signal) - movedAtMs,
    signalToTimerMs: at(timerStarted) - at(signal),
    coalesceTimerMs: at(timerFired) - at(timerStarted),
    activitiesMs,
    writtenToSeenMs: seenAtMs - writtenAt,
    workflowTasksMs: writtenAt - at(timerFired) - activitiesTotal,
  };
}

/** Median of each segment over several deals. */
export function medianTimeline(timelines: readonly DealTimeline[]): Record<string, number> {
  const median = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
  };
  const segments: Record<string, number[]> = {};
  const add = (name: string, ms: number): void => void (segments[name] ??= []).push(ms);
  for (const t of timelines) {
    add('eventToSignal', t.eventToSignalMs);
    add('signalToTimer', t.signalToTimerMs);
    add('coalesceTimer', t.coalesceTimerMs);
    for (const [type, ms] of Object.entries(t.activitiesMs)) add(`activity:${type}`, ms);
    add('workflowTasks', t.workflowTasksMs);
    add('writtenToSeen', t.writtenToSeenMs);
  }
  return Object.fromEntries(Object.entries(segments).map(([name, values]) => [name, Math.round(median(values))]));
}
