/**
 * The Electron host: a window over the same composition root the hub uses.
 * Thin by design: the window, IPC for the one API contract, and the app:// protocol.
 */
import { app, BrowserWindow, ipcMain, protocol, net, safeStorage, session } from 'electron'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApp, type App } from './app'
import { forwardLive } from './events'
import { parseHostFlags } from './config'
import { APP_ORIGIN, isAppUrl, lockDown } from './electron/security'
import { secureWebPreferences } from './electron/window'
import { appProtocolHandler } from './electron/protocol'
import { startSimulators } from './simulators'
import { FirstRun, isNewDataFolder } from './first-run'

const here = fileURLToPath(new URL('.', import.meta.url))
const rendererDir = join(here, '..', 'renderer')

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }])

let core: App | null = null
/** live events start once the first-run choice has opened the app */
let firstRunLive: ((opened: App) => void) | null = null

async function start(): Promise<void> {
  // Electron and Chromium may add switches of their own, so unknown ones are ignored here.
  const flags = parseHostFlags(process.argv.slice(app.isPackaged ? 1 : 2), process.env, false)
  if (flags === 'help') return app.quit()
  const dataDir = flags.dataDir ?? app.getPath('userData')
  const config = { dataDir, demo: flags.demo, host: 'electron' as const, keychain: safeStorage, version: app.getVersion(), labs: { hl7: flags.hl7, analyzer: flags.analyzer }, imaging: { dicom: flags.dicom } }
  // A new data folder asks first: join the clinic through its server, or start a new clinic here.
  const firstRun =
    !flags.demo && isNewDataFolder(dataDir)
      ? new FirstRun(dataDir, {
          create: (join) => createApp({ ...config, join }),
          ready: (opened) => {
            core = opened
            firstRunLive?.(opened)
          },
          log: (line) => console.error(line)
        })
      : null
  if (!firstRun) {
    core = createApp(config)
    await core.start()
    if (flags.simulators) await startSimulators(core, (line) => console.log(line))
  }
  await app.whenReady()
  const preload = join(here, '..', 'preload', 'index.cjs')
  lockDown(app, session.defaultSession, preload)

  // Only files inside the built renderer and the app's own media are served; anything else is a 404.
  protocol.handle('app', appProtocolHandler(() => core?.media ?? null, rendererDir, (url) => net.fetch(url)))

  ipcMain.handle('vetos:invoke', (event, method: unknown, input: unknown, token: unknown) => {
    if (!isAppUrl(event.senderFrame?.url ?? '')) return { ok: false, error: { code: 'forbidden', message: 'Not from the app' } }
    const dispatch = core ? core.dispatch : firstRun!.dispatch
    return dispatch(method, input, typeof token === 'string' ? token : null)
  })
  const live = (opened: App) =>
    forwardLive(opened.events, ({ event }) => {
      for (const w of BrowserWindow.getAllWindows()) w.webContents.send('vetos:event', event)
    })
  if (core) live(core)
  else firstRunLive = live

  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    title: 'VetOS',
    show: false,
    webPreferences: secureWebPreferences(preload)
  })
  win.once('ready-to-show', () => win.show())
  await win.loadURL(`${APP_ORIGIN}/index.html`)
}

app.on('window-all-closed', () => {
  const closing = core?.close()
  core = null
  void Promise.resolve(closing).finally(() => app.quit())
})

start().catch((e) => {
  console.error(e)
  app.quit()
})
