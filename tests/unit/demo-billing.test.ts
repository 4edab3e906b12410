/** The demo clinic's year of billing is real books: ledger:verify passes and the reports and lists read it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApp, type TestApp } from '../helpers/app'
import { verifyLedger } from '../../src-main/billing/ledger'

describe('the demo clinic’s billing history', () => {
  let t: TestApp
  beforeAll(() => {
    t = makeApp({ demo: true })
    t.signIn('admin')
  })
  afterAll(() => t?.close())

  it('balances, and every invoice and client account agrees with the ledger', () => {
    const v = verifyLedger(t.app.core.store.sqlite)
    expect(v.problem).toBeNull()
    expect(v.checked.invoices).toBeGreaterThan(1200)
    const kinds = t.app.core.store.sqlite.prepare('SELECT DISTINCT kind FROM ledger_transactions').pluck().all()
    expect(kinds).toEqual(expect.arrayContaining(['invoice_finalized', 'payment', 'refund', 'credit_note', 'invoice_written_off']))
  })

  it('fills a year of Financial Reports, the lists and the plans', () => {
    const today = new Date().toISOString().slice(0, 10)
    const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10)
    const r = t.call('billing.report', { from: yearAgo, to: today, groupBy: 'month' })
    expect(new Set(r.revenue.map((x) => x.period)).size).toBeGreaterThanOrEqual(12)
    expect(r.revenueTotals.netMinor).toBeGreaterThan(0)
    expect(r.byMethod.map((m) => m.method)).toEqual(expect.arrayContaining(['card', 'cash', 'check', 'external']))
    expect(r.aging.currentMinor + r.aging.d31to60Minor + r.aging.d61to90Minor + r.aging.over90Minor).toBe(r.outstanding.owedMinor)
    expect(r.outstanding.owedMinor).toBeGreaterThan(0)
    expect(t.call('billing.invoices', { state: 'unpaid', limit: 50 }).length).toBeGreaterThan(0)
    expect(t.call('billing.plans', { includeEnded: false }).length).toBeGreaterThan(0)
    expect(t.call('billing.priceList', { includeInactive: false }).map((p) => p.code)).toEqual(expect.arrayContaining(['CHEM10', 'CBC', 'DX']))
    expect(t.call('billing.cardService', { recheck: false })).toMatchObject({ configured: true, keyHere: true })
  })
})
