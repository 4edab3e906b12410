import type { App as ElectronApp, Session, WebContents } from 'electron'
import { CSP } from '../security/csp'

/** The renderer's own origin: the app:// scheme registered by the host. */
export const APP_ORIGIN = 'app://vetos'

export function isAppUrl(url: string): boolean {
  try {
    return new URL(url).origin === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`)
  } catch {
    return false
  }
}

export function isMediaUrl(url: string): boolean {
  return isAppUrl(url) && new URL(url).pathname.startsWith('/media/')
}

function mediaWindowOptions() {
  return { width: 900, height: 1000, autoHideMenuBar: true, webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, plugins: true } }
}

/**
 * Everything that could lead a window away from our own pages is refused in one place:
 * navigation, redirects, new windows, <webview>, permission prompts. CSP is set on every response.
 */
export function lockDown(app: ElectronApp, session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } })
  })
  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault()
    })
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault()
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
    // One exception: the app's own media (a PDF report) opens in a plain window of its own, with
    // Chromium's PDF viewer and no preload, so no bridge is exposed to it.
    contents.setWindowOpenHandler((details?: { url: string }) => (details && isMediaUrl(details.url) ? { action: 'allow', overrideBrowserWindowOptions: mediaWindowOptions() } : { action: 'deny' }))
  })
}
