import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createApp, type App } from '../../src-main/app'
import type { LabsConfig } from '../../src-main/labs'
import type { ImagingConfig } from '../../src-main/imaging'
import type { BillingConfig } from '../../src-main/billing'
import type { ApiResponse, MethodInput, MethodName, MethodOutput } from '../../src-preload/contract'

export interface TestApp {
  app: App
  dir: string
  /** calls through the dispatcher exactly as a renderer would, and fails the test on an error */
  call<M extends MethodName>(method: M, input: MethodInput<M>, token?: string | null): MethodOutput<M>
  /** the raw response, for tests that expect an error */
  raw(method: string, input: unknown, token?: string | null): ApiResponse<unknown>
  /** signs in the first staff member with the role and returns the session token */
  signIn(role: 'veterinarian' | 'technician' | 'front_desk' | 'admin'): string
  close(): Promise<void>
}

export function tempDir(prefix = 'vetos-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** A demo-clinic app in a fresh data folder (every demo PIN is 1234). */
export function makeApp(opts: { demo?: boolean; dir?: string; labs?: LabsConfig; imaging?: ImagingConfig; billing?: BillingConfig; /** the administrator's PIN of a data folder made before (its first-run PIN) */ pin?: string } = {}): TestApp {
  const dir = opts.dir ?? tempDir()
  const app = createApp({ dataDir: dir, demo: opts.demo ?? true, host: 'hub', log: () => {}, labs: opts.labs, imaging: opts.imaging, billing: opts.billing })
  let token: string | null = null
  // A method that waits on an outside service (PROVENIQ) answers with a promise: the test awaits call() or raw().
  const raw = (method: string, input: unknown, t: string | null = token) => app.dispatch(method, input, t) as ApiResponse<unknown>
  const call = <M extends MethodName>(method: M, input: MethodInput<M>, t: string | null = token): MethodOutput<M> => {
    const check = (r: ApiResponse<unknown>) => {
      if (!r.ok) throw new Error(`${method} failed: ${r.error.code}: ${r.error.message}`)
      return r.result as MethodOutput<M>
    }
    const r = app.dispatch(method, input, t)
    return r instanceof Promise ? (r.then(check) as unknown as MethodOutput<M>) : check(r)
  }
  return {
    app,
    dir,
    call,
    raw,
    signIn(role) {
      const member = app.services.staff.list().find((s) => s.role === role && s.active)
      if (!member) throw new Error(`no ${role} in this clinic`)
      token = call('auth.login', { staffId: member.id, pin: app.firstRunAdminPin ?? opts.pin ?? '1234' }, null).token
      return token
    },
    async close() {
      await app.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
