import net from 'node:net';
import RedisParser from 'redis-parser';
import { encodeCommand, type RedisArg } from './encode.ts';
import { RedisError } from './errors.ts';
import { InFlight, replyTimeoutMs, type Dated } from './in-flight.ts';
import type { RedisAddress } from './url.ts';

export type RedisReply = string | number | null | RedisReply[];

export interface ConnectionOptions {
  address: RedisAddress;
  /** Commands issued while disconnected wait here (unsent, so safe to send later); 0 fails them at once. */
  offlineQueueLimit?: number;
  /** Idle connections are PINGed this often and dropped if the PING goes unanswered; 0 disables. */
  healthCheckMs?: number;
  maxBackoffMs?: number;
  /** Commands gathered in one event-loop turn go out in one write; a write leaves early at this many. */
  batchSize?: number;
  /**
   * A sent command unanswered this long drops the connection, and every command
   * in flight on it is rejected as UNCERTAIN: a frozen server is found out instead
   * of holding callers (and their memory) for ever. Blocking commands get their own
   * timeout on top. Default 5 s; 0 disables.
   */
  commandTimeoutMs?: number;
}

interface Pending extends Dated {
  command: string;
  resolve: (reply: RedisReply) => void;
  reject: (err: Error) => void;
}

interface Unsent extends Pending {
  bytes: Buffer;
}

/**
 * One Redis connection: commands are written in order, replies matched to them
 * through a FIFO. Commands issued in the same event-loop turn go out in one write.
 */
export class RedisConnection {
  private socket: net.Socket | null = null;
  private ready = false;
  private closing = false;
  private attempt = 0;
  private lastError = '';
  /** Sent and unanswered; one that goes unanswered too long drops the socket. */
  private readonly inflight = new InFlight<Pending>((oldest) => {
    this.lastError = `no reply to ${oldest.command} within ${oldest.timeoutMs} ms`;
    this.socket?.destroy();
  });
  private unsent: Unsent[] = [];
  private flushScheduled = false;
  private healthTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readyWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private readonly offlineQueueLimit: number;
  private readonly commandTimeoutMs: number;
  private readonly maxBackoffMs: number;
  private readonly batchSize: number;

  constructor(private readonly options: ConnectionOptions) {
    this.offlineQueueLimit = options.offlineQueueLimit ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 2000;
    this.batchSize = options.batchSize ?? 64;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 5_000;
    this.connect();
    if (options.healthCheckMs) {
      this.healthTimer = setInterval(() => this.healthCheck(options.healthCheckMs!), options.healthCheckMs);
      this.healthTimer.unref();
    }
  }

  /** Sends one command; resolves with its reply, rejects with a RedisError. */
  send(args: readonly RedisArg[]): Promise<RedisReply> {
    const command = String(args[0]).toUpperCase();
    return new Promise((resolve, reject) => {
      if (this.closing) return reject(new RedisError('NOT_SENT', command, 'connection closed by the client'));
      if (!this.ready && this.unsent.length >= this.offlineQueueLimit) {
        return reject(new RedisError('NOT_SENT', command, `not connected to ${this.target()}${this.lastError ? ` (${this.lastError})` : ''}`));
      }
      this.unsent.push({ command, resolve, reject, bytes: encodeCommand(args), timeoutMs: replyTimeoutMs(command, args, this.commandTimeoutMs), deadline: 0 });
      if (this.ready && this.unsent.length >= this.batchSize) {
        this.flush();
      } else if (this.ready && !this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  /** Resolves when connected; rejects after timeoutMs naming the address and the last error. */
  waitReady(timeoutMs: number): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`Redis at ${this.target()} not reachable after ${timeoutMs} ms: ${this.lastError || 'no answer'}`));
      }, timeoutMs);
      this.readyWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * Stops reconnecting, sends what was already issued, waits for the replies to
   * everything sent (each bounded by its deadline), then closes.
   */
  async close(): Promise<void> {
    this.closing = true;
    this.stopTimers();
    const socket = this.socket;
    if (this.ready && socket) this.flush();
    this.rejectUnsent('connection closed by the client');
    if (!socket || socket.destroyed) return;
    if (this.inflight.length > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    if (socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
    });
  }

