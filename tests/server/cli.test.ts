/** The two commands as a person runs them: npm run server:enroll and npm run server. */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ROOT } from '../helpers/hub'
import { until } from '../helpers/wait'
import { freshDatabase, type TestDatabase } from './fixture'

let database: TestDatabase
let dir: string
const running: ChildProcess[] = []

beforeAll(async () => {
  database = await freshDatabase()
  dir = mkdtempSync(join(tmpdir(), 'vetos-server-cli-'))
})

afterAll(async () => {
  // npm starts tsx which starts node: each command runs in its own process group, stopped whole.
  for (const p of running) if (p.exitCode === null && p.signalCode === null) process.kill(-p.pid!, 'SIGTERM')
  await Promise.all(running.map((p) => (p.exitCode === null && p.signalCode === null ? new Promise((r) => p.once('exit', r)) : null)))
  await database?.drop()
  rmSync(dir, { recursive: true, force: true })
})

function npm(args: string[]): { proc: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const proc = spawn('npm', ['run', '-s', ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  running.push(proc)
  let out = ''
  proc.stdout!.on('data', (d) => (out += d))
  proc.stderr!.on('data', (d) => (out += d))
  return { proc, output: () => out, exited: new Promise((r) => proc.once('exit', (code) => r(code))) }
}

it('server:enroll creates a clinic and prints its enrollment code and administrator PIN', async () => {
  const run = npm(['server:enroll', '--', '--database-url', database.url, '--clinic', 'Hillside Vets'])
  expect(await run.exited).toBe(0)
  expect(run.output()).toMatch(/^enrollment code: [0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/m)
  expect(run.output()).toMatch(/^administrator PIN: \d{6}$/m)
})

it('server starts on an embedded database with only a data folder and a port, and keeps the folder to itself', async () => {
  const server = npm(['server', '--', '--data-dir', dir, '--port', '0'])
  await until(() => /sync server listening on http:\/\/\S+/.test(server.output()) || server.proc.exitCode !== null, 60_000, 'the listening line')
  const url = /sync server listening on (http:\/\/\S+)/.exec(server.output())?.[1]
  expect(url, server.output()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  expect((await fetch(`${url}/v1/shape?table=clients&offset=-1`)).status).toBe(401)

  // A second process on the same PGlite folder would corrupt it.
  const enroll = npm(['server:enroll', '--', '--data-dir', dir, '--clinic', 'Too early'])
  expect(await enroll.exited).toBe(1)
  expect(enroll.output()).toContain('in use by process')

  // Stopped, it closes the database and frees the folder, also when the stop arrives twice (the
  // process group's signal, then npm and tsx relaying it): a repeat used to kill it mid-close.
  process.kill(-server.proc.pid!, 'SIGTERM')
  await new Promise((r) => setTimeout(r, 200))
  if (server.proc.exitCode === null && server.proc.signalCode === null) process.kill(-server.proc.pid!, 'SIGTERM')
  await until(() => !existsSync(join(dir, 'vetos-server.lock')), 60_000, 'the folder lock to go').catch((e) => {
    throw new Error(`${e.message}; server exit ${server.proc.exitCode ?? server.proc.signalCode ?? 'none yet'}, output:\n${server.output()}`)
  })
  // PGlite starts and migrates a new folder in 10-15 s here, more on a busy machine: the waits above allow it.
}, 150_000)
