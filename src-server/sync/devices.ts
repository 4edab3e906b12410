/**
 * The clinic's workstations as an administrator sees them from any workstation: listed with their
 * last contact, and revoked at once. Revoking is privileged, and a workstation saying its user is
 * an administrator proves nothing (any program holding a device token could say so), so the server
 * checks the person itself: an active administrator of the caller's clinic in the synced `staff`
 * table, and their PIN against its hash, with wrong PINs counted here (all instances share them).
 */
import { pinMatches } from '../../src-main/domain/staff'
import type { Db } from '../db'
import type { Device } from './auth'
import { HttpError } from './errors'

export interface ClinicDevice {
  deviceId: string
  name: string
  enrolledAt: string
  lastSeenAt: string | null
  revokedAt: string | null
  /** the administrator's name (null: revoked on the server, or not revoked) */
  revokedBy: string | null
  /** the workstation it was revoked from, by name */
  revokedFrom: string | null
  revokeReason: string | null
  /** the device asking */
  current: boolean
}

export interface RevokeRequest {
  deviceId: string
  staffId: string
  pin: string
  reason: string
}

const MAX_WRONG_PINS = 5
const WRONG_PIN_WINDOW_MS = 10 * 60_000
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

export async function listDevices(db: Db, caller: Device): Promise<ClinicDevice[]> {
  const rows = await db.query<{ device_id: string; name: string; created_at: string; last_seen_at: string | null; revoked_at: string | null; revoked_by: string | null; revoked_from: string | null; revoke_reason: string | null }>(
    `SELECT d.device_id, d.name, d.created_at, d.last_seen_at, d.revoked_at, d.revoke_reason,
            COALESCE(s.display_name, d.revoked_by) AS revoked_by, COALESCE(f.name, d.revoked_from_device) AS revoked_from
       FROM sync_device d
       LEFT JOIN staff s ON s.id = d.revoked_by AND s.clinic_id = d.clinic_id
       LEFT JOIN sync_device f ON f.device_id = d.revoked_from_device
      WHERE d.clinic_id = $1
      ORDER BY d.created_at, d.device_id`,
    [caller.clinicId]
  )
  return rows.map((r) => ({
    deviceId: r.device_id,
    name: r.name,
    enrolledAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    revokedAt: r.revoked_at,
    revokedBy: r.revoked_by,
    revokedFrom: r.revoked_from,
    revokeReason: r.revoke_reason,
    current: r.device_id === caller.deviceId
  }))
}

export function parseRevoke(body: unknown): RevokeRequest {
  const b = body as Partial<Record<keyof RevokeRequest, unknown>> | null
  const text = (v: unknown, max: number) => typeof v === 'string' && v.length > 0 && v.length <= max && !CONTROL.test(v)
  if (!b || !text(b.deviceId, 100) || !text(b.staffId, 100)) throw new HttpError(400, 'bad-request', 'the body is { deviceId, staffId, pin, reason }')
  if (typeof b.pin !== 'string' || !/^\d{4,8}$/.test(b.pin)) throw new HttpError(400, 'bad-request', 'pin is 4 to 8 digits')
  const reason = typeof b.reason === 'string' ? b.reason.trim() : ''
  if (!text(reason, 300)) throw new HttpError(400, 'bad-request', 'reason is required: one line of at most 300 characters')
  return { deviceId: b.deviceId as string, staffId: b.staffId as string, pin: b.pin, reason }
}

/**
 * Revokes another workstation of the caller's clinic for an administrator who proved it with their
 * PIN. The device's token is refused from the commit on, and its open long-polls end (the
 * sync_device_revoked notification, migration 0003). Returns the device as now listed.
 */
