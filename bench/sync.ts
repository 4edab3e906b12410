/**
 * Sync benchmark: the clinic's central sync server as a child process (`npm run server`'s entry,
 * on a fresh PostgreSQL database dropped at the end) and workstations in this process (createApp,
 * joined with an enrollment code as the hub joins one). Figures, never assertions:
 *  - first sync of ROWS clients/patients rows (loaded straight into PostgreSQL) to a new
 *    workstation, from enrollment until every table is ready: rows/s, next to PostgreSQL's own COPY
 *    of the same rows (into a scratch table, and out of the clinic's tables) and a plain
 *    better-sqlite3 insert of the same rows in one transaction (the floors);
 *  - propagation: a patient registered on workstation A until it is in workstation B's database,
 *    next to the server's own path (a bare HTTP push until a bare long-poll of another device has it);
 *  - convergence: a workstation cut off from the server (as on a pulled cable, its shape streams
 *    left asleep at a random point of their back-off, as after a night offline) records WRITES local
 *    writes; from the link healing until its outbox is empty and another workstation has every row,
 *    next to the same number of mutations pushed over bare HTTP in the workstation's batches (and a tenth as
 *    many pushed to the same clinic while its workstations hold live shapes);
 *  - the server's memory while DEVICES enrolled devices hold live shapes (official ShapeStreams in
 *    this process, one per device and table), next to the same server idle; and how long one write
 *    takes to reach all of them.
 * Sizes (environment): VETOS_BENCH_SYNC_ROWS (1000000), VETOS_BENCH_SYNC_SAMPLES (200),
 * VETOS_BENCH_SYNC_WRITES (10000), VETOS_BENCH_SYNC_DEVICES (50), VETOS_BENCH_SYNC_TABLES (every synced
 * table), VETOS_BENCH_SYNC_ONLY (first,propagation,convergence,memory: a subset).
 * Goals: first sync >= 20,000 rows/s; propagation p95 < 1 s; convergence < 30 s.
 */
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { setMaxListeners } from 'node:events'
import { join } from 'node:path'
import { availableParallelism } from 'node:os'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Readable } from 'node:stream'
import { ShapeStream, isChangeMessage, isControlMessage, type Row } from '@electric-sql/client'
import { createApp, type App } from '../src-main/app'
import { newId } from '../src-main/core/ids'
import { formatHlc } from '../src-main/core/hlc'
import { openDatabase } from '../src-main/db/open'
import { SCHEMA_VERSION } from '../src-main/db/store'
import { enrollWorkstation } from '../src-main/sync/enroll'
import { SYNCED } from '../src-main/sync/tables'
import { PUSH_BATCH } from '../src-main/sync/client'
import { openPostgres, type Db } from '../src-server/db'
import { createClinic, createEnrollment } from '../src-server/sync/admin'
import { freshDatabase, type TestDatabase } from '../tests/server/fixture'
import { tempDir } from '../tests/helpers/app'
import { cpuOf, memoryOf, sleep, startCliServer, until, type ServerProc } from './processes'
import { int, mb, ms, secs, summarize, table } from './stats'

const env = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback)
  return Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback
}
const ROWS = env('VETOS_BENCH_SYNC_ROWS', 1_000_000)
const SAMPLES = env('VETOS_BENCH_SYNC_SAMPLES', 200)
const WRITES = env('VETOS_BENCH_SYNC_WRITES', 10_000)
const DEVICES = env('VETOS_BENCH_SYNC_DEVICES', 50)
const TABLES = Math.min(env('VETOS_BENCH_SYNC_TABLES', SYNCED.size), SYNCED.size)
const ONLY = new Set((process.env.VETOS_BENCH_SYNC_ONLY ?? 'first,propagation,convergence,memory').split(',').map((s) => s.trim()))

// ------------------------------------------------------------------ the server, as a child process

const startServer = (databaseUrl: string, blobDir: string): Promise<ServerProc> =>
  startCliServer('src-server/cli/server.ts', ['--database-url', databaseUrl, '--blob-dir', blobDir], 'sync server', 30_000)

// ------------------------------------------------------------------ generated rows (the same for VetOS and the floors)

const BASE_MS = Date.UTC(2021, 0, 1)
const FIRST = ['Ana', 'Ben', 'Chloe', 'David', 'Emma', 'Farid', 'Grace', 'Hugo', 'Ines', 'Jonas', 'Kira', 'Liam']
const LAST = ['Adair', 'Baptiste', 'Chen', 'Dubois', 'Eze', 'Farouk', 'Garcia', 'Hansen', 'Ito', 'Jensen', 'Kowalski', 'Lopez', 'Moreau']
const PETS = ['Luna', 'Max', 'Bella', 'Milo', 'Coco', 'Rocky', 'Daisy', 'Oscar', 'Nala', 'Simba', 'Pepper', 'Teddy']
const SPECIES = ['canine', 'feline', 'canine', 'feline', 'rabbit', 'avian']
const hex12 = (i: number) => i.toString(16).padStart(12, '0')
const clientId = (i: number) => `01770000-0000-7000-8000-${hex12(i)}`
const patientId = (i: number) => `01770000-0000-7000-9000-${hex12(i)}`

