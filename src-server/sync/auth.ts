/** Who is calling: the device whose token is in the Authorization header, looked up on every request so a revocation holds at once. */
import type { Queryable } from '../db'
import { hashSecret } from './credentials'
import { HttpError } from './errors'

export interface Device {
  deviceId: string
  clinicId: string
}

export async function authenticate(q: Queryable, authorization: string | undefined): Promise<Device> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1]
  if (!token) throw new HttpError(401, 'unauthorized', 'a device token is required (Authorization: Bearer …)')
  const [device] = await q.query<{ device_id: string; clinic_id: string }>('SELECT device_id, clinic_id FROM sync_device WHERE token_hash = $1 AND revoked_at IS NULL', [hashSecret(token)])
  if (!device) throw new HttpError(401, 'unauthorized', 'this device token is unknown or was revoked')
  return { deviceId: device.device_id, clinicId: device.clinic_id }
}
