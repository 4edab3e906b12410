/**
 * npm run proveniq:key -- [--database-url URL | --data-dir DIR] ACTION
 *   --member NAME [--kind clinic|shelter]   an API key for the member (created if new; an existing
 *                                            member's old key stops working)
 *   --revoke-member ID|NAME                  the member's key is refused from now on
 * Prints `api key: KEY` once; only its hash is kept. On the embedded database, run it while the
 * service is stopped (PGlite is one process's).
 */
import { parseArgs } from 'node:util'
import { issueKey, revokeMember } from '../members'
import { MEMBER_KINDS } from '../schema'
import { openDatabase } from './open'

const USAGE = 'usage: npm run proveniq:key -- [--database-url URL | --data-dir DIR] --member NAME [--kind clinic|shelter]\n       npm run proveniq:key -- [--database-url URL | --data-dir DIR] --revoke-member ID|NAME'

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`)
  process.exit(2)
}

async function main(): Promise<void> {
  let flags
  try {
    flags = parseArgs({
      options: { 'database-url': { type: 'string' }, 'data-dir': { type: 'string' }, member: { type: 'string' }, kind: { type: 'string' }, 'revoke-member': { type: 'string' } },
      strict: true
    }).values
  } catch (e) {
    usage((e as Error).message)
  }
  if (flags['database-url'] && flags['data-dir']) usage('give --database-url or --data-dir, not both')
  if ((flags.member === undefined) === (flags['revoke-member'] === undefined)) usage('give exactly one of --member, --revoke-member')
  const kind = flags.kind as (typeof MEMBER_KINDS)[number] | undefined
  if (kind !== undefined && !MEMBER_KINDS.includes(kind)) usage(`--kind ${flags.kind} is not one of ${MEMBER_KINDS.join(', ')}`)
  if (kind !== undefined && flags.member === undefined) usage('--kind goes with --member')
  const name = flags.member?.trim()
  // The name is shown to other members with every report and lookup: one line, like any name.
  if (flags.member !== undefined && (!name || name.length > 200 || /[\u0000-\u001f\u007f-\u009f]/.test(name))) usage('--member needs a name of one line (at most 200 characters)')

  const { db } = await openDatabase(flags)
  try {
    if (name) {
      const { member, key, replaced } = await issueKey(db, name, kind)
      console.log(`member: ${member.id} (${member.name}, ${member.kind})`)
      if (replaced) console.log('the previous key of this member no longer works')
      console.log(`api key: ${key}`)
    } else {
      const member = await revokeMember(db, flags['revoke-member']!)
      if (!member) throw new Error(`no member ${flags['revoke-member']} (or it was already revoked)`)
      console.log(`member ${member.id} (${member.name}) revoked`)
    }
  } finally {
    await db.close()
  }
}

main().catch((e) => {
  console.error(`proveniq:key: ${(e as Error).message}`)
  process.exit(1)
})
