import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

/** A virtual serial cable: two pseudo-terminals joined by socat, as /dev/ttyUSB0 would be to an analyzer. */
export class SerialPair {
  private proc: ChildProcess | null = null
  readonly a: string
  readonly b: string

  constructor(dir: string) {
    this.a = join(dir, 'ttyHOST')
    this.b = join(dir, 'ttyANALYZER')
  }

  async start(): Promise<void> {
    this.proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`], { stdio: 'ignore' })
    const until = Date.now() + 5000
    while (!(existsSync(this.a) && existsSync(this.b))) {
      if (this.proc.exitCode !== null) throw new Error('socat exited; is it installed? (npm test installs it)')
      if (Date.now() > until) throw new Error('socat did not create the serial pair')
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  /** Unplugs the cable: both ends disappear. */
  async stop(): Promise<void> {
    const p = this.proc
    if (!p || p.exitCode !== null) return
    const exited = new Promise((r) => p.once('exit', r))
    p.kill('SIGTERM')
    await exited
  }
}
