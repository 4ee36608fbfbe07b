import net from 'node:net';

/** A loopback port that nothing listens on (bound once, then released), standing in for a dead Temporal. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port bound');
  return address.port;
}
