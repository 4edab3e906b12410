/**
 * `npm run audit:verify -- --data-dir DIR`: checks the audit hash chain; exit 1 names the first broken
 * link. On a workstation joined to a clinic server it also checks the chain against the server's copy
 * (the anchor), which shows a log rewritten wholesale; offline that check is skipped and said so.
 */
import { openDataDirReadOnly } from './db/read-only'
import { verifyChain } from './audit/chain'
import { checkAnchor, joinedServer, type AnchorCheck } from './sync/audit'

async function main(): Promise<number> {
  const sqlite = openDataDirReadOnly(process.argv.slice(2), 'audit:verify')
  if (!sqlite) return 2
  let anchor: AnchorCheck | null = null
  let result
  try {
    result = verifyChain(sqlite)
    const server = joinedServer(sqlite, fetch)
    if (server) anchor = await checkAnchor(sqlite, server)
  } finally {
    sqlite.close()
  }
  if (result.ok) {
    console.log(`Audit log intact: ${result.checked} entries, every link verified.`)
  } else {
    const b = result.firstBroken!
    console.log(`Audit log BROKEN at entry ${b.seq}${b.id ? ` (${b.id})` : ''}: ${b.reason}. ${result.checked} entries before it verified.`)
  }
  if (anchor?.state === 'ok') console.log(anchor.seq === 0 ? 'The clinic server holds no entries of this workstation yet.' : `Anchor verified: entry ${anchor.seq} is the one the clinic server holds.`)
  if (anchor?.state === 'rewritten') console.log(`Audit log REWRITTEN: ${anchor.message}.`)
  if (anchor?.state === 'unreachable') console.log(`Could not check the anchor on the clinic server (${anchor.message}); the local check above stands alone.`)
  return result.ok && anchor?.state !== 'rewritten' ? 0 : 1
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`audit:verify: ${(e as Error).message}`)
    process.exit(2)
  }
)
