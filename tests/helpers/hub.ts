import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '..', '..')
export const HUB_ENTRY = resolve(ROOT, 'out', 'main', 'hub.js')

export interface RunningHub {
  url: string
  token: string
  proc: ChildProcess
  output: () => string
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Starts the built hub as a real process (as `npm run hub` does) and waits for its URL; VETOS_HUB_NODE_ARGS adds Node flags (a CPU profile). */
export async function startHubProcess(args: string[], timeoutMs = 30_000): Promise<RunningHub> {
  if (!existsSync(HUB_ENTRY)) throw new Error(`${HUB_ENTRY} is missing: run "npm run build" first (npm test does)`)
  const proc = spawn(process.execPath, [...(process.env.VETOS_HUB_NODE_ARGS?.split(' ') ?? []), HUB_ENTRY, '--http-port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  proc.stdout!.on('data', (d) => (out += d))
  proc.stderr!.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)))
  const started = Date.now()
  for (;;) {
    const m = /Open (http:\/\/\S+)\?token=(\S+)/.exec(out)
    if (m) {
      return {
        url: m[1],
        token: m[2],
        proc,
        output: () => out,
        async stop(signal = 'SIGTERM') {
          if (proc.exitCode === null) proc.kill(signal)
          return exited
        }
      }
    }
    if (proc.exitCode !== null) throw new Error(`hub exited with ${proc.exitCode}:\n${out}`)
    if (Date.now() - started > timeoutMs) {
      proc.kill('SIGKILL')
      throw new Error(`hub did not start within ${timeoutMs} ms:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** POST /api/<method> as the renderer does. */
export async function api(hub: { url: string }, method: string, body: unknown, bearer: string | null): Promise<{ status: number; json: any }> {
  const res = await fetch(`${hub.url}api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body)
  })
  return { status: res.status, json: await res.json() }
}

/** A demo staff member as the sign-in screen lists them. */
export interface DemoStaff {
  id: string
  displayName: string
  role: string
}

/** Signs in through the API, as a renderer does, the first staff member `who` picks (every demo PIN is 1234); returns the session token. */
export async function apiSignIn(hub: RunningHub, who: (s: DemoStaff) => boolean, pin = '1234'): Promise<string> {
  const staff = (await api(hub, 'auth.staffList', {}, hub.token)).json.result as DemoStaff[]
  const member = staff.find(who)
  if (!member) throw new Error('no such staff member in this clinic')
  const login = await api(hub, 'auth.login', { staffId: member.id, pin }, hub.token)
  if (!login.json.ok) throw new Error(`auth.login: ${login.json.error.message}`)
  return login.json.result.token as string
}

/** The HL7 listener's port, as the hub printed it (started with --hl7-port). */
export function hl7PortOf(hub: RunningHub): number {
  const m = /Lab results \(HL7\/MLLP\) on [^:]+:(\d+)/.exec(hub.output())
  if (!m) throw new Error(`the hub did not start an HL7 listener:\n${hub.output()}`)
  return Number(m[1])
}

/** The DICOM node's port, as the hub printed it (started with --dicom-port 0). */
export function dicomPortOf(hub: RunningHub): number {
  const m = /DICOM node \S+ on [^\s]*:(\d+)/.exec(hub.output())
  if (!m) throw new Error(`the hub did not start a DICOM node:\n${hub.output()}`)
  return Number(m[1])
}
