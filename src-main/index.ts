/**
 * The Electron host: a window over the same composition root the hub uses.
 * Thin by design: the window, IPC for the one API contract, and the app:// protocol.
 */
import { app, BrowserWindow, ipcMain, protocol, net, session } from 'electron'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createApp, type App } from './app'
import { forwardLive } from './events'
import { parseHostFlags } from './config'
import { APP_ORIGIN, isAppUrl, lockDown } from './electron/security'
import { secureWebPreferences } from './electron/window'
import { appProtocolHandler } from './electron/protocol'
import { startSimulators } from './simulators'

const here = fileURLToPath(new URL('.', import.meta.url))
const rendererDir = join(here, '..', 'renderer')

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }])

let core: App | null = null

async function start(): Promise<void> {
  // Electron and Chromium may add switches of their own, so unknown ones are ignored here.
  const flags = parseHostFlags(process.argv.slice(app.isPackaged ? 1 : 2), process.env, false)
  if (flags === 'help') return app.quit()
  core = createApp({ dataDir: flags.dataDir ?? app.getPath('userData'), demo: flags.demo, host: 'electron', version: app.getVersion(), labs: { hl7: flags.hl7, analyzer: flags.analyzer }, imaging: { dicom: flags.dicom } })
  await core.start()
  if (flags.simulators) await startSimulators(core, (line) => console.log(line))
  await app.whenReady()
  lockDown(app, session.defaultSession)

  // Only files inside the built renderer and the app's own media are served; anything else is a 404.
  protocol.handle('app', appProtocolHandler(core.media, rendererDir, (url) => net.fetch(url)))

  ipcMain.handle('vetos:invoke', (event, method: unknown, input: unknown, token: unknown) => {
    if (!isAppUrl(event.senderFrame?.url ?? '')) return { ok: false, error: { code: 'forbidden', message: 'Not from the app' } }
    return core!.dispatch(method, input, typeof token === 'string' ? token : null)
  })
  forwardLive(core.events, ({ event }) => {
    for (const w of BrowserWindow.getAllWindows()) w.webContents.send('vetos:event', event)
  })

  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    title: 'VetOS',
    show: false,
    webPreferences: secureWebPreferences(join(here, '..', 'preload', 'index.cjs'))
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