const CLIENT_COLS = ['id', 'clinic_id', 'created_at', 'updated_at', 'deleted_at', 'server_version', 'first_name', 'last_name', 'first_name_norm', 'last_name_norm', 'address', 'notes'] as const
const PATIENT_COLS = ['id', 'clinic_id', 'created_at', 'updated_at', 'deleted_at', 'server_version', 'client_id', 'name', 'name_norm', 'species', 'breed', 'sex', 'neuter_status', 'date_of_birth', 'dob_estimated', 'color', 'microchip', 'microchip_norm', 'microchip_type', 'deceased_at'] as const

type Value = string | number | boolean | null

/** Client i (of `clients`) and patient i: half the rows each; versions interleave as writes of both tables would. */
function clientRow(clinicId: string, i: number, version: number): Value[] {
  const ms = BASE_MS + i * 1000
  const first = FIRST[i % FIRST.length]
  const last = LAST[(i * 7) % LAST.length]
  return [clientId(i), clinicId, new Date(ms).toISOString(), formatHlc({ ms, counter: 0 }, 'bench000'), null, version, first, `${last} ${i}`, first.toLowerCase(), `${last.toLowerCase()} ${i}`, `${i} Main Street`, null]
}

function patientRow(clinicId: string, i: number, clients: number, version: number): Value[] {
  const ms = BASE_MS + i * 1000 + 500
  const name = PETS[i % PETS.length]
  const chip = i % 3 === 0 ? String(900_000_000_000_000 + i) : null
  return [patientId(i), clinicId, new Date(ms).toISOString(), formatHlc({ ms, counter: 0 }, 'bench000'), null, version, clientId(i % clients), name, name.toLowerCase(), SPECIES[i % SPECIES.length], null, i % 2 ? 'male' : 'female', i % 4 ? 'neutered' : 'intact', '2018-05-01', false, 'brown', chip, chip, chip ? 'iso' : null, null]
}

interface Load {
  clinicId: string
  base: number
  clients: number
  patients: number
}

function* rowsOf(l: Load, which: 'clients' | 'patients'): Generator<Value[]> {
  if (which === 'clients') for (let i = 0; i < l.clients; i++) yield clientRow(l.clinicId, i, l.base + 2 * i + 1)
  else for (let i = 0; i < l.patients; i++) yield patientRow(l.clinicId, i, l.clients, l.base + 2 * i + 2)
}

/** COPY text format: our values hold no tab, newline or backslash. */
function copyText(rows: Iterable<Value[]>): Readable {
  return Readable.from(
    (function* () {
      let chunk = ''
      for (const r of rows) {
        chunk += r.map((v) => (v === null ? '\\N' : v === true ? 't' : v === false ? 'f' : String(v))).join('\t') + '\n'
        if (chunk.length > 256 * 1024) {
          yield chunk
          chunk = ''
        }
      }
      if (chunk) yield chunk
    })(),
    { objectMode: false }
  )
}

/** psql runs a COPY ... FROM STDIN fed from input, or a COPY ... TO STDOUT whose bytes are counted and dropped. */
function psqlCopy(url: string, sql: string, input?: Readable): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] })
    let bytes = 0
    let err = ''
    p.stdout!.on('data', (d: Buffer) => (bytes += d.length))
    p.stderr!.on('data', (d) => (err += d))
    if (input) input.pipe(p.stdin!)
    p.once('error', reject)
    p.once('exit', (code) => (code === 0 ? resolve(bytes) : reject(new Error(`psql ${sql.slice(0, 60)}…: exit ${code}: ${err}`))))
  })
}

// ------------------------------------------------------------------ workstations

/**
 * Each workstation's link to the server. Pulling the cable fails every request, the ones in flight
 * too (after a night offline no connection is left), and counts the failed shape requests per table.
 * Once the workstation is closed every request is refused with a 400: SyncClient.stop() only
 * unsubscribes from its ShapeStreams, which keep requesting (and retrying) until one fails for good.
 */
class Link {
  online = true
  closed = false
  failures = new Map<string, number>()
  /** the first answered shape request per table since the link healed */
  backAt = new Map<string, number>()
  healedAt = 0
  private cut = new AbortController()

  pull(): void {
    this.online = false
    this.cut.abort(new TypeError('fetch failed: network unreachable'))
  }

  heal(): void {
    this.cut = new AbortController()
    this.healedAt = performance.now()
    this.online = true
  }

  close(): void {
    this.closed = true
    this.cut.abort(new TypeError('closed'))
  }

