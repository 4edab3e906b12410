/**
 * The clinic's workstations, for administrators (Settings → Workstations): listed and revoked on
 * the clinic server with this device's credential, which never leaves the main process.
 *
 * API handlers are synchronous (api/dispatch.ts), so none waits on the network here: the list is
 * kept and re-read in the background when asked for and older than REFRESH_MS, and a revocation
 * is queued and answered pending; when either comes back, onChange sends a sync change event and
 * the screen asks again (the outcome of a revocation is in the list's answer).
 */
import { randomUUID } from 'node:crypto'
import type { SyncDevice, SyncDevices, SyncRevocation } from '../../src-preload/contract'
import type { AuditLog } from '../audit/chain'
import type { Actor } from '../domain/actor'
import type { ServerLink } from './audit'

const REFRESH_MS = 10_000
// A server that stopped answering must not leave a revocation pending forever.
const TIMEOUT_MS = 15_000
/** outcomes are kept for the screen that asked, not as a record (the audit log is) */
const KEEP_OUTCOMES_MS = 10 * 60_000

export class ClinicDevices {
  private devices: SyncDevice[] = []
  private readAt: string | null = null
  private problem: string | null = null
  private reading: Promise<void> | null = null
  private readonly revocations = new Map<string, SyncRevocation>()

  constructor(
    private readonly link: ServerLink,
    private readonly audit: AuditLog,
    private readonly onChange: () => void,
    private readonly now: () => number = Date.now
  ) {}

  /** The list as last read; re-read in the background when it is older than REFRESH_MS. */
  snapshot(): SyncDevices {
    if (!this.readAt || this.now() - Date.parse(this.readAt) > REFRESH_MS) void this.refresh()
    const since = this.now() - KEEP_OUTCOMES_MS
    for (const [id, r] of this.revocations) if (r.state !== 'pending' && Date.parse(r.askedAt) < since) this.revocations.delete(id)
    return { devices: this.devices, readAt: this.readAt, problem: this.problem, revocations: [...this.revocations.values()] }
  }

  /** Reads the list from the server (one read at a time); never throws. */
  private refresh(): Promise<void> {
    this.reading ??= this.read().finally(() => (this.reading = null))
    return this.reading
  }

  /** Queues the revocation for the signed-in administrator, who re-typed their PIN; the answer is pending. */
  revoke(actor: Actor, input: { deviceId: string; pin: string; reason: string }): SyncRevocation {
    const r: SyncRevocation = { requestId: randomUUID(), deviceId: input.deviceId, state: 'pending', message: null, askedAt: new Date(this.now()).toISOString() }
    this.revocations.set(r.requestId, r)
    void this.send(r, actor, input)
    return r
  }

  private async read(): Promise<void> {
    const before = JSON.stringify([this.devices, this.problem])
    try {
      const { devices } = (await this.request('/sync/v1/devices')) as { devices: SyncDevice[] }
      this.devices = devices
      this.readAt = new Date(this.now()).toISOString()
      this.problem = null
    } catch (e) {
      this.problem = (e as Error).message
    }
    // Every change event refreshes every open screen: only a different answer sends one.
    if (JSON.stringify([this.devices, this.problem]) !== before) this.onChange()
  }

  private async send(r: SyncRevocation, actor: Actor, input: { deviceId: string; pin: string; reason: string }): Promise<void> {
    const name = this.devices.find((d) => d.deviceId === input.deviceId)?.name ?? input.deviceId
    try {
      await this.request('/sync/v1/devices/revoke', { deviceId: input.deviceId, staffId: actor.id, pin: input.pin, reason: input.reason })
      r.state = 'revoked'
      this.audit.append({ action: 'sync.device.revoked', direction: 'internal', actor, entityType: 'device', entityId: input.deviceId, summary: `Revoked workstation ${name}'s access to the clinic server: ${input.reason}` })
    } catch (e) {
      r.state = 'refused'
      r.message = (e as Error).message
      this.audit.append({ action: 'sync.device.revoked', direction: 'internal', outcome: 'refused', actor, entityType: 'device', entityId: input.deviceId, summary: `Revoking workstation ${name} was refused: ${r.message}` })
    }
    this.readAt = null // the next snapshot reads the list again
    this.onChange()
  }

  /** GET, or POST with a JSON body; the server's own message when it refuses. */
  private async request(path: string, body?: unknown): Promise<unknown> {
    let res: Response
    try {
      res = await this.link.fetch(`${this.link.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${this.link.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS)
      })
    } catch (e) {
      throw new Error(`the clinic server cannot be reached: ${(e as Error).message}`)
    }
    const answer = (await res.json().catch(() => null)) as { message?: string } | null
    if (!res.ok) throw new Error(answer?.message ?? `the clinic server answered ${res.status}`)
    return answer
  }
}
