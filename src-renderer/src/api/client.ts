/**
 * The renderer's one API client. It speaks the contract and never knows which host carries
 * it: the preload bridge (window.vetos) in Electron, HTTP + WebSocket on the headless hub.
 */
import type { ApiErrorBody, ApiResponse, MethodInput, MethodName, MethodOutput, ServerEvent, VetosBridge } from '../../../src-preload/contract'

export class ApiClientError extends Error {
  readonly code: ApiErrorBody['code']
  readonly issues: NonNullable<ApiErrorBody['issues']>
  readonly duplicates: NonNullable<ApiErrorBody['duplicates']>
  constructor(body: ApiErrorBody) {
    super(body.message)
    this.code = body.code
    this.issues = body.issues ?? []
    this.duplicates = body.duplicates ?? []
  }
  /** the message for one form field, if the server named it */
  field(path: string): string | undefined {
    return this.issues.find((i) => i.path === path)?.message
  }
}

interface Transport {
  invoke(method: string, input: unknown, token: string | null): Promise<ApiResponse<unknown>>
  subscribe(token: string, listener: (e: ServerEvent) => void): () => void
}

declare global {
  interface Window {
    vetos?: VetosBridge
  }
}

function bridgeTransport(bridge: VetosBridge): Transport {
  return { invoke: bridge.invoke, subscribe: (_token, listener) => bridge.onEvent(listener) }
}

/** The hub: POST /api/<method>; before sign-in the bearer is the hub token from the URL. */
function hubTransport(hubToken: string): Transport {
  return {
    async invoke(method, input, token) {
      const res = await fetch(`api/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token ?? hubToken}` },
        body: JSON.stringify(input ?? {})
      })
      try {
        return (await res.json()) as ApiResponse<unknown>
      } catch {
        return { ok: false, error: { code: 'internal-error', message: `The hub answered ${res.status}` } }
      }
    },
    subscribe(token, listener) {
      let closed = false
      let socket: WebSocket | null = null
      let retry = 500
      const open = () => {
        const url = new URL(`api/events?token=${encodeURIComponent(token)}`, location.href)
        url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
        socket = new WebSocket(url)
        socket.onopen = () => (retry = 500)
        socket.onmessage = (m) => listener(JSON.parse(String(m.data)) as ServerEvent)
        socket.onclose = (e) => {
          if (closed || e.code === 4401) return
          // The hub restarted or the link dropped: reconnect, backing off to 10 s.
          setTimeout(open, retry)
          retry = Math.min(retry * 2, 10_000)
        }
      }
      open()
      return () => {
        closed = true
        socket?.close()
      }
    }
  }
}

const TOKEN_KEY = 'vetos.hubToken'
const SESSION_KEY = 'vetos.session'

/** Reads ?token= once, keeps it for this tab, and removes it from the address bar. */
function hubTokenFromLocation(): string | null {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    history.replaceState(null, '', url.toString())
  }
  return sessionStorage.getItem(TOKEN_KEY)
}

/**
 * A window this tab opened (Print: see print.ts) starts with this tab's hub token and session when
 * the browser did not copy sessionStorage over; never from another origin.
 */
function inheritFromOpener(): void {
  try {
    const opener = window.opener as Window | null
    if (!opener || opener.location.origin !== location.origin) return
    for (const key of [TOKEN_KEY, SESSION_KEY]) {
      const value = opener.sessionStorage.getItem(key)
      if (value && !sessionStorage.getItem(key)) sessionStorage.setItem(key, value)
    }
  } catch {
    // another origin's window: nothing to inherit
  }
}

export class ApiClient {
  private session: string | null = sessionStorage.getItem(SESSION_KEY)
  private sessionListeners = new Set<() => void>()
  constructor(private readonly transport: Transport) {}

  async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const response = await this.transport.invoke(method, input, this.session)
    if (!response.ok) {
      if (response.error.code === 'unauthenticated' && this.session && method !== 'auth.login') this.setSession(null)
      throw new ApiClientError(response.error)
    }
    if (method === 'auth.login') this.setSession((response.result as MethodOutput<'auth.login'>).token)
    if (method === 'auth.logout') this.setSession(null)
    return response.result as MethodOutput<M>
  }

  /** A URL in the app's own origin for a media file (/media/...), carrying this session. */
  mediaUrl(path: string): string {
    return `${path}?token=${encodeURIComponent(this.session ?? '')}`
  }

  get signedIn(): boolean {
    return this.session !== null
  }

  onSessionChange(listener: () => void): () => void {
    this.sessionListeners.add(listener)
    return () => this.sessionListeners.delete(listener)
  }

  subscribe(listener: (e: ServerEvent) => void): () => void {
    return this.session ? this.transport.subscribe(this.session, listener) : () => {}
  }

  private setSession(token: string | null): void {
    this.session = token
    if (token) sessionStorage.setItem(SESSION_KEY, token)
    else sessionStorage.removeItem(SESSION_KEY)
    for (const l of this.sessionListeners) l()
  }
}

/** null when neither host is present (the hub token is missing from the address). */
export function createApiClient(): ApiClient | null {
  inheritFromOpener()
  if (window.vetos) return new ApiClient(bridgeTransport(window.vetos))
  const token = hubTokenFromLocation()
  return token ? new ApiClient(hubTransport(token)) : null
}
