/**
 * A WebSocket stand-in for the monitor tests: records every socket opened
 * and lets the test open, feed, close or fail it.
 */

export class FakeWebSocket {
  static instances: FakeWebSocket[] = [];

  /** Make the constructor itself throw (a browser refusing the URL). */
  static throwOnCreate = false;

  static reset(): void {
    FakeWebSocket.instances = [];
    FakeWebSocket.throwOnCreate = false;
  }

  /** The newest socket. */
  static get latest(): FakeWebSocket {
    const socket = FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
    if (!socket) {
      throw new Error('No WebSocket was opened');
    }
    return socket;
  }

  readonly url: string;
  readyState = 0;
  closedByClient = false;
  sent: string[] = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;

  constructor(url: string) {
    if (FakeWebSocket.throwOnCreate) {
      throw new Error('WebSocket refused');
    }
    this.url = url;
    FakeWebSocket.instances.push(this);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    this.closedByClient = true;
    this.readyState = 3;
  }

  /** The server accepted the upgrade. */
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  /** The server sent a text message. */
  receive(message: unknown): void {
    const data =
      typeof message === 'string' ? message : JSON.stringify(message);
    this.onmessage?.({ data } as MessageEvent);
  }

  /** The connection failed or ended (before or after opening). */
  fail(): void {
    this.readyState = 3;
    this.onerror?.(new Event('error'));
    this.onclose?.({ code: 1006 } as CloseEvent);
  }
}
