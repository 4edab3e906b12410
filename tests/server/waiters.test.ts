/**
 * Long-polls are woken by the table that changed, not by every change of the clinic: a busy
 * front desk writing clients must not answer (and re-ask) the long-polls of twenty other tables.
 */
import { describe, expect, it } from 'vitest'
import { ClinicWaiters } from '../../src-server/sync/waiters'

describe('long-poll waiters', () => {
  const never = new AbortController().signal

  function waiting(w: ClinicWaiters, clinic: string, table: string) {
    const state = { woken: false }
    const wait = w.wait(clinic, table, 60_000, never)
    void wait.done.then(() => (state.woken = true))
    return { state, wait }
  }

  const settle = () => new Promise((r) => setImmediate(r))

  it('wakes the long-polls of the table a commit wrote, in that clinic only', async () => {
    const w = new ClinicWaiters()
    const clients = waiting(w, 'c1', 'clients')
    const patients = waiting(w, 'c1', 'patients')
    const otherClinic = waiting(w, 'c2', 'clients')
    w.notified('c1 clients')
    await settle()
    expect([clients.state.woken, patients.state.woken, otherClinic.state.woken]).toEqual([true, false, false])
    patients.wait.cancel()
    otherClinic.wait.cancel()
  })

  it('wakes every table of the clinic on a bare clinic notification (its history was reset)', async () => {
    const w = new ClinicWaiters()
    const a = waiting(w, 'c1', 'clients')
    const b = waiting(w, 'c1', 'patients')
    const c = waiting(w, 'c2', 'patients')
    w.notified('c1')
    await settle()
    expect([a.state.woken, b.state.woken, c.state.woken]).toEqual([true, true, false])
    c.wait.cancel()
  })

  it('ends a wait at its timeout or when its caller goes away, and forgets it', async () => {
    const w = new ClinicWaiters()
    const gone = new AbortController()
    const aborted = w.wait('c1', 'clients', 60_000, gone.signal)
    const timed = w.wait('c1', 'patients', 10, never)
    gone.abort()
    await Promise.all([aborted.done, timed.done])
    // Nothing left: a later notification finds no one (and nothing leaks per clinic or table).
    expect((w as unknown as { waiting: Map<string, unknown> }).waiting.size).toBe(0)
  })
})
