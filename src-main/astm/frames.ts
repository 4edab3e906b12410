/**
 * ASTM E1381 (LIS01-A2) frames: <STX> FN text <ETB|ETX> C1 C2 <CR><LF>.
 * FN is 1..7,0,1.. per transmission; text is at most 240 characters; the checksum is the sum of
 * the encoded bytes from FN through ETB/ETX, mod 256, as two uppercase hex digits.
 */
export const STX = 0x02
export const ETX = 0x03
export const EOT = 0x04
export const ENQ = 0x05
export const ACK = 0x06
export const NAK = 0x15
export const ETB = 0x17
export const CR = 0x0d
export const LF = 0x0a

export const MAX_TEXT = 240

export function checksum(bytes: Buffer): string {
  let sum = 0
  for (const b of bytes) sum = (sum + b) & 0xff
  return sum.toString(16).toUpperCase().padStart(2, '0')
}

export function buildFrame(fn: number, text: Buffer, last: boolean): Buffer {
  const body = Buffer.concat([Buffer.from(String(fn % 8), 'ascii'), text, Buffer.of(last ? ETX : ETB)])
  return Buffer.concat([Buffer.of(STX), body, Buffer.from(checksum(body), 'ascii'), Buffer.of(CR, LF)])
}

/** A message (records joined, each ending in CR) cut into frames; each record starts a new frame. */
export function toFrames(records: string[]): Buffer[] {
  const frames: Buffer[] = []
  let fn = 1
  for (const record of records) {
    const bytes = Buffer.from(record.endsWith('\r') ? record : record + '\r', 'latin1')
    for (let at = 0; at < bytes.length; at += MAX_TEXT) {
      const chunk = bytes.subarray(at, at + MAX_TEXT)
      frames.push(buildFrame(fn, chunk, at + MAX_TEXT >= bytes.length))
      fn = (fn + 1) % 8
    }
  }
  return frames
}

export type FrameCheck = { ok: true; fn: number; text: Buffer; last: boolean } | { ok: false; reason: string; fn: number | null }

/** Checks one frame as received (from STX through LF). */
export function checkFrame(frame: Buffer): FrameCheck {
  if (frame.length < 7 || frame[0] !== STX) return { ok: false, reason: 'frame does not start with STX', fn: null }
  const end = frame.length - 2
  if (frame[end] !== CR || frame[end + 1] !== LF) return { ok: false, reason: 'frame does not end with CR LF', fn: null }
  const terminatorAt = end - 3
  const terminator = frame[terminatorAt]
  if (terminator !== ETX && terminator !== ETB) return { ok: false, reason: 'frame has no ETX or ETB', fn: null }
  const fnChar = frame[1]
  if (fnChar < 0x30 || fnChar > 0x37) return { ok: false, reason: 'frame number is not 0-7', fn: null }
  const fn = fnChar - 0x30
  const body = frame.subarray(1, terminatorAt + 1)
  const given = frame.subarray(terminatorAt + 1, terminatorAt + 3).toString('ascii').toUpperCase()
  if (checksum(body) !== given) return { ok: false, reason: `checksum ${given} should be ${checksum(body)}`, fn }
  return { ok: true, fn, text: frame.subarray(2, terminatorAt), last: terminator === ETX }
}