  readonly fetch: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input)
    const tbl = url.includes('/v1/shape') ? new URL(url).searchParams.get('table') : null
    if (this.closed) return new Response(JSON.stringify({ error: 'bad-request', message: 'this benchmark workstation is closed' }), { status: 400, headers: { 'content-type': 'application/json' } })
    if (!this.online) {
      if (tbl) this.failures.set(tbl, (this.failures.get(tbl) ?? 0) + 1)
      throw new TypeError('fetch failed: network unreachable')
    }
    const res = await fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, this.cut.signal]) : this.cut.signal })
    if (tbl && this.healedAt && !this.backAt.has(tbl)) this.backAt.set(tbl, performance.now())
    return res
  }
}

interface Station {
  app: App
  link: Link
  dir: string
  deviceId: string
  actor: { id: string; name: string; role: 'admin' }
  close(): Promise<void>
}

/** wrap: a fetch around the link's (the first sync's, to see when the last page arrives) */
async function joinStation(url: string, code: string, name: string, wrap?: (f: typeof fetch) => typeof fetch): Promise<Station> {
  const deviceId = newId()
  const e = await enrollWorkstation(url, code, deviceId, name)
  const dir = tempDir(`vetos-bench-sync-${name}-`)
  const link = new Link()
  const app = createApp({ dataDir: dir, host: 'hub', log: () => {}, syncFetch: wrap ? wrap(link.fetch) : link.fetch, join: { deviceId, clinicId: e.clinicId, syncUrl: url, token: e.deviceToken } })
  await app.start()
  return {
    app,
    link,
    dir,
    deviceId,
    actor: { id: '', name: 'Administrator', role: 'admin' },
    async close() {
      link.close()
      await app.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

const ready = (s: Station) => {
  const st = s.app.services.sync!.status()
  return st.tablesReady === st.tables
}

async function signedIn(s: Station): Promise<void> {
  await until(() => ready(s) && s.app.services.staff.list().some((m) => m.username === 'admin'), 60_000, 'the clinic to arrive')
  s.actor.id = s.app.services.staff.list().find((m) => m.username === 'admin')!.id
}

// ------------------------------------------------------------------ bare devices (the server's own path, for the floors)

interface Device {
  deviceId: string
  token: string
  seq: number
  /** whose writes its pushes are: the clinic's administrator (the server checks the role) */
  actorId: string | null
}

async function enrollBare(url: string, code: string, name: string, actorId: string | null = null): Promise<Device> {
  const deviceId = newId()
  const e = await enrollWorkstation(url, code, deviceId, name)
  return { deviceId, token: e.deviceToken, seq: 1, actorId }
}

type WireChange = [string, string, 'insert', string, Record<string, Value>]

async function pushBare(url: string, d: Device, changesPerMutation: WireChange[][]): Promise<void> {
  const mutations = changesPerMutation.map((changes) => ({ mutationId: newId(), seq: d.seq++, hlc: changes[changes.length - 1][3], changes, actorId: d.actorId }))
  const res = await fetch(`${url}/sync/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${d.token}` }, body: JSON.stringify({ deviceId: d.deviceId, schemaVersion: SCHEMA_VERSION, mutations }) })
  const body = (await res.json()) as { results?: { status: string; reason: string | null }[] }
  const bad = body.results?.find((r) => r.status !== 'applied')
  if (res.status !== 200 || bad) throw new Error(`bare push: ${res.status} ${JSON.stringify(bad ?? body).slice(0, 300)}`)
}

const asObject = (cols: readonly string[], values: Value[]) => Object.fromEntries(cols.map((c, i) => [c, c === 'server_version' ? null : values[i]]))

function bareClient(clinicId: string, tag: string): WireChange {
  const id = newId()
  const hlc = formatHlc({ ms: Date.now(), counter: 0 }, tag)
  const v = clientRow(clinicId, 0, 0)
  v[0] = id
  v[2] = new Date().toISOString()
  v[3] = hlc
  return ['clients', id, 'insert', hlc, asObject(CLIENT_COLS, v)]
}

function barePatient(clinicId: string, owner: string, tag: string): WireChange {
  const id = newId()
  const hlc = formatHlc({ ms: Date.now(), counter: 0 }, tag)
  const v = patientRow(clinicId, 1, 1, 0)
  v[0] = id
  v[2] = new Date().toISOString()
  v[3] = hlc
  v[6] = owner
  return ['patients', id, 'insert', hlc, asObject(PATIENT_COLS, v)]
}

/** A plain long-poll loop over fetch on one table (Electric's protocol without the client library). */
class BareReader {
  private readonly seen = new Map<string, (t: number) => void>()
  private readonly arrived = new Map<string, number>()
  private readonly stop = new AbortController()
  private loop: Promise<void> | null = null

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly tbl: string
  ) {}

  async start(): Promise<void> {
    let offset = '-1'
    let handle = ''
    let live = false
    let cursor = ''
    const step = async () => {
      const q = new URLSearchParams({ table: this.tbl, offset, ...(handle ? { handle } : {}), ...(live ? { live: 'true', cursor } : {}) })
      const res = await fetch(`${this.url}/v1/shape?${q}`, { headers: { authorization: `Bearer ${this.token}` }, signal: this.stop.signal })
      const body = (await res.json()) as { value?: { id: string }; headers: Record<string, string> }[]
      const t = performance.now()
      if (res.status !== 200) throw new Error(`shape ${this.tbl}: ${res.status}`)
      handle = res.headers.get('electric-handle') ?? handle
      offset = res.headers.get('electric-offset') ?? offset
      cursor = res.headers.get('electric-cursor') ?? cursor
      for (const m of body) {
        if (!m.value) continue
        this.arrived.set(m.value.id, t)
        this.seen.get(m.value.id)?.(t)
      }
      if (res.headers.get('electric-up-to-date')) live = true
    }
    while (!live) await step()
    this.loop = (async () => {
      while (!this.stop.signal.aborted) await step().catch((e) => void (this.stop.signal.aborted || console.error(`bare reader: ${(e as Error).message}`)))
    })()
  }

  /** Resolves with the moment the row arrived. */
  waitFor(id: string): Promise<number> {
    const t = this.arrived.get(id)
    if (t !== undefined) return Promise.resolve(t)
    return new Promise((resolve) => this.seen.set(id, resolve))
  }

  async close(): Promise<void> {
    this.stop.abort()
    await this.loop
  }
}

