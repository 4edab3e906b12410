/**
 * Foundation benchmark: a large clinic (50,000 clients, 80,000 patients, 500,000 visits), then
 * patient search per kind (and, forgiving, a misspelt name and a piece of a chip, both typed into "anything"), patient detail load and hub start-to-ready, each through the API as
 * the renderer calls it (HTTP to the real hub process) next to the same query run in-process
 * as raw SQL (the floor). Goals: search p95 <= 10 ms, patient load p95 <= 30 ms, start <= 2 s.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createApp } from '../src-main/app'
import { seedClinic } from '../src-main/demo/generate'
import { PatientSearch, type SearchKind } from '../src-main/domain/search'
import { startHubProcess, api, ROOT } from '../tests/helpers/hub'
import { ms, summarize, table, time } from './stats'
import { rng } from '../src-main/demo/people'

const SIZE = { clients: 50_000, patientsPerClient: 1.63, visitsPerPatient: 6.4 }
const DATA = join(ROOT, 'bench', '.data', 'large-clinic')
const MARKER = join(DATA, 'bench-size.json')
const QUERIES_PER_KIND = 400

/** The generated clinic is reused while its size and the schema (the migrations) are unchanged. */
function fingerprint(): string {
  const dir = join(ROOT, 'drizzle')
  const schema = createHash('sha256')
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) schema.update(readFileSync(join(dir, f)))
  return JSON.stringify({ ...SIZE, schema: schema.digest('hex').slice(0, 16) })
}

async function ensureLargeClinic(): Promise<void> {
  if (existsSync(MARKER) && readFileSync(MARKER, 'utf8') === fingerprint()) return
  rmSync(DATA, { recursive: true, force: true })
  mkdirSync(DATA, { recursive: true })
  console.log('Generating the large clinic (once; kept in bench/.data)…')
  const app = createApp({ dataDir: DATA, host: 'hub', log: () => {} })
  const s = app.services
  const admin = s.staff.list()[0]
  const actor = { id: admin.id, name: admin.displayName, role: admin.role }
  const vets = ['Dr. A. Vet', 'Dr. B. Vet', 'Dr. C. Vet', 'Dr. D. Vet'].map((n, i) => s.staff.create(actor, { displayName: n, username: `vet${i}`, role: 'veterinarian', pin: '1234' }).id)
  const desk = s.staff.create(actor, { displayName: 'Bench Desk', username: 'desk', role: 'front_desk', pin: '1234' })
  const [result, took] = await time(() =>
    seedClinic(app.core.store.sqlite, { clinicId: app.core.store.clinicId, deviceId: app.core.store.deviceId, ...SIZE, vetIds: vets, authorIds: vets, seed: 2026, onProgress: (d, t) => d % 10_000 === 0 && process.stdout.write(`  ${d}/${t} clients\r`) })
  )
  app.core.store.sqlite.pragma('optimize')
  await app.close()
  console.log(`  ${result.clients} clients, ${result.patients} patients, ${result.visits} visits, ${result.notes} notes in ${(took / 1000).toFixed(1)} s`)
  writeFileSync(join(DATA, 'desk.json'), JSON.stringify({ staffId: desk.id }))
  writeFileSync(MARKER, fingerprint())
}

/** Realistic queries drawn from the data itself: what a front desk would type. */
function sampleQueries(db: Database.Database): Record<SearchKind | 'typo' | 'chip piece', string[]> {
  const r = rng(99)
  const rows = db.prepare('SELECT p.id, p.name, p.microchip_norm AS chip, c.last_name, (SELECT value FROM client_contacts WHERE client_id = c.id AND kind = \'phone\' LIMIT 1) AS phone FROM patients p JOIN clients c ON c.id = p.client_id ORDER BY random() LIMIT 3000').all() as { id: string; name: string; chip: string | null; last_name: string; phone: string | null }[]
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]
  const n = QUERIES_PER_KIND
  return {
    name: Array.from({ length: n }, () => pick(rows).name.slice(0, 3 + Math.floor(r() * 3))),
    owner: Array.from({ length: n }, () => pick(rows).last_name.slice(0, 3 + Math.floor(r() * 4))),
    phone: Array.from({ length: n }, () => (pick(rows.filter((x) => x.phone)).phone ?? '').slice(-8)),
    microchip: Array.from({ length: n }, () => pick(rows.filter((x) => x.chip)).chip!),
    auto: Array.from({ length: n }, () => `${pick(rows).name} ${pick(rows).last_name.slice(0, 3)}`),
    // Forgiving search: a pet's or owner's name with one slip (a letter left out, doubled, swapped
    // or wrong), and eight digits from the middle of a chip.
    typo: Array.from({ length: n }, () => {
      const row = pick(rows)
      return misspell(r() < 0.5 ? row.name : row.last_name, r)
    }),
    'chip piece': Array.from({ length: n }, () => {
      const chip = pick(rows.filter((x) => x.chip)).chip!
      const at = 3 + Math.floor(r() * (chip.length - 11))
      return chip.slice(at, at + 8)
    })
  }
}

/** One slip of the keyboard in a name of four letters or more (shorter names are returned as they are). */
function misspell(name: string, r: () => number): string {
  const s = name.toLowerCase()
  if (s.length < 4) return s
  const i = 1 + Math.floor(r() * (s.length - 2))
  const slip = Math.floor(r() * 4)
  if (slip === 0) return s.slice(0, i) + s.slice(i + 1)
  if (slip === 1) return s.slice(0, i) + s[i] + s.slice(i)
  if (slip === 2) return s.slice(0, i - 1) + s[i] + s[i - 1] + s.slice(i + 1)
  return s.slice(0, i) + (s[i] === 'x' ? 'q' : 'x') + s.slice(i + 1)
}

