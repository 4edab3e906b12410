import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import WebSocket from 'ws'
import { api, startHubProcess, type RunningHub } from '../helpers/hub'
import { tempDir } from '../helpers/app'
import type { ServerEvent } from '../../src-preload/contract'

describe('the headless hub over HTTP and WebSocket', () => {
  let hub: RunningHub
  let dir: string
  let staff: { id: string; displayName: string; role: string }[]
  beforeAll(async () => {
    dir = tempDir()
    hub = await startHubProcess(['--data-dir', dir, '--demo'])
    staff = (await api(hub, 'auth.staffList', {}, hub.token)).json.result
  })
  afterAll(async () => {
    await hub?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const login = async (role: string) => (await api(hub, 'auth.login', { staffId: staff.find((s) => s.role === role)!.id, pin: '1234' }, hub.token)).json.result.token as string

  it('binds to loopback and prints its URL with the token', () => {
    expect(hub.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect(hub.output()).toMatch(/Demo clinic: every staff PIN is 1234/)
  })

  it('refuses calls without the token or with a wrong one', async () => {
    expect((await api(hub, 'auth.staffList', {}, null)).status).toBe(401)
    expect((await api(hub, 'auth.staffList', {}, 'wrong')).status).toBe(401)
  })

  it('lets the hub token call only the sign-in methods', async () => {
    const r = await api(hub, 'patients.search', { query: 'bella' }, hub.token)
    expect(r.status).toBe(401)
    expect(r.json.error.code).toBe('unauthenticated')
  })

  it('answers invalid input with 400 and the fields, and malformed JSON likewise', async () => {
    const token = await login('front_desk')
    const r = await api(hub, 'clients.create', { firstName: '', phones: [] }, token)
    expect(r.status).toBe(400)
    expect(r.json.error.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['firstName', 'lastName']))
    const bad = await api(hub, 'clients.create', '{"firstName": ', token)
    expect(bad.status).toBe(400)
    expect(bad.json.error.code).toBe('invalid-input')
    expect((await api(hub, 'no.such', {}, token)).status).toBe(404)
  })

  it('serves the renderer with a strict Content-Security-Policy', async () => {
    const res = await fetch(hub.url)
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('<div id="root">')
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/)
  })

  it('pushes a notification only to the person it is for, live', async () => {
    const vetToken = await login('veterinarian')
    const deskToken = await login('front_desk')
    const vet = (await api(hub, 'auth.me', {}, vetToken)).json.result
    const listen = (token: string) => {
      const ws = new WebSocket(`${hub.url.replace('http', 'ws')}api/events?token=${token}`)
      const events: ServerEvent[] = []
      ws.on('message', (m) => events.push(JSON.parse(String(m))))
      return { ws, events, open: new Promise((r) => ws.once('open', r)) }
    }
    const vetWs = listen(vetToken)
    const deskWs = listen(deskToken)
    await Promise.all([vetWs.open, deskWs.open])
    const patient = (await api(hub, 'patients.search', { query: 'max', kind: 'name' }, deskToken)).json.result[0]
    await api(hub, 'visits.create', { patientId: patient.id, veterinarianId: vet.id, reason: 'Sudden lameness', status: 'checked_in' }, deskToken)
    const deadline = Date.now() + 5000
    while (!vetWs.events.some((e) => e.type === 'notification') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    const n = vetWs.events.find((e) => e.type === 'notification')
    expect(n?.payload).toMatchObject({ title: `${patient.name} is checked in`, body: 'Sudden lameness' })
    // changes right after another are gathered and sent within a quarter second
    const visitChanged = () => deskWs.events.some((e) => e.type === 'changed' && e.payload.entity === 'visit')
    while (!visitChanged() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(visitChanged()).toBe(true)
    expect(deskWs.events.some((e) => e.type === 'notification')).toBe(false)
    vetWs.ws.close()
    deskWs.ws.close()
  })

  it('refuses a WebSocket without a session', async () => {
    const ws = new WebSocket(`${hub.url.replace('http', 'ws')}api/events?token=${hub.token}`)
    const code = await new Promise<number>((r) => ws.once('close', (c) => r(c)))
    expect(code).toBe(4401)
  })

  it('keeps a second process off the same data folder', async () => {
    await expect(startHubProcess(['--data-dir', dir])).rejects.toThrow(/in use by another VetOS process/)
  })
})