export async function revokeByAdmin(db: Db, caller: Device, req: RevokeRequest, now = new Date()): Promise<ClinicDevice> {
  const windowStart = new Date(now.getTime() - WRONG_PIN_WINDOW_MS).toISOString()
  // A wrong PIN is recorded and committed, then refused: throwing inside the transaction would undo the count.
  const wrongPin = await db.tx(async (q) => {
    if (req.deviceId === caller.deviceId) throw new HttpError(409, 'self-revoke', 'a workstation cannot revoke itself; revoke it from another workstation')
    // Another clinic's device is answered as unknown: its existence is none of this clinic's business.
    const [target] = await q.query<{ revoked_at: string | null }>('SELECT revoked_at FROM sync_device WHERE device_id = $1 AND clinic_id = $2 FOR UPDATE', [req.deviceId, caller.clinicId])
    if (!target) throw new HttpError(404, 'unknown-device', 'there is no such workstation in this clinic')
    if (target.revoked_at) throw new HttpError(409, 'already-revoked', 'this workstation was already revoked')
    // Locking the person's row makes concurrent attempts count their wrong PINs one after the other.
    const [person] = await q.query<{ display_name: string; role: string; active: boolean; deleted_at: string | null; pin_hash: string }>(
      'SELECT display_name, role, active, deleted_at, pin_hash FROM staff WHERE id = $1 AND clinic_id = $2 FOR UPDATE',
      [req.staffId, caller.clinicId]
    )
    if (!person || person.role !== 'admin' || !person.active || person.deleted_at) throw new HttpError(403, 'not-admin', 'only an active administrator of this clinic may revoke a workstation')
    await q.query('DELETE FROM sync_pin_failure WHERE staff_id = $1 AND failed_at <= $2', [req.staffId, windowStart])
    const failures = (await q.query<{ failed_at: string }>('SELECT failed_at FROM sync_pin_failure WHERE staff_id = $1 ORDER BY failed_at', [req.staffId])).map((r) => r.failed_at)
    if (failures.length >= MAX_WRONG_PINS) {
      // Open again once the oldest wrong PIN that still counts leaves the window.
      const opens = Date.parse(failures[failures.length - MAX_WRONG_PINS]) + WRONG_PIN_WINDOW_MS
      const minutes = Math.max(1, Math.ceil((opens - now.getTime()) / 60_000))
      throw new HttpError(429, 'locked-out', `too many wrong PINs for ${person.display_name}: revoking workstations is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}`)
    }
    if (!pinMatches(req.pin, person.pin_hash)) {
      await q.query('INSERT INTO sync_pin_failure (staff_id, device_id, failed_at) VALUES ($1, $2, $3)', [req.staffId, caller.deviceId, now.toISOString()])
      return { name: person.display_name, left: MAX_WRONG_PINS - failures.length - 1 }
    }
    await q.query('DELETE FROM sync_pin_failure WHERE staff_id = $1', [req.staffId])
    await q.query('UPDATE sync_device SET revoked_at = $2, revoked_by = $3, revoked_from_device = $4, revoke_reason = $5 WHERE device_id = $1', [req.deviceId, now.toISOString(), req.staffId, caller.deviceId, req.reason])
    return null
  })
  if (wrongPin) {
    const then = wrongPin.left > 0 ? `${wrongPin.left} more wrong PIN${wrongPin.left === 1 ? '' : 's'} lock this for 10 minutes` : 'revoking workstations is now locked for 10 minutes'
    throw new HttpError(403, 'wrong-pin', `wrong PIN for ${wrongPin.name}; ${then}`)
  }
  return (await listDevices(db, caller)).find((d) => d.deviceId === req.deviceId)!
}

const RECENT_MS = 60_000

/**
 * The open long-polls of each device, ended when it is revoked on any server instance. A device
 * revoked in the moment between its request's authentication and its watch is remembered for a
 * minute, so that request ends at once too.
 */
export class RevokedDevices {
  private readonly watching = new Map<string, Set<AbortController>>()
  private readonly recent = new Map<string, number>()

  revoked(deviceId: string, now = Date.now()): void {
    for (const [id, at] of this.recent) if (now - at > RECENT_MS) this.recent.delete(id)
    this.recent.set(deviceId, now)
    for (const c of this.watching.get(deviceId) ?? []) c.abort()
    this.watching.delete(deviceId)
  }

  /** A signal aborted when the device is revoked; release() when the request ends. */
  watch(deviceId: string, now = Date.now()): { signal: AbortSignal; release(): void } {
    const c = new AbortController()
    const at = this.recent.get(deviceId)
    if (at !== undefined && now - at <= RECENT_MS) c.abort()
    let set = this.watching.get(deviceId)
    if (!set) this.watching.set(deviceId, (set = new Set()))
    set.add(c)
    const mine = set
    return {
      signal: c.signal,
      release: () => {
        mine.delete(c)
        if (mine.size === 0 && this.watching.get(deviceId) === mine) this.watching.delete(deviceId)
      }
    }
  }
}
