/**
 * Billing through the API contract, as the desk uses it: an administrator keeps the price list and
 * tax; the front desk bills a visit from it, finalizes, and takes the money split across cash
 * (with change) and an external terminal; a double-clicked payment is taken once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { makeApp, type TestApp } from '../helpers/app'
import { verifyLedger } from '../../src-main/billing/ledger'

describe('billing over the API', () => {
  let t: TestApp
  let admin: string
  let desk: string
  beforeAll(() => {
    t = makeApp()
    admin = t.signIn('admin')
    desk = t.signIn('front_desk')
  })
  afterAll(() => t?.close())

  it('keeps the price list for administrators only', () => {
    const r = t.raw('billing.savePriceItem', { code: 'EXAM-NEW', name: 'New-client exam', category: 'exam', unitPriceMinor: 6500 }, desk)
    expect(r.ok || r.error.code).toBe('forbidden')
    const exam = t.call('billing.savePriceItem', { code: 'EXAM-NEW', name: 'New-client exam', category: 'exam', unitPriceMinor: 6500 }, admin)
    t.call('billing.savePriceItem', { code: 'NEXGARD-M', name: 'NexGard chewable, medium', category: 'pharmacy', unitPriceMinor: 2475 }, admin)
    t.call('billing.setTaxRate', { category: 'pharmacy', rateBp: 600 }, admin)
    expect(t.raw('billing.savePriceItem', { code: 'EXAM-NEW', name: 'Another exam', category: 'exam', unitPriceMinor: 1 }, admin)).toMatchObject({ ok: false, error: { code: 'conflict' } })
    expect(t.raw('billing.savePriceItem', { code: 'BAD', name: 'Half a cent', category: 'exam', unitPriceMinor: 10.5 }, admin)).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
    expect(t.call('billing.priceList', {}, desk).map((p) => p.code)).toEqual(expect.arrayContaining([exam.code, 'NEXGARD-M']))
  })

  it('bills a visit from the price list and takes a split payment with change due, once however often it is sent', () => {
    const client = t.call('clients.create', { firstName: 'Ines', lastName: 'Carvalho', phones: [] }, desk)
    const items = t.call('billing.priceList', {}, desk)
    let inv = t.call('billing.createInvoice', { clientId: client.id }, desk)
    inv = t.call('billing.addLine', { invoiceId: inv.id, priceItemId: items.find((p) => p.code === 'EXAM-NEW')!.id }, desk)
    inv = t.call('billing.addLine', { invoiceId: inv.id, priceItemId: items.find((p) => p.code === 'NEXGARD-M')!.id, quantityMilli: 3000, discountMinor: 425 }, desk)
    // 6500 + (7425 - 425) = 13500 net; 6 % of 7000 = 420 tax.
    expect(inv).toMatchObject({ status: 'draft', state: 'draft', totalMinor: 13_920 })
    inv = t.call('billing.finalizeInvoice', { invoiceId: inv.id }, desk)
    expect(inv).toMatchObject({ status: 'finalized', state: 'open', totalMinor: 13_920, dueMinor: 13_920 })

    const card = { clientId: client.id, method: 'external' as const, amountMinor: 10_000, reference: 'PAX-004512', idempotencyKey: randomUUID(), allocations: [{ invoiceId: inv.id, amountMinor: 10_000 }] }
    const first = t.call('billing.takePayment', card, desk)
    const again = t.call('billing.takePayment', card, desk)
    expect(again.id).toBe(first.id)
    const cash = t.call('billing.takePayment', { clientId: client.id, method: 'cash', amountMinor: 3920, tenderedMinor: 5000, idempotencyKey: randomUUID(), allocations: [{ invoiceId: inv.id, amountMinor: 3920 }] }, desk)
    expect(cash.changeDueMinor).toBe(1080)
    const account = t.call('billing.clientAccount', { clientId: client.id }, desk)
    expect(account).toMatchObject({ owedMinor: 0, creditMinor: 0 })
    expect(account.invoices[0]).toMatchObject({ state: 'paid', paidMinor: 13_920, dueMinor: 0 })
    expect(account.payments.map((p) => p.amountMinor).sort()).toEqual([10_000, 3920].sort())
    expect(t.raw('billing.takePayment', { ...card, amountMinor: 1 }, desk)).toMatchObject({ ok: false, error: { code: 'conflict' } })
    // Voiding takes an administrator, and is refused once money is applied.
    expect(t.raw('billing.voidInvoice', { invoiceId: inv.id, reason: 'wrong client' }, desk)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(t.raw('billing.voidInvoice', { invoiceId: inv.id, reason: 'wrong client' }, admin)).toMatchObject({ ok: false, error: { code: 'conflict' } })
    const audit = t.call('audit.list', { limit: 30 }, admin).map((e) => e.action)
    expect(audit).toEqual(expect.arrayContaining(['invoice.finalized', 'payment.received', 'price_item.saved']))
    expect(verifyLedger(t.app.core.store.sqlite).problem).toBeNull()
  })

  it('captures the charges of a lab order and an imaging request made on a visit, and drops them when cancelled while the invoice is a draft', () => {
    const vet = t.signIn('veterinarian')
    const lab = t.call('labs.catalog', {}, vet).find((c) => c.approved && c.tests.length >= 2)!
    const [priced, unpriced] = lab.tests
    // The demo's price list has every code: this test's prices, and one test taken off the list.
    const listed = (code: string) => t.call('billing.priceList', { includeInactive: true }, admin).find((p) => p.code === code)
    t.call('billing.savePriceItem', { id: listed(priced.code)?.id, code: priced.code, name: priced.name, category: 'lab', unitPriceMinor: 4800 }, admin)
    t.call('billing.savePriceItem', { id: listed('DX')?.id, code: 'DX', name: 'Radiograph, two views', category: 'imaging', unitPriceMinor: 16_500 }, admin)
    const off = listed(unpriced.code)
    if (off) t.call('billing.savePriceItem', { id: off.id, code: off.code, name: off.name, category: off.category, unitPriceMinor: off.unitPriceMinor, active: false }, admin)
    const client = t.call('clients.create', { firstName: 'Olu', lastName: 'Adeyemi', phones: [] }, desk)
    const patient = t.call('patients.create', { clientId: client.id, name: 'Kofi', species: 'canine', sex: 'male', neuterStatus: 'neutered' }, desk)
    const visit = t.call('visits.create', { patientId: patient.id, reason: 'Limping, off food' }, desk)
    const order = t.call('labs.placeOrder', { patientId: patient.id, visitId: visit.id, integrationId: lab.integrationId, tests: [priced.code, unpriced.code], priority: 'routine' }, vet)
    const xray = t.call('imaging.requestCreate', { patientId: patient.id, visitId: visit.id, modality: 'DX', description: 'Left stifle' }, vet)
    // No visit, no automatic charge.
    t.call('labs.placeOrder', { patientId: patient.id, integrationId: lab.integrationId, tests: [priced.code], priority: 'routine' }, vet)

    let [inv] = t.call('billing.clientAccount', { clientId: client.id }, desk).invoices
    expect(inv).toMatchObject({ status: 'draft', visitId: visit.id, patientId: patient.id })
    expect(inv.lines.map((l) => [l.source, l.unitPriceMinor])).toEqual([
      ['lab_order', 4800],
      ['lab_order', 0],
      ['imaging_request', 16_500]
    ])
    expect(inv.lines[1].description).toContain('not in the price list')

    t.call('labs.cancelOrder', { orderId: order.id, reason: 'owner declined' }, vet)
    ;[inv] = t.call('billing.clientAccount', { clientId: client.id }, desk).invoices
    expect(inv.lines.map((l) => l.source)).toEqual(['imaging_request'])
    t.call('billing.finalizeInvoice', { invoiceId: inv.id }, desk)
    // Once finalized, a cancelled request leaves the invoice alone.
    t.call('imaging.requestCancel', { requestId: xray.id, reason: 'done elsewhere' }, vet)
    expect(t.call('billing.invoice', { invoiceId: inv.id }, desk)).toMatchObject({ status: 'finalized', totalMinor: 16_500 })
  })
})
