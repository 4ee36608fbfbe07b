/** A short human-readable description of a validated programme, for `loyalty rules check`. */
import { formatAmount } from '../domain/money';
import { formatPercent, type CountTier, type Programme } from '../domain/programme';

function tiers(list: readonly CountTier[]): string {
  return list.map((t) => `${t.atLeast} → ${formatPercent(t.percent)}`).join(', ') || 'no tiers';
}

export function summarizeProgramme(programme: Programme): string[] {
  const money = (minor: number): string => `${formatAmount(minor, programme.currencyExponent)} ${programme.currency}`;
  const { referral, purchaseCount, cashback, birthday, bonuses, groups, stacking } = programme;
  const off = (enabled: boolean, text: string): string => (enabled ? text : 'off');
  const welcome = referral.welcome === null ? 'no welcome reward' : referral.welcome.kind === 'discount' ? `welcome discount ${formatPercent(referral.welcome.percent)}` : `welcome cashback ${money(referral.welcome.amountMinor)}`;
  const cashbackTiers = cashback.tiers.map((t) => `${t.upToMinor === null ? 'above' : `up to ${money(t.upToMinor)}`} → ${formatPercent(t.percent)}`).join(', ');
  const bonusText = (['review', 'apology'] as const)
    .map((kind) => {
      const rule = bonuses[kind];
      return rule === null ? `${kind} off` : `${kind} ${money(rule.defaultAmountMinor)} (max ${money(rule.maxAmountMinor)})`;
    })
    .join(', ');
  const stackingText = stacking.policy === 'sum' ? `sum, capped at ${formatPercent(stacking.capPercent)}` : stacking.policy === 'priority' ? `priority: ${stacking.order.join(' > ')}` : 'best discount wins';
  return [
    `currency ${programme.currency}, time zone ${programme.timeZone}`,
    `pipelines: ${programme.pipelines.map((p) => `${p.name} (${p.id})`).join(', ')}`,
    `referral: ${off(referral.enabled, `${tiers(referral.tiers)} by qualified ${referral.countBy}; ${referral.qualifyingDeal} won deal from ${money(referral.minDealAmountMinor)}; ${welcome}${referral.secondLevelCashbackMinor === null ? '' : `; second level ${money(referral.secondLevelCashbackMinor)}`}`)}`,
    `purchase count: ${off(purchaseCount.enabled, tiers(purchaseCount.tiers))}`,
    `cashback: ${off(cashback.enabled, `${cashbackTiers} (${cashback.tierBasis}); lots expire after ${cashback.lotExpiryDays} days${cashback.reset === null ? '' : `, reset at the end of ${cashback.reset.day}/${cashback.reset.month}`}; up to ${formatPercent(cashback.maxPaymentPercent)} of a deal payable; clawback ${cashback.clawback}`)}`,
    `birthday: ${off(birthday.enabled, `${formatPercent(birthday.percent)} from ${birthday.daysBefore} days before to ${birthday.daysAfter} days after`)}`,
    `bonuses: ${bonusText}`,
    `groups: ${groups.map((g) => `${g.name} ${formatPercent(g.percent)}${g.dailyLimitMinor === null ? '' : ` (daily limit ${money(g.dailyLimitMinor)})`}`).join(', ') || 'none'}`,
    `stacking: ${stackingText}`,
  ];
}
