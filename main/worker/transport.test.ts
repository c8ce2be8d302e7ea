import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createWorkerTransport, type PortLike } from './transport';

/**
 * Electron's utilityProcess cannot run under Vitest, so its process.parentPort is played by a
 * stand-in with the same shape (messages arrive as { data, ports }). The fork transport is
 * exercised for real by the supervisor tests, which run the bundled worker.
 */
class FakeParentPort extends EventEmitter {
  posted: unknown[] = [];
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
}

class FakePort implements PortLike {
  posted: unknown[] = [];
  closed = false;
  postMessage(message: unknown): void {
    if (this.closed) throw new Error('port closed');
    this.posted.push(message);
  }
  close(): void {
    this.closed = true;
  }
}

function utilityProcess(
  parentPort: FakeParentPort,
): NodeJS.Process & { parentPort: FakeParentPort } {
  return Object.assign(Object.create(process) as NodeJS.Process, { parentPort, send: undefined });
}

describe('worker transport under a utility process', () => {
  it('unwraps { data } events, replies on parentPort, and streams on a delivered port', async () => {
    const parentPort = new FakeParentPort();
    const transport = createWorkerTransport(utilityProcess(parentPort));
    expect(transport.kind).toBe('utility-process');
    const received: unknown[] = [];
    transport.onMessage((message) => received.push(message));

    parentPort.emit('message', { data: { type: 'cancel' } });
    expect(received).toEqual([{ type: 'cancel' }]);

    transport.stream({ type: 'batch' }); // no port yet: nothing to stream to
    const port = new FakePort();
    parentPort.emit('message', { data: { type: 'port' }, ports: [port] });
    expect(received).toHaveLength(1); // the port delivery is not a command

    await transport.send({ type: 'phase', phase: 'x' });
    transport.stream({ type: 'phase', phase: 'x' });
    expect(parentPort.posted).toEqual([{ type: 'phase', phase: 'x' }]);
    expect(port.posted).toEqual([{ type: 'phase', phase: 'x' }]);

    // The window closed its end: streaming stops quietly, the host still gets messages.
    port.close();
    transport.stream({ type: 'epoch' });
    await transport.send({ type: 'epoch' });
    expect(parentPort.posted).toHaveLength(2);
  });

  it('replaces an earlier stream port with a new one', () => {
    const parentPort = new FakeParentPort();
    const transport = createWorkerTransport(utilityProcess(parentPort));
    const first = new FakePort();
    const second = new FakePort();
    parentPort.emit('message', { data: { type: 'port' }, ports: [first] });
    parentPort.emit('message', { data: { type: 'port' }, ports: [second] });
    transport.stream('hello');
    expect(first.closed).toBe(true);
    expect(second.posted).toEqual(['hello']);
  });

  it('refuses to run without a parent channel', () => {
    const orphan = Object.assign(Object.create(process) as NodeJS.Process, {
      send: undefined,
      parentPort: undefined,
    });
    expect(() => createWorkerTransport(orphan)).toThrow(/must be started by the studio/);
  });
});
