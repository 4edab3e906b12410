/**
 * Sync under crashes and network faults (issue 11): answers lost after the server applied a push;
 * pushes delivered twice, late (after newer ones) and out of order; the sync server SIGKILLed at
 * random moments and right after committing a mutation, before it could answer; a workstation
 * SIGKILLed right after its local commit, before it could push. After healing, every workstation
 * holds exactly what PostgreSQL holds for its clinic, every mutation was applied once, and no
 * outbox keeps anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createApp, type App } from '../../src-main/app'
import { newId } from '../../src-main/core/ids'
import { enrollWorkstation } from '../../src-main/sync/enroll'
import { createClinic, createEnrollment } from '../../src-server/sync/admin'
import { startSyncServer, type SyncServer } from '../../src-server/sync/http'
import { openPostgres, type Db } from '../../src-server/db'
import { freshDatabase, type PushResult, type TestDatabase } from '../server/fixture'
import { tempDir } from '../helpers/app'
import { api, ROOT, startHubProcess, type RunningHub } from '../helpers/hub'
import { until } from '../helpers/wait'

interface Dump {
  clients: unknown[]
  patients: unknown[]
}

/** Anything that holds a copy of the clinic: an in-process workstation or a hub process's data folder. */
interface Replica {
  name: string
  dump(): Dump
  outbox(): { total: number; rejected: number }
  nudge?(): void
}

interface Station extends Replica {
  app: App
  dir: string
  deviceId: string
  actor: { id: string; name: string; role: 'admin' }
}

interface Clinic {
  clinicId: string
  adminPin: string
  code: string
}

interface PushBody {
  deviceId: string
  schemaVersion: number
  mutations: { mutationId: string; seq: number }[]
}

const CLIENTS = 'SELECT id, first_name, last_name, updated_at, deleted_at, server_version FROM clients'
const PATIENTS = 'SELECT id, client_id, name, color, deceased_at, updated_at, deleted_at, server_version FROM patients'

const isPush = (input: string | URL | Request): boolean => String(input instanceof Request ? input.url : input).endsWith('/sync/v1/push')
const pushBody = (init?: RequestInit): PushBody => JSON.parse(String(init?.body)) as PushBody
const cableCut = () => new TypeError('fetch failed: other side closed')

/** Waits for an asynchronous condition, polling; `what` is asked only on a timeout, for the message. */
async function eventually(f: () => boolean | Promise<boolean>, ms: number, what: () => string): Promise<void> {
  const end = Date.now() + ms
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** A port outside the ephemeral range, so that no outgoing connection takes it while the server is down. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 10_000)
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer()
      s.once('error', () => resolve(false))
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
    })
    if (free) return port
  }
}

/**
 * Loaded into the sync server process (--require): counts the committed transactions that recorded
 * push mutations and SIGKILLs the process as soon as the nth has committed, before the server can
 * answer (its own continuation after COMMIT runs after this one). Test-only: nothing in src-server.
 */
const DIE_AFTER_COMMIT = `
const pg = require('node:module').createRequire(process.env.VETOS_TEST_ROOT + '/package.json')('pg')
const target = Number(process.env.VETOS_TEST_DIE_AFTER_COMMIT)
let committed = 0
const query = pg.Client.prototype.query
pg.Client.prototype.query = function (config, ...rest) {
  const text = typeof config === 'string' ? config : config && config.text
  const result = query.call(this, config, ...rest)
  if (typeof text === 'string' && text.startsWith('INSERT INTO sync_mutation')) this.vetosMutations = (this.vetosMutations || 0) + 1
  else if (text === 'COMMIT' || text === 'ROLLBACK') {
    const n = text === 'COMMIT' ? this.vetosMutations || 0 : 0
    this.vetosMutations = 0
    if (n > 0 && result && typeof result.then === 'function') {
      result.then(() => {
        committed += n
        if (committed >= target) process.kill(process.pid, 'SIGKILL')
      }, () => {})
    }
  }
  return result
}
`

