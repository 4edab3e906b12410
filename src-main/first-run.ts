/**
 * A new data folder's first start, before it holds a clinic: the person chooses to join their
 * clinic through its server (an enrollment code) or to start a new clinic on this workstation.
 * Until then only the setup.* methods answer; the host (Electron or the hub) then opens the app.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { hostname } from 'node:os'
import type { MethodInput, SetupState } from '../src-preload/contract'
import type { App, JoinConfig } from './app'
import { createDispatcher, type Dispatcher } from './api/dispatch'
import { ApiError, conflict } from './api/errors'
import type { Handlers } from './api/handler-types'
import { newId } from './core/ids'
import { enrollWorkstation } from './sync/enroll'

/** A data folder without a database has never started. */
export function isNewDataFolder(dataDir: string): boolean {
  return !existsSync(join(dataDir, 'vetos.db'))
}

/** Enrolls a new data folder with the clinic server: this workstation's own device credential. */
export async function joinClinic(dataDir: string, syncUrl: string, code: string, name = hostname(), fetchFn?: typeof fetch): Promise<JoinConfig> {
  if (!isNewDataFolder(dataDir)) throw new Error(`${dataDir} already holds a clinic database; joining takes a new data folder`)
  const deviceId = newId()
  const url = syncUrl.replace(/\/+$/, '')
  const { clinicId, deviceToken } = await enrollWorkstation(url, code, deviceId, name, fetchFn)
  return { deviceId, clinicId, syncUrl: url, token: deviceToken }
}

export interface FirstRunHost {
  /** createApp on the data folder: joined to a clinic, or founding a new one when join is absent */
  create(join?: JoinConfig): App
  /** the app has started: the host answers with it from now on */
  ready(app: App): void
  log(line: string): void
}

export class FirstRun {
  private state: SetupState = { step: 'choose', error: null }
  readonly dispatch: Dispatcher

  constructor(
    private readonly dataDir: string,
    private readonly host: FirstRunHost
  ) {
    const handlers: Partial<Handlers> = {
      'setup.state': () => ({ ...this.state }),
      'setup.join': (input) => this.join(input),
      'setup.startNew': () => this.startNew()
    }
    // Everything else waits until the workstation has its clinic.
    const waiting = new Proxy(handlers, {
      get: (t, key: string) =>
        t[key as keyof Handlers] ??
        (() => {
          throw conflict('This workstation is not set up yet: join your clinic or start a new one first')
        })
    }) as Handlers
    this.dispatch = createDispatcher({ handlers: waiting, resolveSession: () => null, onInternalError: (method, e) => host.log(`first run: ${method}: ${(e as Error).stack ?? e}`) })
  }

  private join(input: MethodInput<'setup.join'>): SetupState {
    this.choosing()
    this.state = { step: 'joining', error: null }
    joinClinic(this.dataDir, input.serverUrl, input.code, input.workstationName)
      .then((config) => this.start(this.host.create(config)))
      .catch((e: Error) => (this.state = { step: 'choose', error: e.message }))
    return { ...this.state }
  }

  private startNew(): { adminPin: string } {
    this.choosing()
    // createApp founds the clinic at once, so its administrator's PIN is known before it starts.
    const app = this.host.create()
    if (!app.firstRunAdminPin) throw new ApiError('internal-error', 'the new clinic has no administrator PIN')
    this.state = { step: 'joining', error: null }
    void this.start(app).catch((e: Error) => (this.state = { step: 'choose', error: e.message }))
    return { adminPin: app.firstRunAdminPin }
  }

  private async start(app: App): Promise<void> {
    await app.start()
    this.host.ready(app)
    this.state = { step: 'ready', error: null }
  }

  private choosing(): void {
    if (this.state.step === 'joining') throw conflict('This workstation is being set up; wait for it')
    if (this.state.step === 'ready') throw conflict('This workstation already belongs to a clinic')
  }
}
