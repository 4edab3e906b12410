/**
 * npm run server:enroll -- [--database-url URL | --data-dir DIR] ACTION
 *   --clinic NAME [--expires-hours N]     a new clinic, its administrator and an enrollment code
 *   --clinic-id ID [--expires-hours N]    another enrollment code for an existing clinic
 *   --revoke-code CODE                    the code admits no more workstations
 *   --revoke-device ID                    the workstation's credential stops working at once
 */
import { parseArgs } from 'node:util'
import { createClinic, createEnrollment, revokeDevice, revokeEnrollment } from '../sync/admin'
import { openDatabase } from './open'

const USAGE = 'usage: npm run server:enroll -- [--database-url URL | --data-dir DIR] (--clinic NAME | --clinic-id ID) [--expires-hours N]\n       npm run server:enroll -- [--database-url URL | --data-dir DIR] (--revoke-code CODE | --revoke-device ID)'

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`)
  process.exit(2)
}

async function main(): Promise<void> {
  let flags
  try {
    flags = parseArgs({
      options: {
        'database-url': { type: 'string' },
        'data-dir': { type: 'string' },
        clinic: { type: 'string' },
        'clinic-id': { type: 'string' },
        'expires-hours': { type: 'string' },
        'revoke-code': { type: 'string' },
        'revoke-device': { type: 'string' }
      },
      strict: true
    }).values
  } catch (e) {
    usage((e as Error).message)
  }
  const actions = (['clinic', 'clinic-id', 'revoke-code', 'revoke-device'] as const).filter((k) => flags[k] !== undefined)
  if (actions.length !== 1) usage('give exactly one of --clinic, --clinic-id, --revoke-code, --revoke-device')
  const hours = flags['expires-hours'] === undefined ? 24 : Number(flags['expires-hours'])
  if (!(hours > 0)) usage(`--expires-hours ${flags['expires-hours']} is not a number of hours above 0`)
  if (flags.clinic !== undefined && !flags.clinic.trim()) usage('--clinic needs a name')

  const { db } = await openDatabase(flags)
  try {
    if (flags.clinic !== undefined) {
      const { clinicId, adminPin } = await createClinic(db, { name: flags.clinic.trim() })
      const { code, expiresAt } = await createEnrollment(db, clinicId, hours)
      console.log(`clinic: ${clinicId} (${flags.clinic.trim()})`)
      console.log(`enrollment code: ${code}`)
      console.log(`expires: ${expiresAt}`)
      console.log(`administrator PIN: ${adminPin}`)
    } else if (flags['clinic-id'] !== undefined) {
      const { code, expiresAt } = await createEnrollment(db, flags['clinic-id'], hours)
      console.log(`enrollment code: ${code}`)
      console.log(`expires: ${expiresAt}`)
    } else if (flags['revoke-code'] !== undefined) {
      if (!(await revokeEnrollment(db, flags['revoke-code']))) throw new Error('no such enrollment code')
      console.log('enrollment code revoked')
    } else if (flags['revoke-device'] !== undefined) {
      if (!(await revokeDevice(db, flags['revoke-device']))) throw new Error(`no device ${flags['revoke-device']}`)
      console.log(`device ${flags['revoke-device']} revoked`)
    }
  } finally {
    await db.close()
  }
}

main().catch((e) => {
  console.error(`server:enroll: ${(e as Error).message}`)
  process.exit(1)
})
