import { Command } from 'commander';
import { outgoingWebhookInstructions, setupPortal } from '../bitrix24';
import { engineEnv } from './configuration';
import { portalClient } from './portal-client';

interface SetupCliOptions {
  webhookUrl?: string;
  tokenFile?: string;
  memberId?: string;
  clientId?: string;
  clientSecret?: string;
  tokenUrl?: string;
  handlerUrl?: string;
  outgoingHandlerUrl?: string;
}

/** `setup`: creates the engine's custom fields and, for an application, binds the CRM event handlers. */
export function setupCommand(): Command {
  return new Command('setup')
    .description('Create the loyalty custom fields on a Bitrix24 portal (idempotent) and bind event handlers')
    .option('--webhook-url <url>', 'incoming webhook https://{portal}/rest/{userId}/{secret}/ (default: $BITRIX24_WEBHOOK_URL)')
    .option('--token-file <path>', 'application mode: JSON token store holding the installed app tokens (default: $BITRIX24_TOKEN_FILE)')
    .option('--member-id <id>', 'application mode: portal member_id (default: $BITRIX24_MEMBER_ID)')
    .option('--client-id <id>', 'application mode: OAuth client id (default: $BITRIX24_CLIENT_ID)')
    // Kept for existing scripts; a secret on the command line shows in `ps` and the shell history.
    .option('--client-secret <secret>', 'application mode: OAuth client secret; prefer $BITRIX24_CLIENT_SECRET (a flag shows in ps and shell history)')
    .option('--token-url <url>', 'application mode: OAuth token endpoint override (e.g. a sandbox)')
    .option('--handler-url <url>', 'application mode: URL of the event bridge to bind the CRM events to')
    .option('--outgoing-handler-url <url>', 'webhook mode: print the steps to create an outgoing webhook to this URL')
    .action(async (options: SetupCliOptions) => {
      const { webhookUrl, tokenFile, memberId, clientId, clientSecret } = options;
      const env = engineEnv({ webhookUrl }, { portalAccess: true }, { tokenFile, memberId, clientId, clientSecret });
      const client = portalClient(env.bitrix24.access, options.tokenUrl === undefined ? {} : { tokenUrl: options.tokenUrl });
      const report = await setupPortal(client, { log: (line) => console.log(line), ...(options.handlerUrl === undefined ? {} : { handlerUrl: options.handlerUrl }) });
      const created = report.fields.filter((field) => field.action === 'created').length;
      console.log(`fields: ${created} created, ${report.fields.length - created} already present`);
      if (client.auth.mode === 'oauth' && report.events.length > 0) {
        const bound = report.events.filter((event) => event.action === 'bound').length;
        console.log(`events: ${bound} bound, ${report.events.length - bound} already bound`);
      }
      if (client.auth.mode === 'webhook' && options.outgoingHandlerUrl !== undefined) {
        for (const line of outgoingWebhookInstructions(options.outgoingHandlerUrl)) console.log(line);
      }
    });
}
