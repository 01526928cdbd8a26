/**
 * A simulated long-distance link in front of one endpoint (moto), for tests and benchmarks of
 * cross-border copies: a TCP proxy that caps the bandwidth of every connection on its own (the
 * per-flow ceiling that makes one cross-border flow slow, whatever the total capacity) and delays
 * every byte by half the round-trip time in each direction. Bytes pass unchanged.
 *
 * Each direction of each connection is a queue: a chunk that arrives at `t` leaves at
 * `max(t + rtt / 2, when the previous chunk finished leaving)` and occupies the link for
 * `bytes / bytesPerSecond`. When more than `bufferBytes` wait, the sender is paused (TCP back
 * pressure), so the proxy never holds more than a window's worth per direction.
 */
import net, { type AddressInfo, type Socket } from "node:net";

/** The link's figures. */
export interface LinkOptions {
  /** Where connections go, e.g. `http://127.0.0.1:5000` (only host and port are used). */
  readonly target: string;
  /** Bandwidth of each connection, each direction, in bytes per second. */
  readonly bytesPerSecond: number;
  /** Round-trip time added, in milliseconds (half each way). @default 0 */
  readonly rttMs?: number;
  /** Bytes a direction may hold before its sender is paused. @default 1 MiB */
  readonly bufferBytes?: number;
}

/** A running link. */
export interface LinkProxy {
  /** The proxy's URL, `http://127.0.0.1:<port>`: use it as the endpoint. */
  readonly endpoint: string;
  /** Connections accepted so far. */
  connections(): number;
  /** Bytes forwarded so far, each direction. */
  bytes(): { readonly up: number; readonly down: number };
  close(): Promise<void>;
}

/** Starts a link in front of `options.target`. */
export async function startLinkProxy(options: LinkOptions): Promise<LinkProxy> {
  if (!(options.bytesPerSecond > 0)) throw new RangeError(`bytesPerSecond must be above 0, got ${options.bytesPerSecond}`);
  const target = new URL(options.target);
  const oneWayMs = (options.rttMs ?? 0) / 2;
  const bufferBytes = options.bufferBytes ?? 1024 * 1024;
  const sockets = new Set<Socket>();
  const counted = { connections: 0, up: 0, down: 0 };

  // Half-open: a client that has sent all and ended (FIN) still receives the answer.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    counted.connections++;
    const upstream = net.connect({ host: target.hostname, port: Number(target.port), allowHalfOpen: true });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on("close", () => sockets.delete(socket));
    }
    const closeBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", closeBoth);
    upstream.on("error", closeBoth);
    shape(client, upstream, (n) => {
      counted.up += n;
    });
    shape(upstream, client, (n) => {
      counted.down += n;
    });
  });

  /** Forwards `from` to `to` at the link's rate and delay, in order, ending `to` once `from` ended and all has left. */
  function shape(from: Socket, to: Socket, count: (bytes: number) => void): void {
    // One queue and one timer per direction: chunks leave strictly in order (separate timers of
    // different durations that expire in the same millisecond may fire in either order).
    const queue: Array<{ chunk: Buffer; at: number }> = [];
    let linkFreeAt = 0;
    let queued = 0;
    let ended = false;
    let timer: NodeJS.Timeout | undefined;
    const deliver = () => {
      timer = undefined;
      while (queue.length > 0 && (queue[0] as { at: number }).at <= Date.now()) {
        const { chunk } = queue.shift() as { chunk: Buffer };
        queued -= chunk.length;
        if (!to.destroyed) {
          to.write(chunk);
          count(chunk.length);
        }
      }
      if (queued <= bufferBytes && from.isPaused()) from.resume();
      if (queue.length > 0) timer = setTimeout(deliver, Math.max(1, (queue[0] as { at: number }).at - Date.now()));
      else if (ended && !to.destroyed) to.end();
    };
    from.on("data", (chunk: Buffer) => {
      // A chunk starts crossing once it has travelled half the round trip and the link is free,
      // and is delivered once it has fully crossed.
      linkFreeAt = Math.max(Date.now() + oneWayMs, linkFreeAt) + (chunk.length / options.bytesPerSecond) * 1000;
      queue.push({ chunk, at: linkFreeAt });
      queued += chunk.length;
      if (queued > bufferBytes) from.pause();
      timer ??= setTimeout(deliver, Math.max(0, linkFreeAt - Date.now()));
    });
    const onEnd = () => {
      ended = true;
      if (queue.length === 0 && timer === undefined && !to.destroyed) to.end();
    };
    from.on("end", onEnd);
    from.on("close", onEnd);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    connections: () => counted.connections,
    bytes: () => ({ up: counted.up, down: counted.down }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
