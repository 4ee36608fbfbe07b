// Fixed ids of the per-portal intake machinery: one reconciler schedule and one offline-queue poller per portal.

export function reconcilerScheduleId(portal: string): string {
  return `loyalty/${portal}/reconciler`;
}

export function offlineIntakeWorkflowId(portal: string): string {
  return `loyalty/${portal}/offline-events`;
}
