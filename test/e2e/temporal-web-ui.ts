import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';

/** Where the UI test leaves its screenshots (git-ignored, collected by CI with the other test artifacts). */
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', 'test-artifacts', 'ui');

/** Generous: the UI, the server and the worker share two loaded cores with other test runs. */
const UI_TIMEOUT_MS = 45_000;
const POLL_MS = 500;

/**
 * What an operator does in the Temporal Web UI (2.x, as shipped with the Temporal CLI), one method per action.
 * Selectors are the UI's own test ids and accessible names, not layout classes.
 */
export class TemporalWebUi {
  constructor(
    private readonly page: Page,
    private readonly uiUrl: string,
    private readonly namespace: string,
  ) {
    page.setDefaultTimeout(UI_TIMEOUT_MS);
  }

  /**
   * Opens the workflow list filtered by a visibility query and returns the listed workflow ids once
   * `complete(ids)` holds (visibility is eventually consistent, so the list is reloaded until then).
   */
  async listWorkflows(query: string, complete: (ids: string[]) => boolean): Promise<string[]> {
    await this.page.goto(`${this.uiUrl}/namespaces/${encodeURIComponent(this.namespace)}/workflows?query=${encodeURIComponent(query)}`);
    let shown: string[] = [];
    return poll(() => `the workflow list for ${query} (showing ${JSON.stringify(shown)})`, async () => {
      const rows = this.page.getByTestId('workflows-summary-configurable-table-row');
      await rows.first().waitFor({ timeout: 5_000 }).catch(() => undefined);
      shown = await rows.evaluateAll((elements) => elements.map((row) => row.querySelector('a')?.textContent?.trim() ?? ''));
      if (complete(shown)) return shown;
      await this.page.reload();
      return undefined;
    });
  }

  /** From the list on screen, follows the workflow id's link to the workflow's page, once its whole history is shown. */
  async openWorkflowFromList(workflowId: string): Promise<void> {
    await this.page.getByTestId('workflows-summary-configurable-table-row').getByRole('link', { name: workflowId, exact: true }).first().click();
    const historyTab = this.page.getByRole('tab', { name: /^History/ });
    await poll(() => `the history of ${workflowId}`, async () => {
      const eventCount = Number((await historyTab.innerText()).replace(/\D/g, ''));
      const rowCount = await this.page.getByTestId('event-summary-row').count();
      return eventCount > 0 && rowCount === eventCount ? rowCount : undefined;
    });
  }

  /** Expands every history event of this type and returns the first JSON payload each one shows. */
  async eventPayloads(eventType: string): Promise<unknown[]> {
    const rows = this.page.getByTestId('event-summary-row').filter({ hasText: eventType });
    const payloads: unknown[] = [];
    for (let index = 0; index < (await rows.count()); index++) {
      const row = rows.nth(index);
      await row.click();
      const details = row.locator('xpath=following-sibling::tr[1]');
      await details.and(this.page.getByTestId('event-summary-row-expanded')).waitFor();
      payloads.push(await readJson(details.locator('.cm-content').first(), `the ${eventType} event's payload`));
    }
    return payloads;
  }

  /** Queries tab: runs the workflow's query (the worker answers it live) and returns the result the UI shows. */
  async runQuery(queryType: string): Promise<unknown> {
    await this.openTab('Queries');
    await this.page.getByText(queryType, { exact: true }).first().waitFor();
    await this.page.getByRole('button', { name: 'Run Query' }).click();
    const result = this.page.getByTestId('query-result');
    await result.waitFor();
    // Unformatted, the result is one editor line, which the editor never leaves out of the DOM.
    await this.page.getByRole('switch', { name: 'JSON Formatting' }).uncheck({ force: true });
    return readJson(result.locator('.cm-content'), `the ${queryType} query result`);
  }

  /** User Metadata tab: the workflow's static summary and details as rendered (Markdown, each in its own frame). */
  async userMetadata(): Promise<{ summary: string; details: string }> {
    await this.openTab('User Metadata');
    const panelText = (heading: string) =>
      poll(() => `the ${heading} panel`, async () => {
        const panel = this.page.getByRole('heading', { name: heading, exact: true }).locator('xpath=../following-sibling::section[1]//iframe');
        const text = (await panel.contentFrame().locator('body').innerText()).trim();
        return text === '' ? undefined : text;
      });
    return { summary: await panelText('Summary'), details: await panelText('Details') };
  }

  async screenshot(name: string): Promise<void> {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await this.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  }

  private async openTab(name: string): Promise<void> {
    await this.page.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
  }
}

/** The UI's JSON viewers (CodeMirror) render their text asynchronously; polled until it parses. */
async function readJson(content: Locator, what: string): Promise<unknown> {
  return poll(() => what, async () => {
    await content.scrollIntoViewIfNeeded();
    const text = await content.innerText();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  });
}

async function poll<T>(what: () => string, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  for (;;) {
    const value = await attempt();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what()}: not shown by the Temporal Web UI within ${UI_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
