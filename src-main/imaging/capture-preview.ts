import type { PreviewReport } from '../../src-preload/contract'
import { identifiersRead, type Previewer } from '../integrations/capture'
import type { Core } from '../domain/core'
import { patients } from '../db/schema'
import { readCapturedDicom, type CapturedDicomReading } from './capture-read'
import { imagingCodes, type StudiesService } from './studies'

/** A modality's captured objects (the capture log has already refused what does not read) read as filing reads them, and matched with the draft profile's species and sex codes over DICOM's. */
export function dicomPreviewer(core: Core, studies: StudiesService): Previewer {
  // A captured object never changes: each is read once, not again (megabytes out of the database) on every edit of the profile.
  const readings = new Map<string, CapturedDicomReading>()
  return (row, profile) => {
    if (row.messageType?.startsWith('MWL')) return { note: 'A worklist query: once capture mode is off, VetOS answers it with the scheduled imaging requests, if the modality is approved for patient identity and imaging', reports: [] }
    let read = readings.get(row.id)
    if (!read) {
      read = readCapturedDicom(row.raw())
      if (readings.size >= 500) readings.delete(readings.keys().next().value!)
      readings.set(row.id, read)
    }
    const codes = imagingCodes(profile)
    const verdict = studies.verdictFor({ identifiers: read.identifiers, accessionNumber: read.accessionNumber, studyInstanceUid: read.studyInstanceUid ?? '' }, codes)
    const attach = verdict.reasons.length === 0 && !!verdict.request
    const patient = attach && verdict.request ? core.store.byId(patients, verdict.request.patientId) : undefined
    const report: PreviewReport = {
      orderNumber: read.accessionNumber,
      title: [read.modality, read.description].filter(Boolean).join(' · ') || null,
      identifiers: identifiersRead(read.identifiers, codes),
      results: [],
      match: { outcome: attach ? 'attach' : 'review', patientId: patient?.id ?? null, patientName: patient?.name ?? null, reasons: verdict.reasons }
    }
    return { note: null, reports: [report] }
  }
}
