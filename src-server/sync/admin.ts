/** What an administrator does on the server: create clinics, issue and revoke enrollment codes, revoke devices. */
import { v7 as uuidv7 } from 'uuid'
import { formatHlc } from '../../src-main/core/hlc'
import { hashPin } from '../../src-main/domain/staff'
import type { Db } from '../db'
import { SYNCED_BY_NAME } from '../schema'
import { applyChanges, type Change } from './apply'
import { hashSecret, newEnrollmentCode, newPin, normalizeCode } from './credentials'

/** The device part of the clock values the server stamps on rows it creates itself. */
const SERVER_CLOCK_ID = 'server'

export interface NewClinic {
  clinicId: string
  /** the administrator's PIN, shown once */
  adminPin: string
  /** the administrator's staff id */
  adminId: string
}

/**
 * A clinic and its first administrator, as synced rows (`clinics`, `staff`) that every workstation
 * receives when it joins. The PIN is hashed as the workstation hashes PINs, so it signs in there.
 */
export async function createClinic(db: Db, input: { name: string; timezone?: string; currency?: string }, now = new Date()): Promise<NewClinic> {
  const clinicId = uuidv7()
  const adminPin = newPin()
  const createdAt = now.toISOString()
  const hlc = formatHlc({ ms: now.getTime(), counter: 0 }, SERVER_CLOCK_ID)
  const common = { clinic_id: clinicId, created_at: createdAt, updated_at: hlc, deleted_at: null }
  const adminId = uuidv7()
  const row = (table: string, id: string, values: Record<string, unknown>): Change => ({ table: SYNCED_BY_NAME.get(table)!, rowId: id, op: 'insert', hlc, row: { id, ...common, ...values } })
  await db.tx(async (q) => {
    await q.query('INSERT INTO sync_clinic (clinic_id, version, epoch, created_at) VALUES ($1, 0, 1, $2)', [clinicId, createdAt])
    await applyChanges(q, clinicId, [
      row('clinics', clinicId, { name: input.name, phone: null, email: null, address: null, timezone: input.timezone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'), currency: input.currency ?? 'USD', weight_unit: 'kg' }),
      row('staff', adminId, { display_name: 'Administrator', username: 'admin', role: 'admin', pin_hash: hashPin(adminPin), active: true, license_number: null })
    ])
  })
  return { clinicId, adminPin, adminId }
}

export interface Enrollment {
  code: string
  expiresAt: string
}

/** A code that admits any number of workstations to the clinic until it expires or is revoked. */
export async function createEnrollment(db: Db, clinicId: string, expiresHours = 24, now = new Date()): Promise<Enrollment> {
  if (!(expiresHours > 0)) throw new Error('an enrollment code must be valid for some time (--expires-hours above 0)')
  const [clinic] = await db.query('SELECT 1 FROM sync_clinic WHERE clinic_id = $1', [clinicId])
  if (!clinic) throw new Error(`there is no clinic ${clinicId} on this server`)
  const code = newEnrollmentCode()
  const expiresAt = new Date(now.getTime() + expiresHours * 3_600_000).toISOString()
  await db.query('INSERT INTO sync_enrollment (code_hash, clinic_id, expires_at, created_at) VALUES ($1, $2, $3, $4)', [hashSecret(normalizeCode(code)), clinicId, expiresAt, now.toISOString()])
  return { code, expiresAt }
}

/** Returns whether the code was known (and is now revoked). */
export async function revokeEnrollment(db: Db, code: string, now = new Date()): Promise<boolean> {
  const rows = await db.query('UPDATE sync_enrollment SET revoked_at = COALESCE(revoked_at, $2) WHERE code_hash = $1 RETURNING 1', [hashSecret(normalizeCode(code)), now.toISOString()])
  return rows.length === 1
}

/** The device's token stops working at its next request. Returns whether the device was known. */
export async function revokeDevice(db: Db, deviceId: string, now = new Date()): Promise<boolean> {
  const rows = await db.query('UPDATE sync_device SET revoked_at = COALESCE(revoked_at, $2) WHERE device_id = $1 RETURNING 1', [deviceId, now.toISOString()])
  return rows.length === 1
}

/**
 * A new shape epoch for the clinic: every shape handle changes, so every workstation is answered
 * 409 must-refetch and reloads its shapes (after a purge of tombstones, a restore, a schema change).
 */
export async function bumpEpoch(db: Db, clinicId: string): Promise<number> {
  const [row] = await db.query<{ epoch: number }>('UPDATE sync_clinic SET epoch = epoch + 1 WHERE clinic_id = $1 RETURNING epoch', [clinicId])
  if (!row) throw new Error(`there is no clinic ${clinicId} on this server`)
  // Wakes the long-polls, which then answer 409.
  await db.notify('sync_clinic', clinicId)
  return row.epoch
}
