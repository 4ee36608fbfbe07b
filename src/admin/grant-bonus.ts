import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { CONTACT_ID, PORTAL, PROGRAMME } from '../temporal/search-attributes';
import { bonusWorkflowId } from '../temporal/workflow-ids';
import { bonus, type BonusRequest, type BonusResult } from '../../workflows/bonus';
import { RequestIdReusedError } from './refusal';

/**
 * Starts the bonus workflow for a request and waits for its result. The workflow id is derived from the
 * request id, so a repeated request joins the running workflow or reads the finished one's result:
 * it grants once and answers the same both times.
 */
export async function grantBonus(client: Client, taskQueue: string, request: BonusRequest): Promise<BonusResult> {
  const workflowId = bonusWorkflowId(request.portal, request.requestId);
  try {
    const handle = await client.workflow.start(bonus, {
      workflowId,
      taskQueue,
      args: [request],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // What ops read in the Web UI without opening the input: the kind, amount and the reason staff gave.
      staticSummary: `${request.kind} bonus ${request.amountText} for contact ${request.contactId}`,
      staticDetails: `Reason: ${request.reason}\n\nGranted by ${request.author}.`,
      typedSearchAttributes: [
        { key: PORTAL, value: request.portal },
        { key: CONTACT_ID, value: String(request.contactId) },
        { key: PROGRAMME, value: 'bonus' },
      ],
    });
    return sameRequestOrFail(request, await handle.result());
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return sameRequestOrFail(request, await client.workflow.getHandle<typeof bonus>(workflowId).result());
  }
}

export class ConflictingBonusRequestError extends RequestIdReusedError {
  constructor(requestId: string) {
    super(requestId, 'bonus (contact, kind or amount differ)');
    this.name = 'ConflictingBonusRequestError';
  }
}

/** A reused request id must describe the same bonus; otherwise the caller made a mistake worth reporting. */
function sameRequestOrFail(request: BonusRequest, result: BonusResult): BonusResult {
  const same = result.contactId === request.contactId && result.kind === request.kind && result.amountMinor === request.amountMinor;
  if (!same) throw new ConflictingBonusRequestError(request.requestId);
  return result;
}
