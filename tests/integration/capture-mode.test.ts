import { afterEach, describe, expect, it } from 'vitest'
import { frame } from '../../src-main/hl7/mllp'
import { AnalyzerSimulator } from '../../src-main/simulators/analyzer'
import { TcpClientTransport } from '../../src-main/astm/transport'
import { headerRecord, record, testId } from '../../src-main/astm/records'
import type { LinkTimers } from '../../src-main/astm/link'
import type { LabProfile } from '../../src-preload/contract'
import { makeApp, type TestApp } from '../helpers/app'
import { exchange, freePort, REFLAB_PROFILE } from '../helpers/labs'
import { until } from '../helpers/wait'

/**
 * Capture mode, as a clinic onboards a device nobody has profiled: what it sends is kept and shown
 * field by field, never filed and never answered with patient data; a profile built from it is
 * previewed against the captured messages, saved, and from then on the device's results file.
 */

const TIMERS: Partial<LinkTimers> = { establishMs: 2000, frameAckMs: 2000, receiveMs: 3000, busyRetryMs: 200, contentionMs: 200 }

/** A lab nobody profiled: its own sender name, species and sex codes, and test codes. */
function newLabOru(o: { controlId: string; orderNumber: string; patientId: string; owner: string; pet: string }): Buffer {
  return frame(
    [
      `MSH|^~\\&|NOVALAB|NOVA1|VETOS|RIVERSIDE|20261202093000||ORU^R01^ORU_R01|${o.controlId}|P|2.5`,
      `PID|1||${o.patientId}||${o.owner}^${o.pet}||20190301|MC${'|'.repeat(27)}K9^Canine`,
      `ORC|RE|${o.orderNumber}|N-${o.controlId}`,
      `OBR|1|${o.orderNumber}|N-${o.controlId}|CHM^Chemistry|||20261202080000|||||||||||||||||F`,
      `OBX|1|NM|GLU1^Glucose (Nova)||5.4|mmol/L|3.9-6.1|N|||F`,
      `OBX|2|NM|CRE1^Creatinine (Nova)||212|umol/L|44-159|H|||F`
    ].join('\r')
  )
}

const tables = (t: TestApp) => ({
  reports: (t.app.core.store.sqlite.prepare('SELECT count(*) AS n FROM lab_reports').get() as { n: number }).n,
  notifications: (t.app.core.store.sqlite.prepare("SELECT count(*) AS n FROM notifications WHERE kind LIKE 'lab.%'").get() as { n: number }).n
})

