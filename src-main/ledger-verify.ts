/**
 * `npm run ledger:verify -- --data-dir DIR`: every ledger transaction balances, every invoice's
 * receivable equals what is left to pay on it, and every client's credit equals their payments
 * beyond their invoices less the credit they used. Exit 0 when all hold; 1 names the first
 * discrepancy. Reads the database read-only.
 */
import { openDataDirReadOnly } from './db/read-only'
import { verifyLedger } from './billing/ledger'

function main(): number {
  const sqlite = openDataDirReadOnly(process.argv.slice(2), 'ledger:verify')
  if (!sqlite) return 2
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
