import type { AuditLog } from '../audit/chain'

const WINDOW_MS = 60_000

interface Window {
  action: string
  listener: string
  reason: string
  count: number
  timer: NodeJS.Timeout
}

/**
 * Refused connections, audited per listener, peer and minute instead of one row each: the first
 * refusal is written at once (someone is knocking), the rest of that minute become one row with a
 * count when the minute ends (a port scan or a misconfigured device retrying in a loop would
 * otherwise fill the audit log). stop() writes what is still counted.
 */
export class RefusalLog {
  private windows = new Map<string, Window>()

  constructor(
    private readonly audit: AuditLog,
    private readonly windowMs = WINDOW_MS
  ) {}

  /** listener: who refused ("the HL7 listener"); peer: the address; reason: why, in words. */
  refused(action: string, listener: string, peer: string, reason: string): void {
    const key = `${action}\u0000${peer}`
    const open = this.windows.get(key)
    if (open) {
      open.count++
      open.reason = reason
      return
    }
    this.audit.append({ action, direction: 'inbound', outcome: 'refused', summary: `${listener} refused a connection from ${peer}: ${reason}`, details: { peer, count: 1 } })
    const timer = setTimeout(() => this.flush(key), this.windowMs)
    timer.unref()
    this.windows.set(key, { action, listener, reason, count: 0, timer })
  }

  private flush(key: string): void {
    const w = this.windows.get(key)
    if (!w) return
    this.windows.delete(key)
    clearTimeout(w.timer)
    if (w.count === 0) return
    const peer = key.slice(key.indexOf('\u0000') + 1)
    this.audit.append({ action: w.action, direction: 'inbound', outcome: 'refused', summary: `${w.listener} refused ${w.count} more connection${w.count === 1 ? '' : 's'} from ${peer} within a minute: ${w.reason}`, details: { peer, count: w.count } })
  }

  /** Writes the counts still open (before the database closes). */
  stop(): void {
    for (const key of [...this.windows.keys()]) this.flush(key)
  }
}
