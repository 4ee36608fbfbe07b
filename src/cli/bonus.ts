import { Argument, Command } from 'commander';
import { grantBonus } from '../admin/grant-bonus';
import { moneyText } from '../admin/operator-amount';
import { newRequestId } from '../admin/request-id';
import { bonusRequestFor } from '../admin/staff-bonus';
import { bonusView } from '../admin/views';
import type { BonusKind, Programme } from '../domain/programme';
import type { BonusResult } from '../../workflows/bonus';
import { addEngineOptions, engineEnv, engineProgramme, type EngineFlags } from './configuration';
import { positiveId } from './cli-values';
import { withTemporalClient } from './temporal-client';

interface BonusOptions extends EngineFlags {
  contact: number;
  amount?: string;
  reason: string;
  author: string;
  requestId?: string;
  json?: boolean;
}

/** `loyalty bonus apology|review`: a staff bonus onto the contact's cashback account, checked against the rules. */
export function bonusCommand(): Command {
  const command = new Command('bonus')
    .description("grant a review or apology bonus to a contact's cashback account (once per request id; refused by the rules: exit 2, nothing granted)")
    .addArgument(new Argument('<kind>', 'which bonus').choices(['apology', 'review']))
    .requiredOption('--contact <id>', 'Bitrix24 contact id', positiveId('--contact'))
    .option('--amount <amount>', "in the programme's currency, e.g. 500 or 499.90 (default: the rule's defaultAmount)")
    .requiredOption('--reason <text>', 'why it is granted: goes into the history and the CRM comment')
    .requiredOption('--author <user id>', "Bitrix24 user id of who grants it (checked against the rule's grantedBy)")
    .option('--request-id <id>', 'idempotency key: the same id grants once and answers the same (default: a new id, printed)')
    .option('--json', 'print the result as JSON');
  return addEngineOptions(command, ['temporal', 'portal', 'taskQueue', 'rules']).action(async (kind: BonusKind, options: BonusOptions) => {
    const env = engineEnv(options);
    const programme = engineProgramme(env);
    const requestId = options.requestId ?? newRequestId();
    const order = { kind, contactId: options.contact, reason: options.reason, author: options.author, requestId, ...(options.amount === undefined ? {} : { amount: options.amount }) };
    const request = bonusRequestFor(order, programme, env.portal);
    if (options.requestId === undefined) console.error(`Request id ${requestId} (repeat with --request-id ${requestId}: it will not grant twice)`);
    const result = await withTemporalClient(env, (client) => grantBonus(client, env.taskQueue, request));
    console.log(options.json ? JSON.stringify(bonusView(result, programme), null, 2) : renderBonus(result, programme).join('\n'));
  });
}

export function renderBonus(result: BonusResult, programme: Programme): string[] {
  const label = result.kind === 'apology' ? 'Apology bonus' : 'Review bonus';
  const what = `${label} ${moneyText(result.amountMinor, programme)} for contact ${result.contactId}, request id ${result.requestId}`;
  return [
    result.credited ? `${what}: credited.` : `${what}: had been credited before; nothing credited again.`,
    `Cashback balance: ${moneyText(result.balanceAfterMinor, programme)}`,
  ];
}
