/** How the story waits for the engine: polling what a CRM user or ops would look at, never a fixed sleep. */
export interface Patience {
  timeoutMs: number;
  pollMs: number;
  /** Aborted when the engine shuts down: the wait ends at once. */
  signal?: AbortSignal;
}

export interface Settled<T> {
  /** What was seen last; undefined when nothing could be read yet. */
  value: T | undefined;
  /** Whether `done` held before the timeout. */
  met: boolean;
  /** Why the last read failed, when it did. */
  lastError?: string;
}

/**
 * Reads until `done` holds or the time is up. A read that throws (a workflow not started yet, a query on a busy
 * worker) counts as "not yet", so the story waits for effects that need several workflows to finish.
 */
export async function settle<T>(read: () => T | Promise<T>, done: (value: T) => boolean, patience: Patience): Promise<Settled<T>> {
  const deadline = Date.now() + patience.timeoutMs;
  let value: T | undefined;
  let lastError: string | undefined;
  for (;;) {
    try {
      value = await read();
      lastError = undefined;
      if (done(value)) return { value, met: true };
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline || patience.signal?.aborted) return { value, met: false, ...(lastError === undefined ? {} : { lastError }) };
    await pause(patience.pollMs, patience.signal);
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
