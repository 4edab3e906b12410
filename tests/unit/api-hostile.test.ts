import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { startHub, type Hub } from '../../src-main/hub/server'
import { appProtocolHandler, rendererFile } from '../../src-main/electron/protocol'
import { makeApp, type TestApp } from '../helpers/app'

/** An annotation nested depth levels deep ({ a: { a: … } }). */
function nested(depth: number): Record<string, unknown> {
  const root: Record<string, unknown> = {}
  let at = root
  for (let i = 0; i < depth; i++) at = (at.a = {}) as Record<string, unknown>
  return root
}

describe('the API under hostile or clumsy input', () => {
  let t: TestApp
  let token: string
  let clientId: string
  let patientId: string
  let instanceId: string
  beforeAll(() => {
    t = makeApp()
    token = t.signIn('veterinarian')
    const bella = t.call('patients.search', { query: 'bella', kind: 'name' })[0]
    patientId = bella.id
    clientId = t.call('patients.get', { id: bella.id }).owner.id
    instanceId = t.call('imaging.studies', { patientId })[0].instances[0].id
  })
  afterAll(() => t.close())

  const refused = (method: string, input: unknown) => {
    const r = t.raw(method, input)
    if (r.ok) throw new Error(`${method} accepted ${JSON.stringify(input)}`)
    return r.error
  }

  it('refuses control characters in names and other one-line text, with a plain message', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['patients.create', { clientId, name: 'Bel\x0bla', species: 'canine' }, 'name'],
      ['patients.create', { clientId, name: 'Bella', species: 'canine', breed: 'Lab\x1crador' }, 'breed'],
      ['clients.create', { firstName: 'Ana', lastName: 'Ruiz\rPID|1', phones: [] }, 'lastName'],
      ['clients.create', { firstName: 'A\u0085na', lastName: 'Ruiz', phones: [] }, 'firstName'],
      ['clients.create', { firstName: 'Ana', lastName: 'Ruiz', address: '1 Main St\n2nd floor', phones: [] }, 'address'],
      ['visits.create', { patientId, reason: 'Limping\x00', status: 'booked' }, 'reason'],
      ['patients.addAlert', { patientId, kind: 'allergy', severity: 'warning', text: 'Penicillin\x7f' }, 'text']
    ]
    for (const [method, input, field] of cases) {
      const error = refused(method, input)
      expect(error.code, `${method} ${field}`).toBe('invalid-input')
      expect(error.issues).toEqual([{ path: field, message: 'must not contain control characters' }])
    }
    // and what a person types is still accepted
    expect(t.call('patients.create', { clientId, name: 'Señor Bigotes-Ñu (Jr.)', species: 'feline' }).name).toBe('Señor Bigotes-Ñu (Jr.)')
  })

  it('keeps tabs and line breaks in notes (CRLF becomes LF) and refuses other control characters there', () => {
    const note = t.call('notes.add', { patientId, kind: 'soap', subjective: 'Eats well.\r\nDrinks:\tmore', plan: 'Recheck\rin 2 weeks' })
    expect([note.subjective, note.plan]).toEqual(['Eats well.\nDrinks:\tmore', 'Recheck\nin 2 weeks'])
    const error = refused('notes.add', { patientId, kind: 'soap', subjective: 'Eats\x0bwell' })
    expect(error).toMatchObject({ code: 'invalid-input', issues: [{ path: 'subjective', message: 'must not contain control characters other than tabs and line breaks' }] })
    expect(refused('clients.create', { firstName: 'Ana', lastName: 'Ruiz', notes: 'Pays\x1ccash', phones: [] }).code).toBe('invalid-input')
  })

  it('refuses a 20,000-deep annotation as invalid input (not an internal error) and still saves real ones', () => {
    const error = refused('imaging.saveAnnotations', { instanceId, baseVersion: 0, annotations: [nested(20_000)] })
    expect(error).toMatchObject({ code: 'invalid-input', issues: [{ path: 'annotations', message: 'must not nest more than 32 levels deep' }] })
    const cyclic: Record<string, unknown> = { metadata: { toolName: 'Length' } }
    cyclic.self = cyclic
    expect(refused('imaging.saveAnnotations', { instanceId, baseVersion: 0, annotations: [cyclic] }).code).toBe('invalid-input')
    const wide = { data: { points: Array.from({ length: 250_000 }, () => 1) } }
    expect(refused('imaging.saveAnnotations', { instanceId, baseVersion: 0, annotations: [wide] }).issues).toEqual([{ path: 'annotations', message: 'must hold at most 200000 values in all' }])
    const length = { annotationUID: 'u1', metadata: { toolName: 'Length', referencedImageId: 'wadouri:x', FrameOfReferenceUID: 'f' }, data: { handles: { points: [[1, 2, 0], [30, 40, 0]], textBox: { worldBoundingBox: { topLeft: [0, 0, 0] } } }, label: '' } }
    expect(t.call('imaging.saveAnnotations', { instanceId, baseVersion: 0, annotations: [length] }).version).toBe(1)
  })

  describe('over the hub, in-process', () => {
    let hub: Hub
    beforeAll(async () => {
      hub = await startHub(() => t.app, { host: '127.0.0.1', port: 0, rendererDir: join(t.dir, 'no-renderer') })
    })
    afterAll(() => hub.close())

    it('answers a 20,000-deep annotation body with 400', async () => {
      const baseVersion = t.call('imaging.annotations', { instanceId })?.version ?? 0
      const body = `{"instanceId":"${instanceId}","baseVersion":${baseVersion},"annotations":[${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}]}`
      const res = await fetch(`${hub.url}api/imaging.saveAnnotations`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body })
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid-input')
    })

    it('answers a malformed % escape in a media path with 404, without echoing the token', async () => {
      for (const path of ['media/documents/%E0%A4%A', 'media/%ZZ/x', '%E0%A4%A']) {
        const res = await fetch(`${hub.url}${path}?token=${token}`)
        expect(res.status, path).toBe(404)
        expect(await res.text()).not.toContain(token)
      }
    })
  })

  describe('the app:// protocol of the Electron host', () => {
    const dir = '/opt/vetos/renderer'
    it('maps paths into the renderer only, and a malformed % escape to nothing', () => {
      expect(rendererFile(dir, '/')).toBe(join(dir, 'index.html'))
      expect(rendererFile(dir, '/assets/app%20one.js')).toBe(join(dir, 'assets', 'app one.js'))
      expect(rendererFile(dir, '/%2e%2e/%2e%2e/etc/passwd')).toBe(join(dir, 'etc', 'passwd'))
      expect(rendererFile(dir, '/%E0%A4%A')).toBeNull()
      expect(rendererFile(dir, '/%')).toBeNull()
    })

    it('answers a malformed % escape with 404 and fetches real files', async () => {
      const fetched: string[] = []
      const handle = appProtocolHandler(() => t.app.media, dir, async (url) => (fetched.push(url), new Response('file')))
      expect((await handle(new Request('app://vetos/%E0%A4%A'))).status).toBe(404)
      expect((await handle(new Request(`app://vetos/media/documents/%E0%A4%A?token=${token}`))).status).toBe(404)
      expect((await handle(new Request('app://vetos/index.html'))).status).toBe(200)
      expect(fetched).toEqual([`file://${join(dir, 'index.html')}`])
    })
  })
})
