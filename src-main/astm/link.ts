/**
 * The ASTM E1381 link layer over any byte channel (a serial port, a TCP socket): establishment
 * with ENQ, frames with numbers and checksums, ACK/NAK and retransmission, contention, EOT, and
 * the timers, all configurable. Each good frame is handed to onFrame, and only ACKed once that
 * resolves, so the receiving side can commit before it acknowledges.
 */
import { ACK, CR, ENQ, EOT, ETB, ETX, LF, NAK, STX, checkFrame, toFrames } from './frames'

export interface LinkTimers {
  /** wait for the answer to ENQ (15 s) */
  establishMs: number
  /** wait for the answer to a frame (15 s) */
  frameAckMs: number
  /** longest silence inside a transmission before it is discarded (30 s) */
  receiveMs: number
  /** after a NAK to our ENQ (busy), wait before bidding again (10 s) */
  busyRetryMs: number
  /** after losing contention, wait before bidding again (host: 20 s) */
  contentionMs: number
  /** attempts per frame before giving up (6) */
  maxRetries: number
}

export const DEFAULT_TIMERS: LinkTimers = { establishMs: 15_000, frameAckMs: 15_000, receiveMs: 30_000, busyRetryMs: 10_000, contentionMs: 20_000, maxRetries: 6 }

export interface LinkHooks {
  write(bytes: Buffer): void
  /** a good frame in sequence; the link ACKs it only after this resolves (throwing NAKs it) */
  onFrame?(text: Buffer, fn: number, first: boolean): Promise<void> | void
  /** EOT ended a transmission: its text, frames joined */
  onMessage(text: Buffer): Promise<void> | void
  /** a transmission broke off (timeout, new ENQ, too many bad frames) */
  onAbort?(reason: string): void
  /** every frame rejected, for counters and the log */
  onBadFrame?(reason: string): void
}

type Reply = 'ACK' | 'NAK' | 'EOT' | 'ENQ' | 'timeout'

export class LinkError extends Error {}

const MAX_FRAME = 300

export class AstmLink {
  private state: 'idle' | 'receiving' | 'establishing' | 'sending' = 'idle'
  private buf: number[] = []
  private inFrame = false
  private expectedFn = 1
  private lastFn: number | null = null
  private received: Buffer[] = []
  private receiveTimer: NodeJS.Timeout | null = null
  private chain: Promise<void> = Promise.resolve()
  private waiter: ((r: Reply) => void) | null = null
  private queue: { records: string[]; resolve: () => void; reject: (e: Error) => void }[] = []
  private pumping = false
  private closed = false

  constructor(
    private readonly role: 'host' | 'instrument',
    private readonly hooks: LinkHooks,
    private readonly timers: LinkTimers = DEFAULT_TIMERS
  ) {}

  get busy(): boolean {
    return this.state !== 'idle' || this.queue.length > 0
  }