export async function benchFoundation(): Promise<void> {
  await ensureLargeClinic()
  const db = new Database(join(DATA, 'vetos.db'), { readonly: true })
  const counts = db.prepare('SELECT (SELECT count(*) FROM clients) c, (SELECT count(*) FROM patients) p, (SELECT count(*) FROM visits) v').get() as { c: number; p: number; v: number }
  console.log(`\nClinic: ${counts.c} clients, ${counts.p} patients, ${counts.v} visits`)
  const queries = sampleQueries(db)
  const patientIds = (db.prepare('SELECT id FROM patients ORDER BY random() LIMIT ?').all(QUERIES_PER_KIND) as { id: string }[]).map((x) => x.id)

  // Hub start-to-ready: process spawn until the first answered API call, three times.
  const starts: number[] = []
  const ready: number[] = []
  let hub = null
  for (let i = 0; i < 3; i++) {
    if (hub) await hub.stop()
    const t = performance.now()
    hub = await startHubProcess(['--data-dir', DATA])
    await api(hub, 'app.info', {}, hub.token)
    starts.push(performance.now() - t)
    ready.push(Number(/ready in (\d+) ms/.exec(hub.output())![1]))
  }
  const h = hub!
  const deskId = JSON.parse(readFileSync(join(DATA, 'desk.json'), 'utf8')).staffId
  const token = (await api(h, 'auth.login', { staffId: deskId, pin: '1234' }, h.token)).json.result.token

  // The floor: the same SQL in-process, no HTTP, no validation.
  const rawSearch = new PatientSearch(db)
  const floorApp = { search: rawSearch }

  const rows: (string | number)[][] = []
  for (const label of ['name', 'owner', 'phone', 'microchip', 'auto', 'typo', 'chip piece'] as const) {
    const kind: SearchKind = label === 'typo' || label === 'chip piece' ? 'auto' : label
    const viaApi: number[] = []
    const floor: number[] = []
    let hits = 0
    for (const q of queries[label]) {
      const [res, t] = await time(() => api(h, 'patients.search', { query: q, kind, limit: 25 }, token))
      viaApi.push(t)
      hits += res.json.result.length > 0 ? 1 : 0
      floor.push((await time(() => floorApp.search.search(q, kind, 25)))[1])
    }
    const a = summarize(viaApi)
    const f = summarize(floor)
    rows.push([`search: ${label}`, a.n, ms(a.p50), ms(a.p95), ms(f.p50), ms(f.p95), `${Math.round((hits / a.n) * 100)}% found`])
  }

  // Patient detail: through the API, and the floor as the same reads in-process.
  const detailApp = createReadOnlyDetail(db)
  const viaApi: number[] = []
  const floor: number[] = []
  for (const id of patientIds) {
    viaApi.push((await time(() => api(h, 'patients.get', { id }, token)))[1])
    floor.push((await time(() => detailApp(id)))[1])
  }
  const a = summarize(viaApi)
  const f = summarize(floor)
  rows.push(['patient detail', a.n, ms(a.p50), ms(a.p95), ms(f.p50), ms(f.p95), ''])
  await h.stop()
  db.close()

  console.log('\nLatency in ms (API = HTTP to the hub as the renderer calls it; floor = same SQL in-process)')
  console.log(table(['what', 'n', 'API p50', 'API p95', 'floor p50', 'floor p95', 'note'], rows))
  const st = summarize(starts)
  const rd = summarize(ready)
  console.log(`\nHub start to first answered call: median ${ms(st.p50)} ms, max ${ms(st.max)} ms (process spawn included); app ready in ${ms(rd.p50)} ms`)
  console.log('Goals: search p95 <= 10 ms, patient detail p95 <= 30 ms, start <= 2000 ms')
}

/** Patient detail reads without the hub: opens the same services on a read-only copy of the connection. */
function createReadOnlyDetail(db: Database.Database): (id: string) => unknown {
  // PatientsService.get is a sequence of SELECTs; running them on the read-only handle is the floor.
  const stmts = {
    patient: db.prepare('SELECT * FROM patients WHERE id = ? AND deleted_at IS NULL'),
    client: db.prepare('SELECT * FROM clients WHERE id = ?'),
    contacts: db.prepare('SELECT * FROM client_contacts WHERE client_id = ? AND deleted_at IS NULL ORDER BY created_at'),
    weights: db.prepare('SELECT * FROM patient_weights WHERE patient_id = ? ORDER BY measured_at DESC LIMIT 200'),
    alerts: db.prepare('SELECT * FROM patient_alerts WHERE patient_id = ? ORDER BY created_at'),
    visits: db.prepare('SELECT v.*, s.display_name FROM visits v LEFT JOIN staff s ON s.id = v.veterinarian_id WHERE v.patient_id = ? AND v.deleted_at IS NULL ORDER BY v.created_at DESC LIMIT 100'),
    notes: db.prepare('SELECT n.*, s.display_name FROM clinical_notes n LEFT JOIN staff s ON s.id = n.author_id WHERE n.patient_id = ? ORDER BY n.created_at DESC LIMIT 200')
  }
  return (id) => {
    const p = stmts.patient.get(id) as { client_id: string }
    return { p, c: stmts.client.get(p.client_id), k: stmts.contacts.all(p.client_id), w: stmts.weights.all(id), a: stmts.alerts.all(id), v: stmts.visits.all(id), n: stmts.notes.all(id) }
  }
}
