/**
 * The DICOM upper layer's PDUs (PS3.8 9.3) checked as they arrive, before any byte is buffered for
 * them: each starts with a 6-byte header (type, reserved, 4-byte big-endian length of what follows),
 * so a PDU's type and size are known from its first bytes. A PDU that the association's state does
 * not allow, or that is longer than the state allows, is refused at its header; the guard never
 * holds more than one PDU of an allowed size.
 */

/** PDU types (PS3.8 Table 9-11 and following). */
const ASSOCIATE_RQ = 0x01
const P_DATA_TF = 0x04
const RELEASE_RQ = 0x05
const ABORT = 0x07
const NAMES: Record<number, string> = { 1: 'A-ASSOCIATE-RQ', 2: 'A-ASSOCIATE-AC', 3: 'A-ASSOCIATE-RJ', 4: 'P-DATA-TF', 5: 'A-RELEASE-RQ', 6: 'A-RELEASE-RP', 7: 'A-ABORT' }

/**
 * An A-ASSOCIATE-RQ bigger than this is refused: 128 presentation contexts (the most a requestor can
 * propose, odd IDs 1–255) with a few transfer syntaxes each make about 30 KB.
 */
export const MAX_REQUEST_PDU = 64 * 1024

/** A-RELEASE-RQ and A-ABORT have a fixed length of 4 (PS3.8 9.3.6, 9.3.8). */
const FIXED_LENGTH = 4

/** A-ABORT reasons, for a service-provider abort (PS3.8 Table 9-26). */
const ABORT_REASON = { unrecognizedPdu: 1, unexpectedPdu: 2, invalidParameter: 6 } as const

export interface Refusal {
  why: string
  reason: number
}

type State = 'awaiting-request' | 'deciding' | 'associated' | 'releasing' | 'closed'

export class PduGuard {
  private state: State = 'awaiting-request'
  /** the maximum P-DATA-TF length VetOS announced in its A-ASSOCIATE-AC */
  private maxPdu = 0
  private readonly head = Buffer.alloc(6)
  private headLength = 0
  private pdu: Buffer | null = null
  private filled = 0

  /** pass gets whole PDUs, in order; refuse is called once, after which nothing more is passed. */
  constructor(
    private readonly pass: (pdu: Buffer) => void,
    private readonly refuse: (r: Refusal) => void
  ) {}

  /** The association is accepted: P-DATA-TF up to the announced maximum PDU length may come. */
  accepted(maxPdu: number): void {
    if (this.state === 'deciding') this.state = 'associated'
    this.maxPdu = maxPdu
  }

  /** Nothing more is passed on (the connection is being closed). */
  close(): void {
    this.state = 'closed'
    this.pdu = null
  }

  write(chunk: Buffer): void {
    let at = 0
    while (at < chunk.length && this.state !== 'closed') {
      if (!this.pdu) {
        const start = at - this.headLength
        const n = Math.min(6 - this.headLength, chunk.length - at)
        chunk.copy(this.head, this.headLength, at, at + n)
        this.headLength += n
        at += n
        if (this.headLength < 6) return
        this.headLength = 0
        const type = this.head[0]
        const length = this.head.readUInt32BE(2)
        const refused = this.check(type, length)
        if (refused) {
          this.close()
          this.refuse(refused)
          return
        }
        // The whole PDU in this chunk (the usual case): handed on as it is, without a copy.
        if (start >= 0 && chunk.length - at >= length) {
          at += length
          this.deliver(chunk.subarray(start, at))
          continue
        }
        this.pdu = Buffer.allocUnsafe(6 + length)
        this.head.copy(this.pdu)
        this.filled = 6
      }
      const n = Math.min(this.pdu.length - this.filled, chunk.length - at)
      chunk.copy(this.pdu, this.filled, at, at + n)
      this.filled += n
      at += n
      if (this.filled === this.pdu.length) {
        const pdu = this.pdu
        this.pdu = null
        this.deliver(pdu)
      }
    }
  }

  private deliver(pdu: Buffer): void {
    const type = pdu[0]
    if (type === ASSOCIATE_RQ) this.state = 'deciding'
    else if (type === RELEASE_RQ) this.state = 'releasing'
    else if (type === ABORT) this.state = 'closed'
    this.pass(pdu)
  }

  /** Why this PDU may not come now, or null. */
  private check(type: number, length: number): Refusal | null {
    const name = NAMES[type]
    if (!name) return { why: `unknown PDU type 0x${type.toString(16).padStart(2, '0')}`, reason: ABORT_REASON.unrecognizedPdu }
    const limit =
      type === ABORT ? FIXED_LENGTH
      : this.state === 'awaiting-request' && type === ASSOCIATE_RQ ? MAX_REQUEST_PDU
      : this.state === 'associated' && type === P_DATA_TF ? this.maxPdu
      : this.state === 'associated' && type === RELEASE_RQ ? FIXED_LENGTH
      : null
    if (limit === null) return { why: `${name} is not expected ${this.state === 'awaiting-request' ? 'before an association request' : this.state === 'deciding' ? 'before the association is accepted' : this.state === 'releasing' ? 'after a release request' : 'during an association'}`, reason: ABORT_REASON.unexpectedPdu }
    if (length > limit) return { why: `${name} of ${length} bytes is over the limit of ${limit}`, reason: ABORT_REASON.invalidParameter }
    return null
  }
}
