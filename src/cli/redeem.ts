import { Command } from 'commander';
import { moneyText } from '../admin/operator-amount';
import { redeemCashback, type RedemptionResult } from '../admin/redeem-cashback';
import { redemptionView } from '../admin/views';
import type { Programme } from '../domain/programme';
import { addEngineOptions, engineEnv, engineProgramme, type EngineFlags } from './configuration';
import { positiveId } from './cli-values';
import { portalClient } from './portal-client';
import { withTemporalClient } from './temporal-client';

interface RedeemOptions extends EngineFlags {
  contact: number;
  deal: number;
  amount: string;
  requestId?: string;
  json?: boolean;
}

/** `loyalty redeem`: the contact paid part of a deal with cashback; debited once per request id. */
export function redeemCommand(): Command {
  const command = new Command('redeem')
    .description("debit a contact's cashback for part of a deal they pay (once per request id; over the balance or the payment cap: exit 2, nothing debited)")
    .requiredOption('--contact <id>', 'Bitrix24 contact id: the deal\'s payer (primary contact)', positiveId('--contact'))
    .requiredOption('--amount <amount>', "in the programme's currency, e.g. 250 or 249.90")
    .requiredOption('--deal <id>', 'Bitrix24 deal id the cashback pays for (its amount sets the payment cap)', positiveId('--deal'))
    .option('--request-id <id>', 'idempotency key: the same id debits once and answers the same (default: deal-<deal id>, one redemption per deal)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', "\nThe deal's product rows are not changed: this records a payment the manager took outside the deal's redeem field.");
  return addEngineOptions(command, ['temporal', 'portal', 'taskQueue', 'rules', 'webhook']).action(async (options: RedeemOptions) => {
    const env = engineEnv(options, { portalAccess: true });
    const programme = engineProgramme(env);
    const bitrix = portalClient(env.bitrix24.access);
    const requestId = options.requestId ?? dealRequestId(options.deal);
    if (options.requestId === undefined) console.error(`Request id ${requestId}: one redemption per deal without --request-id, so repeating this command debits once`);
    const order = { contactId: options.contact, dealId: options.deal, amount: options.amount, requestId };
    const result = await withTemporalClient(env, (client) => redeemCashback({ client, programme, portal: env.portal, taskQueue: env.taskQueue, bitrix }, order));
    console.log(options.json ? JSON.stringify(redemptionView(result, programme), null, 2) : renderRedemption(result, programme).join('\n'));
  });
}

/** Without an explicit id, the deal names the redemption: an operator who repeats the command cannot debit twice. */
function dealRequestId(dealId: number): string {
  return `deal-${dealId}`;
}

export function renderRedemption(result: RedemptionResult, programme: Programme): string[] {
  const what = `Redeemed ${moneyText(result.amountMinor, programme)} of cashback from contact ${result.contactId} for deal ${result.dealId}, request id ${result.requestId}`;
  return [
    result.applied ? `${what}.` : `${what}: had been debited before; nothing debited again.`,
    `Cashback balance: ${moneyText(result.balanceAfterMinor, programme)} (available ${moneyText(result.availableAfterMinor, programme)})`,
  ];
}