  /**
   * No more bytes will come. What was already read still runs in order; then a transmission
   * cut off by the close is reported through onAbort, so a caller never has to guess.
   */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.clearReceiveTimer()
    this.waiter?.('timeout')
    for (const q of this.queue.splice(0)) q.reject(new LinkError('link closed'))
    this.step(() => {
      this.clearReceiveTimer()
      if (this.state === 'receiving' && this.received.length) this.hooks.onAbort?.('the link closed in the middle of a transmission')
      this.received = []
      this.state = 'idle'
    })
  }

  /** Bytes from the channel. */
  feed(data: Buffer): void {
    if (this.closed) return
    for (const b of data) this.byte(b)
  }

  /** Runs a step after the ones before it; a step that throws does not stop the ones after it. */
  private step(fn: () => Promise<void> | void): void {
    this.chain = this.chain.then(fn).catch((e) => this.hooks.onAbort?.(`the link could not handle a transmission: ${(e as Error).message}`))
  }

  /** Queues a transmission; resolves when EOT followed the last acknowledged frame. */
  send(records: string[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ records, resolve, reject })
      void this.pump()
    })
  }

  private byte(b: number): void {
    if (this.inFrame && (b === STX || b === ENQ || b === EOT)) {
      // These never occur inside a frame: the frame was cut off; the byte is read for what it is.
      this.inFrame = false
      this.buf = []
      this.hooks.onBadFrame?.('frame cut off')
    }
    if (this.inFrame) {
      this.buf.push(b)
      if (b === LF && this.buf.length >= 7 && (this.buf[this.buf.length - 5] === ETX || this.buf[this.buf.length - 5] === ETB)) {
        const frame = Buffer.from(this.buf)
        this.inFrame = false
        this.buf = []
        this.step(() => this.onFrameBytes(frame))
      } else if (this.buf.length > MAX_FRAME) {
        this.inFrame = false
        this.buf = []
        this.hooks.onBadFrame?.('frame too long')
        this.hooks.write(Buffer.of(NAK))
      }
      return
    }
    if (this.state === 'receiving' && b === STX) {
      this.inFrame = true
      this.buf = [b]
      return
    }
    switch (b) {
      case ENQ:
        if (this.state === 'establishing' || this.state === 'sending') {
          this.waiter?.('ENQ')
          return
        }
        // Frames may follow at once; they must already be read as frames.
        this.state = 'receiving'
        this.step(() => this.startReceiving())
        return
      case EOT:
        if (this.state === 'receiving') this.step(() => this.endReceiving())
        else this.waiter?.('EOT')
        return
      case ACK:
        this.waiter?.('ACK')
        return
      case NAK:
        this.waiter?.('NAK')
        return
      default:
      // noise outside a frame: ignored
    }
  }

  private startReceiving(): void {
    if (this.received.length) this.hooks.onAbort?.('a new transmission started before the last one ended')
    this.state = 'receiving'
    this.expectedFn = 1
    this.lastFn = null
    this.received = []
    this.hooks.write(Buffer.of(ACK))
    this.armReceiveTimer()
  }

  private async onFrameBytes(frame: Buffer): Promise<void> {
    if (this.state !== 'receiving') return
    this.armReceiveTimer()
    const check = checkFrame(frame)
    if (!check.ok) {
      this.hooks.onBadFrame?.(check.reason)
      this.hooks.write(Buffer.of(NAK))
      return
    }
    if (check.fn === this.lastFn && check.fn !== this.expectedFn) {
      // A retransmission of the frame we already have (our ACK was lost): acknowledge, discard.
      this.hooks.write(Buffer.of(ACK))
      return
    }
    if (check.fn !== this.expectedFn) {
      this.hooks.onBadFrame?.(`frame number ${check.fn} where ${this.expectedFn} was expected`)
      this.hooks.write(Buffer.of(NAK))
      return
    }
    try {
      await this.hooks.onFrame?.(check.text, check.fn, this.received.length === 0)
    } catch (e) {
      this.hooks.onBadFrame?.(`could not store the frame: ${(e as Error).message}`)
      this.hooks.write(Buffer.of(NAK))
      return
    }
    this.received.push(check.text)
    this.lastFn = check.fn
    this.expectedFn = (check.fn + 1) % 8
    this.hooks.write(Buffer.of(ACK))
  }

  private async endReceiving(): Promise<void> {
    this.clearReceiveTimer()
    const text = Buffer.concat(this.received)
    this.received = []
    this.state = 'idle'
    if (text.length > 0) await this.hooks.onMessage(text)
    void this.pump()
  }

  private armReceiveTimer(): void {
    this.clearReceiveTimer()
    this.receiveTimer = setTimeout(() => {
      this.step(() => {
        if (this.state !== 'receiving') return
        this.hooks.onAbort?.(`no frame for ${Math.round(this.timers.receiveMs / 1000)} s; the partial transmission was discarded`)
        this.received = []
        this.state = 'idle'
        void this.pump()
      })
    }, this.timers.receiveMs)
    this.receiveTimer.unref?.()
  }

  private clearReceiveTimer(): void {
    if (this.receiveTimer) clearTimeout(this.receiveTimer)
    this.receiveTimer = null
  }

  private reply(ms: number): Promise<Reply> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiter = null
        resolve('timeout')
      }, ms)
      t.unref?.()
      this.waiter = (r) => {
        clearTimeout(t)
        this.waiter = null
        resolve(r)
      }
    })
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms).unref?.())
  }

  private async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      while (this.queue.length && !this.closed) {
        if (this.state !== 'idle') return
        const job = this.queue[0]
        try {
          await this.transmit(job.records)
          this.queue.shift()
          job.resolve()
        } catch (e) {
          if (e instanceof ContentionLost) {
            // Let the other side talk; bid again later.
            await this.waitIdle()
            await this.sleep(this.timers.contentionMs)
            continue
          }
          this.queue.shift()
          job.reject(e as Error)
        }
      }
    } finally {
      this.pumping = false
    }
  }

  private async waitIdle(): Promise<void> {
    while (this.state !== 'idle' && !this.closed) await this.sleep(20)
  }

  private async transmit(records: string[]): Promise<void> {
    let busyTries = 0
    for (;;) {
      this.state = 'establishing'
      this.hooks.write(Buffer.of(ENQ))
      const r = await this.reply(this.timers.establishMs)
      if (r === 'ACK') break
      if (r === 'ENQ') {
        if (this.role === 'host') {
          // Contention: the instrument wins; we receive first.
          this.state = 'receiving'
          this.step(() => this.startReceiving())
          throw new ContentionLost()
        }
        // The instrument keeps its bid; wait for the host's answer.
        continue
      }
      this.state = 'idle'
      if (r === 'NAK' && ++busyTries < this.timers.maxRetries) {
        await this.sleep(this.timers.busyRetryMs)
        continue
      }
      if (r === 'timeout') this.hooks.write(Buffer.of(EOT))
      throw new LinkError(r === 'NAK' ? 'the analyzer stayed busy' : 'no answer to ENQ')
    }
    this.state = 'sending'
    for (const frame of toFrames(records)) {
      let tries = 0
      for (;;) {
        this.hooks.write(frame)
        const r = await this.reply(this.timers.frameAckMs)
        if (r === 'ACK' || r === 'EOT') break // EOT here is a receiver interrupt: the frame was accepted
        if (r === 'NAK' && ++tries < this.timers.maxRetries) continue
        this.hooks.write(Buffer.of(EOT))
        this.state = 'idle'
        throw new LinkError(r === 'NAK' ? `frame refused ${tries} times` : 'no answer to a frame')
      }
    }
    this.hooks.write(Buffer.of(EOT))
    this.state = 'idle'
  }
}

class ContentionLost extends Error {}

export { CR, LF }
