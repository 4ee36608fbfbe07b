/**
 * Secrets (webhook secrets, OAuth tokens, client secrets) must never reach error messages or logs.
 * Everything that renders a URL or a server-provided text into an error goes through these helpers.
 */
const WEBHOOK_PATH = /(\/rest\/\d+\/)[^/?#]+/g;
const SECRET_QUERY_PARAMS = /([?&](?:auth|access_token|refresh_token|client_secret|ap)=)[^&#]*/gi;
const MASK = '***';

export function redactUrl(url: string): string {
  return url.replace(WEBHOOK_PATH, `$1${MASK}`).replace(SECRET_QUERY_PARAMS, `$1${MASK}`);
}

/** Replaces every occurrence of a known secret value (at least 4 characters long) in free text. */
export function redactText(text: string, secrets: readonly string[]): string {
  let redacted = redactUrl(text);
  for (const secret of secrets) {
    if (secret.length >= 4) redacted = redacted.split(secret).join(MASK);
  }
  return redacted;
}
