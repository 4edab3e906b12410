/** The command-line checks (audit:verify, ledger:verify) open a data folder's database read-only: verifying never changes what it verifies. */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'

/** The database named by --data-dir, or null after saying what is wrong (the caller exits 2). */
export function openDataDirReadOnly(args: string[], command: string): Database.Database | null {
  const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' } } })
  const dir = values['data-dir']
  if (!dir) {
    console.error(`Usage: npm run ${command} -- --data-dir DIR`)
    return null
  }
  const file = join(resolve(dir), 'vetos.db')
  if (!existsSync(file)) {
    console.error(`No VetOS database in ${resolve(dir)}`)
    return null
  }
  return new Database(file, { readonly: true, fileMustExist: true })
}
