// Listening on a host and port, resolved with the port actually bound (PORT=0 picks a free one).
import type { Server } from 'node:http';

export async function listenOn(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address !== null ? address.port : port;
}

/** The URL a person opens: `localhost` for the loopback and wildcard addresses. */
export function displayUrl(host: string, port: number, path = ''): string {
  const shown = ['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost'].includes(host) ? 'localhost' : host;
  return `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}${path}`;
}
