// The environment for starting PyTorch ranks on this machine as torchrun would (tests only).
import { createServer } from 'node:net';

/**
 * A TCP port for rank 0's rendezvous store, free now and below Linux's ephemeral range (32768+):
 * a port in that range can be taken meanwhile by any outgoing connection (the browser's, say), or
 * by a rank's own retried connect, which on loopback may then connect to itself.
 */
export async function rendezvousPort() {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
}

function canListen(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * torchrun's variables for `rank` of `world` processes on this machine. Gloo is told to use the
 * loopback interface rather than the address the host name resolves to (which may not resolve).
 */
export function rankEnv(port, rank, world) {
  return {
    MASTER_ADDR: '127.0.0.1',
    MASTER_PORT: String(port),
    RANK: String(rank),
    LOCAL_RANK: String(rank),
    WORLD_SIZE: String(world),
    LOCAL_WORLD_SIZE: String(world),
    GLOO_SOCKET_IFNAME: 'lo',
  };
}
