/**
 * Billing benchmark: a clinic whose books hold 1,000,000 ledger entries (a year of invoices, split
 * and partial payments, plans, refunds, credit notes, write-offs). Through the API as the renderer
 * calls it (HTTP to the real hub process): a year's Financial Report (revenue by month and
 * category, money by method, collections, outstanding, A/R aging) and a checkout payment posted on
 * an open invoice. In-process beside them: the revenue and aging parts alone, and the plain SQL
 * floors (the grouped sums, and a payment's rows inserted in one transaction without the API).
 * Goals: report and aging p95 under 300 ms, posting a payment p95 under 20 ms.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { v7 as uuidv7 } from 'uuid'
import { createApp } from '../src-main/app'
import { seedClinic } from '../src-main/demo/generate'
import { seedBillingHistory } from '../src-main/demo/billing-history'
import { FinancialReports } from '../src-main/billing/reports'
import { startHubProcess, api, ROOT } from '../tests/helpers/hub'
import { ms, summarize, table, time } from './stats'

const SIZE = { clients: 8000, days: 365, invoicesPerDay: 420, entriesGoal: 1_000_000 }
const DATA = join(ROOT, 'bench', '.data', 'billing-clinic')
const MARKER = join(DATA, 'bench-size.json')
const RUNS = 60

function fingerprint(): string {
  const schema = createHash('sha256')
  const dir = join(ROOT, 'drizzle')
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) schema.update(readFileSync(join(dir, f)))
  schema.update(readFileSync(join(ROOT, 'src-main', 'demo', 'billing-history.ts')))
  return JSON.stringify({ ...SIZE, schema: schema.digest('hex').slice(0, 16) })
}

async function ensureClinic(): Promise<{ deskId: string; adminId: string; adminPin: string }> {
  if (existsSync(MARKER) && readFileSync(MARKER, 'utf8') === fingerprint()) return JSON.parse(readFileSync(join(DATA, 'desk.json'), 'utf8'))
  rmSync(DATA, { recursive: true, force: true })
  mkdirSync(DATA, { recursive: true })
  console.log('Generating the billing clinic (once; kept in bench/.data)…')
  const app = createApp({ dataDir: DATA, host: 'hub', log: () => {} })
  const s = app.services
  const admin = s.staff.list().find((m) => m.role === 'admin')!
  const actor = { id: admin.id, name: admin.displayName, role: admin.role }
  const vet = s.staff.create(actor, { displayName: 'Dr. Bench', username: 'vet', role: 'veterinarian', pin: '1234' })
  const desk = s.staff.create(actor, { displayName: 'Bench Desk', username: 'desk', role: 'front_desk', pin: '1234' })
  const { store } = app.core
  seedClinic(store.sqlite, { clinicId: store.clinicId, deviceId: store.deviceId, clients: SIZE.clients, patientsPerClient: 1.5, visitsPerPatient: 1, vetIds: [vet.id], authorIds: [vet.id], seed: 31 })
  const [result, took] = await time(() => seedBillingHistory(store.sqlite, { clinicId: store.clinicId, deviceId: store.deviceId, days: SIZE.days, invoicesPerDay: SIZE.invoicesPerDay, seed: 31, actorId: desk.id }))
  store.sqlite.pragma('optimize')
  await app.close()
  console.log(`  ${result.invoices} invoices, ${result.payments} payments, ${result.refunds} refunds, ${result.plans} plans, ${result.ledgerEntries} ledger entries in ${(took / 1000).toFixed(1)} s`)
  const who = { deskId: desk.id, adminId: admin.id, adminPin: app.firstRunAdminPin! }
  writeFileSync(join(DATA, 'desk.json'), JSON.stringify(who))
  writeFileSync(MARKER, fingerprint())
  return who
}

export async function benchBilling(): Promise<void> {
  const { deskId, adminId, adminPin } = await ensureClinic()
  const db = new Database(join(DATA, 'vetos.db'), { readonly: true })
  const entries = db.prepare('SELECT count(*) FROM ledger_entries').pluck().get() as number
  const today = new Date().toISOString().slice(0, 10)
  const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10)
  console.log(`Ledger entries: ${entries.toLocaleString('en-US')} (goal ${SIZE.entriesGoal.toLocaleString('en-US')})`)

  // In-process: the report's parts, and the SQL floors they stand on.
  const reports = new FinancialReports(db)
  const samples = { revenue: [] as number[], aging: [] as number[], revenueFloor: [] as number[], agingFloor: [] as number[], reportInProcess: [] as number[] }
  const floorRevenue = db.prepare("SELECT substr(occurred_at, 1, 7), category, account, sum(amount_minor) FROM ledger_entries WHERE account IN ('revenue', 'discounts', 'sales_returns') AND occurred_at >= ? AND occurred_at < ? GROUP BY 1, 2, 3")
  const floorAging = db.prepare("SELECT invoice_id, sum(amount_minor) AS owed FROM ledger_entries WHERE account = 'receivables' GROUP BY invoice_id HAVING owed != 0")
  for (let k = 0; k < RUNS; k++) {
    samples.revenue.push((await time(() => reports.revenue(yearAgo, today, 'month')))[1])
    samples.aging.push((await time(() => reports.balances(today, today)))[1])
    samples.reportInProcess.push((await time(() => reports.report(yearAgo, today, 'month', today)))[1])
    samples.revenueFloor.push((await time(() => floorRevenue.all(yearAgo, today + 'T99')))[1])
    samples.agingFloor.push((await time(() => floorAging.all()))[1])
  }
  // Floor for posting: a payment's rows in one transaction, straight into a copy-free scratch table set.
  const scratch = new Database(':memory:')
  scratch.exec(readFileSync(join(ROOT, 'drizzle', '0017_billing.sql'), 'utf8').split('--> statement-breakpoint').filter((x) => /CREATE (TABLE|INDEX)/.test(x) && /payments|payment_allocations|ledger_/.test(x)).join(';\n'))
  const insP = scratch.prepare("INSERT INTO payments (id, clinic_id, created_at, updated_at, client_id, method, status, amount_minor, idempotency_key, received_at) VALUES (?, 'c', ?, ?, 'x', 'cash', 'succeeded', 100, ?, ?)")
  const insA = scratch.prepare("INSERT INTO payment_allocations (id, clinic_id, created_at, updated_at, payment_id, invoice_id, amount_minor) VALUES (?, 'c', ?, ?, ?, 'i', 100)")
  const insT = scratch.prepare("INSERT INTO ledger_transactions (id, clinic_id, created_at, updated_at, kind, ref_id, occurred_at, memo) VALUES (?, 'c', ?, ?, 'payment', ?, ?, 'm')")
  const insE = scratch.prepare("INSERT INTO ledger_entries (id, clinic_id, created_at, updated_at, transaction_id, account, amount_minor) VALUES (?, 'c', ?, ?, ?, ?, ?)")
  const postFloor = scratch.transaction(() => {
    const now = new Date().toISOString()
    const p = uuidv7()
    insP.run(p, now, now, uuidv7(), now)
    insA.run(uuidv7(), now, now, p)
    const t = uuidv7()
    insT.run(t, now, now, p, now)
    insE.run(uuidv7(), now, now, t, 'cash', 100)
    insE.run(uuidv7(), now, now, t, 'receivables', -100)
  })
  const postingFloor: number[] = []
  for (let k = 0; k < 300; k++) postingFloor.push((await time(() => postFloor()))[1])
  db.close()

  // Through the API of the real hub process.
  const hub = await startHubProcess(['--data-dir', DATA])
  try {
    const login = await api(hub, 'auth.login', { staffId: deskId, pin: '1234' }, hub.token)
    const desk = login.json.result.token as string
    const admin = (await api(hub, 'auth.login', { staffId: adminId, pin: adminPin }, hub.token)).json.result.token as string
    const reportApi: number[] = []
    for (let k = 0; k < RUNS; k++) reportApi.push((await time(() => api(hub, 'billing.report', { from: yearAgo, to: today, groupBy: 'month' }, admin)))[1])
    // Checkout: open invoices of the past, each paid in cash at the desk as a clinic would.
    const open = (await api(hub, 'billing.invoices', { state: 'unpaid', limit: 300 }, desk)).json.result as { id: string; clientId: string; dueMinor: number }[]
    const posting: number[] = []
    for (const inv of open.slice(0, 200)) {
      const amount = Math.min(inv.dueMinor, 2500)
      const [r, took] = await time(() => api(hub, 'billing.takePayment', { clientId: inv.clientId, method: 'cash', amountMinor: amount, tenderedMinor: amount, idempotencyKey: crypto.randomUUID(), allocations: [{ invoiceId: inv.id, amountMinor: amount }] }, desk))
      if (!r.json.ok) throw new Error(`billing.takePayment: ${r.json.error.message}`)
      posting.push(took)
    }
    const row = (name: string, xs: number[], goal: string) => {
      const s = summarize(xs)
      return [name, s.n, ms(s.p50), ms(s.p95), ms(s.max), goal]
    }
    console.log(
      table(
        ['measure (ms)', 'n', 'p50', 'p95', 'max', 'goal p95'],
        [
          row('year report, API (HTTP, hub)', reportApi, '< 300'),
          row('year report, in-process', samples.reportInProcess, ''),
          row('  revenue by month & category', samples.revenue, ''),
          row('  floor: grouped SQL sum', samples.revenueFloor, ''),
          row('  A/R aging + outstanding', samples.aging, '< 300'),
          row('  floor: owed per invoice SQL', samples.agingFloor, ''),
          row('checkout payment, API (HTTP, hub)', posting, '< 20'),
          row('  floor: its rows in one SQLite tx', postingFloor, '')
        ]
      )
    )
  } finally {
    await hub.stop()
  }
}