describe('sync under crashes and network faults', () => {
  let pg: TestDatabase
  let db: Db
  const work = tempDir('vetos-faults-')
  const open: Station[] = []
  const children: ChildProcess[] = []
  const hubs: RunningHub[] = []
  const servers: SyncServer[] = []

  beforeAll(async () => {
    pg = await freshDatabase()
    db = await openPostgres(pg.url)
  })
  afterAll(async () => {
    for (const s of open.splice(0)) await s.app.close()
    for (const h of hubs) await h.stop('SIGKILL')
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
    for (const s of servers) await s.close().catch(() => undefined)
    await db?.close()
    await pg?.drop()
    rmSync(work, { recursive: true, force: true })
  })

  async function clinic(name: string): Promise<Clinic> {
    const { clinicId, adminPin } = await createClinic(db, { name, timezone: 'UTC', currency: 'USD' })
    const { code } = await createEnrollment(db, clinicId)
    return { clinicId, adminPin, code }
  }

  /**
   * The sync server in process on the shared database, closed by the test that started it once its
   * workstations are closed (a server closed long after its last request waits out idle keep-alive sockets).
   */
  async function serve(port = 0): Promise<SyncServer> {
    const s = await startSyncServer({ db, port, liveTimeoutMs: 1000 })
    servers.push(s)
    return s
  }

  const dumpOf = (sqlite: Database.Database): Dump => ({
    clients: sqlite.prepare(`${CLIENTS} ORDER BY id`).all(),
    patients: sqlite.prepare(`${PATIENTS} ORDER BY id`).all()
  })
  const outboxOf = (sqlite: Database.Database) => sqlite.prepare("SELECT count(*) AS total, count(*) FILTER (WHERE status = 'rejected') AS rejected FROM outbox").get() as { total: number; rejected: number }

  /** A workstation joined to the clinic at url (through syncFetch when given), with the administrator arrived. */
  async function station(url: string, c: Clinic, name: string, syncFetch?: typeof fetch): Promise<Station> {
    const dir = join(work, name)
    mkdirSync(dir)
    const deviceId = newId()
    const e = await enrollWorkstation(url, c.code, deviceId, name)
    const app = createApp({ dataDir: dir, host: 'hub', log: () => {}, join: { deviceId, clinicId: e.clinicId, syncUrl: url, token: e.deviceToken }, syncFetch })
    await app.start()
    const s: Station = {
      name,
      app,
      dir,
      deviceId,
      actor: { id: '', name: 'Administrator', role: 'admin' },
      dump: () => dumpOf(app.core.store.sqlite),
      outbox: () => outboxOf(app.core.store.sqlite),
      nudge: () => app.services.sync!.nudge()
    }
    open.push(s)
    await until(() => app.services.staff.list().some((m) => m.username === 'admin'), 20_000, `the administrator to arrive on ${name}`)
    s.actor.id = app.services.staff.list().find((m) => m.username === 'admin')!.id
    return s
  }

  async function close(...stations: Station[]): Promise<void> {
    for (const s of stations) {
      open.splice(open.indexOf(s), 1)
      await s.app.close()
    }
  }

  const central = async (clinicId: string): Promise<Dump> => ({
    clients: await db.query(`${CLIENTS} WHERE clinic_id = $1 ORDER BY id`, [clinicId]),
    patients: await db.query(`${PATIENTS} WHERE clinic_id = $1 ORDER BY id`, [clinicId])
  })

  /** The mutations PostgreSQL recorded for a device, in sequence order. */
  const recorded = (deviceId: string) => db.query<{ mutation_id: string; seq: number; status: string; server_version: number }>('SELECT mutation_id, seq, status, server_version FROM sync_mutation WHERE device_id = $1 ORDER BY seq', [deviceId])

  /**
   * After healing: every outbox drains, every replica equals PostgreSQL for the clinic, no mutation
   * was recorded twice and none was refused.
   */
  async function converged(c: Clinic, replicas: Replica[], ms = 30_000): Promise<Dump> {
    // A workstation whose push failed sleeps before retrying: nudging it retries now.
    await eventually(
      () => {
        for (const r of replicas) r.nudge?.()
        return replicas.every((r) => r.outbox().total === 0)
      },
      ms,
      () => `every outbox to drain (${replicas.map((r) => `${r.name}: ${JSON.stringify(r.outbox())}`).join(', ')})`
    )
    const want = await central(c.clinicId)
    const differs = () => replicas.filter((r) => JSON.stringify(r.dump()) !== JSON.stringify(want)).map((r) => r.name)
    await eventually(() => differs().length === 0, ms, () => `every replica to equal PostgreSQL (differ: ${differs().join(', ')})`)
    for (const r of replicas) expect(r.outbox(), r.name).toEqual({ total: 0, rejected: 0 })
    expect(await db.query('SELECT mutation_id FROM sync_mutation GROUP BY mutation_id HAVING count(*) > 1')).toEqual([])
    expect(await db.query('SELECT m.mutation_id, m.reason FROM sync_mutation m JOIN sync_device d USING (device_id) WHERE d.clinic_id = $1 AND m.status <> $2', [c.clinicId, 'applied'])).toEqual([])
    // Sequence numbers are dense per device: the last one recorded is the count.
    const devices = await db.query<{ device_id: string; last_seq: number; n: number }>(
      'SELECT d.device_id, d.last_seq, count(m.seq)::int AS n FROM sync_device d LEFT JOIN sync_mutation m USING (device_id) WHERE d.clinic_id = $1 GROUP BY d.device_id, d.last_seq',
      [c.clinicId]
    )
    for (const d of devices) expect(d.n, d.device_id).toBe(d.last_seq)
    return want
  }

  it('lost answers: the server applied a push the workstation never heard of; it pushes again, is answered duplicate, and each mutation is applied once', async () => {
    const c = await clinic('Lost answers')
    const answers: { sent: string[]; results: PushResult[]; lost: boolean }[] = []
    let toLose = 2
    let whileLost: (() => void) | null = null
    // Forwards the push and lets the server answer, then drops the answer on the floor.
    const lossy: typeof fetch = async (input, init) => {
      const res = await fetch(input, init)
      if (!isPush(input) || !res.ok) return res
      const { results } = (await res.clone().json()) as { results: PushResult[] }
      const lost = toLose > 0
      answers.push({ sent: pushBody(init).mutations.map((m) => m.mutationId), results, lost })
      if (!lost) return res
      toLose--
      // The workstation goes on working while its answer is lost.
      const work = whileLost
      whileLost = null
      work?.()
      throw cableCut()
    }
    const server = await serve()
    const a = await station(server.url, c, 'lost-a', lossy)
    const b = await station(server.url, c, 'lost-b')
    const { clients, patients } = a.app.services
    const owner = clients.create(a.actor, { firstName: 'Marta', lastName: 'Quintana', phones: [] })
    const pets = ['Pimienta', 'Canela', 'Comino', 'Anís'].map((name) => patients.create(a.actor, { clientId: owner.id, name, species: 'canine', sex: 'female', neuterStatus: 'neutered', dobEstimated: false }))
    whileLost = () => pets.push(...['Laurel', 'Tomillo', 'Romero'].map((name) => patients.create(a.actor, { clientId: owner.id, name, species: 'feline', sex: 'male', neuterStatus: 'intact', dobEstimated: false })))

    const want = await converged(c, [a, b])

    // Two answers were lost; what they applied came back as duplicate on the next push.
    expect(answers.filter((x) => x.lost)).toHaveLength(2)
    const firstLost = answers.find((x) => x.lost)!
    expect(firstLost.results.every((r) => r.status === 'applied')).toBe(true)
    const later = answers.slice(answers.indexOf(firstLost) + 1).flatMap((x) => x.results)
    for (const id of firstLost.sent) expect(later.find((r) => r.mutationId === id)?.status).toBe('duplicate')
    // Every mutation the workstation sent was applied exactly once, and answered the same version each time.
    const sent = new Set(answers.flatMap((x) => x.sent))
    const all = answers.flatMap((x) => x.results)
    for (const id of sent) {
      expect(all.filter((r) => r.mutationId === id && r.status === 'applied'), id).toHaveLength(1)
      expect(new Set(all.filter((r) => r.mutationId === id).map((r) => r.serverVersion)).size, id).toBe(1)
    }
    const rows = await recorded(a.deviceId)
    expect(rows.map((r) => r.mutation_id).sort()).toEqual([...sent].sort())
    expect(rows.length).toBe(1 + 7)
    expect((want.patients as { id: string }[]).map((p) => p.id).sort()).toEqual(pets.map((p) => p.id).sort())
    await close(a, b)
    await server.close()
  })

  it('a slow answer: a change committed while a push is on the wire is pushed as soon as that push is answered, not after the retry pause', async () => {
    const c = await clinic('Slow link')
    let whileOnTheWire: (() => void) | null = null
    const slow: typeof fetch = async (input, init) => {
      const res = await fetch(input, init)
      if (isPush(input) && whileOnTheWire) {
        // The server has answered; before the answer reaches the workstation, someone records a client.
        const work = whileOnTheWire
        whileOnTheWire = null
        work()
      }
      return res
    }
    const server = await serve()
    const a = await station(server.url, c, 'slow-a', slow)
    a.app.services.clients.create(a.actor, { firstName: 'Ana', lastName: 'First', phones: [] })
    let second = ''
    let committedAt = 0
    whileOnTheWire = () => {
      second = a.app.services.clients.create(a.actor, { firstName: 'Ana', lastName: 'Second', phones: [] }).id
      committedAt = Date.now()
    }
    await until(() => second !== '', 10_000, 'the first push to be answered')
    await eventually(async () => (await db.query('SELECT 1 FROM clients WHERE id = $1', [second])).length === 1, 10_000, () => 'the second client to reach PostgreSQL')
    // After a push the loop pauses RETRY_MS (2 s) unless nudged; the commit's nudge came while it was busy and must not be lost.
    expect(Date.now() - committedAt).toBeLessThan(2000)
    await converged(c, [a])
    await close(a)
    await server.close()
  })

  it('duplicated requests: every push sent twice at once is applied once, the other copy answered duplicate', async () => {
    const c = await clinic('Duplicated')
    const pairs: [PushResult[], PushResult[]][] = []
    const twice: typeof fetch = async (input, init) => {
      if (!isPush(input)) return fetch(input, init)
      const [r1, r2] = await Promise.all([fetch(input, init), fetch(input, init)])
      if (!r1.ok || !r2.ok) return r1.ok ? r2 : r1
      const [j1, j2] = (await Promise.all([r1.clone().json(), r2.clone().json()])) as { results: PushResult[] }[]
      pairs.push([j1.results, j2.results])
      return Math.random() < 0.5 ? r1 : r2
    }
    const server = await serve()
    const a = await station(server.url, c, 'twice-a', twice)
    const b = await station(server.url, c, 'twice-b')
    const { clients, patients } = a.app.services
    for (let round = 0; round < 3; round++) {
      const owner = clients.create(a.actor, { firstName: 'Iris', lastName: `Round ${round}`, phones: [] })
      for (let i = 0; i < 4; i++) patients.create(a.actor, { clientId: owner.id, name: `Pet ${round}.${i}`, species: 'feline', sex: 'male', neuterStatus: 'neutered', dobEstimated: false })
      // Another round once this one is through: several pushes, each of them doubled.
      await until(() => a.outbox().total === 0, 15_000, 'the round to drain')
    }
    await converged(c, [a, b])
    expect(pairs.length).toBeGreaterThanOrEqual(3)
    for (const [one, other] of pairs) {
      expect(one.map((r) => r.mutationId)).toEqual(other.map((r) => r.mutationId))
      one.forEach((r, i) => {
        expect([r.status, other[i].status].sort()).toEqual(['applied', 'duplicate'])
        expect(r.serverVersion).toBe(other[i].serverVersion)
      })
    }
    expect(await recorded(a.deviceId)).toHaveLength(3 * 5)
    await close(a, b)
    await server.close()
  })

  it('late and reordered requests: a push delivered after newer ones changes nothing; a later mutation arriving first is a gap', async () => {
    const c = await clinic('Reordered')
    let mode: 'pass' | 'hold' | 'cut' = 'pass'
    const held: { url: string; init: RequestInit }[] = []
    const cut: { url: string; init: RequestInit }[] = []
    const net: typeof fetch = async (input, init) => {
      if (isPush(input) && mode === 'hold') {
        // Lost in a slow link: the workstation gives up on it, and it arrives later.
        mode = 'pass'
        held.push({ url: String(input), init: init! })
        throw cableCut()
      }
      if (isPush(input) && mode === 'cut') {
        cut.push({ url: String(input), init: init! })
        throw cableCut()
      }
      return fetch(input, init)
    }
    const server = await serve()
    const a = await station(server.url, c, 'late-a', net)
    const b = await station(server.url, c, 'late-b')
    const { clients, patients } = a.app.services
    const owner = clients.create(a.actor, { firstName: 'Noor', lastName: 'Haddad', phones: [] })
    const pet = patients.create(a.actor, { clientId: owner.id, name: 'Sumac', species: 'canine', sex: 'male', neuterStatus: 'intact', dobEstimated: false })
    await until(() => a.outbox().total === 0, 15_000, 'the first changes to drain')
    const edit = (color: string) => patients.update(a.actor, { id: pet.id, name: 'Sumac', species: 'canine', sex: 'male', neuterStatus: 'intact', dobEstimated: false, color })

    // The push of "black" is held back; the workstation retries and "black", then "tan", are applied.
    mode = 'hold'
    edit('black')
    await until(() => held.length === 1, 10_000, 'the push to be held')
    edit('tan')
    clients.update(a.actor, owner.id, { firstName: 'Noor', lastName: 'Haddad-Said', phones: [] })
    await converged(c, [a, b])
    const snapshot = async () => ({
      rows: await central(c.clinicId),
      version: await db.query('SELECT version FROM sync_clinic WHERE clinic_id = $1', [c.clinicId]),
      mutations: await recorded(a.deviceId)
    })
    const before = await snapshot()
    const late = await fetch(held[0].url, held[0].init)
    expect(late.status).toBe(200)
    const lateResults = ((await late.json()) as { results: PushResult[] }).results
    const byId = new Map(before.mutations.map((m) => [m.mutation_id, m]))
    expect(lateResults.length).toBeGreaterThan(0)
    for (const r of lateResults) expect(r).toMatchObject({ status: 'duplicate', serverVersion: byId.get(r.mutationId)!.server_version })
    expect(await snapshot()).toEqual(before)
    expect(a.app.services.patients.get(pet.id).patient.color).toBe('tan')

    // Cut off: two mutations wait. The later one alone reaches the server first: a gap, nothing applied.
    mode = 'cut'
    const late1 = patients.create(a.actor, { clientId: owner.id, name: 'Zaatar', species: 'canine', sex: 'female', neuterStatus: 'neutered', dobEstimated: false })
    const late2 = patients.create(a.actor, { clientId: owner.id, name: 'Mahleb', species: 'canine', sex: 'female', neuterStatus: 'neutered', dobEstimated: false })
    await until(() => cut.some((x) => pushBody(x.init).mutations.length === 2), 10_000, 'a push of both mutations')
    const both = cut.find((x) => pushBody(x.init).mutations.length === 2)!
    const body = pushBody(both.init)
    const send = async (mutations: PushBody['mutations']) => {
      const res = await fetch(both.url, { ...both.init, body: JSON.stringify({ ...body, mutations }) })
      expect(res.status).toBe(200)
      return ((await res.json()) as { results: PushResult[] }).results
    }
    const gapBefore = await snapshot()
    expect(await send([body.mutations[1]])).toMatchObject([{ mutationId: body.mutations[1].mutationId, status: 'gap', serverVersion: null }])
    expect(await snapshot()).toEqual(gapBefore)

    // Healed: the workstation pushes both in order; each applied once; replaying either is a duplicate.
    mode = 'pass'
    const want = await converged(c, [a, b])
    expect((want.patients as { name: string }[]).filter((p) => p.name === 'Zaatar' || p.name === 'Mahleb')).toHaveLength(2)
    const healed = await snapshot()
    expect((await send(body.mutations)).map((r) => r.status)).toEqual(['duplicate', 'duplicate'])
    expect((await send([body.mutations[1]])).map((r) => r.status)).toEqual(['duplicate'])
    expect(await snapshot()).toEqual(healed)
    expect(b.app.services.patients.get(late1.id).patient.name).toBe('Zaatar')
    expect(b.app.services.patients.get(late2.id).patient.name).toBe('Mahleb')
    await close(a, b)
    await server.close()
  })

  it('the sync server SIGKILLed at random moments and right after committing a mutation, before answering: nothing lost, nothing twice', async () => {
    const c = await clinic('Server crashes')
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const blobDir = join(work, 'server-blobs')
    const preload = join(work, 'die-after-commit.cjs')
    writeFileSync(preload, DIE_AFTER_COMMIT)

    /** The server as `npm run server` runs it (tsx), on PostgreSQL, on the same port each time. */
    async function startServer(dieAfterCommit?: number): Promise<{ proc: ChildProcess; exited: Promise<unknown> }> {
      const args = [...(dieAfterCommit ? ['--require', preload] : []), '--import', 'tsx', 'src-server/cli/server.ts', '--database-url', pg.url, '--blob-dir', blobDir, '--port', String(port)]
      const env = { ...process.env, VETOS_TEST_ROOT: ROOT, VETOS_TEST_DIE_AFTER_COMMIT: String(dieAfterCommit ?? '') }
      const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
      children.push(proc)
      let out = ''
      proc.stdout!.on('data', (d) => (out += d))
      proc.stderr!.on('data', (d) => (out += d))
      const exited = new Promise((r) => proc.once('exit', r))
      await until(() => out.includes(`sync server listening on ${url}`) || proc.exitCode !== null || proc.signalCode !== null, 20_000, 'the sync server to start')
      if (!out.includes('listening')) throw new Error(`the sync server did not start:\n${out}`)
      return { proc, exited }
    }

    // What the workstations sent, and the first answer each mutation got.
    const firstAnswer = new Map<string, PushResult['status']>()
    const sent = new Set<string>()
    const listening: typeof fetch = async (input, init) => {
      if (!isPush(input)) return fetch(input, init)
      for (const m of pushBody(init).mutations) sent.add(m.mutationId)
      const res = await fetch(input, init)
      if (!res.ok) return res
      for (const r of ((await res.clone().json()) as { results: PushResult[] }).results) if (!firstAnswer.has(r.mutationId)) firstAnswer.set(r.mutationId, r.status)
      return res
    }

    let running = await startServer()
    const a = await station(url, c, 'crash-a', listening)
    const b = await station(url, c, 'crash-b', listening)

    // A steady stream of changes at both workstations, while the server dies and comes back.
    const made: string[] = []
    const madeAtA: string[] = []
    let writing = true
    const writer = (async () => {
      for (let i = 1; writing; i++) {
        for (const s of [a, b]) made.push(s.app.services.clients.create(s.actor, { firstName: 'Kim', lastName: `${s.name} ${i}`, phones: [] }).id)
        madeAtA.push(made[made.length - 2])
        if (i % 3 === 0) {
          const id = madeAtA[Math.floor(Math.random() * madeAtA.length)]
          a.app.services.clients.update(a.actor, id, { firstName: 'Kim', lastName: `renamed ${i}`, phones: [] })
        }
        await new Promise((r) => setTimeout(r, 25))
      }
    })()

    const committed = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM sync_mutation m JOIN sync_device d USING (device_id) WHERE d.clinic_id = $1', [c.clinicId]))[0].n)
    const rounds: ('after-commit' | 'random')[] = ['after-commit', 'random', 'after-commit', 'random', 'after-commit']
    for (const round of rounds) {
      if (round === 'after-commit') {
        // The server kills itself right after the nth mutation it commits (mid-batch when n > 1), before answering.
        if (running.proc.exitCode === null && running.proc.signalCode === null) running.proc.kill('SIGKILL')
        await running.exited
        running = await startServer(1 + Math.floor(Math.random() * 4))
        await eventually(() => running.proc.signalCode !== null || running.proc.exitCode !== null, 20_000, () => 'the server to die after a commit')
        expect(running.proc.signalCode).toBe('SIGKILL')
      } else {
        // Killed from outside once some more mutations were committed: wherever the server stands then.
        running = await startServer()
        const start = await committed()
        const more = 1 + Math.floor(Math.random() * 30)
        await eventually(async () => (await committed()) >= start + more, 20_000, () => `${more} more mutations to be committed`)
        running.proc.kill('SIGKILL')
      }
      await running.exited
    }
    running = await startServer()
    writing = false
    await writer

    const want = await converged(c, [a, b])
    // Nothing made was lost, and each mutation the workstations sent is recorded once.
    const ids = new Set((want.clients as { id: string }[]).map((r) => r.id))
    expect(made.filter((id) => !ids.has(id))).toEqual([])
    const rows = [...(await recorded(a.deviceId)), ...(await recorded(b.deviceId))]
    expect(rows.map((r) => r.mutation_id).sort()).toEqual([...sent].sort())
    const kept = new Set(rows.map((r) => r.mutation_id))
    expect([...firstAnswer.keys()].filter((id) => !kept.has(id))).toEqual([])
    // Each server that died after a commit left at least one mutation applied but unanswered: its first answer was "duplicate".
    const committedUnanswered = [...firstAnswer].filter(([, status]) => status === 'duplicate')
    expect(committedUnanswered.length).toBeGreaterThanOrEqual(rounds.filter((r) => r === 'after-commit').length)
    expect([...firstAnswer.values()].every((s) => s === 'applied' || s === 'duplicate')).toBe(true)
    await close(a, b)
    running.proc.kill('SIGTERM')
    await running.exited
  }, 90_000)

  it('a workstation SIGKILLed right after its local commit, before it could push: the records reach PostgreSQL once, and the other workstation', async () => {
    const c = await clinic('Workstation crashes')
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    let sync = await serve(port)
    const dir = join(work, 'hub')
    mkdirSync(dir)

    async function signIn(hub: RunningHub): Promise<string> {
      let admin: { id: string } | undefined
      await eventually(
        async () => {
          const staff = (await api(hub, 'auth.staffList', {}, hub.token)).json.result as { id: string; displayName: string }[]
          admin = staff.find((s) => s.displayName === 'Administrator')
          return admin !== undefined
        },
        20_000,
        () => 'the clinic’s staff to arrive on the hub'
      )
      const login = await api(hub, 'auth.login', { staffId: admin!.id, pin: c.adminPin }, hub.token)
      expect(login.json.ok).toBe(true)
      return login.json.result.token as string
    }
    const call = async (hub: RunningHub, token: string, method: string, input: unknown) => {
      const r = await api(hub, method, input, token)
      if (!r.json.ok) throw new Error(`${method}: ${r.json.error.message}`)
      return r.json.result as { id: string }
    }

    let hub = await startHubProcess(['--data-dir', dir, '--sync-url', url, '--enroll', c.code])
    hubs.push(hub)
    const b = await station(url, c, 'crash-b2', undefined)
    let token = await signIn(hub)

    // The server is down: the writes commit locally and cannot be pushed; the hub dies right after the last.
    await sync.close()
    const owner = await call(hub, token, 'clients.create', { firstName: 'Lena', lastName: 'Vogel', phones: [] })
    const pets = [await call(hub, token, 'patients.create', { clientId: owner.id, name: 'Brezel', species: 'canine', sex: 'male', neuterStatus: 'intact' })]
    pets.push(await call(hub, token, 'patients.create', { clientId: owner.id, name: 'Strudel', species: 'feline', sex: 'female', neuterStatus: 'neutered' }))
    expect(await hub.stop('SIGKILL')).toBeNull()
    const local = new Database(join(dir, 'vetos.db'))
    const deviceId = local.prepare("SELECT value FROM device_meta WHERE key = 'device_id'").pluck().get() as string
    const waiting = local.prepare("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sent')").pluck().get() as number
    local.close()
    expect(waiting).toBeGreaterThanOrEqual(3)
    expect(await db.query('SELECT id FROM patients WHERE client_id = $1', [owner.id])).toEqual([])

    // The server returns, then the hub on the same data folder, without --enroll.
    sync = await serve(port)
    hub = await startHubProcess(['--data-dir', dir])
    hubs.push(hub)
    token = await signIn(hub)

    // Killed again right after a write, the server up this time: the push may or may not have gone out.
    const again = await call(hub, token, 'patients.create', { clientId: owner.id, name: 'Kipferl', species: 'canine', sex: 'female', neuterStatus: 'intact' })
    pets.push(again)
    await hub.stop('SIGKILL')
    hub = await startHubProcess(['--data-dir', dir])
    hubs.push(hub)

    const file = new Database(join(dir, 'vetos.db'), { readonly: true })
    try {
      const replica: Replica = { name: 'hub', dump: () => dumpOf(file), outbox: () => outboxOf(file) }
      const want = await converged(c, [replica, b])
      expect((want.patients as { id: string; client_id: string }[]).filter((p) => p.client_id === owner.id).map((p) => p.id).sort()).toEqual(pets.map((p) => p.id).sort())
      expect(b.app.services.patients.get(again.id).owner.lastName).toBe('Vogel')
      const rows = await recorded(deviceId)
      expect(new Set(rows.map((r) => r.mutation_id)).size).toBe(rows.length)
      expect(rows.length).toBeGreaterThanOrEqual(4)
    } finally {
      file.close()
    }
    await hub.stop()
    await close(b)
    await sync.close()
  }, 60_000)
})
