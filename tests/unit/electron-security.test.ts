import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import type { App, Session } from 'electron'
import { isAppUrl, lockDown } from '../../src-main/electron/security'
import { secureWebPreferences } from '../../src-main/electron/window'

/** Electron cannot run here; its objects are events and callbacks, so fakes exercise the real handlers. */
function fakes() {
  const app = new EventEmitter()
  const handlers: Record<string, (...a: never[]) => unknown> = {}
  const session = {
    setPermissionRequestHandler: (h: never) => (handlers.permission = h),
    setPermissionCheckHandler: (h: never) => (handlers.check = h),
    webRequest: { onHeadersReceived: (h: never) => (handlers.headers = h) }
  }
  lockDown(app as unknown as App, session as unknown as Session, '/app/out/preload/index.cjs')
  const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: (h: never) => (handlers.open = h) })
  app.emit('web-contents-created', {}, contents)
  const attempt = (event: string, url?: string) => {
    let prevented = false
    contents.emit(event, { preventDefault: () => (prevented = true) }, url)
    return prevented
  }
  return { handlers, attempt }
}

describe('Electron lock-down', () => {
  it('recognizes only the app’s own origin', () => {
    expect(isAppUrl('app://vetos/index.html')).toBe(true)
    expect(isAppUrl('https://example.com/')).toBe(false)
    expect(isAppUrl('file:///etc/passwd')).toBe(false)
    expect(isAppUrl('app://vetos.evil/index.html')).toBe(false)
    expect(isAppUrl('not a url')).toBe(false)
  })

  it('blocks navigation and redirects away from the app, and every <webview>', () => {
    const { attempt } = fakes()
    expect(attempt('will-navigate', 'https://phishing.example/login')).toBe(true)
    expect(attempt('will-redirect', 'http://127.0.0.1:9999/')).toBe(true)
    expect(attempt('will-navigate', 'app://vetos/index.html#/patients')).toBe(false)
    expect(attempt('will-attach-webview')).toBe(true)
  })

  it('denies new windows (but the app\'s own media) and every permission request', () => {
    const { handlers } = fakes()
    const open = handlers.open as (d: { url: string }) => { action: string; overrideBrowserWindowOptions?: { webPreferences: Record<string, unknown> } }
    expect(open({ url: 'https://example.com/' })).toEqual({ action: 'deny' })
    expect(open({ url: 'app://vetos/index.html' })).toEqual({ action: 'deny' })
    // the app's own PDF reports open in a window with no preload, sandboxed
    const media = open({ url: 'app://vetos/media/documents/0190?token=t' })
    expect(media.action).toBe('allow')
    expect(media.overrideBrowserWindowOptions!.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false })
    expect(media.overrideBrowserWindowOptions!.webPreferences.preload).toBeUndefined()
    let granted: boolean | null = null
    ;(handlers.permission as (wc: unknown, p: string, cb: (g: boolean) => void) => void)({}, 'media', (g) => (granted = g))
    expect(granted).toBe(false)
    expect((handlers.check as () => boolean)()).toBe(false)
  })

  it('puts the strict CSP on every response', () => {
    const { handlers } = fakes()
    let headers: Record<string, string[]> = {}
    ;(handlers.headers as (d: unknown, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void)({ responseHeaders: {} }, (r) => (headers = r.responseHeaders))
    expect(headers['Content-Security-Policy'][0]).toMatch(/default-src 'self'.*object-src 'none'/)
  })

  it('runs the renderer sandboxed and isolated, without Node', () => {
    expect(secureWebPreferences('/x/preload.cjs')).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false, webSecurity: true })
  })
})
