import { type Actor, type CrmContext, type EmittedEvent, SYSTEM_ACTOR } from './crm/context';
import { addContact, contactToWire, deleteContact, getContact, updateContact } from './crm/contacts';
import {
  addDeal, dealContactItems, dealProductRows, dealToWire, deleteDeal, getDeal, moveDealToCategory, setDealContactItems, setDealProductRows, updateDeal,
} from './crm/deals';
import { listStatuses } from './crm/stages';
import { addTimelineComment, commentToWire } from './crm/timeline';
import { addUserField, type UfEntity, userFieldsOf, userFieldToWire } from './crm/userfields';
import { formatPortalDateTime } from './envelope';
import { type DeliveryRecord, type EventDispatcher } from './events/delivery';
import { emptyState, type PortalState } from './state/store';

/** Who a direct portal change is attributed to; `robot` sends app events without tokens. */
export interface ActAs {
  userId?: number;
  robot?: boolean;
  authConnector?: string;
}

/** One portal "hit": changes made in it emit events that are collapsed and dispatched together afterwards. */
export interface Hit {
  ctx: CrmContext;
  events: EmittedEvent[];
}

/**
 * Direct, synchronous access to the portal state for tests and the demo. Every write behaves like a user
 * action in the CRM UI: it fires the same outgoing events a REST change would, dispatched after the change.
 * Reads return the legacy wire shapes (`crm.deal.get` etc.).
 */
export class SandboxPortal {
  state: PortalState = emptyState();

  constructor(
    private readonly now: () => number,
    readonly timeZone: string,
    private readonly dispatcher: EventDispatcher,
    private readonly onChange: () => void,
  ) {}

  beginHit(actor: Actor): Hit {
    const events: EmittedEvent[] = [];
    const ctx: CrmContext = { state: this.state, now: this.now, timeZone: this.timeZone, actor, emit: (e) => events.push(e) };
    return { ctx, events };
  }

  endHit(hit: Hit): void {
    this.onChange();
    if (hit.events.length > 0) this.dispatcher.dispatch(hit.events, hit.ctx.actor);
  }

  /** Runs `change` as its own hit without emitting events (seeding). */
  quietly<T>(change: (ctx: CrmContext) => T): T {
    const hit = this.beginHit(SYSTEM_ACTOR);
    const result = change(hit.ctx);
    this.onChange();
    return result;
  }

  private act<T>(as: ActAs | undefined, change: (ctx: CrmContext) => T): T {
    const hit = this.beginHit({ userId: as?.userId ?? 1, clientId: null, robot: as?.robot ?? false, authConnector: as?.authConnector ?? null });
    try {
      return change(hit.ctx);
    } finally {
      this.endHit(hit);
    }
  }

  private read<T>(view: (ctx: CrmContext) => T): T {
    return view(this.beginHit(SYSTEM_ACTOR).ctx);
  }

  readonly deals = {
    add: (fields: Record<string, unknown>, as?: ActAs): number => this.act(as, (ctx) => addDeal(ctx, fields)),
    update: (id: number, fields: Record<string, unknown>, as?: ActAs): void => void this.act(as, (ctx) => updateDeal(ctx, id, fields)),
    setStage: (id: number, stageId: string, as?: ActAs): void => void this.act(as, (ctx) => updateDeal(ctx, id, { STAGE_ID: stageId })),
    moveToCategory: (id: number, categoryId: number, stageId?: string, as?: ActAs): void =>
      this.act(as, (ctx) => moveDealToCategory(ctx, id, categoryId, stageId)),
    setProductRows: (id: number, rows: Record<string, unknown>[], as?: ActAs): void => void this.act(as, (ctx) => setDealProductRows(ctx, id, rows)),
    setContacts: (id: number, items: { CONTACT_ID: number; IS_PRIMARY?: 'Y' | 'N' }[], as?: ActAs): void =>
      void this.act(as, (ctx) => setDealContactItems(ctx, id, items)),
    delete: (id: number, as?: ActAs): void => void this.act(as, (ctx) => deleteDeal(ctx, id)),
    get: (id: number): Record<string, unknown> | undefined => (this.state.deals[String(id)] ? this.read((ctx) => dealToWire(ctx, getDeal(ctx, id))) : undefined),
    ids: (): number[] => Object.keys(this.state.deals).map(Number),
    productRows: (id: number): Record<string, unknown>[] => this.read((ctx) => dealProductRows(ctx, id)),
    contacts: (id: number) => this.read((ctx) => dealContactItems(ctx, id).map((b) => ({ ...b }))),
    stageHistory: (id: number) =>
      this.state.stageHistory
        .filter((h) => h.ownerId === id)
        .map((h) => ({ ...h, createdTime: formatPortalDateTime(h.createdMs, this.timeZone) })),
  };

  readonly contacts = {
    add: (fields: Record<string, unknown>, as?: ActAs): number => this.act(as, (ctx) => addContact(ctx, fields)),
    update: (id: number, fields: Record<string, unknown>, as?: ActAs): void => void this.act(as, (ctx) => updateContact(ctx, id, fields)),
    delete: (id: number, as?: ActAs): void => void this.act(as, (ctx) => deleteContact(ctx, id)),
    get: (id: number): Record<string, unknown> | undefined =>
      this.state.contacts[String(id)] ? this.read((ctx) => contactToWire(ctx, getContact(ctx, id))) : undefined,
    ids: (): number[] => Object.keys(this.state.contacts).map(Number),
  };

  readonly timeline = {
    add: (entityType: 'deal' | 'contact', entityId: number, comment: string, as?: ActAs): number =>
      this.act(as, (ctx) => addTimelineComment(ctx, { ENTITY_TYPE: entityType, ENTITY_ID: entityId, COMMENT: comment })),
    list: (entityType: 'deal' | 'contact', entityId: number) =>
      this.state.comments.filter((c) => c.entityType === entityType && c.entityId === entityId).map((c) => commentToWire(c, this.timeZone)),
  };

  readonly userFields = {
    add: (entity: 'deal' | 'contact', fields: Record<string, unknown>): number => this.quietly((ctx) => addUserField(ctx.state, ufEntity(entity), fields)),
    list: (entity: 'deal' | 'contact') => userFieldsOf(this.state, ufEntity(entity)).map(userFieldToWire),
  };

  stages(categoryId?: number): Record<string, unknown>[] {
    const filter = categoryId === undefined ? {} : { CATEGORY_ID: categoryId };
    return listStatuses(this.state, { filter }, this.timeZone);
  }

  categories() {
    return this.state.categories.map((c) => ({ ...c }));
  }

  notifications() {
    return this.state.notifications.map((n) => ({ ...n }));
  }

  offlineEvents() {
    return this.state.offlineEvents.map((e) => ({ ...e }));
  }

  /** Every outgoing event attempt so far: delivered, failed (handler down / non-2xx) or dropped by a fault. */
  eventLog(): DeliveryRecord[] {
    return [...this.dispatcher.log];
  }

  /** Waits until every scheduled event delivery has been attempted. */
  settleEvents(): Promise<void> {
    return this.dispatcher.settle();
  }
}

function ufEntity(entity: 'deal' | 'contact'): UfEntity {
  return entity === 'deal' ? 'CRM_DEAL' : 'CRM_CONTACT';
}
