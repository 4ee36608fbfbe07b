import type { DemoCheck } from './checks';
import type { DemoOutcome } from './story-log';

export interface ReportLinks {
  /** The Temporal Web UI, or null when it is not known (an external Temporal). */
  uiUrl: string | null;
  namespace: string;
  portal: string;
  rulesFile: string;
}

/** The Web UI's workflow list filtered to one customer's workflows by their search attributes. */
export function customerWorkflowsLink(links: ReportLinks, contactId: number): string {
  const query = customerVisibilityQuery(links.portal, contactId);
  if (links.uiUrl === null) return `workflows where ${query}`;
  return `${links.uiUrl}/namespaces/${encodeURIComponent(links.namespace)}/workflows?query=${encodeURIComponent(query)}`;
}

export function customerVisibilityQuery(portal: string, contactId: number): string {
  return `LoyaltyPortal="${portal}" AND LoyaltyContactId="${contactId}"`;
}

function checkLine(check: DemoCheck): string {
  if (check.passed) return `      ✓ ${check.what}: ${check.actual}`;
  return `      ✗ ${check.what}: ${check.actual}, the rules say ${check.expected} (${check.problem ?? 'differs'})`;
}

/** What `npm start` prints after the story: per customer what happened, each checked number and where to look. */
export function storyReport(outcome: DemoOutcome, links: ReportLinks): string[] {
  const lines = ['', 'Demo story:'];
  for (const customer of outcome.customers) {
    lines.push(`  ${customer.name} (contact ${customer.contactId}, ${customer.role})`);
    for (const event of customer.events) lines.push(`      ${event}`);
    for (const check of outcome.checks.filter((c) => c.contactId === customer.contactId)) lines.push(checkLine(check));
    lines.push(`      Temporal UI: ${customerWorkflowsLink(links, customer.contactId)}`);
  }
  const failed = outcome.checks.filter((c) => !c.passed).length;
  lines.push(
    failed === 0
      ? `All ${outcome.checks.length} checks passed: every number above is what ${links.rulesFile} gives.`
      : `${failed} of ${outcome.checks.length} checks FAILED: the engine did not show what ${links.rulesFile} gives (see ✗ above).`,
  );
  return lines;
}
