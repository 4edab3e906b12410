/**
 * `npm run ledger:verify -- --data-dir DIR`: every ledger transaction balances, every invoice's
 * receivable equals what is left to pay on it, and every client's credit equals their payments
 * beyond their invoices less the credit they used. Exit 0 when all hold; 1 names the first
 * discrepancy. Reads the database read-only.
 */
import { join, resolve } from 'node:path'
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import { verifyLedger } from './billing/ledger'

function main(): number {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { 'data-dir': { type: 'string' } } })
  const dir = values['data-dir']
  if (!dir) {
    console.error('Usage: npm run ledger:verify -- --data-dir DIR')
    return 2
  }
  const file = join(resolve(dir), 'vetos.db')
  if (!existsSync(file)) {
    console.error(`No VetOS database in ${resolve(dir)}`)
    return 2
  }
  const sqlite = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const { checked, problem } = verifyLedger(sqlite)
    const counted = `${checked.transactions} transactions, ${checked.invoices} invoices, ${checked.clients} client accounts`
    if (!problem) {
      console.log(`Ledger balanced: ${counted} checked.`)
      return 0
    }
    console.log(`Ledger DISCREPANCY: ${problem.message}. Checked before it: ${counted}.`)
    return 1
  } finally {
    sqlite.close()
  }
}

process.exit(main())
