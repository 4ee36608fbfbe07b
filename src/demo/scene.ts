import type { AdminContext } from '../admin/context';
import type { Programme } from '../domain/programme';
import type { CrmUser } from './crm-user';
import type { CrmView } from './crm-view';
import type { StoryLog } from './story-log';

/** What every chapter of the story works with. */
export interface Scene {
  programme: Programme;
  /** The manager's hands: CRM changes only. */
  user: CrmUser;
  /** The manager's and ops' eyes: CRM records and workflow queries. */
  view: CrmView;
  log: StoryLog;
  /** Staff requests (the apology bonus) go through the admin path. */
  admin: AdminContext;
  now: () => number;
  /** Distinguishes this play's requests from an earlier play's against the same Temporal. */
  runId: string;
}
