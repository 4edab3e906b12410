/**
 * The books always balance: fast-check runs random sequences of invoices (lines, discounts, tax),
 * finalizations, payments by every desk method (partial, over several invoices, beyond them into
 * credit, and from credit), voids and write-offs; after every sequence each transaction sums to
 * zero and every invoice's receivable and every client's credit equals what the records say.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { spawnSync } from 'node:child_process'
import { copyFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { makeApp, tempDir, type TestApp } from '../helpers/app'
import { ROOT } from '../helpers/hub'
import { verifyLedger } from '../../src-main/billing/ledger'
import { lineAmounts } from '../../src-main/billing/invoices'
import { taxRates } from '../../src-main/db/schema'
import { newId } from '../../src-main/core/ids'
import type { Actor } from '../../src-main/domain/actor'
import { ApiError } from '../../src-main/api/errors'

const CATEGORIES = ['exam', 'lab', 'pharmacy', 'product'] as const

type Op =
  | { kind: 'invoice'; client: number; lines: { category: (typeof CATEGORIES)[number]; quantityMilli: number; unitPriceMinor: number; discountPct: number }[]; finalize: boolean }
  | { kind: 'pay'; client: number; method: 'cash' | 'check' | 'external'; amountMinor: number; cover: number }
  | { kind: 'credit'; client: number }
  | { kind: 'void'; invoice: number }
  | { kind: 'writeOff'; invoice: number }
  | { kind: 'repeat'; }
  | { kind: 'refund'; pick: number; pct: number }
  | { kind: 'creditNote'; invoice: number; pct: number }
  | { kind: 'estimate'; client: number; priceMinor: number; depositMinor: number }
  | { kind: 'plan'; invoice: number; installments: number }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('invoice' as const),
    client: fc.nat(2),
    lines: fc.array(fc.record({ category: fc.constantFrom(...CATEGORIES), quantityMilli: fc.constantFrom(500, 1000, 1500, 3000), unitPriceMinor: fc.integer({ min: 1, max: 80_000 }), discountPct: fc.constantFrom(0, 0, 10, 50, 100) }), { minLength: 1, maxLength: 4 }),
    finalize: fc.boolean()
  }),
  fc.record({ kind: fc.constant('pay' as const), client: fc.nat(2), method: fc.constantFrom('cash' as const, 'check' as const, 'external' as const), amountMinor: fc.integer({ min: 1, max: 150_000 }), cover: fc.nat(3) }),
  fc.record({ kind: fc.constant('credit' as const), client: fc.nat(2) }),
  fc.record({ kind: fc.constant('void' as const), invoice: fc.nat(20) }),
  fc.record({ kind: fc.constant('writeOff' as const), invoice: fc.nat(20) }),
  fc.record({ kind: fc.constant('repeat' as const) }),
  fc.record({ kind: fc.constant('refund' as const), pick: fc.nat(30), pct: fc.constantFrom(10, 50, 100) }),
  fc.record({ kind: fc.constant('creditNote' as const), invoice: fc.nat(20), pct: fc.constantFrom(25, 100) }),
  fc.record({ kind: fc.constant('estimate' as const), client: fc.nat(2), priceMinor: fc.integer({ min: 100, max: 90_000 }), depositMinor: fc.integer({ min: 1, max: 100_000 }) }),
  fc.record({ kind: fc.constant('plan' as const), invoice: fc.nat(20), installments: fc.integer({ min: 1, max: 4 }) })
)

describe('the billing ledger', () => {
  let t: TestApp
  let actor: Actor
  let clientIds: string[]

  beforeAll(() => {
    t = makeApp({ demo: false })
    const admin = t.app.services.staff.list().find((s) => s.role === 'admin')!
    actor = { id: admin.id, name: admin.displayName, role: 'admin' }
    const { clients } = t.app.services
    clientIds = ['Ortega', 'Lindqvist', 'Mbeki'].map((lastName) => clients.create(actor, { firstName: 'Sam', lastName, phones: [] }).id)
    // Sales tax on products and pharmacy only.
    const { store } = t.app.core
    store.tx(() => {
      store.insert(taxRates, { category: 'product', rateBp: 825 })
      store.insert(taxRates, { category: 'pharmacy', rateBp: 500 })
    })
  })
  afterAll(() => t?.close())

  const billing = () => t.app.services.billing
  const expected = (e: unknown) => e instanceof ApiError && (e.code === 'conflict' || e.code === 'invalid-input')

  function run(ops: Op[]): void {
    const { invoices, payments, refunds, plans } = billing()
    const made: string[] = []
    let lastPayment: { clientId: string; method: 'cash'; amountMinor: number; idempotencyKey: string; allocations: [] } | null = null
    for (const o of ops) {
      try {
        switch (o.kind) {
          case 'invoice': {
            const inv = invoices.createDraft(actor, { clientId: clientIds[o.client] })
            for (const l of o.lines) {
              const gross = Math.round((l.quantityMilli * l.unitPriceMinor) / 1000)
              invoices.addLine(actor, inv.id, { description: `${l.category} item`, category: l.category, quantityMilli: l.quantityMilli, unitPriceMinor: l.unitPriceMinor, discountMinor: Math.floor((gross * l.discountPct) / 100) })
            }
            if (o.finalize) invoices.finalize(actor, inv.id)
            made.push(inv.id)
            break
          }
          case 'pay': {
            const clientId = clientIds[o.client]
            // Cover up to `cover` of the client's invoices with something due, oldest first, as the money allows.
            let left = o.amountMinor
            const allocations: { invoiceId: string; amountMinor: number }[] = []
            for (const id of made) {
              if (allocations.length >= o.cover || left === 0) break
              const inv = invoices.row(id)
              if (inv.clientId !== clientId) continue
              const due = invoices.balance(inv).dueMinor
              if (due <= 0) continue
              const a = Math.min(due, left)
              allocations.push({ invoiceId: id, amountMinor: a })
              left -= a
            }
            payments.take(actor, { clientId, method: o.method, amountMinor: o.amountMinor, tenderedMinor: o.method === 'cash' ? o.amountMinor + 500 : null, reference: o.method === 'check' ? 'CHK 1021' : o.method === 'external' ? 'EXT-88' : null, idempotencyKey: newId(), allocations })
            break
          }
          case 'credit': {
            const clientId = clientIds[o.client]
            const credit = payments.credit(clientId)
            const open = made.map((id) => invoices.row(id)).find((i) => i.clientId === clientId && invoices.balance(i).dueMinor > 0)
            if (credit <= 0 || !open) break
            const amount = Math.min(credit, invoices.balance(open).dueMinor)
            payments.take(actor, { clientId, method: 'credit', amountMinor: amount, idempotencyKey: newId(), allocations: [{ invoiceId: open.id, amountMinor: amount }] })
            break
          }
          case 'void':
            if (made.length) invoices.void(actor, made[o.invoice % made.length], 'entered on the wrong client')
            break
          case 'writeOff':
            if (made.length) invoices.writeOff(actor, made[o.invoice % made.length], 'client moved away')
            break
          case 'repeat': {
            // The same press sent twice: one payment.
            lastPayment ??= { clientId: clientIds[0], method: 'cash', amountMinor: 1234, idempotencyKey: newId(), allocations: [] }
            payments.take(actor, lastPayment)
            payments.take(actor, lastPayment)
            break
          }
          case 'refund': {
            const paid = t.app.core.store.sqlite.prepare("SELECT id, amount_minor AS amount FROM payments WHERE status = 'succeeded' AND method != 'credit' ORDER BY created_at").all() as { id: string; amount: number }[]
            if (!paid.length) break
            const p = paid[o.pick % paid.length]
            const left = p.amount - refunds.refunded(p.id)
            if (left > 0) refunds.request(actor, { paymentId: p.id, amountMinor: Math.max(1, Math.floor((left * o.pct) / 100)), reason: 'client changed their mind', idempotencyKey: newId() })
            break
          }
          case 'creditNote': {
            if (!made.length) break
            const inv = invoices.row(made[o.invoice % made.length])
            const line = invoices.lines(inv.id)[0]
            if (inv.status === 'finalized') invoices.issueCreditNote(actor, inv.id, [{ lineId: line.id, amountMinor: Math.max(1, Math.floor((lineAmounts(line).net * o.pct) / 100)) }], 'service not given')
            break
          }
          case 'estimate': {
            const clientId = clientIds[o.client]
            const est = invoices.createDraft(actor, { clientId, kind: 'estimate' })
            invoices.addLine(actor, est.id, { description: 'Dental procedure', category: 'procedure', unitPriceMinor: o.priceMinor })
            payments.take(actor, { clientId, method: 'cash', amountMinor: o.depositMinor, idempotencyKey: newId(), allocations: [], depositFor: est.id })
            const inv = invoices.convertEstimate(actor, est.id)
            invoices.finalize(actor, inv.id)
            made.push(inv.id)
            break
          }
          case 'plan': {
            if (!made.length) break
            const inv = invoices.row(made[o.invoice % made.length])
            const due = invoices.balance(inv).dueMinor
            if (due < o.installments) break
            const each = Math.floor(due / o.installments)
            const schedule = Array.from({ length: o.installments }, (_, k) => ({ dueDate: `2027-0${k + 1}-15`, amountMinor: k === o.installments - 1 ? due - each * (o.installments - 1) : each }))
            plans.create(actor, inv.id, schedule, null)
            break
          }
        }
      } catch (e) {
        if (!expected(e)) throw e
      }
    }
  }

  it('balances after any sequence of invoices, estimates with deposits, payments, credit, refunds, credit notes, plans, voids and write-offs', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 25 }), (ops) => {
        run(ops)
        const { sqlite } = t.app.core.store
        const { problem } = verifyLedger(sqlite)
        expect(problem).toBeNull()
        expect(sqlite.prepare('SELECT coalesce(sum(amount_minor), 0) FROM ledger_entries').pluck().get()).toBe(0)
        for (const c of clientIds) expect(billing().payments.credit(c)).toBeGreaterThanOrEqual(0)
        expect(sqlite.prepare("SELECT count(*) FROM invoices i WHERE i.status = 'finalized' AND (SELECT coalesce(sum(amount_minor), 0) FROM ledger_entries e WHERE e.invoice_id = i.id AND e.account = 'receivables') < 0").pluck().get()).toBe(0)
        // A plan's installments never count more paid than the plan holds.
        for (const v of billing().plans.list({ includeEnded: true })) expect(v.installments.reduce((s, i) => s + i.paidMinor, 0)).toBe(Math.min(v.paidMinor, v.totalMinor))
      }),
      // A fixed seed: the same sequences every run, so the coverage below is a fact, not a chance.
      { numRuns: 60, seed: 20_261_202 }
    )
    // The runs reached every kind of posting, not just the easy ones.
    const kinds = t.app.core.store.sqlite.prepare('SELECT DISTINCT kind FROM ledger_transactions').pluck().all()
    expect(kinds).toEqual(expect.arrayContaining(['invoice_finalized', 'payment', 'invoice_voided', 'invoice_written_off', 'refund', 'credit_note']))
    expect(t.app.core.store.sqlite.prepare("SELECT count(*) FROM payments WHERE reference = 'deposit'").pluck().get()).toBeGreaterThan(0)
    expect(t.app.core.store.sqlite.prepare("SELECT count(*) FROM payments WHERE method = 'credit'").pluck().get()).toBeGreaterThan(0)
  })

  it('posts an invoice as receivable, revenue before discount, discount and tax, and derives paid and partly paid', () => {
    const { invoices, payments } = billing()
    const inv = invoices.createDraft(actor, { clientId: clientIds[1] })
    invoices.addLine(actor, inv.id, { description: 'Wellness exam', category: 'exam', unitPriceMinor: 6500 })
    invoices.addLine(actor, inv.id, { description: 'Flea treatment', category: 'product', quantityMilli: 2000, unitPriceMinor: 2150, discountMinor: 300 })
    const fin = invoices.finalize(actor, inv.id)
    // 6500 + (4300 - 300) = 10500 net; tax 8.25 % of 4000 = 330.
    expect(fin).toMatchObject({ status: 'finalized', netMinor: 10_500, taxMinor: 330, totalMinor: 10_830 })
    expect(fin.number).toMatch(/^\d{4}-[0-9A-F]{4}-\d{5}$/)
    expect(lineAmounts({ quantityMilli: 2000, unitPriceMinor: 2150, discountMinor: 300, taxRateBp: 825 })).toEqual({ gross: 4300, net: 4000, tax: 330 })
    const entries = t.app.core.store.sqlite.prepare("SELECT account, category, amount_minor AS amount FROM ledger_entries WHERE transaction_id = (SELECT id FROM ledger_transactions WHERE ref_id = ? AND kind = 'invoice_finalized') ORDER BY account, category").all(inv.id)
    expect(entries).toEqual([
      { account: 'discounts', category: 'product', amount: 300 },
      { account: 'receivables', category: null, amount: 10_830 },
      { account: 'revenue', category: 'exam', amount: -6500 },
      { account: 'revenue', category: 'product', amount: -4300 },
      { account: 'tax_payable', category: 'product', amount: -330 }
    ])
    expect(invoices.balance(fin).state).toBe('open')
    payments.take(actor, { clientId: clientIds[1], method: 'cash', amountMinor: 5000, tenderedMinor: 6000, idempotencyKey: newId(), allocations: [{ invoiceId: inv.id, amountMinor: 5000 }] })
    expect(invoices.balance(invoices.row(inv.id))).toMatchObject({ paidMinor: 5000, dueMinor: 5830, state: 'partially_paid' })
    // Lines are frozen now.
    expect(() => invoices.addLine(actor, inv.id, { description: 'Late line', category: 'exam', unitPriceMinor: 100 })).toThrow(/frozen/)
    // Paid in full by check, with 170 left over as the client's credit.
    payments.take(actor, { clientId: clientIds[1], method: 'check', amountMinor: 6000, reference: 'CHK 2001', idempotencyKey: newId(), allocations: [{ invoiceId: inv.id, amountMinor: 5830 }] })
    expect(invoices.balance(invoices.row(inv.id)).state).toBe('paid')
    expect(payments.credit(clientIds[1])).toBeGreaterThanOrEqual(170)
    expect(() => invoices.void(actor, inv.id, 'oops')).toThrow(/Payments are applied/)
  })

  it('refuses to change or delete what the books hold', () => {
    const { sqlite } = t.app.core.store
    expect(() => sqlite.prepare('UPDATE ledger_entries SET amount_minor = 0').run()).toThrow(/append-only/)
    expect(() => sqlite.prepare('DELETE FROM ledger_transactions').run()).toThrow(/append-only/)
    expect(() => sqlite.prepare('DELETE FROM payment_allocations').run()).toThrow(/append-only/)
  })

  it('refuses payments that do not add up: more than is due, another client’s invoice, credit the client does not have', () => {
    const { invoices, payments } = billing()
    const inv = invoices.createDraft(actor, { clientId: clientIds[2] })
    invoices.addLine(actor, inv.id, { description: 'Dental cleaning', category: 'procedure', unitPriceMinor: 30_000 })
    invoices.finalize(actor, inv.id)
    const pay = (clientId: string, method: 'cash' | 'credit', amountMinor: number, allocations: { invoiceId: string; amountMinor: number }[]) => () => payments.take(actor, { clientId, method, amountMinor, idempotencyKey: newId(), allocations })
    expect(pay(clientIds[2], 'cash', 40_000, [{ invoiceId: inv.id, amountMinor: 35_000 }])).toThrow(/has 30000 to pay/)
    expect(pay(clientIds[0], 'cash', 1000, [{ invoiceId: inv.id, amountMinor: 1000 }])).toThrow(/another client/)
    expect(pay(clientIds[2], 'credit', 10 ** 9, [{ invoiceId: inv.id, amountMinor: 10 ** 9 }])).toThrow()
    expect(pay(clientIds[2], 'cash', 0, [])).toThrow(/more than nothing/)
    expect(verifyLedger(t.app.core.store.sqlite).problem).toBeNull()
  })

  it('npm run ledger:verify passes balanced books and names the first discrepancy of tampered ones', async () => {
    const { sqlite } = t.app.core.store
    sqlite.pragma('wal_checkpoint(TRUNCATE)')
    const verify = (dir: string) => spawnSync(process.execPath, [join(ROOT, 'out', 'main', 'ledger-verify.js'), '--data-dir', dir], { encoding: 'utf8' })
    const ok = verify(t.dir)
    expect(ok.stdout).toMatch(/^Ledger balanced: \d+ transactions, \d+ invoices, \d+ client accounts checked\./)
    expect(ok.status).toBe(0)

    // A copy whose books were edited behind the app's back (its triggers dropped first).
    const copy = tempDir('vetos-ledger-')
    copyFileSync(join(t.dir, 'vetos.db'), join(copy, 'vetos.db'))
    const db = new Database(join(copy, 'vetos.db'))
    db.exec('DROP TRIGGER ledger_entries_no_update')
    const entry = db.prepare("SELECT id, transaction_id FROM ledger_entries WHERE account = 'revenue' LIMIT 1").get() as { id: string; transaction_id: string }
    db.prepare('UPDATE ledger_entries SET amount_minor = amount_minor - 1 WHERE id = ?').run(entry.id)
    db.close()
    const bad = verify(copy)
    expect(bad.status).toBe(1)
    expect(bad.stdout).toContain(`Ledger DISCREPANCY: transaction ${entry.transaction_id}`)
    expect(bad.stdout).toContain('sums to -1')
    rmSync(copy, { recursive: true, force: true })
  })
})
