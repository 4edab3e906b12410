/** The two commands as a person runs them (with tsx, as `npm run proveniq` and `npm run proveniq:key` do): on PostgreSQL, and on the embedded database. */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ROOT } from '../helpers/hub'
import { until } from '../helpers/wait'
import { freshDatabase, type TestDatabase } from '../server/fixture'
import { report } from './fixture'

let database: TestDatabase
let dir: string
const running: ChildProcess[] = []
/** the service on a new PGlite folder, started first: creating the folder's database takes seconds */
let embedded: Promise<{ url: string; proc: ChildProcess }>

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vetos-proveniq-cli-'))
  embedded = serve(['--data-dir', dir])
  embedded.catch(() => undefined)
  database = await freshDatabase()
})

afterAll(async () => {
  // tsx starts node: each command runs in its own process group, stopped whole.
  for (const p of running) if (p.exitCode === null && p.signalCode === null) process.kill(-p.pid!, 'SIGTERM')
  await Promise.all(running.map((p) => (p.exitCode === null && p.signalCode === null ? new Promise((r) => p.once('exit', r)) : null)))
  await database?.drop()
  rmSync(dir, { recursive: true, force: true })
})

function tsx(script: 'server' | 'key', args: string[]): { proc: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const proc = spawn(resolve(ROOT, 'node_modules/.bin/tsx'), [`src-proveniq/cli/${script}.ts`, ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  running.push(proc)
  let out = ''
  proc.stdout!.on('data', (d) => (out += d))
  proc.stderr!.on('data', (d) => (out += d))
  return { proc, output: () => out, exited: new Promise((r) => proc.once('exit', (code) => r(code))) }
}

async function key(args: string[]): Promise<string> {
  const run = tsx('key', args)
  expect(await run.exited, run.output()).toBe(0)
  const k = /^api key: (\S+)$/m.exec(run.output())?.[1]
  expect(k, run.output()).toMatch(/^pvq_[A-Za-z0-9_-]{43}$/)
  return k!
}

async function serve(args: string[]): Promise<{ url: string; proc: ChildProcess }> {
  const server = tsx('server', [...args, '--port', '0'])
  await until(() => /proveniq listening on http:\/\/\S+/.test(server.output()) || server.proc.exitCode !== null, 60_000, 'the listening line')
  const url = /proveniq listening on (http:\/\/\S+)/.exec(server.output())?.[1]
  expect(url, server.output()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  return { url: url!, proc: server.proc }
}

const get = (url: string, k: string, path = '/v1/reports') => fetch(`${url}${path}`, { headers: { authorization: `Bearer ${k}` } })

it('makes member keys and serves them on PostgreSQL; a key revoked by the command is refused at once', async () => {
  const bad = tsx('key', ['--database-url', database.url, '--member', 'X', '--kind', 'zoo'])
  const [clinicKey, server] = await Promise.all([key(['--database-url', database.url, '--member', 'Hillside Vets']), serve(['--database-url', database.url])])
  expect((await get(server.url, clinicKey)).status).toBe(200)
  const filed = await fetch(`${server.url}/v1/reports`, { method: 'POST', headers: { authorization: `Bearer ${clinicKey}`, 'content-type': 'application/json' }, body: JSON.stringify(report()) })
  expect(filed.status).toBe(201)
  expect((await get(server.url, 'pvq_forged')).status).toBe(401)
  expect(await bad.exited).toBe(2)
  expect(bad.output()).toContain('--kind zoo is not one of clinic, shelter')

  const revoke = tsx('key', ['--database-url', database.url, '--revoke-member', 'Hillside Vets'])
  expect(await revoke.exited, revoke.output()).toBe(0)
  expect(revoke.output()).toMatch(/^member \S+ \(Hillside Vets\) revoked$/m)
  const refused = await get(server.url, clinicKey)
  expect(refused.status).toBe(401)
  expect(((await refused.json()) as { message: string }).message).toMatch(/revoked/)
})

// Keys and reports through the commands are the PostgreSQL case's; this one checks that the
// embedded database starts migrated without a database URL, and is one process's.
it('starts on an embedded database folder with no database URL, and keeps the folder to itself', async () => {
  const server = await embedded
  const forged = await get(server.url, 'pvq_forged')
  expect(forged.status).toBe(401)
  expect(((await forged.json()) as { message: string }).message).toMatch(/not a PROVENIQ member key/)

  // A second process on the same PGlite folder would corrupt it.
  const early = tsx('key', ['--data-dir', dir, '--member', 'Too early'])
  expect(await early.exited).toBe(1)
  expect(early.output()).toContain('in use by process')

  process.kill(-server.proc.pid!, 'SIGTERM')
  await until(() => !existsSync(join(dir, 'vetos-server.lock')), 20_000, 'the folder lock to go')
}, 60_000)
