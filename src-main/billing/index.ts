/**
 * Wires billing: the ledger every money movement posts to, the price list, invoices and credit
 * notes, payments at the desk and on card terminals, refunds, payment plans and the reports.
 */
import type { Core } from '../domain/core'
import type { ConsentGate } from '../consent/gate'
import type { IntegrationRegistry } from '../integrations/registry'
import { InvoicesService } from './invoices'
import { Ledger } from './ledger'
import { PaymentsService } from './payments'
import { PriceListService } from './prices'
import { ChargeCapture } from './charges'
import { RefundsService } from './refunds'
import { PlansService } from './plans'
import { FinancialReports } from './reports'
import { CardPayments, type CardOptions, type GatewayFactory } from './card-payments'
import { stripeGateway } from './stripe-gateway'
import { BillingLists } from './lists'

export type Billing = ReturnType<typeof createBilling>

export interface BillingConfig {
  /** the payment service's client (stripe-node by default) */
  gateway?: GatewayFactory
  card?: CardOptions
}

export function createBilling(core: Core, registry: IntegrationRegistry, gate: ConsentGate, config: BillingConfig = {}) {
  const ledger = new Ledger(core)
  const invoices = new InvoicesService(core, ledger)
  const payments = new PaymentsService(core, ledger, invoices)
  invoices.onFinalized = (actor, inv) => payments.applyDeposits(actor, inv)
  const refunds = new RefundsService(core, ledger, invoices, payments)
  const card = new CardPayments(core, registry, gate, payments, refunds, config.gateway ?? stripeGateway, config.card)
  refunds.card = { send: (actor, r, p) => card.refund(actor, r, p) }
  const lists = new BillingLists(core)
  return {
    ledger,
    invoices,
    payments,
    refunds,
    card,
    plans: new PlansService(core, invoices, () => lists.today()),
    reports: new FinancialReports(core.store.sqlite),
    lists,
    prices: new PriceListService(core),
    charges: new ChargeCapture(core, invoices)
  }
}
