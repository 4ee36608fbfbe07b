/**
 * Who the demo story is about and what they buy, in the sandbox company's catalogue (fixtures/sandbox-company.yaml):
 * fictional people, prices as a CRM user types them. The numbers they end up with come from the rules, not from here.
 */
export interface ScriptedPerson {
  firstName: string;
  lastName: string;
  email: string;
}

export interface ScriptedRow {
  productId: number;
  name: string;
  /** As typed into the deal, in the programme's currency. */
  price: string;
  quantity: number;
}

export interface ScriptedDeal {
  title: string;
  rows: ScriptedRow[];
}

const KAZAN = { productId: 1, name: 'Weekend in Kazan', price: '24900.00' };
const ALTAI = { productId: 2, name: 'Altai trekking tour, 7 days', price: '68500.00' };
const INSURANCE = { productId: 4, name: 'Travel insurance', price: '1500.00' };
const MEMBERSHIP = { productId: 5, name: 'Club membership, 1 year', price: '5000.00' };

/** The Sales pipeline: it earns cashback and referrals in the example rules. */
export const SALES_PIPELINE = 0;
/** A Sales stage after the discount stages: deals of the referred friends are simply sold and won. */
export const IN_PROGRESS_STAGE = 'EXECUTING';
export const WON_STAGE = 'WON';

export const REFERRER: ScriptedPerson = { firstName: 'Elena', lastName: 'Volkova', email: 'elena.volkova@example.com' };

export const REFERRED_FRIENDS: { person: ScriptedPerson; firstDeal: ScriptedDeal }[] = [
  {
    person: { firstName: 'Igor', lastName: 'Belov', email: 'igor.belov@example.com' },
    firstDeal: { title: 'Kazan weekend for Igor', rows: [{ ...KAZAN, quantity: 1 }] },
  },
  {
    person: { firstName: 'Olga', lastName: 'Smirnova', email: 'olga.smirnova@example.com' },
    firstDeal: { title: 'Altai trekking for Olga', rows: [{ ...ALTAI, quantity: 1 }, { ...INSURANCE, quantity: 1 }] },
  },
  {
    person: { firstName: 'Pavel', lastName: 'Egorov', email: 'pavel.egorov@example.com' },
    firstDeal: { title: 'Club membership for Pavel', rows: [{ ...MEMBERSHIP, quantity: 1 }] },
  },
];

export const BIRTHDAY_CUSTOMER = {
  person: { firstName: 'Mikhail', lastName: 'Orlov', email: 'mikhail.orlov@example.com' } satisfies ScriptedPerson,
  /** Won earlier: it earns the cashback he pays with later. */
  earlierDeal: { title: 'Altai trekking for Mikhail', rows: [{ ...ALTAI, quantity: 1 }] } satisfies ScriptedDeal,
  /** Booked in his birthday week, partly paid with cashback. */
  birthdayDeal: { title: 'Birthday weekend in Kazan for two', rows: [{ ...KAZAN, quantity: 2 }, { ...INSURANCE, quantity: 2 }] } satisfies ScriptedDeal,
  cashbackToRedeem: '3000.00',
};

export const APOLOGY_REASON = 'the promised call-back about the Baikal ice tour took a week';
