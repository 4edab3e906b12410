import { randomFillSync } from 'node:crypto'
import { v7 as uuidv7 } from 'uuid'

// Random bytes drawn in bulk: one getrandom call per 256 ids instead of one per id (ingest makes dozens per message).
const pool = Buffer.alloc(16 * 256)
let next = pool.length
// Monotonic within a millisecond, as uuid's own v7 state does, so ids made in one transaction sort in order made.
let lastMs = -Infinity
let seq = 0

/** Time-ordered ids made on the workstation, so rows from many devices merge without collisions. */
export function newId(): string {
  if (next === pool.length) {
    randomFillSync(pool)
    next = 0
  }
  const random = pool.subarray(next, (next += 16))
  const now = Date.now()
  if (now > lastMs) {
    lastMs = now
    seq = ((random[6] & 0x7f) << 24) | (random[7] << 16) | (random[8] << 8) | random[9]
  } else {
    seq = (seq + 1) | 0
    if (seq === 0) lastMs++
  }
  return uuidv7({ random, msecs: lastMs, seq })
}
