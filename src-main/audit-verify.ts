/** `npm run audit:verify -- --data-dir DIR`: checks the audit hash chain; exit 1 names the first broken link. */
import { join, resolve } from 'node:path'
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { verifyChain } from './audit/chain'

const { values } = parseArgs({ args: process.argv.slice(2), options: { 'data-dir': { type: 'string' } } })
const dir = values['data-dir']
if (!dir) {
  console.error('Usage: npm run audit:verify -- --data-dir DIR')
  process.exit(2)
}
const file = join(resolve(dir), 'vetos.db')
if (!existsSync(file)) {
  console.error(`No VetOS database in ${resolve(dir)}`)
  process.exit(2)
}
// Read-only: verifying must never change what it verifies.
const sqlite = new Database(file, { readonly: true, fileMustExist: true })
const result = verifyChain(sqlite)
sqlite.close()
if (result.ok) {
  console.log(`Audit log intact: ${result.checked} entries, every link verified.`)
} else {
  const b = result.firstBroken!
  console.log(`Audit log BROKEN at entry ${b.seq}${b.id ? ` (${b.id})` : ''}: ${b.reason}. ${result.checked} entries before it verified.`)
  process.exit(1)
}
