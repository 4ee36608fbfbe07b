import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookClient } from '../../src/bitrix24';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

async function listen(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<{ server: Server; origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('HTTP transport against a real server', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('POSTs JSON with Accept and User-Agent, and re-issues a renamed portal 302 as a POST to the new host', async () => {
    const renamed = await listen((_req, body, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      // PHP's json_encode escapes slashes (`a\/b`); the parser must not care.
      const json = JSON.stringify({ result: { echoed: JSON.parse(body) as unknown, path: 'a/b' }, time: { operating: 0.1, operating_reset_at: 1 } });
      res.end(json.replace(/\//g, '\\/'));
    });
    const old = await listen((req, _body, res) => {
      res.writeHead(302, { Location: `${renamed.origin}${req.url ?? ''}` });
      res.end();
    });
    servers.push(renamed.server, old.server);
    const moved: string[] = [];
    const client = createWebhookClient({ webhookUrl: `${old.origin}/rest/7/hook-secret/`, rateLimiter: false, onPortalMoved: (origin) => moved.push(origin) });

    const result = await client.call('crm.deal.update', { id: 5, fields: { TITLE: 'x' } });

    expect(result).toEqual({ echoed: { id: 5, fields: { TITLE: 'x' } }, path: 'a/b' });
    expect(old.seen).toHaveLength(1);
    expect(renamed.seen).toEqual([expect.objectContaining({ method: 'POST', url: '/rest/7/hook-secret/crm.deal.update' })]);
    const headers = renamed.seen[0]?.headers;
    expect(headers?.['content-type']).toMatch(/^application\/json/);
    expect(headers?.accept).toBe('application/json');
    expect(headers?.['user-agent']).toMatch(/^bitrix24-loyalty-engine\//);
    expect(moved).toEqual([renamed.origin]);
  });
});
