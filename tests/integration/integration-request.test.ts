/**
 * A request for a new integration, sent to a simulated VetOS support desk over real HTTP, with a
 * sample captured over real MLLP: it goes only through the consent gate, the pet's and owner's
 * names never arrive, it waits while the desk is down (also across a restart) and is delivered
 * once, and what was not reviewed or not approved never leaves.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { exchange, freePort, labApp, oru } from '../helpers/labs'
import { makeApp, type TestApp } from '../helpers/app'
import { syntheticRadiograph } from '../../src-main/imaging/synthetic'
import { until } from '../helpers/wait'
import { frame } from '../../src-main/hl7/mllp'
import { SupportDeskSimulator } from '../../src-main/simulators/support-desk'
import type { IntegrationRequestForm } from '../../src-preload/contract'
import { DEMO_SUPPORT_NAME, startDemoSupportDesk } from '../../src-main/demo/support'
import { InboundArchive } from '../../src-main/integrations/inbound'
import { INTAKE_PATH } from '../../src-main/support/transmitter'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

const KEY = 'sup_test_key_0001'
const SECRETS = ['Okafor', 'Biscuit', 'P-1001', '20190412']

describe('requests for a new integration to VetOS support', () => {
  let t: TestApp & { labId: string; hl7Port: number; vetToken: string }
  let desk: SupportDeskSimulator
  let sampleId: string

  const form = (over: Partial<IntegrationRequestForm> = {}) => ({ system: 'reference_lab' as const, vendor: 'Acme Diagnostics', model: 'LabLink 5', wiring: 'network' as const, wiringDetail: 'MLLP from 10.0.0.8', contactName: 'Alex Morgan', contactPhone: '555 0100', notes: 'Results arrive, but we never profiled it', sampleIds: [sampleId], ...over })
  const addSupport = (approve = true) => {
    const i = t.call('integrations.create', { kind: 'support', name: 'VetOS support', enabled: true, config: { baseUrl: desk.url, apiKey: KEY, retrySeconds: 1 } })
    if (approve) t.call('integrations.approve', { id: i.id, categories: ['device_samples'] })
    return i.id
  }
  const requests = () => t.call('support.requests', {})
  const audited = (action: string) => t.app.core.store.sqlite.prepare('SELECT summary, details FROM audit_log WHERE action = ?').all(action) as { summary: string; details: string }[]

  beforeEach(async () => {
    t = await labApp(await freePort())
    t.signIn('admin')
    // The lab in capture mode: its result is kept for support, not filed.
    const lab = t.call('integrations.list', {}).find((i) => i.id === t.labId)!
    t.call('integrations.update', { id: lab.id, config: { ...lab.config, capture: true } })
    const [ack] = await exchange(t.hl7Port, [frame(oru({ controlId: 'CAP1', owner: 'Okafor', pet: 'Biscuit', patientId: 'P-1001', dob: '20190412', sex: 'F', orderNumber: 'ORD-77' }))])
    expect(ack.segment('MSA')!.get(1)).toBe('AA')
    sampleId = t.call('integrations.captures', { integrationId: t.labId })[0].id
    desk = new SupportDeskSimulator({ apiKeys: [KEY] })
    await desk.start()
  })
  afterEach(async () => {
    await desk.stop()
    await t.close()
  })

  it('sends the reviewed payload with identity removed, gets a ticket and audits it; the desk never sees the names', async () => {
    addSupport()
    const preview = t.call('support.requestPreview', form())
    expect(preview.categories).toEqual(['device_samples'])
    expect(preview.samples[0].text).toMatch(/^PID\|1\|\|REMOVED\|\|REMOVED\^REMOVED\|\|REMOVED\|F/m)
    expect(preview.samples[0].text).toContain('ORD-77')
    for (const s of SECRETS) expect(preview.payload).not.toContain(s)

    const sent = t.call('support.requestSend', { ...form(), hash: preview.hash })
    expect(sent.status).toBe('queued')
    await until(() => requests()[0].status === 'sent', 10_000, 'the ticket')
    expect(requests()[0]).toMatchObject({ status: 'sent', ticket: 'SUP-1001', identityRemoved: true, vendor: 'Acme Diagnostics' })

    expect(desk.received).toHaveLength(1)
    expect(desk.received[0].raw).toBe(preview.payload)
    expect(desk.received[0].idempotencyKey).toBe(sent.id)
    for (const s of SECRETS) expect(desk.received[0].raw).not.toContain(s)
    expect(desk.received[0].body.samples[0].text).toContain('OBX|1|NM|WBC^White blood cells^L||12.5|10*9/L|6.0-17.0|N')

    expect(audited('outbound.permitted').some((a) => a.summary.includes('Acme Diagnostics LabLink 5'))).toBe(true)
    expect(audited('support.request.sent')[0].summary).toMatch(/Acme Diagnostics LabLink 5.*ticket SUP-1001/)
  })

  it('waits while the desk is down, across a restart, and is delivered once when it answers', async () => {
    addSupport()
    const port = desk.port
    await desk.stop()
    const preview = t.call('support.requestPreview', form())
    t.call('support.requestSend', { ...form(), hash: preview.hash })
    await until(() => !!requests()[0].lastError, 10_000, 'a failed try')
    expect(requests()[0]).toMatchObject({ status: 'queued', ticket: null })
    expect(requests()[0].lastError).toMatch(/cannot be reached/)

    // The workstation restarts while the request waits.
    const dir = t.dir
    await t.app.close()
    const again = makeApp({ dir, labs: { hl7: { host: '127.0.0.1', port: 0 } } })
    t = Object.assign(again, { labId: t.labId, hl7Port: 0, vetToken: '' })
    desk = new SupportDeskSimulator({ port, apiKeys: [KEY] })
    await desk.start()
    await again.app.start()
    again.signIn('admin')
    await until(() => requests()[0].status === 'sent', 15_000, 'delivery after the restart')
    expect(requests()[0].ticket).toBe('SUP-1001')
    expect(desk.received).toHaveLength(1)
    for (const s of SECRETS) expect(desk.received[0].raw).not.toContain(s)
  })

  it('refuses, audited, when support is not approved for what the request carries, and nothing reaches the desk', async () => {
    const id = addSupport(false)
    const preview = t.call('support.requestPreview', form())
    expect(preview.destination).toMatchObject({ integrationId: id, approved: false, missing: ['device_samples'] })
    const r = t.raw('support.requestSend', { ...form(), hash: preview.hash })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toMatchObject({ code: 'consent-refused', message: expect.stringMatching(/not been approved/) })
    expect(requests()[0]).toMatchObject({ status: 'refused' })
    expect(audited('outbound.refused')).toHaveLength(1)

    // Approved for samples without identity only: one that keeps identity is refused too.
    t.call('integrations.approve', { id, categories: ['device_samples'] })
    const raw = t.call('support.requestPreview', form({ removeIdentity: false }))
    expect(raw.categories).toEqual(['device_samples', 'patient_identity', 'owner_contact'])
    expect(raw.samples[0].text).toContain('Okafor^Biscuit')
    // The review says so before sending: the approval does not cover what this request needs, but covers one without identity.
    expect(raw.destination).toMatchObject({ integrationId: id, approved: false, missing: ['patient_identity', 'owner_contact'] })
    expect(t.call('support.requestPreview', form()).destination).toMatchObject({ integrationId: id, approved: true, missing: [] })
    const kept = t.raw('support.requestSend', { ...form({ removeIdentity: false }), hash: raw.hash })
    if (!kept.ok) expect(kept.error.message).toMatch(/not approved for: patient_identity, owner_contact/)
    expect(kept.ok).toBe(false)
    expect(desk.hits).toBe(0)
  })

  it('refuses a send whose payload differs from what was reviewed', async () => {
    addSupport()
    const preview = t.call('support.requestPreview', form())
    const r = t.raw('support.requestSend', { ...form({ model: 'LabLink 6' }), hash: preview.hash })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toMatchObject({ code: 'conflict', message: expect.stringMatching(/changed since it was reviewed/) })
    expect(requests()).toHaveLength(0)
    expect(desk.hits).toBe(0)
  })

  it('says what an administrator does when no VetOS support integration is set up', async () => {
    const preview = t.call('support.requestPreview', form())
    expect(preview.destination).toBeNull()
    const r = t.raw('support.requestSend', { ...form(), hash: preview.hash })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.message).toMatch(/not set up.*Integrations.*support key.*approves it/)
    expect(desk.hits).toBe(0)
  })

  it('sends an analyzer’s ASTM sample without the P record’s identity and a modality’s image without its patient module, and refuses one it cannot read field by field', async () => {
    addSupport()
    const analyzer = t.call('integrations.create', { kind: 'analyzer', name: 'New analyzer (capture)', enabled: false, config: { capture: true } })
    const archive = new InboundArchive(t.app.core)
    const keep = (transport: string, raw: Buffer) => {
      const { row } = archive.store({ integrationId: analyzer.id, transport, peer: 'COM3', raw, messageType: null })
      t.app.services.captures.capture(row, `${transport} sample`)
      return row.id
    }
    const astm = keep('astm', Buffer.from(['H|\\^&|||CHEM^1.0', 'P|1|P-1001|||Okafor^Biscuit||20190412|F|||||||Canine', 'R|1|^^^ALT|45|U/L|10-100|N||F', 'C|1|I|Biscuit fasted|G', 'L|1|N'].join('\r'), 'latin1'))
    const preview = t.call('support.requestPreview', form({ system: 'analyzer', wiring: 'serial', sampleIds: [astm] }))
    expect(preview.samples[0].text.split('\n').slice(1, 4)).toEqual(['P|1|REMOVED|||REMOVED^REMOVED||REMOVED|F|||||||Canine', 'R|1|^^^ALT|45|U/L|10-100|N||F', 'C|1|I|REMOVED fasted|G'])
    t.call('support.requestSend', { ...form({ system: 'analyzer', wiring: 'serial', sampleIds: [astm] }), hash: preview.hash })
    await until(() => requests()[0].status === 'sent', 10_000, 'the ticket')
    for (const s of SECRETS) expect(desk.received[0].raw).not.toContain(s)

    // No reader for this DICOM object on this workstation: its identity cannot be removed, so it is not sent.
    const dicom = keep('dicom', Buffer.from('DICM not really'))
    const r = t.raw('support.requestPreview', form({ sampleIds: [dicom] }))
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.message).toMatch(/Patient identity cannot be removed from the sample .* Leave it out/)

    // A real image a modality sent in capture mode: its attributes go, identity removed, never its pixels.
    const image = keep('dicom', syntheticRadiograph({ patient: { ownerLastName: 'Okafor', ownerFirstName: 'Ada', petName: 'Biscuit', patientId: 'P-1001', species: 'Canine', breed: 'Beagle', sex: 'F', birthDate: '20190412' }, accessionNumber: 'A-77', studyInstanceUid: '1.2.826.0.1.3680043.10.77', description: 'Thorax, Biscuit', rows: 64, columns: 64 }))
    const dx = t.call('support.requestPreview', form({ system: 'imaging', sampleIds: [image] }))
    const text = dx.samples[0].text
    for (const s of [...SECRETS, 'Ada']) expect(text).not.toContain(s)
    expect(text).toMatch(/\(0010,2201\).*Canine/)
    expect(text).toMatch(/\(0008,0050\).*A-77/)
    expect(text).toMatch(/\(7FE0,0010\).*bytes/)
    t.call('support.requestSend', { ...form({ system: 'imaging', sampleIds: [image] }), hash: dx.hash })
    await until(() => requests()[0].status === 'sent', 10_000, 'the ticket')
    for (const s of [...SECRETS, 'Ada']) expect(desk.received.at(-1)!.raw).not.toContain(s)
  })

  it('asks approval for imaging when a DICOM sample goes with identity kept, and refuses a request too large to send', async () => {
    const id = addSupport()
    const modality = t.call('integrations.create', { kind: 'analyzer', name: 'New modality (capture)', enabled: false, config: { capture: true } })
    const archive = new InboundArchive(t.app.core)
    const keep = (transport: string, raw: Buffer) => {
      const { row } = archive.store({ integrationId: modality.id, transport, peer: '10.0.0.9', raw, messageType: null })
      t.app.services.captures.capture(row, `${transport} sample`)
      return row.id
    }
    const image = keep('dicom', syntheticRadiograph({ patient: { ownerLastName: 'Okafor', ownerFirstName: 'Ada', petName: 'Biscuit', patientId: 'P-1001', species: 'Canine', breed: 'Beagle', sex: 'F', birthDate: '20190412' }, accessionNumber: 'A-78', studyInstanceUid: '1.2.826.0.1.3680043.10.78', description: 'Thorax', rows: 64, columns: 64 }))
    const raw = t.call('support.requestPreview', form({ system: 'imaging', sampleIds: [image], removeIdentity: false }))
    expect(raw.categories).toEqual(['device_samples', 'patient_identity', 'owner_contact', 'imaging'])
    t.call('integrations.approve', { id, categories: ['device_samples', 'patient_identity', 'owner_contact'] })
    const refused = t.raw('support.requestSend', { ...form({ system: 'imaging', sampleIds: [image], removeIdentity: false }), hash: raw.hash })
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.error.message).toMatch(/not approved for: imaging/)
    // Without identity only its attributes go: no imaging approval needed.
    expect(t.call('support.requestPreview', form({ system: 'imaging', sampleIds: [image] })).categories).toEqual(['device_samples'])

    const big = keep('mllp', Buffer.from(`MSH|^~\\&|L|L|V|V|20261128||ORU^R01|BIG|P|2.5\rOBX|1|ED|PDF^Report||^application^pdf^Base64^${'QUFB'.repeat(2_600_000)}`, 'latin1'))
    const tooBig = t.raw('support.requestPreview', form({ sampleIds: [big], removeIdentity: false }))
    expect(tooBig.ok).toBe(false)
    if (!tooBig.ok) expect(tooBig.error).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/at most 20 MB/) })
    expect(desk.hits).toBe(0)
  })

  it('reads each sample with its integration’s profile: a v2.3.1 lab’s species and breed fields, an analyzer’s sex field and codes', () => {
    addSupport()
    const archive = new InboundArchive(t.app.core)
    const keep = (integrationId: string, transport: string, raw: Buffer) => {
      const { row } = archive.store({ integrationId, transport, peer: 'peer', raw, messageType: null })
      t.app.services.captures.capture(row, `${transport} sample`)
      return row.id
    }
    const lab = t.call('integrations.list', {}).find((i) => i.id === t.labId)!
    t.call('integrations.update', { id: lab.id, config: { ...lab.config, lab: { ...lab.config.lab!, hl7Version: '2.3.1', pidSpeciesField: 10, pidBreedField: 22 } } })
    const pid = ['PID', '1', '', 'P-1001', '', 'Okafor^Biscuit', '', '20190412', 'F', '', 'CAN^Canine', ...Array(11).fill(''), 'Biscuit Okafor', ...Array(12).fill(''), 'FEL^Feline']
    const v231 = keep(t.labId, 'mllp', Buffer.from(['MSH|^~\\&|REFLAB|LAB1|VETOS|RIVERSIDE|20261128||ORU^R01|V231|P|2.3.1', pid.join('|'), 'OBX|1|NM|WBC^White blood cells^L||12.5|10*9/L|6.0-17.0|N|||F'].join('\r')))
    const hl7 = t.call('support.requestPreview', form({ sampleIds: [v231] })).samples[0].text.split('\n')[1].split('|')
    expect(hl7[10]).toBe('CAN^Canine')
    expect(hl7[22]).toBe('REMOVED')
    expect(hl7[35]).toBe('REMOVED^REMOVED')

    const analyzer = t.call('integrations.create', { kind: 'analyzer', name: 'Odd analyzer (capture)', enabled: false, config: { capture: true, lab: { astmFields: { patientSexField: 6 }, sexCodes: { 'male/neutered': 'NEUTM' } } } })
    const odd = keep(analyzer.id, 'astm', Buffer.from(['H|\\^&|||ODD^1.0', 'P|1|P-1001|||NEUTM|Okafor^Biscuit', 'L|1|N'].join('\r'), 'latin1'))
    const named = keep(analyzer.id, 'astm', Buffer.from(['H|\\^&|||ODD^1.0', 'P|1|P-1001|||Okafor^Biscuit', 'L|1|N'].join('\r'), 'latin1'))
    const [coded, wrong] = t.call('support.requestPreview', form({ system: 'analyzer', sampleIds: [odd, named] })).samples.map((x) => x.text.split('\n')[1])
    expect(coded).toBe('P|1|REMOVED|||NEUTM|REMOVED^REMOVED')
    expect(wrong).toBe('P|1|REMOVED|||REMOVED^REMOVED')
  })

  it('never follows a redirect to another address: the request fails, kept with the reason, and the other host receives nothing', async () => {
    // A desk address that answers 307 to the real desk: following it would re-POST the payload to a host nobody approved.
    const redirector = createServer((req, res) => {
      req.resume()
      res.writeHead(307, { location: `${desk.url}${INTAKE_PATH}` }).end()
    })
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve))
    try {
      const i = t.call('integrations.create', { kind: 'support', name: 'VetOS support', enabled: true, config: { baseUrl: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`, apiKey: KEY, retrySeconds: 1 } })
      t.call('integrations.approve', { id: i.id, categories: ['device_samples'] })
      const preview = t.call('support.requestPreview', form())
      t.call('support.requestSend', { ...form(), hash: preview.hash })
      await until(() => requests()[0].status === 'failed', 10_000, 'the refused redirect')
      expect(requests()[0].lastError).toMatch(/redirect to another address.*only to the address that was approved/)
      expect(desk.hits).toBe(0)
    } finally {
      await new Promise((resolve) => redirector.close(resolve))
    }
  })

  it('is for administrators only', () => {
    addSupport()
    for (const m of ['support.requestPreview', 'support.requestSend', 'support.requests']) {
      const r = t.raw(m, m === 'support.requests' ? {} : { ...form(), hash: '0'.repeat(64) }, t.vetToken)
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error.code).toBe('forbidden')
    }
    expect(desk.hits).toBe(0)
  })

  it('keeps a request the desk refuses (a wrong key) as failed, with the desk’s words', async () => {
    const i = t.call('integrations.create', { kind: 'support', name: 'VetOS support', enabled: true, config: { baseUrl: desk.url, apiKey: 'wrong-key', retrySeconds: 1 } })
    t.call('integrations.approve', { id: i.id, categories: ['device_samples'] })
    const preview = t.call('support.requestPreview', form())
    t.call('support.requestSend', { ...form(), hash: preview.hash })
    await until(() => requests()[0].status === 'failed', 10_000, 'the refusal')
    expect(requests()[0].lastError).toMatch(/support key is missing or unknown/)
    expect(desk.received).toHaveLength(0)

    // The key corrected (approval given again, as a new key withdraws it), its message resubmitted from the message log: it goes.
    t.call('integrations.update', { id: i.id, config: { ...t.call('integrations.list', {}).find((x) => x.id === i.id)!.config, apiKey: KEY } })
    t.call('integrations.approve', { id: i.id, categories: ['device_samples'] })
    const message = t.call('integrations.messages', { direction: 'outbound', integrationId: i.id })[0]
    t.call('integrations.resubmit', { messageId: message.id })
    await until(() => requests()[0].status === 'sent', 10_000, 'the resubmitted request')
    expect(requests()[0].ticket).toBe('SUP-1001')
  })
})

describe('the demo’s VetOS support desk', () => {
  it('runs the simulated desk and approves the demo’s VetOS support for sample device messages only', async () => {
    const t = makeApp()
    try {
      await t.app.start()
      const desk = await startDemoSupportDesk(t.app, () => {})
      try {
        t.signIn('admin')
        const support = t.call('integrations.list', {}).find((i) => i.kind === 'support')!
        expect(support).toMatchObject({ name: DEMO_SUPPORT_NAME, enabled: true, config: { baseUrl: desk.url } })
        expect(support.approval?.categories).toEqual(['device_samples'])
        const form = { system: 'other' as const, vendor: 'Demo', model: 'One', wiring: 'usb' as const, contactName: 'Alex Morgan', contactEmail: 'alex@example.com' }
        const preview = t.call('support.requestPreview', form)
        t.call('support.requestSend', { ...form, hash: preview.hash })
        await until(() => t.call('support.requests', {})[0].status === 'sent', 10_000, 'the demo desk’s ticket')
        expect(desk.received[0].body.request.contact.email).toBe('alex@example.com')
      } finally {
        await desk.stop()
      }
    } finally {
      await t.close()
    }
  })
})