// ------------------------------------------------------------------ the suite

export async function benchSync(): Promise<void> {
  const pgdb: TestDatabase = await freshDatabase()
  const work = tempDir('vetos-bench-sync-')
  let admin: Db | null = null
  let server: ServerProc | null = null
  const stations: Station[] = []
  try {
    admin = await openPostgres(pgdb.url) // applies the server's migrations
    server = await startServer(pgdb.url, join(work, 'blobs'))
    console.log(`\nSync server: child process ${server.pid} on ${server.url}, fresh PostgreSQL database; workstations in this process`)
    if (ONLY.has('first')) await firstSync(pgdb.url, admin, server)
    if (ONLY.has('propagation') || ONLY.has('convergence')) await liveWork(admin, server, stations)
    for (const s of stations.splice(0)) await s.close()
    await server.stop()
    server = null
    if (ONLY.has('memory')) await memory(pgdb.url, admin, work)
    console.log('\nGoals: first sync >= 20,000 rows/s; propagation p95 < 1 s; convergence after a night offline with 10,000 local writes < 30 s')
  } finally {
    for (const s of stations) await s.close().catch(() => undefined)
    await server?.stop()
    await admin?.close()
    await pgdb.drop()
    rmSync(work, { recursive: true, force: true })
  }
}

// ------------------------------------------------------------------ 1. first sync

