/**
 * PROVENIQ benchmark: PetMayday's active missing-pet list at network scale. The service as a child
 * process (`npm run proveniq`'s entry) on a fresh PostgreSQL database (dropped at the end), REPORTS
 * active reports loaded by SQL, and a new workstation in this process (createApp) following the
 * list through its approved petmayday integration. Figures, never assertions:
 *  - the first sync: from the integration's approval until every report is in the workstation's
 *    SQLite and the integration says connected: reports/s, shape requests, this process's peak
 *    memory and its longest event-loop stall (a hub answers nothing meanwhile), next to the floor of
 *    the same rows inserted into missing_pets by better-sqlite3 in one transaction;
 *  - the check-in alert lookup, what alerts.ts runs for one patient at check-in (matchesFor, and
 *    checkPatient around it), p95 over PATIENTS patients with and without matches (goal < 5 ms),
 *    next to the floor: the plain SQLite index lookup on missing_pets by microchip_norm;
 *  - the arrival check (checkReports) per report against those patients, which a first sync runs
 *    for every report it keeps.
 * Sizes (environment): VETOS_BENCH_PROVENIQ_REPORTS (100000), VETOS_BENCH_PROVENIQ_PATIENTS (3000),
 * VETOS_BENCH_PROVENIQ_SAMPLES (200).
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createApp } from '../src-main/app'
import { openDatabase } from '../src-main/db/open'
import { seedClinic } from '../src-main/demo/generate'
import { PET_NAMES, TOWNS } from '../src-main/demo/people'
import { PROVENIQ_MIGRATIONS } from '../src-proveniq/cli/open'
import { issueKey } from '../src-proveniq/members'
import { openPostgres, type Db } from '../src-server/db'
import { freshDatabase, type TestDatabase } from '../tests/server/fixture'
import { tempDir } from '../tests/helpers/app'
import { memoryOf, startCliServer, until, type ServerProc } from './processes'
import { int, mb, ms, secs, summarize, table, time } from './stats'

const env = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback)
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback
}
const REPORTS = env('VETOS_BENCH_PROVENIQ_REPORTS', 100_000)
const PATIENTS = env('VETOS_BENCH_PROVENIQ_PATIENTS', 3000)
const SAMPLES = env('VETOS_BENCH_PROVENIQ_SAMPLES', 200)

/** Report i's chip: 80% of reports have one (every 10th of those is a demo-like patient's below). */
const chipOf = (i: number) => (i % 10 < 8 ? `98514${String(i).padStart(10, '0')}` : null)
const SPECIES = ['canine', 'canine', 'canine', 'feline', 'feline', 'rabbit', 'avian']

const startService = (databaseUrl: string): Promise<ServerProc> => startCliServer('src-proveniq/cli/server.ts', ['--database-url', databaseUrl], 'proveniq', 60_000)

