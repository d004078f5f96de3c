import { SerialPort, type SerialPortMock } from 'serialport';
import type { SerialPortSetting } from '../../config/settings.js';

/**
 * The hardware access layer serialport talks through: the native one by default, or
 * `SerialPortMock.binding` in tests. (The mock must be that object, not an import of
 * @serialport/binding-mock: in ESM that loads a second copy with its own port registry.)
 */
export type SerialBinding = typeof SerialPort.binding | typeof SerialPortMock.binding;

/** Opens the port a setting names, with its line settings; rejects when the device cannot be opened. */
export async function openSerialPort(setting: SerialPortSetting, binding: SerialBinding = SerialPort.binding): Promise<SerialPort> {
  // SerialPort's own options type leaves `binding` out, but its constructor takes one over its
  // default (it spreads the options after it): one class for the real port and the mock.
  const options = {
    path: setting.path,
    baudRate: setting.baudRate,
    dataBits: setting.dataBits,
    parity: setting.parity,
    stopBits: setting.stopBits,
    autoOpen: false,
    binding,
  };
  const port = new SerialPort(options);
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  return port;
}

/** Writes and waits until the bytes left the UART (tcdrain): the answer is out, not just queued. */
export async function writeAndDrain(port: SerialPort, bytes: Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    port.write(bytes, (err) => {
      if (err) return reject(err);
      port.drain((drainErr) => (drainErr ? reject(drainErr) : resolve()));
    });
  });
}

/** Closes, ignoring a port already closed (it may have gone away on its own). */
export async function closeSerialPort(port: SerialPort): Promise<void> {
  if (!port.isOpen) return;
  await new Promise<void>((resolve) => port.close(() => resolve()));
}