async function firstSync(url: string, admin: Db, server: ServerProc): Promise<void> {
  const { clinicId } = await createClinic(admin, { name: 'Big clinic', timezone: 'UTC', currency: 'USD' })
  const { code } = await createEnrollment(admin, clinicId)
  const [{ version: base }] = await admin.query<{ version: number }>('SELECT version FROM sync_clinic WHERE clinic_id = $1', [clinicId])
  const load: Load = { clinicId, base, clients: Math.ceil(ROWS / 2), patients: Math.floor(ROWS / 2) }
  const N = load.clients + load.patients

  // The clinic's history, straight into PostgreSQL: COPY with the version trigger off and the
  // versions it would have given (contiguous, the clinic's counter moved past them), as an import would.
  console.log(`Loading ${int(N)} rows (${int(load.clients)} clients, ${int(load.patients)} patients) into PostgreSQL…`)
  let t = performance.now()
  await admin.query('ALTER TABLE clients DISABLE TRIGGER clients_version')
  await admin.query('ALTER TABLE patients DISABLE TRIGGER patients_version')
  await psqlCopy(url, `COPY clients (${CLIENT_COLS.join(', ')}) FROM STDIN`, copyText(rowsOf(load, 'clients')))
  await psqlCopy(url, `COPY patients (${PATIENT_COLS.join(', ')}) FROM STDIN`, copyText(rowsOf(load, 'patients')))
  await admin.query('ALTER TABLE clients ENABLE TRIGGER clients_version')
  await admin.query('ALTER TABLE patients ENABLE TRIGGER patients_version')
  await admin.query('UPDATE sync_clinic SET version = $2 WHERE clinic_id = $1', [clinicId, base + 2 * Math.max(load.clients, load.patients)])
  await admin.query('ANALYZE clients')
  await admin.query('ANALYZE patients')
  await admin.query('CHECKPOINT')
  const loadMs = performance.now() - t

  // Floor 1: PostgreSQL's COPY of the same rows into scratch tables (same columns and indexes, no trigger).
  await admin.query('CREATE TABLE bench_copy_clients (LIKE clients INCLUDING ALL)')
  await admin.query('CREATE TABLE bench_copy_patients (LIKE patients INCLUDING ALL)')
  t = performance.now()
  await psqlCopy(url, `COPY bench_copy_clients (${CLIENT_COLS.join(', ')}) FROM STDIN`, copyText(rowsOf(load, 'clients')))
  await psqlCopy(url, `COPY bench_copy_patients (${PATIENT_COLS.join(', ')}) FROM STDIN`, copyText(rowsOf(load, 'patients')))
  const copyIn = performance.now() - t
  await admin.query('DROP TABLE bench_copy_clients, bench_copy_patients')

  // Floor 2: PostgreSQL's COPY of the clinic's rows out, in version order (what a first sync must read).
  t = performance.now()
  let bytesOut = 0
  for (const tbl of ['clients', 'patients']) bytesOut += await psqlCopy(url, `COPY (SELECT * FROM ${tbl} WHERE clinic_id = '${clinicId}' ORDER BY server_version) TO STDOUT`)
  const copyOut = performance.now() - t

  // Floor 3: the same rows into the workstation's SQLite schema (its indexes), one transaction, prepared statements.
  const floorDir = tempDir('vetos-bench-sync-sqlite-')
  const { sqlite } = openDatabase(join(floorDir, 'vetos.db'))
  sqlite.pragma('foreign_keys = OFF')
  const toSqlite = (v: Value) => (v === true ? 1 : v === false ? 0 : v)
  const insClient = sqlite.prepare(`INSERT INTO clients (${CLIENT_COLS.join(', ')}) VALUES (${CLIENT_COLS.map(() => '?').join(', ')})`)
  const insPatient = sqlite.prepare(`INSERT INTO patients (${PATIENT_COLS.join(', ')}) VALUES (${PATIENT_COLS.map(() => '?').join(', ')})`)
  t = performance.now()
  sqlite.transaction(() => {
    for (const r of rowsOf(load, 'clients')) insClient.run(...r.map(toSqlite))
    for (const r of rowsOf(load, 'patients')) insPatient.run(...r.map(toSqlite))
  })()
  const sqliteMs = performance.now() - t
  sqlite.close()
  rmSync(floorDir, { recursive: true, force: true })

  // VetOS: a new workstation joins with the enrollment code and reads the clinic.
  const serverBefore = memoryOf(server.pid)
  const downloaded = new Map<string, number>()
  let requests = 0
  const watching = (base: typeof fetch): typeof fetch => async (input, init) => {
    const res = await base(input, init)
    const u = String(input instanceof Request ? input.url : input)
    if (u.includes('/v1/shape')) {
      requests++
      const tbl = new URL(u).searchParams.get('table')!
      if (!u.includes('live=true') && res.headers.get('electric-up-to-date')) downloaded.set(tbl, performance.now())
    }
    return res
  }
  const selfBefore = memoryOf('self')
  const serverCpu = cpuOf(server.pid)
  const selfCpu = process.cpuUsage()
  const loop = monitorEventLoopDelay({ resolution: 20 })
  loop.enable()
  t = performance.now()
  const ws = await joinStation(server.url, code, 'first-sync', watching)
  const count = ws.app.core.store.sqlite.prepare('SELECT (SELECT count(*) FROM clients) + (SELECT count(*) FROM patients)').pluck()
  await until(() => ready(ws) && (count.get() as number) >= N, 3_600_000, 'the first sync', 50)
  const firstMs = performance.now() - t
  const serverCpuMs = cpuOf(server.pid) - serverCpu
  const selfCpuMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(selfCpu))
  loop.disable()
  const lastDownload = Math.max(downloaded.get('clients') ?? 0, downloaded.get('patients') ?? 0) - t
  const selfAfter = memoryOf('self')
  const serverAfter = memoryOf(server.pid)
  await ws.close()

  const rate = (msTaken: number) => int(N / (msTaken / 1000))
  console.log(`\nFirst sync of ${int(N)} rows (${int(load.clients)} clients, ${int(load.patients)} patients) to a new workstation; loaded into PostgreSQL by COPY in ${secs(loadMs)} s`)
  console.log(
    table(
      ['what', 'seconds', 'rows/s', 'note'],
      [
        ['VetOS: enroll → every table ready, rows in SQLite', secs(firstMs), rate(firstMs), `${requests} shape requests; last page of clients/patients in at ${secs(lastDownload)} s`],
        ['floor: PostgreSQL COPY FROM (scratch tables)', secs(copyIn), rate(copyIn), 'same rows, same indexes, no trigger'],
        ['floor: PostgreSQL COPY TO (the clinic’s rows out)', secs(copyOut), rate(copyOut), `${mb(bytesOut / 1024)} MB of text, in version order`],
        ['floor: better-sqlite3 INSERT, one transaction', secs(sqliteMs), rate(sqliteMs), 'workstation schema and indexes, synchronous=FULL']
      ]
    )
  )
  console.log(
    `Memory during the first sync: this process (the workstation) peak ${mb(selfAfter.hwm)} MB (was ${mb(selfBefore.rss)} MB before); ` +
      `server process RSS ${mb(serverBefore.rss)} → ${mb(serverAfter.rss)} MB, peak ${mb(serverAfter.hwm)} MB`
  )
  console.log(`CPU during the first sync: server process ${secs(serverCpuMs)} s, this process (the workstation) ${secs(selfCpuMs)} s, in ${secs(firstMs)} s on ${availableParallelism()} cores; the workstation's event loop stalled up to ${secs(loop.max / 1e6)} s at once (a hub answers nothing meanwhile)`)
}

