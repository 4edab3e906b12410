/**
 * A captured DICOM object read the way filing reads it (dicom-file.ts: filingFieldsOf), for the
 * profile preview: who the patient would be taken for, and which study and request it would name.
 */
import type { PatientIdentifiers } from '../matching/rule'
import { filingFieldsOf, parseHeader } from './dicom-file'

export interface CapturedDicomReading {
  identifiers: PatientIdentifiers
  accessionNumber: string | null
  studyInstanceUid: string | null
  description: string | null
  modality: string | null
}

/** What filing would read; an object it cannot parse reads as nothing (the dissection says why). */
export function readCapturedDicom(raw: Buffer): CapturedDicomReading {
  try {
    const f = filingFieldsOf(parseHeader(raw))
    return { identifiers: f.identifiers, accessionNumber: f.accessionNumber, studyInstanceUid: f.studyInstanceUid, description: f.studyDescription, modality: f.modality }
  } catch {
    // DicomFileError, or dicom-parser's own throw (a string) reading an attribute cut off at the end.
    return { identifiers: {}, accessionNumber: null, studyInstanceUid: null, description: null, modality: null }
  }
}