export async function benchProveniq(): Promise<void> {
  const pgdb: TestDatabase = await freshDatabase()
  const work = tempDir('vetos-bench-proveniq-')
  let db: Db | null = null
  let service: Awaited<ReturnType<typeof startService>> | null = null
  try {
    db = await openPostgres(pgdb.url, PROVENIQ_MIGRATIONS)
    const shelter = (await issueKey(db, 'Bench County Shelter', 'shelter')).member
    const clinicKey = (await issueKey(db, 'Bench Riverside Clinic', 'clinic')).key

    // The network's list, straight into PostgreSQL with the versions its trigger would have given
    // (contiguous, the log's head moved past them), as an import would: the trigger takes one row
    // lock per report, which makes one 100,000-row statement quadratic.
    console.log(`Loading ${int(REPORTS)} active missing-pet reports into PostgreSQL…`)
    const [, loadMs] = await time(async () => {
      await db!.query('ALTER TABLE missing_reports DISABLE TRIGGER missing_reports_version')
      await db!.query(
        `INSERT INTO missing_reports (id, member_id, status, microchip, microchip_raw, species, breed, colour, sex, name, last_seen_area, last_seen_at, owner_name, owner_contact, version)
         SELECT gen_random_uuid()::text, $1, 'active',
                CASE WHEN i % 10 < 8 THEN '98514' || lpad(i::text, 10, '0') END, CASE WHEN i % 10 < 8 THEN '98514' || lpad(i::text, 10, '0') END,
                ($3::text[])[1 + i % ${SPECIES.length}], 'Mixed breed', 'brown', CASE WHEN i % 2 = 0 THEN 'female' ELSE 'male' END,
                ($4::text[])[1 + (i * 7) % $5], ($6::text[])[1 + i % $7], now() - (i % 2000) * interval '1 hour', 'Owner ' || i, 'owner' || i || '@example.com', i
           FROM generate_series(1, $2::int) AS i`,
        [shelter.id, REPORTS, SPECIES, [...PET_NAMES], PET_NAMES.length, TOWNS, TOWNS.length]
      )
      await db!.query('ALTER TABLE missing_reports ENABLE TRIGGER missing_reports_version')
      await db!.query('UPDATE report_shape SET version = $1 WHERE id = 1', [REPORTS])
    })
    await db.query('ANALYZE missing_reports')
    service = await startService(pgdb.url)
    console.log(`  loaded in ${secs(loadMs)} s; PROVENIQ service: child process ${service.pid} on ${service.url}`)

    // ---------------------------------------------------------------- 1. the first sync to a new workstation
    const dir = join(work, 'workstation')
    const app = createApp({ dataDir: dir, host: 'hub', log: () => {} })
    let requests = 0
    try {
      await app.start()
      const admin = app.services.staff.list().find((m) => m.role === 'admin')!
      const actor = { id: admin.id, name: admin.displayName, role: admin.role }
      const count = app.core.store.sqlite.prepare('SELECT count(*) FROM missing_pets').pluck()
      const loop = monitorEventLoopDelay({ resolution: 10 })
      const before = memoryOf('self')
      let peakHeap = process.memoryUsage().heapUsed
      const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 25)
      // Count the shape's requests as the workstation makes them (the stream calls the global fetch).
      const realFetch = globalThis.fetch
      globalThis.fetch = (input, init) => {
        if (String(input instanceof Request ? input.url : input).includes('/v1/shape/reports')) requests++
        return realFetch(input, init)
      }
      loop.enable()
      const t = performance.now()
      const i = app.services.integrations.create(actor, { kind: 'petmayday', name: 'PetMayday', enabled: true, config: { baseUrl: service.url, apiKey: clinicKey } })
      app.services.integrations.approve(actor, i.id, ['lost_pet_reports'])
      await until(() => (count.get() as number) >= REPORTS && app.services.integrations.get(i.id).status.state === 'connected', 3_600_000, 'the first sync', 10)
      const firstMs = performance.now() - t
      loop.disable()
      clearInterval(sampler)
      globalThis.fetch = realFetch
      const after = memoryOf('self')

      // Floor: the same number of rows into missing_pets, one transaction, prepared statement, no network.
      const floorDir = tempDir('vetos-bench-proveniq-floor-')
      const { sqlite: floorDb } = openDatabase(join(floorDir, 'vetos.db'))
      const ins = floorDb.prepare(
        'INSERT INTO missing_pets (id, microchip_norm, microchip, species, breed, colour, sex, name, last_seen_area, last_seen_at, filed_by_name, filed_by_kind, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
      )
      const [, floorMs] = await time(() =>
        floorDb.transaction(() => {
          const now = new Date().toISOString()
          for (let k = 1; k <= REPORTS; k++) ins.run(`r-${k}`, chipOf(k), chipOf(k), SPECIES[k % SPECIES.length], 'Mixed breed', 'brown', 'male', PET_NAMES[(k * 7) % PET_NAMES.length], TOWNS[k % TOWNS.length], now, 'Bench County Shelter', 'shelter', now)
        })()
      )
      floorDb.close()
      rmSync(floorDir, { recursive: true, force: true })

      const rate = (took: number) => int(REPORTS / (took / 1000))
      console.log(`\nFirst sync of ${int(REPORTS)} active reports to a new workstation (no patients yet)`)
      console.log(
        table(
          ['what', 'seconds', 'reports/s', 'note'],
          [
            ['VetOS: approval → every report in SQLite, connected', secs(firstMs), rate(firstMs), `${requests} shape requests (1,000 reports each), kept 5,000 at a time`],
            ['floor: better-sqlite3 INSERT, one transaction', secs(floorMs), rate(floorMs), 'missing_pets and its index, synchronous=FULL']
          ]
        )
      )
      console.log(
        `Memory: this process (the workstation) RSS ${mb(before.rss)} MB before, peak ${mb(after.hwm)} MB (process lifetime); JS heap peak ${mb(peakHeap / 1024)} MB during the sync. ` +
          `Longest event-loop stall during the sync: ${ms(loop.max / 1e6)} ms (p99 ${ms(loop.percentile(99) / 1e6)} ms)`
      )

      // ---------------------------------------------------------------- 2. the check-in alert lookup
      const { store } = app.core
      const vet = app.services.staff.create(actor, { displayName: 'Dr. Bench', username: 'benchvet', role: 'veterinarian', pin: '1234' })
      seedClinic(store.sqlite, { clinicId: store.clinicId, deviceId: store.deviceId, clients: Math.ceil(PATIENTS / 1.5), patientsPerClient: 1.5, visitsPerPatient: 0.5, vetIds: [vet.id], authorIds: [vet.id], seed: 12 })
      // A tenth of the chipped patients carry a reported chip (an exact match); the rest match by chip nothing.
      const chipped = store.sqlite.prepare('SELECT id FROM patients WHERE microchip_norm IS NOT NULL ORDER BY id').pluck().all() as string[]
      const setChip = store.sqlite.prepare('UPDATE patients SET microchip = ?, microchip_norm = ? WHERE id = ?')
      const matched = new Set<string>()
      store.sqlite.transaction(() => {
        chipped.forEach((id, k) => {
          if (k % 10 !== 0) return
          const chip = chipOf(10 * k + 1)!
          setChip.run(chip, chip, id)
          matched.add(id)
        })
      })()
      const all = store.sqlite.prepare('SELECT id FROM patients WHERE deleted_at IS NULL ORDER BY id').pluck().all() as string[]
      const chipOfPatient = store.sqlite.prepare('SELECT microchip_norm FROM patients WHERE id = ?').pluck()
      const alerts = app.services.missingAlerts
      const pickSome = (xs: string[], n: number) => Array.from({ length: Math.min(n, xs.length) }, (_, k) => xs[Math.floor((k * xs.length) / Math.min(n, xs.length))])
      const withMatch = pickSome([...matched], SAMPLES)
      const withoutMatch = pickSome(all.filter((id) => !matched.has(id)), SAMPLES)
      const sample = async (ids: string[], fn: (id: string) => unknown) => {
        const out: number[] = []
        for (const id of ids) out.push((await time(() => fn(id)))[1])
        return out
      }
      let possible = 0
      const lookupsWith = await sample(withMatch, (id) => alerts.matchesFor(id))
      const lookupsWithout = await sample(withoutMatch, (id) => (possible += alerts.matchesFor(id).length))
      // checkPatient: the lookup, and the first time a match is notified (claimed, notified, audited).
      const checksFirst = await sample(withMatch, (id) => alerts.checkPatient(id))
      const checksAgain = await sample(withMatch, (id) => alerts.checkPatient(id))
      const floorStmt = store.sqlite.prepare('SELECT * FROM missing_pets WHERE microchip_norm = ?')
      const floorWith = await sample(withMatch, (id) => floorStmt.all(chipOfPatient.get(id)))
      const floorWithout = await sample(withoutMatch, (id) => floorStmt.all(chipOfPatient.get(id) ?? '000000000000000'))
      // The arrival check a first sync runs on every report it keeps, now that there are patients.
      const reportIds = pickSome(store.sqlite.prepare('SELECT id FROM missing_pets ORDER BY id').pluck().all() as string[], Math.min(SAMPLES, 40))
      const arrival = await sample(reportIds, (id) => alerts.checkReports([id]))

      const row = (name: string, xs: number[], goal: string) => {
        const s = summarize(xs)
        return [name, s.n, ms(s.p50), ms(s.p95), ms(s.max), goal]
      }
      console.log(`\nCheck-in alert lookup: ${int(all.length)} patients (${int(matched.size)} with a reported chip), ${int(REPORTS)} reports in the list; ${int(possible)} possible matches among the patients without a chip match`)
      console.log(
        table(
          ['measure (ms)', 'n', 'p50', 'p95', 'max', 'goal p95'],
          [
            row('matchesFor, patient with an exact match', lookupsWith, '< 5'),
            row('matchesFor, patient without one', lookupsWithout, '< 5'),
            row('checkPatient, first time (notifies)', checksFirst, ''),
            row('checkPatient, again (nothing new)', checksAgain, '< 5'),
            row('floor: SQLite index lookup by microchip_norm (hit)', floorWith, ''),
            row('floor: SQLite index lookup by microchip_norm (miss)', floorWithout, ''),
            row('arrival check (checkReports) per report', arrival, '')
          ]
        )
      )
    } finally {
      await app.close()
    }
  } finally {
    await service?.stop()
    await db?.close()
    await pgdb.drop()
    rmSync(work, { recursive: true, force: true })
  }
}
