import { type PortalState } from '../state/store';

/** Who made a change: decides the tokens on app events and whether offline queues see it. */
export interface Actor {
  userId: number;
  clientId: string | null;
  /** Automation/robot-originated: app events carry no tokens. */
  robot: boolean;
  authConnector: string | null;
}

export interface EmittedEvent {
  name: string;
  fields: Record<string, string>;
}

export interface CrmContext {
  state: PortalState;
  now: () => number;
  timeZone: string;
  actor: Actor;
  emit(event: EmittedEvent): void;
}

export const SYSTEM_ACTOR: Actor = { userId: 1, clientId: null, robot: false, authConnector: null };
