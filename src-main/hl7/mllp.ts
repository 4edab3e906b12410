import { Transform, type TransformCallback } from 'node:stream'

/** MLLP framing: <VT> message <FS><CR>. No length and no checksum, so the framer must resync on junk. */
export const VT = 0x0b
export const FS = 0x1c
export const CR = 0x0d

export function frame(message: string | Buffer): Buffer {
  const body = typeof message === 'string' ? Buffer.from(message, 'utf8') : message
  return Buffer.concat([Buffer.of(VT), body, Buffer.of(FS, CR)])
}

/** oversize: a whole frame over the size limit (data is its start); its sender waits for an answer. */
export type MllpChunk = { kind: 'message'; data: Buffer } | { kind: 'junk'; data: Buffer; reason: string; oversize?: true }

/** How much of junk (and of an oversize frame's start) is kept for inspection. */
const KEEP_BYTES = 64 * 1024

export interface MllpFramerOptions {
  /** a frame larger than this is dropped (and reported) rather than buffered without end */
  maxFrameBytes?: number
}

/**
 * Bytes in, frames out (object mode). One read can hold part of a frame or several frames.
 * Bytes outside a frame, an oversize frame and a frame cut off by the end of the stream come out
 * as 'junk' with a reason, so the listener can keep them for inspection and go on with the next.
 */
export class MllpFramer extends Transform {
  private buf: Buffer[] = []
  private size = 0
  private inFrame = false
  private junk: Buffer[] = []
  private dropping = false
  /** the start of a frame being dropped */
  private head = Buffer.alloc(0)
  private readonly max: number

  constructor(opts: MllpFramerOptions = {}) {
    super({ readableObjectMode: true })
    const max = opts.maxFrameBytes ?? 8 * 1024 * 1024
    if (!Number.isInteger(max) || max <= 0) throw new TypeError('maxFrameBytes must be a positive integer')
    this.max = max
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    let start = 0
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]
      if (!this.inFrame) {
        if (b === VT) {
          this.collectJunk(chunk.subarray(start, i))
          this.emitCollectedJunk()
          this.inFrame = true
          this.dropping = false
          this.buf = []
          this.size = 0
          start = i + 1
        }
        continue
      }
      if (b === VT) {
        // A new start block inside a frame: the earlier frame never ended.
        this.append(chunk.subarray(start, i))
        this.emitJunk(this.kept(), 'a frame started before the previous one ended')
        this.buf = []
        this.size = 0
        this.dropping = false
        start = i + 1
        continue
      }
      if (b === CR && this.lastByteIsFs(chunk, i, start)) {
        this.append(chunk.subarray(start, i))
        const body = Buffer.concat(this.buf)
        const message = body.subarray(0, body.length - 1) // drop the FS
        if (this.dropping) this.emitJunk(this.head, `a frame over ${this.max} bytes was dropped`, { oversize: true })
        else this.push({ kind: 'message', data: message } satisfies MllpChunk)
        this.inFrame = false
        this.buf = []
        this.size = 0
        this.dropping = false
        start = i + 1
      }
    }
    if (this.inFrame) this.append(chunk.subarray(start))
    else this.collectJunk(chunk.subarray(start))
    done()
  }

  override _flush(done: TransformCallback): void {
    if (this.inFrame && (this.size > 0 || this.dropping)) this.emitJunk(this.kept(), 'the connection ended in the middle of a frame')
    this.emitCollectedJunk()
    done()
  }

  private lastByteIsFs(chunk: Buffer, i: number, start: number): boolean {
    if (i > start) return chunk[i - 1] === FS
    const last = this.buf[this.buf.length - 1]
    return !!last && last.length > 0 && last[last.length - 1] === FS
  }

  private append(part: Buffer): void {
    if (part.length === 0) return
    if (this.dropping) {
      // keep only the tail, enough to see the end marker
      this.buf = [part.subarray(Math.max(0, part.length - 1))]
      return
    }
    this.size += part.length
    if (this.size > this.max) {
      this.dropping = true
      this.head = Buffer.concat([...this.buf, part], Math.min(this.size, KEEP_BYTES))
      this.buf = [part.subarray(Math.max(0, part.length - 1))]
      return
    }
    this.buf.push(Buffer.from(part))
  }

  /** Bytes between frames; line breaks there are common and harmless, anything else is reported. */
  private collectJunk(part: Buffer): void {
    if (part.length === 0 || part.every((b) => b === CR || b === 0x0a)) return
    this.junk.push(Buffer.from(part))
    if (this.junk.reduce((n, b) => n + b.length, 0) > KEEP_BYTES) this.emitCollectedJunk()
  }

  private emitCollectedJunk(): void {
    if (this.junk.length === 0) return
    this.emitJunk(Buffer.concat(this.junk), 'bytes outside an MLLP frame')
    this.junk = []
  }

  /** What is kept of the frame being read: all of it, or the start of one being dropped. */
  private kept(): Buffer {
    return this.dropping ? this.head : Buffer.concat(this.buf)
  }

  private emitJunk(data: Buffer, reason: string, flags: { oversize?: true } = {}): void {
    this.push({ kind: 'junk', data: data.subarray(0, KEEP_BYTES), reason, ...flags } satisfies MllpChunk)
  }
}
