/** A workstation joins its clinic with an enrollment code and gets its own revocable device credential. */
import type { Db } from '../db'
import { hashSecret, newDeviceToken, normalizeCode } from './credentials'
import { HttpError } from './errors'

export interface EnrollRequest {
  code: string
  deviceId: string
  name: string
}

export interface EnrollResponse {
  deviceToken: string
  clinicId: string
  /** the last sequence number the server has from this device (0 for a new one) */
  lastSeq: number
}

export function parseEnroll(body: unknown): EnrollRequest {
  const b = body as Partial<EnrollRequest> | null
  if (!b || typeof b.code !== 'string' || b.code.length > 100) throw new HttpError(400, 'bad-request', 'the body is { code, deviceId, name }')
  if (typeof b.deviceId !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(b.deviceId)) throw new HttpError(400, 'bad-request', 'deviceId is 1 to 100 letters, digits, dots, dashes or underscores')
  if (b.name !== undefined && (typeof b.name !== 'string' || b.name.length > 200)) throw new HttpError(400, 'bad-request', 'name is text of at most 200 characters')
  return { code: b.code, deviceId: b.deviceId, name: b.name ?? b.deviceId }
}

/**
 * A device enrolling again (its data folder restored, its token lost) gets a new token and keeps its
 * sequence number; a revoked device stays out, and a device id is never moved to another clinic.
 */
export async function enrollDevice(db: Db, req: EnrollRequest, now = new Date()): Promise<EnrollResponse> {
  return db.tx(async (q) => {
    const [code] = await q.query<{ clinic_id: string; expires_at: string; revoked_at: string | null }>('SELECT clinic_id, expires_at, revoked_at FROM sync_enrollment WHERE code_hash = $1', [hashSecret(normalizeCode(req.code))])
    if (!code) throw new HttpError(403, 'invalid-code', 'this enrollment code is not known')
    if (code.revoked_at) throw new HttpError(403, 'revoked-code', 'this enrollment code was revoked')
    if (code.expires_at <= now.toISOString()) throw new HttpError(403, 'expired-code', 'this enrollment code has expired; ask for a new one')
    const deviceToken = newDeviceToken()
    const [device] = await q.query<{ clinic_id: string; revoked_at: string | null; last_seq: number }>('SELECT clinic_id, revoked_at, last_seq FROM sync_device WHERE device_id = $1 FOR UPDATE', [req.deviceId])
    if (device && device.clinic_id !== code.clinic_id) throw new HttpError(409, 'device-conflict', 'this device id belongs to another clinic')
    if (device?.revoked_at) throw new HttpError(403, 'device-revoked', 'this device was revoked')
    if (device) await q.query('UPDATE sync_device SET token_hash = $2, name = $3, last_seen_at = $4 WHERE device_id = $1', [req.deviceId, hashSecret(deviceToken), req.name, now.toISOString()])
    else {
      await q.query('INSERT INTO sync_device (device_id, clinic_id, name, token_hash, last_seq, created_at, last_seen_at) VALUES ($1, $2, $3, $4, 0, $5, $5)', [req.deviceId, code.clinic_id, req.name, hashSecret(deviceToken), now.toISOString()])
    }
    return { deviceToken, clinicId: code.clinic_id, lastSeq: device?.last_seq ?? 0 }
  })
}