describe('capture mode for a reference lab (real MLLP)', () => {
  let t: TestApp
  afterEach(async () => t?.close())

  async function clinic() {
    t = makeApp({ labs: { hl7: { host: '127.0.0.1', port: 0 } } })
    await t.app.start()
    t.signIn('admin')
    for (const i of t.call('integrations.list', {})) if (i.kind === 'reference_lab') t.call('integrations.update', { id: i.id, enabled: false })
    const c = t.call('clients.create', { firstName: 'Rosa', lastName: 'Okafor', phones: [] })
    const p = t.call('patients.create', { clientId: c.id, name: 'Biscuit', species: 'canine', sex: 'male', neuterStatus: 'neutered', dateOfBirth: '2019-03-01', breed: 'Beagle' })
    // The lab's profile so far: how orders go out; what it sends back is not known yet.
    const profile: LabProfile = { ...REFLAB_PROFILE, labApplication: 'NOVALAB', labFacility: 'NOVA1', speciesCodes: {}, sexCodes: {}, catalog: [{ code: 'CHM', name: 'Chemistry', kind: 'panel' }] }
    const lab = t.call('integrations.create', { kind: 'reference_lab', name: 'Nova Diagnostics', config: { host: '127.0.0.1', port: await freePort(), lab: profile, retrySeconds: 300 } })
    t.call('integrations.approve', { id: lab.id, categories: ['patient_identity', 'lab_orders'] })
    t.signIn('veterinarian')
    const order = t.call('labs.placeOrder', { patientId: p.id, integrationId: lab.id, tests: ['CHM'] })
    t.signIn('admin')
    t.call('integrations.update', { id: lab.id, config: { ...t.call('integrations.list', {}).find((i) => i.id === lab.id)!.config, capture: true } })
    return { lab, profile, patient: p, order, port: t.app.services.labs.listener!.port }
  }

  it('keeps what the lab sends without filing it, answers with nothing of the patient, and shows it field by field', async () => {
    const { lab, patient, order, port } = await clinic()
    const before = tables(t)
    const msg = newLabOru({ controlId: 'NV1', orderNumber: order.orderNumber, patientId: patient.id, owner: 'Okafor', pet: 'Biscuit' })
    const orm = frame('MSH|^~\\&|NOVALAB|NOVA1|VETOS|RIVERSIDE|20261202093100||ORM^O01^ORM_O01|NV2|P|2.5\rPID|1||X1||Okafor^Biscuit\rORC|SC|' + order.orderNumber)
    const acks = await exchange(port, [msg, orm, msg])
    expect(acks.map((a) => a.segment('MSA')!.get(1))).toEqual(['AA', 'AA', 'AA'])
    for (const a of acks) {
      expect(a.segments.map((s) => s.name)).toEqual(['MSH', 'MSA'])
      expect(a.encode()).not.toMatch(/Biscuit|Okafor|K9|212/)
    }
    // Nothing filed: no report, no review item, no notification, the order untouched.
    expect(tables(t)).toEqual(before)
    expect(t.call('labs.reviewQueue', {})).toEqual([])
    expect(t.call('labs.orders', { patientId: patient.id })[0].status).toBe(order.status)

    const captured = t.call('integrations.captures', { integrationId: lab.id })
    // The resend is not a second capture.
    expect(captured.map((c) => c.messageType)).toEqual(['ORM^O01', 'ORU^R01'])
    const oru = captured[1]
    // The first of each segment's fields (the second OBX has the same places).
    const fields = new Map(oru.parts.flatMap((p) => p.fields).reverse().map((f) => [f.position, f]))
    expect(fields.get('PID-5.2')).toMatchObject({ value: 'Biscuit', label: 'Pet name' })
    expect(fields.get('PID-35.1')).toMatchObject({ value: 'K9', label: 'Species code' })
    expect(fields.get('OBX-3.1')).toMatchObject({ value: 'GLU1', label: 'Test code' })
    expect(oru.parts[5].fields.find((f) => f.position === 'OBX-5')).toMatchObject({ value: '212', label: 'Value' })
    expect(oru.parts.map((p) => p.name)).toEqual(['MSH', 'PID', 'ORC', 'OBR', 'OBX', 'OBX'])
    expect(t.app.core.store.sqlite.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'capture.received'").get()).toEqual({ n: 2 })
    // Orders are not taken while it is only being listened to.
    t.signIn('veterinarian')
    expect(t.raw('labs.placeOrder', { patientId: patient.id, integrationId: lab.id, tests: ['CHM'] })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/capture mode/) } })
    expect(t.call('labs.catalog', {}).map((c) => c.integrationId)).not.toContain(lab.id)
    // Only an administrator reads what a device sent.
    expect(t.raw('integrations.captures', { integrationId: lab.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    // Nor through the message log: the vet sees that it came, not what it said.
    const logged = t.call('integrations.messages', { integrationId: lab.id, direction: 'inbound', limit: 10 })
    expect(logged.filter((m) => m.status === 'captured').map((m) => m.raw)).toEqual(['(shown to administrators only)', '(shown to administrators only)'])
    t.signIn('admin')
    expect(t.call('integrations.messages', { integrationId: lab.id, direction: 'inbound', limit: 10 }).find((m) => m.status === 'captured')!.raw).toMatch(/Biscuit|Okafor/)
  })

  it('previews each captured message with a draft profile, and files the next one once the profile is saved', async () => {
    const { lab, profile, patient, order, port } = await clinic()
    const before = tables(t)
    await exchange(port, [newLabOru({ controlId: 'NV1', orderNumber: order.orderNumber, patientId: patient.id, owner: 'Okafor', pet: 'Biscuit' })])

    // As configured: the lab's species and sex codes are not understood, so a person would have to decide.
    const [asIs] = t.call('integrations.capturePreview', { integrationId: lab.id, profile })
    const report = asIs.reports[0]
    expect(report.match).toMatchObject({ outcome: 'review', patientId: null })
    expect(report.match.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/species code "K9" is not understood/)]))
    expect(report.identifiers.find((i) => i.what === 'Species')).toEqual({ what: 'Species', sent: 'K9', reads: null })
    expect(report.results.map((r) => [r.sent, r.code, r.mapped])).toEqual([['GLU1', 'GLU1', false], ['CRE1', 'CRE1', false]])

    // The draft: K9 is a dog, MC a neutered male, and the lab's codes become the clinic's.
    const draft: LabProfile = { ...profile, speciesCodes: { canine: 'K9' }, sexCodes: { 'male/neutered': 'MC' }, codeMap: { GLU1: { code: 'GLU', name: 'Glucose' }, CRE1: { code: 'CREA', name: 'Creatinine' } } }
    const [previewed] = t.call('integrations.capturePreview', { integrationId: lab.id, profile: draft })
    expect(previewed.reports[0].match).toEqual({ outcome: 'attach', patientId: patient.id, patientName: 'Biscuit', reasons: [] })
    expect(previewed.reports[0].identifiers.find((i) => i.what === 'Sex')).toEqual({ what: 'Sex', sent: 'MC', reads: 'male/neutered' })
    expect(previewed.reports[0].results.map((r) => [r.sent, r.code, r.name, r.mapped])).toEqual([['GLU1', 'GLU', 'Glucose', true], ['CRE1', 'CREA', 'Creatinine', true]])
    // A preview stores and files nothing, and does not change the saved profile.
    expect(tables(t)).toEqual(before)
    expect(t.call('integrations.list', {}).find((i) => i.id === lab.id)!.config.lab!.speciesCodes).toEqual({})

    // A wrong pet name in a captured message is still a review, whatever the profile.
    await exchange(port, [newLabOru({ controlId: 'NV2', orderNumber: order.orderNumber, patientId: patient.id, owner: 'Okafor', pet: 'Biscotti' })])
    const both = t.call('integrations.capturePreview', { integrationId: lab.id, profile: draft })
    expect(both.map((b) => b.reports[0].match.outcome)).toEqual(['review', 'attach'])
    expect(both[0].reports[0].match.reasons).toEqual([expect.stringMatching(/pet name "Biscotti" differs from "Biscuit"/)])

    // Saved, capture off, no restart: the lab's next message files by itself, under the clinic's codes.
    const current = t.call('integrations.list', {}).find((i) => i.id === lab.id)!
    const saved = t.call('integrations.update', { id: lab.id, config: { ...current.config, lab: draft, capture: false } })
    expect(saved.approval).not.toBeNull()
    // The very message captured before, sent again: this time it is filed.
    const [ack] = await exchange(port, [newLabOru({ controlId: 'NV1', orderNumber: order.orderNumber, patientId: patient.id, owner: 'Okafor', pet: 'Biscuit' })])
    expect(ack.segment('MSA')!.get(1)).toBe('AA')
    const results = t.call('labs.results', { patientId: patient.id })
    expect(results).toHaveLength(1)
    expect(tables(t).reports).toBe(before.reports + 1)
    expect(results[0].observations.map((o) => [o.code, o.name])).toEqual([['GLU', 'Glucose'], ['CREA', 'Creatinine']])
    // What was captured stays captured: "reprocess" does not file it (the device's resend did, once).
    const kept = t.call('integrations.captures', { integrationId: lab.id })
    expect(kept).toHaveLength(2)
    expect(t.raw('integrations.reprocess', { messageId: kept[1].id })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/send it again/) } })
    expect(t.call('labs.results', { patientId: patient.id })).toHaveLength(1)
    // Sent a third time, it is a duplicate of the filed copy: acknowledged, nothing twice.
    const [again] = await exchange(port, [newLabOru({ controlId: 'NV1', orderNumber: order.orderNumber, patientId: patient.id, owner: 'Okafor', pet: 'Biscuit' })])
    expect(again.segment('MSA')!.get(1)).toBe('AA')
    expect(t.call('labs.results', { patientId: patient.id })).toHaveLength(1)
  })

  it('a message that is not HL7 is kept as a reject, and capture goes on', async () => {
    const { lab, patient, order, port } = await clinic()
    const [nak] = await exchange(port, [frame('HELLO FROM THE NEW BOX\r')])
    expect(nak.segment('MSA')!.get(1)).toBe('AR')
    await exchange(port, [newLabOru({ controlId: 'NV9', orderNumber: order.orderNumber, patientId: patient.id, owner: 'Okafor', pet: 'Biscuit' })])
    expect(t.call('integrations.captures', { integrationId: lab.id }).map((c) => c.messageType)).toEqual(['ORU^R01'])
  })
})

