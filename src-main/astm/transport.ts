/**
 * Byte transports for analyzers: RS-232 through the serialport package, and TCP as client or as
 * server. Each keeps itself up: a serial device that disappears is reopened when it returns, a
 * dropped TCP link is redialled; the connector sees state changes and each channel (a server may
 * have several at once: the connector decides which one it talks to).
 */
import { EventEmitter } from 'node:events'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { SerialPort } from 'serialport'
import { listen } from '../core/net'

export interface Channel {
  /** who, for the archive and the log: address and port, or the serial device */
  peer: string
  /** the address alone: refusals are counted per address */
  address: string
  write(bytes: Buffer): void
  close(): void
  on(event: 'data', listener: (b: Buffer) => void): void
  on(event: 'close', listener: () => void): void
}

export type TransportState = { state: 'connected' | 'listening' | 'connecting' | 'error'; detail: string }

export interface Transport {
  start(): Promise<void>
  stop(): Promise<void>
  on(event: 'channel', listener: (c: Channel) => void): this
  on(event: 'state', listener: (s: TransportState) => void): this
  /** a connection turned away before it became a channel (a server's unknown peer) */
  on(event: 'refused', listener: (address: string, reason: string) => void): this
}

const RETRY_MS = 2000

const addressOf = (s: Socket) => (s.remoteAddress ?? '').replace(/^::ffff:/, '')

function socketChannel(s: Socket): Channel {
  const address = addressOf(s)
  return { peer: `${address}:${s.remotePort}`, address, write: (b) => void (!s.destroyed && s.write(b)), close: () => s.destroy(), on: ((ev: string, l: (...a: unknown[]) => void) => s.on(ev, l)) as Channel['on'] }
}

export class SerialTransport extends EventEmitter implements Transport {
  private port: SerialPort | null = null
  private stopped = false
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly path: string,
    private readonly baudRate: number
  ) {
    super()
  }

  async start(): Promise<void> {
    this.stopped = false
    this.open()
  }

  private open(): void {
    if (this.stopped) return
    const port = new SerialPort({ path: this.path, baudRate: this.baudRate, autoOpen: false })
    port.open((err) => {
      if (err) {
        this.emit('state', { state: 'error', detail: `${this.path}: ${err.message}; retrying` } satisfies TransportState)
        this.retry()
        return
      }
      this.port = port
      this.emit('state', { state: 'connected', detail: `${this.path} at ${this.baudRate} baud` } satisfies TransportState)
      const ch = new EventEmitter()
      port.on('data', (b: Buffer) => ch.emit('data', b))
      port.on('close', () => {
        ch.emit('close')
        this.port = null
        if (!this.stopped) {
          this.emit('state', { state: 'error', detail: `${this.path} disappeared; waiting for it to return` } satisfies TransportState)
          this.retry()
        }
      })
      port.on('error', () => undefined)
      this.emit('channel', { peer: this.path, address: this.path, write: (b: Buffer) => void (port.isOpen && port.write(b)), close: () => void (port.isOpen && port.close()), on: ch.on.bind(ch) as Channel['on'] } satisfies Channel)
    })
  }

  private retry(): void {
    if (this.stopped) return
    this.timer = setTimeout(() => this.open(), RETRY_MS)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    const p = this.port
    if (p?.isOpen) await new Promise<void>((r) => p.close(() => r()))
  }
}

export class TcpClientTransport extends EventEmitter implements Transport {
  private socket: Socket | null = null
  private stopped = false
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly host: string,
    private readonly port: number
  ) {
    super()
  }

  async start(): Promise<void> {
    this.stopped = false
    this.dial()
  }

  private failing = false

  private dial(): void {
    if (this.stopped) return
    // While the analyzer stays off, redial quietly: one state change, not one per attempt.
    if (!this.failing) this.emit('state', { state: 'connecting', detail: `dialling ${this.host}:${this.port}` } satisfies TransportState)
    const s = connect({ host: this.host, port: this.port })
    this.socket = s
    s.on('connect', () => {
      this.failing = false
      this.emit('state', { state: 'connected', detail: `connected to ${this.host}:${this.port}` } satisfies TransportState)
      this.emit('channel', socketChannel(s))
    })
    s.on('error', () => undefined)
    s.on('close', () => {
      if (this.stopped) return
      if (!this.failing) this.emit('state', { state: 'error', detail: `${this.host}:${this.port} not reachable; retrying every ${RETRY_MS / 1000} s` } satisfies TransportState)
      this.failing = true
      this.timer = setTimeout(() => this.dial(), RETRY_MS)
    })
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.socket?.destroy()
  }
}

/** The analyzer dials us; only its configured addresses (and this machine) are let in. */
export class TcpServerTransport extends EventEmitter implements Transport {
  private server: Server | null = null
  private sockets = new Set<Socket>()
  port = 0

  constructor(
    private readonly host: string,
    private readonly listenPort: number,
    private readonly allowed: () => string[]
  ) {
    super()
  }

  async start(): Promise<void> {
    this.server = createServer((s) => {
      const ip = addressOf(s)
      if (!['127.0.0.1', '::1'].includes(ip) && !this.allowed().includes(ip)) {
        s.destroy()
        this.emit('refused', ip, 'not an address configured for this analyzer')
        return
      }
      this.sockets.add(s)
      s.on('error', () => undefined)
      s.on('close', () => {
        this.sockets.delete(s)
        if (this.sockets.size === 0) this.emit('state', { state: 'listening', detail: `waiting for the analyzer on port ${this.port}` } satisfies TransportState)
      })
      this.emit('state', { state: 'connected', detail: `analyzer connected from ${ip}` } satisfies TransportState)
      this.emit('channel', socketChannel(s))
    })
    this.port = await listen(this.server, this.listenPort, this.host)
    this.emit('state', { state: 'listening', detail: `waiting for the analyzer on port ${this.port}` } satisfies TransportState)
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()))
  }
}
