/**
 * The container health check (Dockerfile HEALTHCHECK): exit 0 when the process's own HTTP endpoint answers 2xx.
 * The URL is LOYALTY_HEALTHCHECK_URL (the bridge: its /healthz), else the worker's Prometheus endpoint from
 * LOYALTY_METRICS_ADDRESS. Node's fetch is used because the slim runtime image has no curl.
 */
const TIMEOUT_MS = 3_000;

export function healthcheckUrl(env: Readonly<Record<string, string | undefined>>): string {
  const explicit = env.LOYALTY_HEALTHCHECK_URL?.trim();
  if (explicit) return explicit;
  const metrics = env.LOYALTY_METRICS_ADDRESS?.trim();
  const port = metrics?.split(':').at(-1);
  if (port) return `http://127.0.0.1:${port}/metrics`;
  throw new Error('set LOYALTY_HEALTHCHECK_URL or LOYALTY_METRICS_ADDRESS for the health check');
}

async function check(): Promise<void> {
  const url = healthcheckUrl(process.env);
  const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
}

if (require.main === module) {
  check().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`unhealthy: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
