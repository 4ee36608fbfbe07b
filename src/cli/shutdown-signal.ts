/**
 * Resolves on the first SIGINT or SIGTERM, so a command can stop its parts in order. The listeners stay
 * installed: Ctrl-C reaches both tsx and its child, and a second SIGINT must not kill the process mid-shutdown.
 */
export function waitForShutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.on('SIGINT', resolve);
    process.on('SIGTERM', resolve);
  });
}
