// A network link between a client and the API server, played by a TCP relay on this host: what
// the server sends shares one downlink of <mbit> megabits per second, and every piece, either way,
// arrives <delayMs> later. TLS passes through untouched (the relay sees only ciphertext), so a
// kubeconfig whose server is https://127.0.0.1:<listenPort> reaches the same API server, slower.
// For measuring what response compression is worth off the same host (README, "Use against a
// real cluster"); the relay's own CPU comes out of the same cores, so read fast links with care.
//
//   node bench/link.ts <listenPort> <host:port> <mbit> <delayMs>
//   sed 's#https://127.0.0.1:<apiPort>#https://127.0.0.1:<listenPort>#' kubeconfig > kubeconfig-link

import net from 'node:net';

export function relay(listenPort: number, upstream: { host: string; port: number }, mbit: number, delayMs: number): net.Server {
  const bytesPerMs = (mbit * 1e6) / 8 / 1000;
  let downlinkFreeAt = 0; // when the shared downlink has sent everything queued so far

  /** One direction of one connection: pieces leave in order, each not before its time. */
  const pipe = (from: net.Socket, to: net.Socket, shaped: boolean) => {
    const queue: { at: number; chunk: Buffer }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const pump = () => {
      timer = undefined;
      const now = performance.now();
      while (queue.length > 0 && queue[0]!.at <= now) to.write(queue.shift()!.chunk);
      if (queue.length > 0) timer = setTimeout(pump, Math.max(1, queue[0]!.at - now));
    };
    from.on('data', (chunk: Buffer) => {
      const now = performance.now();
      let at = now + delayMs;
      if (shaped) {
        downlinkFreeAt = Math.max(downlinkFreeAt, now) + chunk.length / bytesPerMs;
        at = downlinkFreeAt + delayMs;
      }
      queue.push({ at, chunk });
      timer ??= setTimeout(pump, Math.max(1, queue[0]!.at - now));
    });
  };

  return net
    .createServer((client) => {
      const server = net.connect(upstream.port, upstream.host);
      pipe(client, server, false);
      pipe(server, client, true);
      const end = () => {
        client.destroy();
        server.destroy();
      };
      for (const s of [client, server]) {
        s.on('close', end);
        s.on('error', end);
      }
    })
    .listen(listenPort, '127.0.0.1');
}

if (import.meta.main) {
  const [listen, upstream, mbit, delay] = process.argv.slice(2);
  const [host, port] = (upstream ?? '').split(':');
  if (!listen || !host || !port || !mbit || delay === undefined) {
    console.error('usage: node bench/link.ts <listenPort> <host:port> <mbit> <delayMs>');
    process.exit(2);
  }
  relay(Number(listen), { host, port: Number(port) }, Number(mbit), Number(delay));
  console.error(`relaying 127.0.0.1:${listen} -> ${upstream} at ${mbit} Mbit/s, ${delay} ms each way`);
}