describe('capture mode for an analyzer (ASTM over TCP)', () => {
  let t: TestApp
  let sim: AnalyzerSimulator | null = null
  afterEach(async () => {
    await sim?.stop()
    sim = null
    await t?.close()
  })

  it('records runs and host queries, answers no query, and a field position from the profile reads the species', async () => {
    const port = await freePort()
    t = makeApp({ labs: { astmTimers: TIMERS } })
    t.signIn('admin')
    for (const i of t.call('integrations.list', {})) if (i.kind === 'analyzer') t.call('integrations.update', { id: i.id, enabled: false })
    const c = t.call('clients.create', { firstName: 'Iris', lastName: 'Baptiste', phones: [] })
    const p = t.call('patients.create', { clientId: c.id, name: 'Crouton', species: 'feline', sex: 'male', neuterStatus: 'neutered' })
    const profile: LabProfile = { ...REFLAB_PROFILE, speciesCodes: {}, sexCodes: {}, catalog: [{ code: 'T4', name: 'Total T4', kind: 'test' }] }
    const a = t.call('integrations.create', { kind: 'analyzer', name: 'New chemistry analyzer', config: { listenPort: port, lab: profile } })
    t.call('integrations.approve', { id: a.id, categories: ['patient_identity', 'lab_orders'] })
    // An order placed before capture began: neither it nor a query for its sample goes to the analyzer while capturing.
    t.signIn('veterinarian')
    const order = t.call('labs.placeOrder', { patientId: p.id, integrationId: a.id, tests: ['T4'] })
    t.signIn('admin')
    t.call('integrations.update', { id: a.id, config: { listenPort: port, lab: profile, capture: true } })
    await t.app.start()
    const reports = () => (t.app.core.store.sqlite.prepare('SELECT count(*) AS n FROM lab_reports').get() as { n: number }).n
    const before = reports()
    sim = new AnalyzerSimulator({ transport: new TcpClientTransport('127.0.0.1', port), timers: TIMERS })
    await sim.start()
    const status = () => t.call('integrations.list', {}).find((i) => i.id === a.id)!.status
    await until(() => status().state === 'connected', 10_000, 'analyzer connected')
    await sim.hostQuery(order.orderNumber)
    // The analyzer puts the species in P-15.
    const transmission = [headerRecord('NEWCHEM^2.1', new Date()), record(['P', 1, p.id, '', '', ['Baptiste', 'Crouton'], '', '', 'M', '', '', '', '', '', 'FEL']), record(['O', 1, 'S-77', '', [testId('TT4')], 'R']), record(['R', 1, testId('TT4'), '2.9', 'ug/dL', '1.0-4.0', 'N', '', 'F']), 'L|1|N']
    await sim.transmit(transmission)
    await until(() => t.call('integrations.captures', { integrationId: a.id }).length === 2, 10_000, 'both captured')
    // The query was never answered and the queued order never sent: the analyzer got no order list.
    expect(sim.orders).toEqual([])
    expect(t.call('labs.orders', { patientId: p.id })[0].status).toBe('queued')
    const [run, query] = t.call('integrations.captures', { integrationId: a.id })
    expect(query.parts.map((x) => x.name)).toEqual(['H', 'Q', 'L'])
    const fields = new Map(run.parts.flatMap((x) => x.fields).map((f) => [f.position, f]))
    expect(fields.get('P-6.2')).toMatchObject({ value: 'Crouton', label: 'Pet name' })
    expect(fields.get('P-15')).toMatchObject({ value: 'FEL', label: null })
    expect(fields.get('R-3.4')).toMatchObject({ value: 'TT4', label: 'Test code' })
    expect(reports()).toBe(before)

    const draft: LabProfile = { ...profile, astmFields: { patientSpeciesField: 15 }, speciesCodes: { feline: 'FEL' }, codeMap: { TT4: { code: 'T4', name: 'Total T4' } } }
    const preview = t.call('integrations.capturePreview', { integrationId: a.id, profile: draft })
    expect(preview[1].note).toMatch(new RegExp(`host query for sample ${order.orderNumber}`))
    const r = preview[0].reports[0]
    expect(r.identifiers.find((i) => i.what === 'Species')).toEqual({ what: 'Species', sent: 'FEL', reads: 'feline' })
    // The fields are labelled as the draft reads them, before it is saved; without it, as the saved profile does.
    const labelled = new Map(t.call('integrations.captures', { integrationId: a.id, profile: draft })[0].parts.flatMap((x) => x.fields).map((f) => [f.position, f.label]))
    expect(labelled.get('P-15')).toBe('Species code')
    expect(new Map(t.call('integrations.captures', { integrationId: a.id })[0].parts.flatMap((x) => x.fields).map((f) => [f.position, f.label])).get('P-15')).toBeNull()
    expect(r.results[0]).toMatchObject({ sent: 'TT4', code: 'T4', name: 'Total T4', value: '2.9', mapped: true })
    // S-77 is not an order of ours: a person decides.
    expect(r.match).toMatchObject({ outcome: 'review', reasons: [expect.stringMatching(/S-77 is not one of ours/)] })
    // Without the field position the species is simply not read.
    const plain = t.call('integrations.capturePreview', { integrationId: a.id, profile })[0].reports[0]
    expect(plain.identifiers.map((i) => i.what)).not.toContain('Species')

    // Capture off, no restart: the order that waited goes out on the same connection.
    t.call('integrations.update', { id: a.id, config: { listenPort: port, lab: draft, capture: false } })
    await until(() => sim!.orders.some((o) => o.sampleId === order.orderNumber), 10_000, 'the waiting order delivered')
    // The run captured earlier, sent again: now it is read with the profile (S-77 is not ours, so it waits in review).
    await sim.transmit(transmission)
    await until(() => reports() === before + 1, 10_000, 'the resent run stored')
    expect(t.call('labs.reviewQueue', {}).some((i) => i.observations.some((o) => o.code === 'T4' && o.name === 'Total T4'))).toBe(true)
    expect(t.call('integrations.list', {}).find((i) => i.id === a.id)!.status.counters.connections).toBe(1)
  }, 60_000)
})
