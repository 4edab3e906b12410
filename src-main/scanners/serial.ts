/**
 * A microchip scanner on a serial port (RS-232 or USB-serial, read through the serialport
 * package). It only reads: nothing is ever written to the scanner. It keeps itself open as the
 * ASTM transport does: a device that is missing or unplugged is tried again every RETRY_MS until it
 * returns, and every read line goes to onLine, whatever it holds (formats.ts decides).
 */
import { SerialPort } from 'serialport'
import { ScanLineSplitter } from './formats'

export type SerialScannerState = { state: 'connected' | 'error'; detail: string }

const RETRY_MS = 2000

export class SerialScannerReader {
  private port: SerialPort | null = null
  private stopped = true
  private timer: NodeJS.Timeout | null = null
  private failing = false

  constructor(
    private readonly opts: { path: string; baudRate: number; framing: 'auto' | 'stx-etx' },
    private readonly on: { line(line: string): void; state(s: SerialScannerState): void }
  ) {}

  start(): void {
    this.stopped = false
    this.open()
  }

  private open(): void {
    if (this.stopped) return
    const { path, baudRate, framing } = this.opts
    const port = new SerialPort({ path, baudRate, autoOpen: false })
    port.on('error', () => undefined)
    port.open((err) => {
      if (this.stopped) {
        if (!err) port.close(() => undefined)
        return
      }
      if (err) {
        // Quietly while it stays away: one state change, not one every two seconds.
        if (!this.failing) this.on.state({ state: 'error', detail: `${path}: ${err.message}; trying again every ${RETRY_MS / 1000} s` })
        this.failing = true
        this.retry()
        return
      }
      this.failing = false
      this.port = port
      this.on.state({ state: 'connected', detail: `${path} at ${baudRate} baud` })
      // One splitter per opening: half a line from before an unplug is not glued to the next read.
      const splitter = new ScanLineSplitter(framing)
      port.on('data', (b: Buffer) => {
        for (const line of splitter.push(b)) this.emitLine(line)
      })
      port.on('close', () => {
        this.port = null
        if (this.stopped) return
        this.on.state({ state: 'error', detail: `${path} disappeared; waiting for it to return` })
        this.failing = true
        this.retry()
      })
    })
  }

  /** A listener's failure is its own: the reader goes on reading. */
  private emitLine(line: string): void {
    try {
      this.on.line(line)
    } catch (e) {
      console.error(`scanner: ${(e as Error).message}`)
    }
  }

  private retry(): void {
    if (this.stopped) return
    this.timer = setTimeout(() => this.open(), RETRY_MS)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const p = this.port
    this.port = null
    if (p?.isOpen) await new Promise<void>((r) => p.close(() => r()))
  }
}

/** The serial devices this machine has now (USB-serial adapters come and go). */
export async function listSerialPorts(): Promise<{ path: string; label: string }[]> {
  try {
    const ports = await SerialPort.list()
    return ports.map((p) => ({ path: p.path, label: [p.manufacturer, p.serialNumber].filter(Boolean).join(' ') || p.path }))
  } catch {
    return []
  }
}