  /**
   * Drops the connection now: for a blocking connection whose pending pop need not
   * finish. Commands in flight are rejected as UNCERTAIN, unsent ones as NOT_SENT.
   */
  disconnect(): void {
    this.closing = true;
    this.stopTimers();
    this.rejectUnsent('connection dropped by the client');
    this.socket?.destroy();
  }

  /** Commands issued and not yet answered (sent or waiting to be). */
  get pending(): number {
    return this.inflight.length + this.unsent.length;
  }

  private stopTimers(): void {
    if (this.healthTimer) clearInterval(this.healthTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
  }

  private rejectUnsent(why: string): void {
    for (const item of this.unsent.splice(0)) item.reject(new RedisError('NOT_SENT', item.command, why));
  }

  private settled(): void {
    if (this.inflight.length === 0 && this.idleWaiters.length > 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private target(): string {
    const a = this.options.address;
    return a.kind === 'unix' ? `unix://${a.path}` : `${a.host}:${a.port}`;
  }

  private connect(): void {
    const a = this.options.address;
    const socket = a.kind === 'unix' ? net.createConnection(a.path) : net.createConnection(a.port, a.host);
    this.socket = socket;
    socket.setNoDelay(true);
    const parser = new RedisParser({
      returnReply: (reply: RedisReply) => {
        this.inflight.shift()?.resolve(reply);
        this.settled();
      },
      returnError: (err: Error) => {
        const pending = this.inflight.shift();
        pending?.reject(new RedisError('REPLY', pending.command, err.message));
        this.settled();
      },
      returnFatalError: (err: Error) => {
        this.lastError = `protocol error: ${err.message}`;
        socket.destroy();
      },
    });
    socket.on('data', (chunk) => {
      if (this.socket === socket) parser.execute(chunk);
    });
    socket.on('connect', () => this.onConnect(socket));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.lastError = err.code ?? err.message;
    });
    socket.on('close', () => this.onClose(socket));
  }

  private onConnect(socket: net.Socket): void {
    if (this.socket !== socket) return;
    this.attempt = 0;
    const db = this.options.address.db;
    if (db !== 0) {
      // SELECT goes first, ahead of anything queued while offline.
      this.inflight.push({ command: 'SELECT', resolve: () => undefined, reject: () => socket.destroy(), timeoutMs: replyTimeoutMs('SELECT', [], this.commandTimeoutMs), deadline: 0 }, performance.now());
      socket.write(encodeCommand(['SELECT', db]));
    }
    this.ready = true;
    for (const wake of this.readyWaiters.splice(0)) wake();
    this.flush();
  }

  private onClose(socket: net.Socket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.ready = false;
    this.flushScheduled = false;
    for (const pending of this.inflight.drain()) {
      pending.reject(new RedisError('UNCERTAIN', pending.command, `connection lost after sending (${this.lastError || 'closed'}); it may have run`));
    }
    this.settled();
    if (this.unsent.length > this.offlineQueueLimit) {
      for (const item of this.unsent.splice(this.offlineQueueLimit)) {
        item.reject(new RedisError('NOT_SENT', item.command, `not connected to ${this.target()} (${this.lastError || 'closed'})`));
      }
    }
    if (this.closing) return;
    const delay = Math.min(this.maxBackoffMs, 25 * 2 ** this.attempt++);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private flush(): void {
    const socket = this.socket;
    if (!this.ready || !socket || this.unsent.length === 0) return;
    const batch = this.unsent;
    this.unsent = [];
    socket.write(batch.length === 1 ? batch[0]!.bytes : Buffer.concat(batch.map((item) => item.bytes)));
    const now = performance.now();
    for (const item of batch) this.inflight.push(item, now);
  }

  private healthCheck(timeoutMs: number): void {
    const socket = this.socket;
    if (!this.ready || !socket || this.inflight.length > 0) return;
    const timer = setTimeout(() => {
      this.lastError = `no PING reply within ${timeoutMs} ms`;
      socket.destroy();
    }, timeoutMs);
    this.send(['PING']).then(
      () => clearTimeout(timer),
      () => clearTimeout(timer),
    );
  }
}
