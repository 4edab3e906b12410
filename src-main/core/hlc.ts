/**
 * Hybrid logical clock. updated_at columns hold its string form so that a later sync
 * can resolve per-field last-writer-wins by comparing strings:
 *   <UTC ISO-8601 ms>-<counter 4 hex>-<device id>
 * The ISO prefix keeps the value readable; the counter orders writes within one millisecond
 * and after the wall clock steps backwards.
 */
/**
 * The device part of a clock value: the last 8 hex digits of the device id, its random part. (The
 * first 8 of a UUIDv7 are its timestamp, the same for workstations set up the same day, which made
 * two devices' writes in one millisecond indistinguishable.)
 */
export function clockTag(deviceId: string): string {
  return deviceId.replace(/-/g, '').slice(-8)
}

export interface HlcState {
  ms: number
  counter: number
}

export class Hlc {
  private state: HlcState
  constructor(
    private readonly deviceId: string,
    private readonly now: () => number = Date.now,
    initial?: string
  ) {
    this.state = initial ? parseHlc(initial) : { ms: 0, counter: 0 }
  }

  /** The wall-clock part of the latest value. */
  get ms(): number {
    return this.state.ms
  }

  // The ISO part of the current millisecond, formatted once: ingest stamps dozens of rows per millisecond.
  private isoMs = NaN
  private iso = ''

  tick(): string {
    const wall = this.now()
    if (wall > this.state.ms) this.state = { ms: wall, counter: 0 }
    else this.state = { ms: this.state.ms, counter: this.state.counter + 1 }
    if (this.state.ms !== this.isoMs) {
      this.isoMs = this.state.ms
      this.iso = new Date(this.isoMs).toISOString()
    }
    return `${this.iso}-${counterHex(this.state.counter)}-${this.deviceId}`
  }

  /** Merge a clock value seen from another device (sync), keeping ours ahead of it. */
  receive(remote: string): void {
    const r = parseHlc(remote)
    const wall = this.now()
    const ms = Math.max(wall, r.ms, this.state.ms)
    let counter = 0
    if (ms === this.state.ms && ms === r.ms) counter = Math.max(this.state.counter, r.counter) + 1
    else if (ms === this.state.ms) counter = this.state.counter + 1
    else if (ms === r.ms) counter = r.counter + 1
    this.state = { ms, counter }
  }
}

const counterHex = (counter: number): string => counter.toString(16).padStart(4, '0')

export function formatHlc(s: HlcState, deviceId: string): string {
  return `${new Date(s.ms).toISOString()}-${counterHex(s.counter)}-${deviceId}`
}

export function parseHlc(value: string): HlcState {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)-([0-9a-f]{4,})-/.exec(value)
  if (!m) throw new Error(`not a hybrid logical clock value: ${value}`)
  return { ms: Date.parse(m[1]), counter: parseInt(m[2], 16) }
}
