/** Child processes as the benchmarks use them: a CLI server started and stopped, its memory and CPU read from /proc. */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { ROOT } from '../tests/helpers/hub'
import { freePort } from '../tests/helpers/labs'

export const sleep = (n: number) => new Promise((r) => setTimeout(r, n))

export async function until(f: () => boolean | Promise<boolean>, timeoutMs: number, what: string, every = 20): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await f())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(every)
  }
}

export interface ServerProc {
  url: string
  pid: number
  stop(): Promise<void>
}

/** Runs a server CLI (e.g. src-server/cli/server.ts) on a free port with tsx and waits for its `<name> listening on` line. */
export async function startCliServer(script: string, args: string[], name: string, timeoutMs: number): Promise<ServerProc> {
  const port = await freePort()
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, ...args, '--port', String(port)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  proc.stdout!.on('data', (d) => (out += d))
  proc.stderr!.on('data', (d) => (out += d))
  const exited = new Promise((r) => proc.once('exit', r))
  await until(() => out.includes(`${name} listening on`) || proc.exitCode !== null, timeoutMs, `the ${name} to start`, 50)
  if (proc.exitCode !== null) throw new Error(`the ${name} did not start:\n${out}`)
  return {
    url: `http://127.0.0.1:${port}`,
    pid: proc.pid!,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
      await exited
    }
  }
}

/** VmRSS and VmHWM (peak) of a process, in kB. */
export function memoryOf(pid: number | 'self'): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN)
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') }
}

/** User + system CPU time of a process, in ms. */
export function cpuOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // utime, stime in clock ticks (USER_HZ 100)
}
