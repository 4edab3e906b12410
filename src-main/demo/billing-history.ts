/**
 * A clinic's past billing, written in bulk: the price list and sales tax, then for each day of the
 * past a number of invoices (exam, procedures, lab, imaging, pharmacy and products, some discounted)
 * paid at once, in part, over several payments and methods, on a payment plan, partly refunded,
 * corrected by a credit note or written off. The demo clinic gets a year of it and `npm run bench --
 * billing` a million ledger entries. Every posting follows the rules of src-main/billing (the same
 * accounts and signs), so `ledger:verify` passes on it; tests/unit/demo-billing.test.ts checks that.
 */
import type Database from 'better-sqlite3'
import { v7 as uuidv7 } from 'uuid'
import { clockTag, formatHlc } from '../core/hlc'
import { lineAmounts } from '../billing/invoices'
import { pick, rng } from './people'

const DAY = 86_400_000

/** The demo price list: codes that price lab tests (the demo lab's) and imaging requests (by modality). */
export const DEMO_PRICES: { code: string; name: string; category: 'exam' | 'procedure' | 'lab' | 'imaging' | 'pharmacy' | 'product' | 'boarding'; unitPriceMinor: number }[] = [
  { code: 'EXAM', name: 'Wellness exam', category: 'exam', unitPriceMinor: 6500 },
  { code: 'EXAM-SICK', name: 'Sick-pet exam', category: 'exam', unitPriceMinor: 7800 },
  { code: 'RECHECK', name: 'Recheck exam', category: 'exam', unitPriceMinor: 4200 },
  { code: 'VAX-RAB', name: 'Rabies vaccine', category: 'procedure', unitPriceMinor: 3200 },
  { code: 'VAX-DHPP', name: 'DHPP vaccine', category: 'procedure', unitPriceMinor: 3600 },
  { code: 'DENTAL', name: 'Dental cleaning under anesthesia', category: 'procedure', unitPriceMinor: 48_500 },
  { code: 'SPAY', name: 'Spay (ovariohysterectomy)', category: 'procedure', unitPriceMinor: 42_000 },
  { code: 'CHEM10', name: 'Chemistry panel (10)', category: 'lab', unitPriceMinor: 11_800 },
  { code: 'CBC', name: 'Complete blood count', category: 'lab', unitPriceMinor: 6900 },
  { code: 'T4', name: 'Total T4', category: 'lab', unitPriceMinor: 5400 },
  { code: 'UA', name: 'Urinalysis', category: 'lab', unitPriceMinor: 4800 },
  { code: 'DX', name: 'Radiographs (digital X-ray)', category: 'imaging', unitPriceMinor: 18_500 },
  { code: 'US', name: 'Abdominal ultrasound', category: 'imaging', unitPriceMinor: 32_000 },
  { code: 'IO', name: 'Dental radiographs', category: 'imaging', unitPriceMinor: 14_000 },
  { code: 'RX-CARPRO', name: 'Carprofen 75 mg (30)', category: 'pharmacy', unitPriceMinor: 4250 },
  { code: 'RX-AMOX', name: 'Amoxicillin 250 mg (20)', category: 'pharmacy', unitPriceMinor: 2875 },
  { code: 'FLEA', name: 'Flea and tick chewable (3 months)', category: 'product', unitPriceMinor: 6995 },
  { code: 'FOOD-RENAL', name: 'Renal diet 8 lb', category: 'product', unitPriceMinor: 5499 },
  { code: 'BOARD', name: 'Boarding, per night', category: 'boarding', unitPriceMinor: 4500 }
]

/** Sales tax by category, in basis points: products and pharmacy. */
export const DEMO_TAX: Record<string, number> = { product: 825, pharmacy: 825 }

export interface BillingSeed {
  clinicId: string
  deviceId: string
  /** days of history before `now` (today is left to the live app) */
  days: number
  invoicesPerDay: number
  now?: Date
  seed?: number
  /** who the history is by (the front desk) */
  actorId?: string | null
}

