/**
 * Capture mode for a modality nobody has profiled (issue 14): real DCMTK peers over real TCP. What
 * it sends is kept and read back attribute by attribute, answered so it does not retry, and never
 * filed or answered with patient data; turned off, the next image is filed as usual. A profile
 * built from a capture (species code K9) makes the next study attach.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeApp, tempDir, type TestApp } from '../helpers/app'
import { dcmtk, rawStore } from '../helpers/dicom'
import { syntheticRadiograph, type SyntheticPatient } from '../../src-main/imaging/synthetic'
import { uuidUid } from '../../src-main/imaging/requests'
import { readCapturedDicom } from '../../src-main/imaging/capture-read'
import { LabProfile, type CapturedMessage, type ImagingRequest, type Integration } from '../../src-preload/contract'

describe('a modality in capture mode', () => {
  let t: TestApp
  let port: number
  let files: string
  let modality: Integration
  let patient: SyntheticPatient
  let request: ImagingRequest
  const send = (file: string, aet = 'NEWDR') => dcmtk('storescu', ['-v', '-aec', 'VETOS', '-aet', aet, '127.0.0.1', String(port), file])
  const write = (name: string, bytes: Buffer) => {
    const f = join(files, name)
    writeFileSync(f, bytes)
    return f
  }
  const captures = (): CapturedMessage[] => {
    t.signIn('admin')
    return t.call('integrations.captures', { integrationId: modality.id, limit: 50 })
  }
  const field = (m: CapturedMessage, position: string) => m.parts.flatMap((p) => p.fields.map((f) => ({ ...f, part: p.name }))).find((f) => f.position === position)
  const echo = () => dcmtk('echoscu', ['-aec', 'VETOS', '-aet', 'NEWDR', '127.0.0.1', String(port)])

  beforeAll(async () => {
    files = tempDir('vetos-capture-files-')
    t = makeApp({ imaging: { dicom: { host: '127.0.0.1', port: 0, aeTitle: 'VETOS', acceptLoopback: false } } })
    await t.app.start()
    port = t.app.services.imaging.node!.port!
    t.signIn('admin')
    modality = t.call('integrations.create', { kind: 'imaging', name: 'New DR panel', config: { aeTitle: 'NEWDR', host: '127.0.0.1', capture: true } })
    // Approved for patient identity: were capture mode not honoured, the worklist would name the patient.
    t.call('integrations.approve', { id: modality.id, categories: ['patient_identity', 'imaging'] })
    t.signIn('veterinarian')
    const owner = t.call('clients.create', { firstName: 'Ada', lastName: 'Okafor', phones: [] })
    const pet = t.call('patients.create', { clientId: owner.id, name: 'Biscuit', species: 'canine', sex: 'male', neuterStatus: 'neutered' })
    patient = { ownerLastName: 'Okafor', ownerFirstName: 'Ada', petName: 'Biscuit', patientId: pet.id, species: 'Canine', sex: 'M', neutered: true }
    request = t.call('imaging.requestCreate', { patientId: pet.id, modality: 'DX', description: 'Thorax, 2 views' })
  }, 60_000)
  afterAll(async () => {
    await t?.close()
  })

  it('answers a C-STORE with success and keeps the image, read attribute by attribute, without filing it', async () => {
    const bytes = syntheticRadiograph({ patient, accessionNumber: request.accessionNumber, studyInstanceUid: request.studyInstanceUid, description: 'Thorax, 2 views', rows: 256, columns: 256 })
    const r = await send(write('captured.dcm', bytes))
    expect(r.code, r.out).toBe(0)
    expect(r.out).toMatch(/Received Store Response \(Success\)/)

    const [m] = captures()
    expect(m).toMatchObject({ transport: 'dicom', messageType: 'C-STORE DX', peer: expect.stringMatching(/^NEWDR at 127\.0\.0\.1:\d+$/), problem: null })
    expect(field(m, '(0010,0010)')).toMatchObject({ part: 'Patient', name: 'PatientName', value: 'Okafor^Biscuit', label: expect.stringMatching(/Pet name/) })
    expect(field(m, '(0010,2201)')).toMatchObject({ part: 'Patient', value: 'Canine', label: 'Species' })
    expect(field(m, '(0008,0050)')).toMatchObject({ part: 'Study', value: request.accessionNumber, label: 'Accession number (ours)' })
    expect(field(m, '(0008,0070)')).toMatchObject({ part: 'Equipment', name: 'Manufacturer', value: 'VetOS synthetic' })
    // the pixel data only as its size (256 × 256 × 2 bytes)
    expect(field(m, '(7FE0,0010)')).toMatchObject({ part: 'Image', name: 'PixelData', value: '131072 bytes' })
    expect(m.parts.map((p) => p.name)).toEqual(['Patient', 'Study', 'Series', 'Equipment', 'Image', 'Other'])
    expect(m.text.split('\n')).toContain('(0010,0010) PN PatientName: Okafor^Biscuit')

    // the dataset kept is byte for byte what the modality had, behind our meta header
    const kept = t.app.services.captures.raw(m.id)!.raw
    const dataset = (b: Buffer) => b.subarray(132 + 12 + b.readUInt32LE(140))
    expect(dataset(kept).equals(dataset(bytes))).toBe(true)
    // the profile preview reads it as filing would
    expect(readCapturedDicom(kept)).toEqual({ identifiers: { ownerLastName: 'Okafor', ownerFirstName: 'Ada', petName: 'Biscuit', patientId: patient.patientId, sex: 'MN', species: 'Canine' }, accessionNumber: request.accessionNumber, studyInstanceUid: request.studyInstanceUid, description: 'Thorax, 2 views', modality: 'DX' })

    // nothing filed: no study, no image, nothing to review, no notification, the request still waits
    t.signIn('veterinarian')
    const sop = field(m, '(0008,0018)')!.value
    expect(t.app.services.imaging.studies.instanceBySop(sop)).toBeUndefined()
    expect(t.call('imaging.studies', { patientId: patient.patientId })).toEqual([])
    expect(t.call('imaging.reviewQueue', {}).map((i) => i.accessionNumber)).not.toContain(request.accessionNumber)
    expect(t.app.core.store.sqlite.prepare("SELECT count(*) FROM notifications WHERE kind LIKE 'imaging.%' AND (patient_id = ? OR title LIKE '%Biscuit%')").pluck().get(patient.patientId)).toBe(0)
    expect(t.call('imaging.requests', { patientId: patient.patientId })[0]).toMatchObject({ id: request.id, status: 'scheduled' })

    // the association's record says what happened to it
    const association = t.app.core.store.sqlite.prepare("SELECT summary FROM audit_log WHERE integration_id = ? AND action = 'dicom.association' ORDER BY seq DESC LIMIT 1").pluck().get(modality.id)
    expect(association).toMatch(/0 image\(s\) stored \(0\.0 MB\), 1 kept in capture mode, not filed/)

    // a resend is answered again and not captured twice
    expect((await send(write('captured.dcm', bytes))).code).toBe(0)
    expect(captures()).toHaveLength(1)
  })

  it('answers a worklist query with no items though a request matches, and keeps the query', async () => {
    const r = await dcmtk('findscu', ['-v', '-W', '-aec', 'VETOS', '-aet', 'NEWDR', '-k', 'PatientName', '-k', 'PatientID', '-k', 'AccessionNumber', '-k', 'ScheduledProcedureStepSequence[0].Modality=DX', '127.0.0.1', String(port)])
    expect(r.code, r.out).toBe(0)
    expect(r.out).toMatch(/Received Final Find Response \(Success\)/)
    expect(r.out).not.toMatch(/Pending/)
    expect(r.out).not.toContain(request.accessionNumber)
    expect(r.out).not.toContain('Biscuit')

    const [q] = captures()
    expect(q).toMatchObject({ transport: 'dicom', messageType: 'MWL C-FIND', problem: null })
    expect(field(q, '(0010,0010)')).toMatchObject({ part: 'Patient', value: '', label: expect.stringMatching(/Pet name/) })
    expect(field(q, '(0040,0100)')).toMatchObject({ part: 'Study', name: 'ScheduledProcedureStepSequence', value: '1 item' })
    expect(field(q, '(0040,0100)[0].(0008,0060)')).toMatchObject({ name: 'Modality', value: 'DX' })
    // The modality polls: the same query again is answered alike but not captured again.
    const count = captures().length
    expect((await dcmtk('findscu', ['-W', '-aec', 'VETOS', '-aet', 'NEWDR', '-k', 'PatientName', '-k', 'PatientID', '-k', 'AccessionNumber', '-k', 'ScheduledProcedureStepSequence[0].Modality=DX', '127.0.0.1', String(port)])).code).toBe(0)
    expect(captures()).toHaveLength(count)
    // nothing was sent to it
    const sent = t.app.core.store.sqlite.prepare("SELECT count(*) FROM audit_log WHERE integration_id = ? AND action = 'dicom.worklist'").pluck().get(modality.id)
    expect(sent).toBe(0)
  })

  it('keeps a garbage or truncated object with the problem shown, and goes on serving', async () => {
    const garbage = uuidUid()
    expect(await rawStore(port, garbage, Buffer.from('this is not a DICOM dataset at all, just bytes'.repeat(40)), true, 'NEWDR')).toBe(0xc000)
    const [g] = captures()
    // the text reads as one private attribute declaring more bytes than arrived
    expect(g).toMatchObject({ messageType: 'C-STORE (unreadable)', problem: expect.stringMatching(/^not a readable DICOM object: the object is cut off in \(6874,7369\): \d+ bytes declared, 1832 arrived$/) })
    // what came before the garbage is still shown: the meta header VetOS wrote, naming the image
    expect(field(g, '(0002,0003)')?.value).toBe(garbage)

    // a real image (implicit VR, as the raw association proposes) cut off in the middle of Patient's Name
    const implicit = join(files, 'implicit.dcm')
    expect((await dcmtk('dcmconv', ['+ti', write('explicit.dcm', syntheticRadiograph({ patient, accessionNumber: 'CUT1', rows: 64, columns: 64 })), implicit])).code).toBe(0)
    const whole = readFileSync(implicit)
    const dataset = whole.subarray(132 + 12 + whole.readUInt32LE(140))
    const cutAt = dataset.indexOf('Okafor^Bis') + 6
    expect(await rawStore(port, uuidUid(), dataset.subarray(0, cutAt), true, 'NEWDR')).toBe(0xc000)
    const [cut] = captures()
    expect(cut).toMatchObject({ messageType: 'C-STORE (unreadable)', problem: 'not a readable DICOM object: the object is cut off in (0010,0010) PatientName: 14 bytes declared, 6 arrived' })
    // what came before the cut is shown
    expect(field(cut, '(0008,0050)')?.value).toBe('CUT1')
    expect(readCapturedDicom(t.app.services.captures.raw(cut.id)!.raw)).toMatchObject({ accessionNumber: null, identifiers: {} })
    expect(t.app.services.captures.raw(cut.id)!.raw.subarray(-cutAt).equals(dataset.subarray(0, cutAt))).toBe(true)

    expect((await echo()).code).toBe(0)
    expect(captures()).toHaveLength(4)
  })

  it('says in its health that it is capturing and files nothing', () => {
    const h = t.call('integrations.health', {}).find((x) => x.integrationId === modality.id)!
    expect(h.level).toBe('attention')
    expect(h.headline).toMatch(/^Capture mode: 4 messages recorded since .+; nothing is filed to patients\.$/)
    expect(h.advice).toMatch(/build its profile/i)
  })

  it('previews how each captured object would now be read and matched, filing nothing', () => {
    t.signIn('admin')
    const preview = t.call('integrations.capturePreview', { integrationId: modality.id, profile: LabProfile.parse({}) })
    expect(preview).toHaveLength(4)
    const image = preview.find((p) => p.messageType?.startsWith('C-STORE') && !p.problem)!
    expect(image.reports[0]).toMatchObject({ orderNumber: request.accessionNumber, match: { outcome: 'attach', patientId: patient.patientId, patientName: 'Biscuit', reasons: [] } })
    expect(image.reports[0].identifiers).toEqual(expect.arrayContaining([{ what: 'Species', sent: 'Canine', reads: 'canine' }]))
    // A draft that gives dogs another code still reads the plain name; a sex code the draft takes for a female is a disagreement.
    // Each edit of the draft previews again without reading the images out of the database again.
    const reads = vi.spyOn(t.app.services.captures, 'raw')
    const female = t.call('integrations.capturePreview', { integrationId: modality.id, profile: LabProfile.parse({ sexCodes: { 'female/neutered': 'MN' } }) }).find((p) => p.messageId === image.messageId)!
    expect(reads).not.toHaveBeenCalled()
    reads.mockRestore()
    expect(female.reports[0].match.outcome).toBe('review')
    expect(preview.find((p) => p.messageType === 'MWL C-FIND')!.note).toMatch(/worklist query/)
    expect(preview.filter((p) => p.problem)).toHaveLength(2)
    t.signIn('veterinarian')
    expect(t.call('imaging.studies', { patientId: patient.patientId })).toEqual([])
  })

  it('files the next image normally once capture mode is turned off, without a restart', async () => {
    t.signIn('admin')
    t.call('integrations.update', { id: modality.id, config: { aeTitle: 'NEWDR', host: '127.0.0.1', capture: false } })
    const r = await send(write('filed.dcm', syntheticRadiograph({ patient, accessionNumber: request.accessionNumber, studyInstanceUid: request.studyInstanceUid, description: 'Thorax, 2 views', seriesNumber: 2, rows: 128, columns: 128 })))
    expect(r.code, r.out).toBe(0)
    t.signIn('veterinarian')
    const studies = t.call('imaging.studies', { patientId: patient.patientId })
    expect(studies).toHaveLength(1)
    expect(studies[0]).toMatchObject({ requestId: request.id, attachedAutomatically: true })
    expect(captures()).toHaveLength(4)
    expect(t.call('integrations.health', {}).find((x) => x.integrationId === modality.id)!.headline).not.toMatch(/Capture mode/)
  })

  it('attaches a study coded species K9 once the profile built from a capture maps canine to K9', async () => {
    const k9 = { ...patient, species: 'K9' }
    const first = t.call('imaging.requestCreate', { patientId: patient.patientId, modality: 'DX', description: 'Left elbow' })
    expect((await send(write('k9-before.dcm', syntheticRadiograph({ patient: k9, accessionNumber: first.accessionNumber, studyInstanceUid: first.studyInstanceUid, description: 'Left elbow', rows: 64, columns: 64 })))).code).toBe(0)
    const waiting = t.call('imaging.reviewQueue', {}).find((i) => i.accessionNumber === first.accessionNumber)!
    expect(waiting.reasons).toContain('species code "K9" is not understood')

    t.signIn('admin')
    const config = t.call('integrations.list', {}).find((i) => i.id === modality.id)!.config
    t.call('integrations.update', { id: modality.id, config: { ...config, lab: { speciesCodes: { canine: 'K9' } } } })
    t.signIn('veterinarian')
    const next = t.call('imaging.requestCreate', { patientId: patient.patientId, modality: 'DX', description: 'Right elbow' })
    expect((await send(write('k9-after.dcm', syntheticRadiograph({ patient: k9, accessionNumber: next.accessionNumber, studyInstanceUid: next.studyInstanceUid, description: 'Right elbow', rows: 64, columns: 64 })))).code).toBe(0)
    const attached = t.call('imaging.studies', { patientId: patient.patientId }).find((s) => s.accessionNumber === next.accessionNumber)
    expect(attached).toMatchObject({ requestId: next.id, attachedAutomatically: true })
    expect(t.call('imaging.reviewQueue', {}).map((i) => i.accessionNumber)).not.toContain(next.accessionNumber)
  })
})
