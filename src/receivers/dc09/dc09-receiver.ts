import { once } from 'node:events';
import { isIPv6 } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createDc09TcpServer, type Dc09ListenerDeps, type Dc09TcpOptions } from './dc09-tcp-listener.js';
import { createDc09UdpSocket } from './dc09-udp-listener.js';

export interface Dc09ReceiverOptions extends Dc09TcpOptions {
  host: string;
  /** 0: any free port (the UDP socket then takes the TCP port's number). */
  port: number;
}

export interface RunningDc09Receiver {
  /** The port both listen on. */
  port: number;
  stop(): Promise<void>;
}

/** The SIA DC-09 receiver: TCP and UDP on one port number, as panels are configured. */
export async function startDc09Receiver(options: Dc09ReceiverOptions, deps: Dc09ListenerDeps): Promise<RunningDc09Receiver> {
  const tcp = createDc09TcpServer(options, deps);
  tcp.listen(options.port, options.host);
  await once(tcp, 'listening');
  const port = (tcp.address() as AddressInfo).port;
  const udp = createDc09UdpSocket({ peerRate: options.peerRate, type: isIPv6(options.host) ? 'udp6' : 'udp4' }, deps);
  try {
    udp.bind(port, options.host);
    await once(udp, 'listening');
  } catch (err) {
    tcp.close();
    throw err;
  }
  deps.logger.info({ port, host: options.host }, 'DC-09 receiver listening (TCP and UDP)');
  return {
    port,
    async stop() {
      await Promise.all([new Promise<void>((resolve) => tcp.close(() => resolve())), new Promise<void>((resolve) => udp.close(() => resolve()))]);
    },
  };
}
