export interface WebhookLocation {
  /** `https://portal.bitrix24.com` (or `http://127.0.0.1:PORT` for the sandbox). */
  origin: string;
  /** Everything before `rest/`, normally `/`. */
  pathPrefix: string;
  userId: number;
  secret: string;
}

const WEBHOOK_PATH = /^(.*\/)rest\/(\d+)\/([^/]+)\/?$/;

/** Parses an incoming-webhook URL `https://portal/rest/{userId}/{secret}/`; the error never echoes the secret. */
export function parseWebhookUrl(url: string): WebhookLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError('webhook URL: not a valid absolute URL (expected https://{portal}/rest/{userId}/{secret}/)');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new TypeError(`webhook URL: protocol must be https (or http for a local sandbox), got ${parsed.protocol}`);
  }
  const match = WEBHOOK_PATH.exec(parsed.pathname);
  if (match === null || match[1] === undefined || match[2] === undefined || match[3] === undefined) {
    throw new TypeError('webhook URL: path must be /rest/{numeric userId}/{secret}/');
  }
  return { origin: parsed.origin, pathPrefix: match[1], userId: Number(match[2]), secret: decodeURIComponent(match[3]) };
}

export function webhookBaseUrl(location: WebhookLocation): string {
  return `${location.origin}${location.pathPrefix}rest/${location.userId}/${encodeURIComponent(location.secret)}/`;
}