// ------------------------------------------------------------------ 2. propagation, 3. convergence

async function liveWork(admin: Db, server: ServerProc, stations: Station[]): Promise<void> {
  const { clinicId } = await createClinic(admin, { name: 'Riverside', timezone: 'UTC', currency: 'USD' })
  const { code } = await createEnrollment(admin, clinicId)
  const a = await joinStation(server.url, code, 'a')
  stations.push(a)
  const b = await joinStation(server.url, code, 'b')
  stations.push(b)
  await signedIn(a)
  await signedIn(b)

  // The floor's clinic: two bare devices, one pushing over HTTP, one long-polling over fetch.
  const floorClinic = await createClinic(admin, { name: 'Floor', timezone: 'UTC', currency: 'USD' })
  const floorCode = (await createEnrollment(admin, floorClinic.clinicId)).code
  const writer = await enrollBare(server.url, floorCode, 'floor-writer', floorClinic.adminId)
  const readerDevice = await enrollBare(server.url, floorCode, 'floor-reader')

  if (ONLY.has('propagation')) await propagation(a, b, server.url, floorClinic.clinicId, writer, readerDevice)
  if (ONLY.has('convergence')) await convergence(admin, server.url, code, stations, b, floorClinic.clinicId, writer)
}

async function propagation(a: Station, b: Station, url: string, floorClinicId: string, writer: Device, readerDevice: Device): Promise<void> {
  const owner = a.app.services.clients.create(a.actor, { firstName: 'Ana', lastName: 'Propagation', phones: [{ label: 'mobile', number: '555-0100' }] })
  const onB = b.app.core.store.sqlite.prepare('SELECT 1 FROM patients WHERE id = ?').pluck()
  await until(() => b.app.core.store.sqlite.prepare('SELECT 1 FROM clients WHERE id = ?').get(owner.id) !== undefined, 30_000, 'the owner to reach B')
  const reader = new BareReader(url, readerDevice.token, 'patients')
  await reader.start()
  const floorOwner = bareClient(floorClinicId, 'floorw01')
  await pushBare(url, writer, [[floorOwner]])

  const vetos: number[] = []
  const floor: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    // VetOS: registered on A through its service; B polls its own database every millisecond.
    let t = performance.now()
    const p = a.app.services.patients.create(a.actor, { clientId: owner.id, name: `Prop ${i}`, species: 'canine', sex: 'female', neuterStatus: 'neutered', dobEstimated: false })
    const end = t + 30_000
    while (onB.get(p.id) === undefined && performance.now() < end) await sleep(1)
    if (onB.get(p.id) !== undefined) vetos.push(performance.now() - t)
    await sleep(50 + Math.random() * 50)
    // Floor: a bare push until the bare long-poll of another device has the row.
    const change = barePatient(floorClinicId, floorOwner[1], 'floorw01')
    t = performance.now()
    const arrived = reader.waitFor(change[1])
    await pushBare(url, writer, [[change]])
    floor.push((await arrived) - t)
    await sleep(50 + Math.random() * 50)
  }
  await reader.close()
  const v = summarize(vetos)
  const f = summarize(floor)
  console.log(`\nPropagation: a patient registered on workstation A until it is in workstation B's database (${SAMPLES} samples, 50–100 ms apart, VetOS and the floor taking turns)`)
  console.log(
    table(
      ['what', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      [
        ['VetOS: A’s service → B’s SQLite', v.n, ms(v.p50), ms(v.p95), ms(v.p99), ms(v.max)],
        ['floor: bare HTTP push → bare long-poll has it', f.n, ms(f.p50), ms(f.p95), ms(f.p99), ms(f.max)]
      ]
    )
  )
  if (v.n < SAMPLES) console.log(`(${SAMPLES - v.n} patients did not reach B within 30 s)`)
}

