/** Wires billing: the ledger every money movement posts to, the price list, invoices, and payments taken at the desk. */
import type { Core } from '../domain/core'
import { InvoicesService } from './invoices'
import { Ledger } from './ledger'
import { PaymentsService } from './payments'
import { PriceListService } from './prices'
import { ChargeCapture } from './charges'

export type Billing = ReturnType<typeof createBilling>

export function createBilling(core: Core) {
  const ledger = new Ledger(core)
  const invoices = new InvoicesService(core, ledger)
  const payments = new PaymentsService(core, ledger, invoices)
  return { ledger, invoices, payments, prices: new PriceListService(core), charges: new ChargeCapture(core, invoices) }
}
