/** Wires billing: the ledger every money movement posts to, invoices, and payments taken at the desk. */
import type { Core } from '../domain/core'
import { InvoicesService } from './invoices'
import { Ledger } from './ledger'
import { PaymentsService } from './payments'

export type Billing = ReturnType<typeof createBilling>

export function createBilling(core: Core) {
  const ledger = new Ledger(core)
  const invoices = new InvoicesService(core, ledger)
  const payments = new PaymentsService(core, ledger, invoices)
  return { ledger, invoices, payments }
}