async function convergence(admin: Db, url: string, code: string, stations: Station[], b: Station, floorClinicId: string, writer: Device): Promise<void> {
  const c = await joinStation(url, code, 'c')
  const cable = c.link
  stations.push(c)
  await signedIn(c)
  const { clients, patients } = c.app.services
  const { sqlite } = c.app.core.store

  // Cut off: WRITES local writes (half clients with a phone, half their patients), each its own transaction.
  cable.pull()
  const offlineAt = performance.now()
  let t = performance.now()
  for (let i = 0; i < WRITES; i += 2) {
    const owner = clients.create(c.actor, { firstName: 'Nia', lastName: 'Offline', phones: [{ label: 'mobile', number: `555-${String(i % 10_000).padStart(4, '0')}` }] })
    if (i + 1 < WRITES) patients.create(c.actor, { clientId: owner.id, name: 'Nomad', species: 'feline', sex: 'male', neuterStatus: 'neutered', dobEstimated: false })
    if (i % 500 === 0) await sleep(0) // let the push loop and the shape streams see they are cut off
  }
  const writeMs = performance.now() - t
  const wantClients = Math.ceil(WRITES / 2)
  const wantPatients = Math.floor(WRITES / 2)
  const lastSeq = sqlite.prepare('SELECT max(seq) FROM outbox').pluck().get() as number
  const outbox = sqlite.prepare('SELECT count(*) FROM outbox').pluck()
  const queued = outbox.get() as number

  // After a night offline each shape stream is asleep in @electric-sql/client's back-off (0.5 s
  // doubling to the workstation's 4 s cap, full jitter), which restarts whenever its 45 s
  // live-request timeout aborts the retries: so the link heals at a random point of that cycle,
  // after at least one full ramp.
  const tables = [...SYNCED.keys()]
  await until(() => tables.every((n) => (cable.failures.get(n) ?? 0) >= 6), 180_000, 'the shape streams to back off fully', 200)
  await sleep(Math.random() * 45_000)
  const offlineMs = performance.now() - offlineAt

  // The link heals; nothing tells the workstation (its push loop retries every 2 s, its shape streams after their back-off).
  cable.heal()
  t = cable.healedAt
  const onB = b.app.core.store.sqlite.prepare("SELECT (SELECT count(*) FROM clients WHERE last_name = 'Offline') AS c, (SELECT count(*) FROM patients WHERE name = 'Nomad') AS p")
  let pushedAt = 0
  let emptyAt = 0
  let bAt = 0
  await until(
    async () => {
      const now = performance.now() - t
      if (!pushedAt) {
        const [d] = await admin.query<{ last_seq: number }>('SELECT last_seq FROM sync_device WHERE device_id = $1', [c.deviceId])
        if (d.last_seq >= lastSeq) pushedAt = now
      }
      if (!emptyAt && outbox.get() === 0) emptyAt = now
      if (!bAt) {
        const got = onB.get() as { c: number; p: number }
        if (got.c >= wantClients && got.p >= wantPatients) bAt = now
      }
      return !!(pushedAt && emptyAt && bAt)
    },
    600_000,
    'convergence',
    50
  )
  const healed = t
  const reconnect = (names: string[]) => {
    const back = names.map((n) => cable.backAt.get(n))
    return back.every((b) => b !== undefined) ? `after ${secs(Math.max(...back.map((b) => b! - healed)))} s` : `not all yet (${back.filter((b) => b !== undefined).length} of ${names.length})`
  }

  // Where the server's time goes: bare pushes to this clinic while A, B and C hold their live shapes
  // (every commit wakes each of their long-polls), a tenth as many.
  const same = await enrollBare(url, code, 'same-clinic-writer', c.actor.id)
  const sameOwner = bareClient(c.app.core.store.clinicId, 'samew001')
  const sameMuts: WireChange[][] = [[sameOwner]]
  const sameN = Math.max(50, Math.round(WRITES / 10))
  for (let i = 1; i < sameN; i++) sameMuts.push(i % 2 ? [barePatient(c.app.core.store.clinicId, sameOwner[1], 'samew001')] : [bareClient(c.app.core.store.clinicId, 'samew001')])
  t = performance.now()
  for (let i = 0; i < sameMuts.length; i += PUSH_BATCH) await pushBare(url, same, sameMuts.slice(i, i + PUSH_BATCH))
  const sameMs = performance.now() - t

  // Floor: the same number of mutations pushed over bare HTTP, as many a request as the workstation sends,
  // to a clinic with no live shapes (the server's own write path).
  const floorOwner = bareClient(floorClinicId, 'floorw01')
  const muts: WireChange[][] = [[floorOwner]]
  for (let i = 1; i < WRITES; i++) muts.push(i % 2 ? [barePatient(floorClinicId, floorOwner[1], 'floorw01')] : [bareClient(floorClinicId, 'floorw01')])
  t = performance.now()
  for (let i = 0; i < muts.length; i += PUSH_BATCH) await pushBare(url, writer, muts.slice(i, i + PUSH_BATCH))
  const floorMs = performance.now() - t

  console.log(`\nConvergence: workstation C cut off for ${secs(offlineMs)} s (each of its ${tables.length} shape streams through a full back-off ramp, then a random 0–45 s: the link heals at a random point of the client's retry cycle, as after a night offline), ${int(WRITES)} local writes there (${int(queued)} outbox mutations, written in ${secs(writeMs)} s); A and B online`)
  console.log(
    table(
      ['after the link heals', 'seconds', 'mutations/s', 'note'],
      [
        ['VetOS: server has applied all of C’s mutations', secs(pushedAt), int(queued / (pushedAt / 1000)), `${PUSH_BATCH} a request, as C’s push loop sends them`],
        ['VetOS: B has every row', secs(bAt), '', ''],
        ['VetOS: C’s outbox empty (its shapes caught up)', secs(emptyAt), '', `C's clients, patients, contacts shapes answered again ${reconnect(['clients', 'patients', 'client_contacts'])}; all ${tables.length} ${reconnect(tables)}`],
        [`bare HTTP push of ${int(sameN)} to the same clinic`, secs(sameMs), int(sameN / (sameMs / 1000)), `A, B and C live: ${3 * SYNCED.size} long-polls woken by each commit`],
        ['floor: bare HTTP push of as many mutations', secs(floorMs), int(WRITES / (floorMs / 1000)), 'a clinic with no live shapes']
      ]
    )
  )
}

