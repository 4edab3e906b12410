/** Who is calling: the device whose token is in the Authorization header, looked up on every request so a revocation holds at once. */
import type { Queryable } from '../db'
import { hashSecret } from './credentials'
import { HttpError } from './errors'

export interface Device {
  deviceId: string
  clinicId: string
}

/** The answer to a revoked device, here and when its open long-poll is ended (http.ts). */
export const revokedError = (): HttpError => new HttpError(401, 'unauthorized', "this workstation's access to the clinic server was revoked")

// Last contact is shown to the minute: writing it on every request would only add writes.
const LAST_SEEN_STEP_MS = 60_000

export async function authenticate(q: Queryable, authorization: string | undefined, now = new Date()): Promise<Device> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
  if (!token) throw new HttpError(401, 'unauthorized', 'a device token is required (Authorization: Bearer …)')
  const [device] = await q.query<{ device_id: string; clinic_id: string; last_seen_at: string | null; revoked_at: string | null }>(
    'SELECT device_id, clinic_id, last_seen_at, revoked_at FROM sync_device WHERE token_hash = $1',
    [hashSecret(token)]
  )
  if (!device) throw new HttpError(401, 'unauthorized', 'this device token is unknown')
  // The workstation shows this message: a 401 is never cured by retrying, so it stops and says why.
  if (device.revoked_at) throw revokedError()
  const stale = new Date(now.getTime() - LAST_SEEN_STEP_MS).toISOString()
  if (!device.last_seen_at || device.last_seen_at < stale) {
    // Conditional, so concurrent requests of one device (its shape long-polls) write it once.
    await q.query('UPDATE sync_device SET last_seen_at = $2 WHERE device_id = $1 AND (last_seen_at IS NULL OR last_seen_at < $3)', [device.device_id, now.toISOString(), stale])
  }
  return { deviceId: device.device_id, clinicId: device.clinic_id }
}