export interface BillingSeedResult {
  invoices: number
  payments: number
  refunds: number
  creditNotes: number
  plans: number
  ledgerEntries: number
}

type Method = 'cash' | 'check' | 'card' | 'external'
const ASSET: Record<Method, string> = { cash: 'cash', check: 'check', card: 'card_clearing', external: 'external_clearing' }

export function seedBillingHistory(sqlite: Database.Database, o: BillingSeed): BillingSeedResult {
  const r = rng(o.seed ?? 17)
  const now = (o.now ?? new Date()).getTime()
  const device = clockTag(o.deviceId)
  const out: BillingSeedResult = { invoices: 0, payments: 0, refunds: 0, creditNotes: 0, plans: 0, ledgerEntries: 0 }
  let counter = 0
  // Ids from the seeded generator: as unique as the clinic's, without a system random call per row.
  const bytes = new Uint8Array(16)
  const newId = (ms: number) => {
    for (let b = 0; b < 16; b++) bytes[b] = Math.floor(r() * 256)
    return uuidv7({ msecs: ms, random: bytes })
  }
  const base = (ms: number) => ({ id: newId(ms), clinic_id: o.clinicId, created_at: new Date(ms).toISOString(), updated_at: formatHlc({ ms, counter: counter++ & 0xffff }, device), deleted_at: null, server_version: null })
  const ins = (table: string, cols: string[]) => {
    const st = sqlite.prepare(`INSERT INTO ${table} (id, clinic_id, created_at, updated_at, deleted_at, server_version, ${cols.join(', ')}) VALUES (@id, @clinic_id, @created_at, @updated_at, @deleted_at, @server_version, ${cols.map((c) => '@' + c).join(', ')})`)
    return (ms: number, values: Record<string, unknown>): string => {
      const row = { ...base(ms), ...values }
      st.run(row)
      return row.id
    }
  }
  const insItem = ins('price_items', ['code', 'name', 'category', 'unit_price_minor', 'active'])
  const insTax = ins('tax_rates', ['category', 'rate_bp'])
  const insInvoice = ins('invoices', ['kind', 'status', 'client_id', 'patient_id', 'visit_id', 'number', 'related_id', 'applied_minor', 'finalized_at', 'net_minor', 'tax_minor', 'total_minor', 'status_reason'])
  const insLine = ins('invoice_lines', ['invoice_id', 'price_item_id', 'source', 'source_id', 'description', 'category', 'quantity_milli', 'unit_price_minor', 'discount_minor', 'tax_rate_bp'])
  const insPayment = ins('payments', ['client_id', 'method', 'status', 'amount_minor', 'tendered_minor', 'reference', 'idempotency_key', 'received_at', 'failure', 'integration_id', 'provider_ref', 'reader_id', 'card_brand', 'card_last4', 'deposit_for', 'requested_allocations'])
  const insAlloc = ins('payment_allocations', ['payment_id', 'invoice_id', 'amount_minor', 'refund_id'])
  const insRefund = ins('refunds', ['payment_id', 'client_id', 'amount_minor', 'from_credit_minor', 'status', 'reason', 'idempotency_key', 'provider_ref', 'requested_at', 'settled_at', 'failure'])
  const insPlan = ins('payment_plans', ['invoice_id', 'client_id', 'status', 'paid_before_minor', 'note'])
  const insInstallment = ins('plan_installments', ['plan_id', 'seq', 'due_date', 'amount_minor'])
  const insTx = ins('ledger_transactions', ['kind', 'ref_id', 'occurred_at', 'memo', 'actor_id'])
  const insEntry = ins('ledger_entries', ['transaction_id', 'account', 'amount_minor', 'category', 'client_id', 'invoice_id', 'occurred_at'])

  const post = (ms: number, kind: string, refId: string, memo: string, entries: { account: string; amount: number; category?: string | null; clientId?: string | null; invoiceId?: string | null }[]) => {
    const lines = entries.filter((e) => e.amount !== 0)
    if (lines.reduce((s, e) => s + e.amount, 0) !== 0) throw new Error(`${kind} ${refId} does not balance`)
    const at = new Date(ms).toISOString()
    const tx = insTx(ms, { kind, ref_id: refId, occurred_at: at, memo, actor_id: o.actorId ?? null })
    for (const e of lines) insEntry(ms, { transaction_id: tx, account: e.account, amount_minor: e.amount, category: e.category ?? null, client_id: e.clientId ?? null, invoice_id: e.invoiceId ?? null, occurred_at: at })
    out.ledgerEntries += lines.length
  }

  const patients = sqlite.prepare('SELECT p.id, p.client_id AS clientId FROM patients p WHERE p.deleted_at IS NULL ORDER BY p.id').all() as { id: string; clientId: string }[]
  if (!patients.length) return out
  const items = new Map<string, { id: string; code: string; name: string; category: string; price: number }>()
  const tag = o.deviceId.replace(/-/g, '').slice(-4).toUpperCase()
  const seq = new Map<string, number>()

  sqlite.transaction(() => {
    const t0 = now - (o.days + 1) * DAY
    for (const p of DEMO_PRICES) items.set(p.code, { id: insItem(t0, { code: p.code, name: p.name, category: p.category, unit_price_minor: p.unitPriceMinor, active: 1 }), code: p.code, name: p.name, category: p.category, price: p.unitPriceMinor })
    for (const [category, bp] of Object.entries(DEMO_TAX)) insTax(t0, { category, rate_bp: bp })
  })()
  const catalog = [...items.values()]
  const byCategory = (c: string) => catalog.filter((i) => i.category === c)

  const setTotals = sqlite.prepare('UPDATE invoices SET number = ?, finalized_at = ?, net_minor = ?, tax_minor = ?, total_minor = ? WHERE id = ?')
  const writeOff = sqlite.prepare("UPDATE invoices SET status = 'written_off', status_reason = 'no response to statements' WHERE id = ?")
  const lastPaid = sqlite.prepare("SELECT p.id, p.method, a.amount_minor AS amount FROM payment_allocations a JOIN payments p ON p.id = a.payment_id WHERE a.invoice_id = ? AND p.method != 'credit' ORDER BY a.created_at DESC LIMIT 1")
  const day = (d: number) => {
    const dayStart = now - d * DAY - (now % DAY)
    const count = Math.max(0, Math.round(o.invoicesPerDay * (0.6 + r() * 0.8)))
    for (let k = 0; k < count; k++) {
      const at = dayStart + (8 * 3600 + Math.floor(r() * 10 * 3600)) * 1000
      const p = pick(r, patients)
      // The lines: an exam and what the visit needed.
      const chosen: typeof catalog = [pick(r, byCategory('exam'))]
      if (r() < 0.5) chosen.push(pick(r, byCategory('lab')))
      if (r() < 0.2) chosen.push(pick(r, byCategory('imaging')))
      if (r() < 0.35) chosen.push(pick(r, byCategory('pharmacy')))
      if (r() < 0.3) chosen.push(pick(r, byCategory('product')))
      if (r() < 0.12) chosen.push(pick(r, byCategory('procedure')))
      if (r() < 0.04) chosen.push(items.get('BOARD')!)
      const invId = insInvoice(at, { kind: 'invoice', status: 'finalized', client_id: p.clientId, patient_id: p.id, visit_id: null, number: null, related_id: null, applied_minor: null, finalized_at: null, net_minor: null, tax_minor: null, total_minor: null, status_reason: null })
      let net = 0
      let tax = 0
      const entries: Parameters<typeof post>[4] = []
      const lines: { id: string; net: number; category: string; bp: number }[] = []
      for (const item of chosen) {
        const quantityMilli = item.category === 'boarding' ? 1000 * (1 + Math.floor(r() * 4)) : item.category === 'product' && r() < 0.3 ? 2000 : 1000
        const gross = Math.round((quantityMilli * item.price) / 1000)
        const discount = r() < 0.08 ? Math.round(gross * 0.1) : 0
        const bp = DEMO_TAX[item.category] ?? 0
        const a = lineAmounts({ quantityMilli, unitPriceMinor: item.price, discountMinor: discount, taxRateBp: bp })
        const lineId = insLine(at, { invoice_id: invId, price_item_id: item.id, source: 'manual', source_id: null, description: item.name, category: item.category, quantity_milli: quantityMilli, unit_price_minor: item.price, discount_minor: discount, tax_rate_bp: bp })
        lines.push({ id: lineId, net: a.net, category: item.category, bp })
        net += a.net
        tax += a.tax
        entries.push({ account: 'revenue', amount: -a.gross, category: item.category }, { account: 'discounts', amount: discount, category: item.category }, { account: 'tax_payable', amount: -a.tax, category: item.category })
      }
      const total = net + tax
      const year = new Date(at).toISOString().slice(0, 4)
      const n = (seq.get(year) ?? 0) + 1
      seq.set(year, n)
      const number = `${year}-${tag}-${String(n).padStart(5, '0')}`
      const finalizedAt = new Date(at).toISOString()
      setTotals.run(number, finalizedAt, net, tax, total, invId)
      post(at, 'invoice_finalized', invId, `Invoice ${number}`, [...entries, { account: 'receivables', amount: total, clientId: p.clientId, invoiceId: invId }])
      out.invoices++

      let owed = total
      const pay = (ms: number, method: Method, amount: number, allocate: number) => {
        const ref = method === 'check' ? `CHK ${1000 + Math.floor(r() * 9000)}` : method === 'external' ? `EXT-${Math.floor(r() * 1e6)}` : null
        const card = method === 'card'
        const pid = insPayment(ms, { client_id: p.clientId, method, status: 'succeeded', amount_minor: amount, tendered_minor: method === 'cash' ? Math.ceil(amount / 2000) * 2000 : null, reference: ref, idempotency_key: newId(ms), received_at: new Date(ms).toISOString(), failure: null, integration_id: null, provider_ref: card ? `pi_demo_${newId(ms).replace(/-/g, '').slice(-16)}` : null, reader_id: card ? 'tmr_demo_front' : null, card_brand: card ? pick(r, ['visa', 'mastercard', 'amex', 'discover']) : null, card_last4: card ? String(1000 + Math.floor(r() * 9000)) : null, deposit_for: null, requested_allocations: null })
        if (allocate > 0) insAlloc(ms, { payment_id: pid, invoice_id: invId, amount_minor: allocate, refund_id: null })
        post(ms, 'payment', pid, `${method} payment`, [{ account: ASSET[method], amount }, { account: 'receivables', amount: -allocate, clientId: p.clientId, invoiceId: invId }, { account: 'client_credit', amount: -(amount - allocate), clientId: p.clientId }])
        owed -= allocate
        out.payments++
        return pid
      }
      const method = (): Method => {
        const x = r()
        return x < 0.62 ? 'card' : x < 0.84 ? 'cash' : x < 0.95 ? 'check' : 'external'
      }
      const fate = r()
      const ageDays = d
      if (fate < 0.72 || ageDays > 120) {
        // Paid at the desk, sometimes split across two methods.
        if (r() < 0.15 && total > 2000) {
          const first = Math.floor(total / 2)
          pay(at + 60_000, 'card', first, first)
          pay(at + 120_000, 'cash', total - first, total - first)
        } else pay(at + 60_000, method(), total, total)
      } else if (fate < 0.85) {
        // Part now, the rest weeks later (or still owed for recent invoices).
        const part = Math.floor(total * (0.3 + r() * 0.4))
        pay(at + 60_000, method(), part, part)
        if (ageDays > 30 + r() * 60) pay(Math.min(at + Math.floor(20 + r() * 25) * DAY, now - DAY), method(), owed, owed)
      } else if (fate < 0.9 && total > 20_000) {
        // A payment plan: a deposit, then monthly installments, some paid.
        const deposit = Math.floor(total * 0.25)
        pay(at + 60_000, method(), deposit, deposit)
        const rest = owed
        const plan = insPlan(at + 120_000, { invoice_id: invId, client_id: p.clientId, status: 'active', paid_before_minor: deposit, note: 'Monthly installments' })
        const nInst = 3
        for (let i = 0; i < nInst; i++) {
          const amount = i === nInst - 1 ? rest - Math.floor(rest / nInst) * (nInst - 1) : Math.floor(rest / nInst)
          const due = at + (i + 1) * 30 * DAY
          insInstallment(at + 120_000, { plan_id: plan, seq: i + 1, due_date: new Date(due).toISOString().slice(0, 10), amount_minor: amount })
          if (due < now - 2 * DAY && r() < 0.85) pay(Math.min(due - Math.floor(r() * 3) * DAY, now - DAY), method(), amount, amount)
        }
        out.plans++
      } else if (fate < 0.93 && ageDays > 90) {
        // Never paid: written off after three months.
        const wo = Math.min(at + 90 * DAY, now - DAY)
        post(wo, 'invoice_written_off', invId, `Write-off of invoice ${number}: no response to statements`, [{ account: 'bad_debt', amount: owed }, { account: 'receivables', amount: -owed, clientId: p.clientId, invoiceId: invId }])
        writeOff.run(invId)
        owed = 0
      } else if (ageDays <= 120) {
        // Still open.
      } else pay(at + 60_000, method(), total, total)

      // Afterwards: a partial refund of a paid invoice (the money back, the invoice owed again, then forgiven by a credit note).
      if (owed === 0 && r() < 0.03) {
        const paid = lastPaid.get(invId) as { id: string; method: Method; amount: number } | undefined
        const line = lines[0]
        if (paid && line.net > 100) {
          const amount = Math.min(paid.amount, Math.floor(line.net / 2))
          const ms = Math.min(at + 2 * DAY, now - DAY)
          const credit = amount + Math.round((amount * line.bp) / 10_000)
          const noteId = insInvoice(ms, { kind: 'credit_note', status: 'finalized', client_id: p.clientId, patient_id: p.id, visit_id: null, number: `CN-${number}-1`, related_id: invId, applied_minor: 0, finalized_at: new Date(ms).toISOString(), net_minor: amount, tax_minor: credit - amount, total_minor: credit, status_reason: 'Service not given in full' })
          insLine(ms, { invoice_id: noteId, price_item_id: null, source: 'credit', source_id: line.id, description: 'Credit: service not given in full', category: line.category, quantity_milli: 1000, unit_price_minor: amount, discount_minor: 0, tax_rate_bp: line.bp })
          post(ms, 'credit_note', noteId, `Credit note CN-${number}-1`, [{ account: 'sales_returns', amount, category: line.category }, { account: 'tax_payable', amount: credit - amount, category: line.category }, { account: 'client_credit', amount: -credit, clientId: p.clientId }])
          out.creditNotes++
          const back = Math.min(credit, paid.amount)
          const refundId = insRefund(ms + 60_000, { payment_id: paid.id, client_id: p.clientId, amount_minor: back, from_credit_minor: back, status: 'succeeded', reason: 'Service not given in full', idempotency_key: newId(ms), provider_ref: paid.method === 'card' ? `re_demo_${newId(ms).replace(/-/g, '').slice(-14)}` : null, requested_at: new Date(ms + 60_000).toISOString(), settled_at: new Date(ms + 60_000).toISOString(), failure: null })
          post(ms + 60_000, 'refund', refundId, `${paid.method} refund`, [{ account: 'client_credit', amount: back, clientId: p.clientId }, { account: ASSET[paid.method], amount: -back }])
          out.refunds++
        }
      }
    }
  }
  // A month per transaction: a bench of a million entries never holds it all in one.
  const month = sqlite.transaction((from: number, to: number) => {
    for (let d = from; d > to; d--) day(d)
  })
  for (let d = o.days; d >= 1; d -= 30) month(d, Math.max(0, d - 30))
  return out
}
