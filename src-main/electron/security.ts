import type { App as ElectronApp, Session, WebContents } from 'electron'
import { CSP } from '../security/csp'
import { secureWebPreferences } from './window'

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

/**
 * A printable page of the app (a lab report, a receipt: app://vetos/index.html#/reports/<id>), which
 * the renderer opens in a window of its own (renderer print.ts). Nothing else of the app opens a window.
 */
export function isPrintableUrl(url: string): boolean {
  if (!isAppUrl(url)) return false
  const u = new URL(url)
  return (u.pathname === '/' || u.pathname === '/index.html') && u.search === '' && /^#\/(reports|receipts)\/[^/?#]+$/.test(u.hash)
}

/** The print window is the app itself (same preload, same locked-down preferences), on one page. */
function printWindowOptions(preload: string) {
  return { width: 900, height: 1000, autoHideMenuBar: true, title: 'VetOS — print', webPreferences: secureWebPreferences(preload) }
}

function mediaWindowOptions() {
  return { width: 900, height: 1000, autoHideMenuBar: true, webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, plugins: true } }
}

/**
 * Everything that could lead a window away from our own pages is refused in one place:
 * navigation, redirects, new windows, <webview>, permission prompts. CSP is set on every response.
 */
export function lockDown(app: ElectronApp, session: Session, preload: string): void {
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
    // Two exceptions. The app's own media (a PDF report) opens in a plain window of its own, with
    // Chromium's PDF viewer and no preload, so no bridge is exposed to it. A printable page (Print)
    // opens as the app, with the bridge; it gets the opener's sessionStorage (the staff session), as
    // any window.open with an opener does, so it is signed in without a token in its address.
    contents.setWindowOpenHandler((details?: { url: string }) => {
      if (details && isMediaUrl(details.url)) return { action: 'allow', overrideBrowserWindowOptions: mediaWindowOptions() }
      if (details && isPrintableUrl(details.url)) return { action: 'allow', overrideBrowserWindowOptions: printWindowOptions(preload) }
      return { action: 'deny' }
    })
  })
}
