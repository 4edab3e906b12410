/** Long-polls waiting for their clinic's next change, woken by the database's `sync_clinic` notifications. */
export interface Wait {
  /** resolves at the clinic's next change, at the timeout, or when the signal aborts, whichever comes first */
  readonly done: Promise<void>
  cancel(): void
}

export class ClinicWaiters {
  private readonly waiting = new Map<string, Set<() => void>>()

  /** A change of the clinic was committed: wake everyone waiting for it. */
  wake(clinicId: string): void {
    const set = this.waiting.get(clinicId)
    if (!set) return
    this.waiting.delete(clinicId)
    for (const finish of set) finish()
  }

  wait(clinicId: string, timeoutMs: number, signal: AbortSignal): Wait {
    let resolve!: () => void
    const done = new Promise<void>((r) => (resolve = r))
    let set = this.waiting.get(clinicId)
    if (!set) this.waiting.set(clinicId, (set = new Set()))
    const waiting = set
    const finish = (): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', finish)
      waiting.delete(finish)
      if (waiting.size === 0 && this.waiting.get(clinicId) === waiting) this.waiting.delete(clinicId)
      resolve()
    }
    const timer = setTimeout(finish, Math.max(0, timeoutMs))
    signal.addEventListener('abort', finish, { once: true })
    waiting.add(finish)
    return { done, cancel: finish }
  }
}
