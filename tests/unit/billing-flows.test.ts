/**
 * What a clinic does with money after the first payment: refunds (from credit first, then reopening
 * what was paid), credit notes (off what is owed, then to credit), estimates with deposits, payment
 * plans with their installments' states, and the Financial Reports that read it all from the ledger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApp, type TestApp } from '../helpers/app'
import { verifyLedger } from '../../src-main/billing/ledger'
import { newId } from '../../src-main/core/ids'
import type { Actor } from '../../src-main/domain/actor'

describe('refunds, credit notes, deposits, plans and reports', () => {
  let t: TestApp
  let actor: Actor
  let clientId: string

  beforeAll(() => {
    t = makeApp({ demo: false })
    const admin = t.app.services.staff.list().find((s) => s.role === 'admin')!
    actor = { id: admin.id, name: admin.displayName, role: 'admin' }
    clientId = t.app.services.clients.create(actor, { firstName: 'Ana', lastName: 'Reyes', phones: [] }).id
  })
  afterAll(() => t?.close())

  const b = () => t.app.services.billing
  const invoiceOf = (...prices: number[]) => {
    const { invoices } = b()
    const inv = invoices.createDraft(actor, { clientId })
    for (const p of prices) invoices.addLine(actor, inv.id, { description: `Service ${p}`, category: 'procedure', unitPriceMinor: p })
    return invoices.finalize(actor, inv.id)
  }
  const cash = (amountMinor: number, allocations: { invoiceId: string; amountMinor: number }[]) => b().payments.take(actor, { clientId, method: 'cash', amountMinor, idempotencyKey: newId(), allocations })
  const balanced = () => expect(verifyLedger(t.app.core.store.sqlite).problem).toBeNull()

  it('a partial refund of a paid invoice reopens that part of it; a refund of an overpayment comes out of credit first', () => {
    const { invoices, refunds, payments } = b()
    const inv = invoiceOf(10_000)
    const p = cash(12_000, [{ invoiceId: inv.id, amountMinor: 10_000 }])
    expect(payments.credit(clientId)).toBe(2000)
    // 3000 back: 2000 of credit, then 1000 reopened on the invoice.
    const r = refunds.request(actor, { paymentId: p.id, amountMinor: 3000, reason: 'overcharged', idempotencyKey: newId() })
    expect(r).toMatchObject({ status: 'succeeded', fromCreditMinor: 2000 })
    expect(payments.credit(clientId)).toBe(0)
    expect(invoices.balance(invoices.row(inv.id))).toMatchObject({ paidMinor: 9000, dueMinor: 1000, state: 'partially_paid' })
    balanced()
    // Never more than is left of the payment; a repeat of the same key answers the same refund.
    expect(() => refunds.request(actor, { paymentId: p.id, amountMinor: 9001, reason: 'again', idempotencyKey: newId() })).toThrow(/9000 of this payment is left/)
    const key = newId()
    const a = refunds.request(actor, { paymentId: p.id, amountMinor: 500, reason: 'double click', idempotencyKey: key })
    const again = refunds.request(actor, { paymentId: p.id, amountMinor: 500, reason: 'double click', idempotencyKey: key })
    expect(again.id).toBe(a.id)
    expect(refunds.refunded(p.id)).toBe(3500)
    balanced()
  })

  it('a credit note takes off what is owed, and what was already paid becomes credit; its lines cannot be credited twice', () => {
    const { invoices, payments } = b()
    const inv = invoiceOf(8000, 2000)
    cash(7000, [{ invoiceId: inv.id, amountMinor: 7000 }])
    const [big, small] = invoices.lines(inv.id)
    const note = invoices.issueCreditNote(actor, inv.id, [{ lineId: big.id, amountMinor: 5000 }], 'X-ray not taken')
    // 3000 was owed: 3000 applied, 2000 to credit.
    expect(note).toMatchObject({ kind: 'credit_note', status: 'finalized', totalMinor: 5000, appliedMinor: 3000, relatedId: inv.id })
    expect(invoices.balance(invoices.row(inv.id))).toMatchObject({ creditedMinor: 3000, dueMinor: 0, state: 'paid' })
    expect(payments.credit(clientId)).toBe(2000)
    expect(() => invoices.issueCreditNote(actor, inv.id, [{ lineId: big.id, amountMinor: 3001 }], 'more')).toThrow(/3000 is left to credit/)
    expect(() => invoices.issueCreditNote(actor, inv.id, [{ lineId: small.id, amountMinor: 100 }, { lineId: small.id, amountMinor: 100 }], 'twice')).toThrow(/once/)
    expect(() => invoices.void(actor, inv.id, 'undo')).toThrow()
    balanced()
  })

  it('a deposit on an estimate waits as credit and pays the invoice the estimate becomes', () => {
    const { invoices, payments } = b()
    const before = payments.credit(clientId)
    const est = invoices.createDraft(actor, { clientId, kind: 'estimate' })
    invoices.addLine(actor, est.id, { description: 'Dental under anesthesia', category: 'procedure', unitPriceMinor: 50_000 })
    expect(() => invoices.finalize(actor, est.id)).toThrow(/convert the estimate/)
    b().payments.take(actor, { clientId, method: 'check', amountMinor: 20_000, reference: 'CHK 55', idempotencyKey: newId(), allocations: [], depositFor: est.id })
    expect(payments.credit(clientId)).toBe(before + 20_000)
    const draft = invoices.convertEstimate(actor, est.id)
    expect(invoices.row(est.id)).toMatchObject({ status: 'finalized', relatedId: draft.id })
    expect(() => invoices.convertEstimate(actor, est.id)).toThrow(/already converted/)
    const fin = invoices.finalize(actor, draft.id)
    expect(invoices.balance(fin)).toMatchObject({ totalMinor: 50_000, paidMinor: 20_000, dueMinor: 30_000, state: 'partially_paid' })
    expect(payments.credit(clientId)).toBe(before)
    balanced()
  })

  it('a payment plan’s installments fill in due order from payments on the invoice, and say which are past due', () => {
    const { plans } = b()
    const inv = invoiceOf(90_000)
    cash(10_000, [{ invoiceId: inv.id, amountMinor: 10_000 }])
    expect(() => plans.create(actor, inv.id, [{ dueDate: '2026-01-01', amountMinor: 50_000 }], null)).toThrow(/add up to 50000; 80000 is owed/)
    expect(() => plans.create(actor, inv.id, [{ dueDate: '2026-02-01', amountMinor: 40_000 }, { dueDate: '2026-01-01', amountMinor: 40_000 }], null)).toThrow(/one after another/)
    const plan = plans.create(actor, inv.id, [{ dueDate: '2000-01-01', amountMinor: 30_000 }, { dueDate: '2000-02-01', amountMinor: 30_000 }, { dueDate: '2999-01-01', amountMinor: 20_000 }], 'three months')
    expect(plan.installments.map((i) => i.status)).toEqual(['past_due', 'past_due', 'open'])
    expect(() => plans.create(actor, inv.id, [{ dueDate: '2030-01-01', amountMinor: 80_000 }], null)).toThrow(/already has a payment plan/)
    cash(45_000, [{ invoiceId: inv.id, amountMinor: 45_000 }])
    const now = plans.view(plan.plan.id)
    expect(now.installments.map((i) => [i.paidMinor, i.status])).toEqual([[30_000, 'paid'], [15_000, 'past_due'], [0, 'open']])
    expect(plans.due('2000-12-31').map((d) => [d.seq, d.remainingMinor])).toEqual([[2, 15_000]])
    cash(35_000, [{ invoiceId: inv.id, amountMinor: 35_000 }])
    expect(plans.view(plan.plan.id).status).toBe('completed')
    balanced()
  })

  it('the Financial Reports read revenue, refunds, collections, outstanding and aging from the ledger', () => {
    const today = t.app.core.store.nowIso().slice(0, 10)
    const r = b().reports.report('2000-01-01', today, 'month', today)
    const month = today.slice(0, 7)
    const procedure = r.revenue.find((x) => x.period === month && x.category === 'procedure')!
    // Everything invoiced in these tests is procedure revenue; the credit note is shown as credited.
    expect(procedure.grossMinor).toBe(10_000 + 8000 + 2000 + 50_000 + 90_000)
    expect(procedure.creditedMinor).toBe(5000)
    expect(r.revenueTotals.netMinor).toBe(procedure.netMinor)
    const cashRow = r.byMethod.find((m) => m.method === 'cash')!
    expect(cashRow.refundedMinor).toBe(3500)
    expect(r.collections.collectedMinor).toBe(r.byMethod.filter((m) => m.method !== 'credit').reduce((s, m) => s + m.receivedMinor - m.refundedMinor, 0))
    // Owed now: 1000 reopened by the refund (less the 500 refunded later came from it too) + 30000 on the estimate's invoice.
    const owed = t.app.core.store.sqlite.prepare("SELECT sum(amount_minor) FROM ledger_entries WHERE account = 'receivables'").pluck().get() as number
    expect(r.outstanding.owedMinor).toBe(owed)
    expect(r.aging.currentMinor + r.aging.d31to60Minor + r.aging.d61to90Minor + r.aging.over90Minor).toBe(owed)
    expect(r.aging.unappliedCreditMinor).toBe(-b().payments.credit(clientId))
    expect(r.outstanding.clients[0]).toMatchObject({ clientId, clientName: 'Ana Reyes', owedMinor: owed })
  })
})
