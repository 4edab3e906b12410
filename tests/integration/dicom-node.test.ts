import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeApp, tempDir, type TestApp } from '../helpers/app'
import { dcmtk, rawStore } from '../helpers/dicom'
import { syntheticRadiograph, syntheticUltrasound, type SyntheticPatient } from '../../src-main/imaging/synthetic'
import { uuidUid } from '../../src-main/imaging/requests'
import type { ImagingRequest } from '../../src-preload/contract'

/** The DICOM node of the clinic in a test: real DCMTK peers over real TCP. */
describe('the DICOM node with DCMTK as the modality', () => {
  let t: TestApp
  let port: number
  let files: string
  let request: ImagingRequest
  let patient: SyntheticPatient
  const send = (file: string, aet = 'DRROOM') => dcmtk('storescu', ['-v', '-aec', 'VETOS', '-aet', aet, '127.0.0.1', String(port), file])
  const write = (name: string, bytes: Buffer) => {
    const f = join(files, name)
    writeFileSync(f, bytes)
    return f
  }

  beforeAll(async () => {
    files = tempDir('vetos-dicom-files-')
    t = makeApp({ imaging: { dicom: { host: '127.0.0.1', port: 0, aeTitle: 'VETOS', acceptLoopback: false } } })
    await t.app.start()
    port = t.app.services.imaging.node!.port!
    t.signIn('admin')
    const modality = t.call('integrations.create', { kind: 'imaging', name: 'DR room', config: { aeTitle: 'DRROOM', host: '127.0.0.1' } })
    t.call('integrations.approve', { id: modality.id, categories: ['patient_identity', 'imaging'] })
    t.call('integrations.create', { kind: 'imaging', name: 'Ultrasound cart (not approved)', config: { aeTitle: 'USCART', host: '127.0.0.1' } })
    t.signIn('veterinarian')
    // Milo has a request waiting in the demo clinic but no studies yet
    const found = t.call('patients.search', { query: 'milo', kind: 'name', limit: 1, includeDeceased: false })[0]
    const p = t.call('patients.get', { id: found.id })
    request = t.call('imaging.requestCreate', { patientId: p.patient.id, modality: 'DX', description: 'Thorax, 2 views' })
    patient = { ownerLastName: p.owner.lastName, ownerFirstName: p.owner.firstName, petName: p.patient.name, patientId: p.patient.id, species: p.patient.species, sex: p.patient.sex === 'male' ? 'M' : 'F', neutered: p.patient.neuterStatus === 'neutered', birthDate: p.patient.dateOfBirth }
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers C-ECHO from a configured modality and refuses an unknown AE title or a wrong called AE', async () => {
    expect((await dcmtk('echoscu', ['-aec', 'VETOS', '-aet', 'DRROOM', '127.0.0.1', String(port)])).code).toBe(0)
    const stranger = await dcmtk('echoscu', ['-aec', 'VETOS', '-aet', 'STRANGER', '127.0.0.1', String(port)])
    expect(stranger.code).not.toBe(0)
    expect(stranger.out).toMatch(/Calling AE Title Not Recognized/i)
    const wrongCalled = await dcmtk('echoscu', ['-aec', 'PACS', '-aet', 'DRROOM', '127.0.0.1', String(port)])
    expect(wrongCalled.out).toMatch(/Called AE Title Not Recognized/i)
    const log = t.call('imaging.node', {}).associations
    expect(log.filter((a) => a.outcome === 'rejected').map((a) => a.callingAet)).toEqual(expect.arrayContaining(['STRANGER', 'DRROOM']))
  })

  it('offers the request on the Modality Worklist with the veterinary attributes, matched by the DICOM rules', async () => {
    const query = (name: string, extra: string[] = []) =>
      dcmtk('findscu', ['-W', '-aec', 'VETOS', '-aet', 'DRROOM', '-k', `PatientName=${name}`, '-k', 'PatientID', '-k', 'AccessionNumber', '-k', 'StudyInstanceUID', '-k', 'PatientSpeciesDescription', '-k', 'ResponsiblePerson', '-k', 'PatientSexNeutered', '-k', 'ScheduledProcedureStepSequence[0].Modality=DX', ...extra, '127.0.0.1', String(port)])
    const all = await query('')
    expect(all.code).toBe(0)
    expect(all.out).toContain(request.accessionNumber)
    expect(all.out).toContain(`${patient.ownerLastName}^${patient.petName}`)
    expect(all.out).toContain(request.studyInstanceUid)
    expect(all.out).toMatch(/PatientSpeciesDescription/)
    // a wildcard on the owner's family name, case-insensitive for person names
    expect((await query(`${patient.ownerLastName.slice(0, 2).toLowerCase()}*`)).out).toContain(request.accessionNumber)
    expect((await query('Zzzz*')).out).not.toContain(request.accessionNumber)
    // a date range inside the scheduled step
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '')
    expect((await query('', ['-k', `ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=${today}-`])).out).toContain(request.accessionNumber)
    expect((await query('', ['-k', 'ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate=-20000101'])).out).not.toContain(request.accessionNumber)
  })

  it('refuses the worklist to a modality not approved to receive patient identity', async () => {
    const r = await dcmtk('findscu', ['-v', '-W', '-aec', 'VETOS', '-aet', 'USCART', '-k', 'PatientName', '-k', 'AccessionNumber', '127.0.0.1', String(port)])
    expect(r.out).not.toContain(request.accessionNumber)
    expect(r.out).toMatch(/Failed|Unable to Process|c001/i)
  })

  it('stores a study for the request, commits it, and attaches it to the patient by itself', async () => {
    const file = write('thorax.dcm', syntheticRadiograph({ patient, accessionNumber: request.accessionNumber, studyInstanceUid: request.studyInstanceUid, description: 'Thorax, 2 views' }))
    const r = await send(file)
    expect(r.code).toBe(0)
    const studies = t.call('imaging.studies', { patientId: patient.patientId })
    expect(studies).toHaveLength(1)
    expect(studies[0]).toMatchObject({ accessionNumber: request.accessionNumber, requestId: request.id, attachedAutomatically: true, modalities: ['DX'] })
    expect(studies[0].instances[0]).toMatchObject({ rows: 1024, columns: 1024, calibration: { kind: 'imager_pixel_spacing' } })
    expect(t.call('imaging.requests', { patientId: patient.patientId })[0]).toMatchObject({ status: 'completed', studyId: studies[0].id })
    // the file on disk is the dataset as sent, behind our meta header
    const served = await t.app.media.serve(studies[0].instances[0].path, t.signIn('veterinarian'))
    expect(served).toMatchObject({ status: 200, mime: 'application/dicom' })
  })

  it('takes compressed images in the syntax they come in (JPEG lossless, JPEG-LS) and keeps them as sent', async () => {
    for (const [tool, syntax, propose] of [['dcmcjpeg', '1.2.840.10008.1.2.4.70', '-xs'], ['dcmcjpls', '1.2.840.10008.1.2.4.80', '-xt']] as const) {
      const plain = write(`${tool}-in.dcm`, syntheticRadiograph({ patient, accessionNumber: request.accessionNumber, studyInstanceUid: request.studyInstanceUid, seriesNumber: 5, rows: 256, columns: 256 }))
      const compressed = join(files, `${tool}.dcm`)
      const made = await dcmtk(tool, [plain, compressed])
      expect(made.code, made.out).toBe(0)
      // -xs / -xt: the modality proposes its compressed syntax first, then the uncompressed ones
      const sent = await dcmtk('storescu', [propose, '-aec', 'VETOS', '-aet', 'DRROOM', '127.0.0.1', String(port), compressed])
      expect(sent.code, sent.out).toBe(0)
      const [study] = t.call('imaging.studies', { patientId: patient.patientId })
      const stored = study.instances.find((i) => i.transferSyntaxUid === syntax)!
      expect(stored).toBeDefined()
      // the dataset after the meta group is byte for byte what the modality had
      const original = readFileSync(compressed)
      const kept = readFileSync(join(t.dir, t.app.services.imaging.studies.instance(stored.id)!.file))
      const dataset = (b: Buffer) => b.subarray(132 + 12 + b.readUInt32LE(140))
      expect(dataset(kept).equals(dataset(original))).toBe(true)
    }
  })

  it('acknowledges a resent image again and stores it once', async () => {
    const file = write('us.dcm', syntheticUltrasound({ patient, accessionNumber: request.accessionNumber, studyInstanceUid: request.studyInstanceUid, seriesNumber: 2 }))
    expect((await send(file)).code).toBe(0)
    expect((await send(file)).code).toBe(0)
    const [study] = t.call('imaging.studies', { patientId: patient.patientId })
    expect(study.instances.filter((i) => i.modality === 'US')).toHaveLength(1)
    expect(study.instances.find((i) => i.modality === 'US')!.frames).toBe(24)
  })

  it('puts a study whose patient does not agree into review, where a person attaches it and can undo it', async () => {
    const file = write('misspelled.dcm', syntheticRadiograph({ patient: { ...patient, petName: `${patient.petName}x` }, accessionNumber: 'UNKNOWN42', description: 'Abdomen', rows: 256, columns: 256 }))
    expect((await send(file)).code).toBe(0)
    const item = t.call('imaging.reviewQueue', {}).find((i) => i.accessionNumber === 'UNKNOWN42')!
    expect(item.reasons[0]).toMatch(/accession number UNKNOWN42 is not one of ours/)
    expect(item.candidates[0].patientId).toBe(patient.patientId)
    expect(item.candidates[0].reasons.join('; ')).toMatch(/pet name is 1 letter different/)
    const waiting = t.call('imaging.reviewCount', {}).count
    expect(waiting).toBe(t.call('imaging.reviewQueue', {}).length)
    t.call('imaging.attach', { studyId: item.studyId, patientId: patient.patientId, reason: 'Same dog, typo at the console' })
    expect(t.call('imaging.studies', { patientId: patient.patientId }).map((s) => s.description)).toContain('Abdomen')
    expect(t.call('imaging.reviewQueue', {}).map((i) => i.studyId)).not.toContain(item.studyId)
    expect(t.call('imaging.reviewCount', {}).count).toBe(waiting - 1)
    t.call('imaging.detach', { studyId: item.studyId, reason: 'Wrong dog after all' })
    expect(t.call('imaging.reviewQueue', {}).map((i) => i.studyId)).toContain(item.studyId)
    expect(t.call('imaging.reviewCount', {}).count).toBe(waiting)
    const audit = t.call('audit.list', { patientId: patient.patientId, limit: 50 }).map((e) => e.action)
    expect(audit).toEqual(expect.arrayContaining(['imaging.study.attached', 'imaging.study.attached_manually', 'imaging.study.detached']))
  })

  it('refuses an unsupported storage class and a file it cannot read, keeps the bad one for inspection, and goes on serving', async () => {
    // a CT image: not a storage class this node takes, so its presentation context is refused
    const unsupported = await send(write('ct.dcm', syntheticRadiograph({ patient, rows: 64, columns: 64, sopClassUid: '1.2.840.10008.5.1.4.1.1.2' })))
    expect(unsupported.code).not.toBe(0)
    expect(unsupported.out).toMatch(/no presentation context|No Acceptable Presentation Contexts|abstract syntax/i)
    // no Study Instance UID: DCMTK sends it, VetOS cannot file it and says so
    const bad = await send(write('bad.dcm', syntheticRadiograph({ patient, rows: 64, columns: 64, omit: [0x0020000d] })))
    expect(bad.out).toMatch(/Store Response \(Error: CannotUnderstand\)/)
    const rejected = readdirSync(join(t.dir, 'images', 'rejected'))
    expect(rejected.some((f) => f.endsWith('.txt'))).toBe(true)
    expect((await dcmtk('echoscu', ['-aec', 'VETOS', '-aet', 'DRROOM', '127.0.0.1', String(port)])).code).toBe(0)
  })

  it('answers a dataset of garbage with 0xC000, keeps it for inspection, and stays up', async () => {
    const before = readdirSync(join(t.dir, 'images', 'rejected')).length
    const sop = uuidUid()
    expect(await rawStore(port, sop, Buffer.from('this is not a DICOM dataset at all, just bytes'.repeat(40)), true)).toBe(0xc000)
    expect(t.app.services.imaging.studies.instanceBySop(sop)).toBeUndefined()
    expect(readdirSync(join(t.dir, 'images', 'rejected')).length).toBe(before + 2) // the bytes and the reason
    expect((await dcmtk('echoscu', ['-aec', 'VETOS', '-aet', 'DRROOM', '127.0.0.1', String(port)])).code).toBe(0)
  })

  it('discards an image cut off mid-transfer, indexes nothing of it, and takes the next one', async () => {
    const before = t.call('imaging.node', {}).counters.stored
    const sop = uuidUid()
    await halfStore(port, sop)
    await new Promise((r) => setTimeout(r, 200))
    expect(readdirSync(join(t.dir, 'images', 'incoming'))).toEqual([])
    expect(t.app.services.imaging.studies.instanceBySop(sop)).toBeUndefined()
    expect(t.call('imaging.node', {}).associations[0]).toMatchObject({ outcome: 'aborted', stored: 0 })
    const next = write('next.dcm', syntheticRadiograph({ patient, accessionNumber: request.accessionNumber, studyInstanceUid: request.studyInstanceUid, seriesNumber: 3, rows: 128, columns: 128 }))
    expect((await send(next)).code).toBe(0)
    expect(t.call('imaging.node', {}).counters.stored).toBe(before + 1)
    expect(existsSync(join(t.dir, 'images'))).toBe(true)
  })
})

/**
 * A modality that associates, starts a C-STORE and vanishes half way through the dataset:
 * raw PDUs (PS3.8), since no DCMTK tool can be stopped at a chosen byte.
 */
function halfStore(port: number, sopInstance: string): Promise<void> {
  return rawStore(port, sopInstance, Buffer.alloc(8192, 0x41), false).then(() => undefined)
}
