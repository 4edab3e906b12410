/**
 * Long-polls waiting for their clinic's next change to one table, woken by the database's
 * `sync_clinic` notifications: the payload is `<clinic> <table>` from a row's version trigger,
 * or a bare `<clinic>` (an epoch bump) that wakes every table of the clinic.
 */
export interface Wait {
  /** resolves at the table's next change, at the timeout, or when the signal aborts, whichever comes first */
  readonly done: Promise<void>
  cancel(): void
}

export class ClinicWaiters {
  /** clinic → table → the finish functions of its waiting long-polls */
  private readonly waiting = new Map<string, Map<string, Set<() => void>>>()

  /** A notification's payload: wake everyone waiting for that table of the clinic, or for any table of it. */
  notified(payload: string): void {
    const space = payload.indexOf(' ')
    if (space < 0) this.wakeClinic(payload)
    else this.wake(payload.slice(0, space), payload.slice(space + 1))
  }

  wake(clinicId: string, table: string): void {
    const tables = this.waiting.get(clinicId)
    const set = tables?.get(table)
    if (!tables || !set) return
    tables.delete(table)
    if (tables.size === 0) this.waiting.delete(clinicId)
    for (const finish of set) finish()
  }

  wakeClinic(clinicId: string): void {
    for (const table of [...(this.waiting.get(clinicId)?.keys() ?? [])]) this.wake(clinicId, table)
  }

  wait(clinicId: string, table: string, timeoutMs: number, signal: AbortSignal): Wait {
    let resolve!: () => void
    const done = new Promise<void>((r) => (resolve = r))
    let tables = this.waiting.get(clinicId)
    if (!tables) this.waiting.set(clinicId, (tables = new Map()))
    let set = tables.get(table)
    if (!set) tables.set(table, (set = new Set()))
    const waiting = set
    const finish = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', finish)
      waiting.delete(finish)
      const now = this.waiting.get(clinicId)
      if (waiting.size === 0 && now?.get(table) === waiting) {
        now.delete(table)
        if (now.size === 0) this.waiting.delete(clinicId)
      }
      resolve()
    }
    const timer = setTimeout(finish, Math.max(0, timeoutMs))
    signal.addEventListener('abort', finish, { once: true })
    waiting.add(finish)
    return { done, cancel: finish }
  }
}