// ------------------------------------------------------------------ 4. memory with many live shapes

async function memory(url: string, admin: Db, work: string): Promise<void> {
  const server = await startServer(url, join(work, 'blobs'))
  const streams: { unsubscribe: () => void }[] = []
  const stop = new AbortController()
  setMaxListeners(0, stop.signal) // one signal for every stream
  try {
    const { clinicId, adminId } = await createClinic(admin, { name: 'Many workstations', timezone: 'UTC', currency: 'USD' })
    const { code } = await createEnrollment(admin, clinicId)
    const devices: Device[] = []
    // The first device writes (as the clinic's administrator); every device reads.
    for (let i = 0; i < DEVICES; i++) devices.push(await enrollBare(server.url, code, `mem-${i}`, i === 0 ? adminId : null))
    await sleep(2000)
    const idle = memoryOf(server.pid)

    const tables = [...SYNCED.keys()].slice(0, TABLES)
    let upToDate = 0
    const seen = new Map<string, Map<number, number>>() // row id → device → arrival
    const wanted = new Map<string, () => void>()
    for (const [di, d] of devices.entries()) {
      for (const tbl of tables) {
        const stream = new ShapeStream<Row>({ url: `${server.url}/v1/shape`, params: { table: tbl }, headers: { Authorization: `Bearer ${d.token}` }, signal: stop.signal, onError: () => ({}) })
        let first = true
        const unsubscribe = stream.subscribe((messages) => {
          for (const m of messages) {
            if (isControlMessage(m) && m.headers.control === 'up-to-date' && first) {
              first = false
              upToDate++
            }
            if (tbl === 'clients' && isChangeMessage(m)) {
              const id = String(m.value.id)
              let at = seen.get(id)
              if (!at) seen.set(id, (at = new Map()))
              at.set(di, performance.now())
              if (at.size === devices.length) wanted.get(id)?.()
            }
          }
        })
        streams.push({ unsubscribe })
      }
    }
    const total = devices.length * tables.length
    await until(() => upToDate === total, 120_000, 'every shape to be up to date', 50)
    // Every stream is now holding a live long-poll; sample the server for a few seconds.
    let held = { rss: 0, hwm: 0 }
    for (let i = 0; i < 20; i++) {
      await sleep(250)
      const m = memoryOf(server.pid)
      if (m.rss > held.rss) held = m
    }

    // One write reaching every device: a bare push, until all of them have the row.
    const fan: number[] = []
    const cpu: number[] = []
    const pusher = devices[0]
    for (let i = 0; i < 5; i++) {
      const change = bareClient(clinicId, 'memw0001')
      const all = new Promise<void>((r) => wanted.set(change[1], r))
      const c0 = cpuOf(server.pid)
      const t = performance.now()
      await pushBare(server.url, pusher, [[change]])
      await all
      fan.push(performance.now() - t)
      await sleep(300)
      cpu.push(cpuOf(server.pid) - c0)
      await sleep(700)
    }
    const after = memoryOf(server.pid)
    const f = summarize(fan)
    const c = summarize(cpu)
    console.log(`\nServer memory with ${DEVICES} enrolled devices each holding ${tables.length} live shapes (${total} long-polls; @electric-sql/client ShapeStreams in this process)`)
    console.log(
      table(
        ['server process', 'RSS MB', 'note'],
        [
          ['floor: idle, devices enrolled, no shapes', mb(idle.rss), ''],
          [`${total} live long-polls held`, mb(held.rss), `${((held.rss - idle.rss) / total).toFixed(1)} kB per long-poll`],
          ['after 5 writes woke them all', mb(after.rss), `peak ${mb(after.hwm)} MB`]
        ]
      )
    )
    console.log(`One write (bare push) until all ${DEVICES} devices' clients shape had it: median ${ms(f.p50)} ms, max ${ms(f.max)} ms; server CPU per write ${ms(c.p50)} ms (every live long-poll of the clinic wakes and reads again)`)
  } finally {
    for (const s of streams) s.unsubscribe()
    stop.abort()
    await server.stop()
  }
}
