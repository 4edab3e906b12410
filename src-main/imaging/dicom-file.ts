/**
 * DICOM Part 10 files as VetOS keeps them: the dataset exactly as the modality sent it, behind
 * a file meta header we write (preamble, "DICM", group 0002). Only the header is parsed, never
 * the pixel data, so a 10 MB radiograph costs what its few kilobytes of attributes cost.
 */
import dicomParser from 'dicom-parser'
import type { PatientIdentifiers } from '../matching/rule'
import { normalizeName } from '../core/normalize'

export const IMPLEMENTATION_CLASS_UID = '1.2.826.0.1.3680043.10.1470.1'
export const IMPLEMENTATION_VERSION = 'VETOS_1'

export class DicomFileError extends Error {}

export interface InstanceHeader {
  sopClassUid: string
  sopInstanceUid: string
  studyInstanceUid: string
  seriesInstanceUid: string
  transferSyntaxUid: string
  accessionNumber: string | null
  patientName: string | null
  patientId: string | null
  studyDate: string | null
  studyDescription: string | null
  seriesNumber: number | null
  seriesDescription: string | null
  instanceNumber: number | null
  modality: string | null
  rows: number | null
  columns: number | null
  frames: number
  pixelSpacing: string | null
  imagerPixelSpacing: string | null
  ultrasoundRegions: boolean
  identifiers: PatientIdentifiers
}

/** A file meta information group (PS3.10 7.1), Explicit VR Little Endian. */
export function fileMeta(sopClassUid: string, sopInstanceUid: string, transferSyntaxUid: string, sourceAet?: string): Buffer {
  const even = (s: string, pad: string) => (s.length % 2 ? s + pad : s)
  const el = (group: number, element: number, vr: string, value: Buffer): Buffer => {
    const long = vr === 'OB'
    const head = Buffer.alloc(long ? 12 : 8)
    head.writeUInt16LE(group, 0)
    head.writeUInt16LE(element, 2)
    head.write(vr, 4, 'latin1')
    if (long) head.writeUInt32LE(value.length, 8)
    else head.writeUInt16LE(value.length, 6)
    return Buffer.concat([head, value])
  }
  const uid = (s: string) => Buffer.from(even(s, '\0'), 'latin1')
  const elements = [
    el(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    el(0x0002, 0x0002, 'UI', uid(sopClassUid)),
    el(0x0002, 0x0003, 'UI', uid(sopInstanceUid)),
    el(0x0002, 0x0010, 'UI', uid(transferSyntaxUid)),
    el(0x0002, 0x0012, 'UI', uid(IMPLEMENTATION_CLASS_UID)),
    el(0x0002, 0x0013, 'SH', Buffer.from(even(IMPLEMENTATION_VERSION, ' '), 'latin1')),
    ...(sourceAet ? [el(0x0002, 0x0016, 'AE', Buffer.from(even(sourceAet.trim(), ' '), 'latin1'))] : [])
  ]
  const body = Buffer.concat(elements)
  const groupLength = el(0x0002, 0x0000, 'UL', Buffer.alloc(4))
  groupLength.writeUInt32LE(body.length, 8)
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), groupLength, body])
}

const text = (ds: dicomParser.DataSet, tag: string): string | null => {
  const v = ds.string(tag)
  return v === undefined || v.trim() === '' ? null : v.trim()
}
const int = (ds: dicomParser.DataSet, tag: string): number | null => {
  const v = text(ds, tag)
  if (v === null) return null
  const n = Number.parseInt(v, 10)
  return Number.isFinite(n) ? n : null
}
const us = (ds: dicomParser.DataSet, tag: string): number | null => (ds.elements[tag] ? (ds.uint16(tag) ?? null) : null)

/** YYYYMMDD → YYYY-MM-DD, else null. */
export function dicomDate(v: string | null): string | null {
  const m = v ? /^(\d{4})(\d{2})(\d{2})$/.exec(v.trim()) : null
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null
}

/**
 * What a DICOM patient module says about the animal, in the words the matching rule compares:
 * Patient's Name is OwnerFamily^AnimalName for animals (PS3.5 PN convention), the sex code and
 * Patient's Sex Neutered together, the species description.
 */
export function identifiersOf(ds: dicomParser.DataSet): PatientIdentifiers {
  const out: PatientIdentifiers = {}
  const name = text(ds, 'x00100010')
  if (name) {
    const [owner, pet] = name.split('=')[0].split('^')
    if (owner?.trim()) out.ownerLastName = owner.trim()
    if (pet?.trim()) out.petName = pet.trim()
  }
  // The Responsible Person is the owner (Family^Given): its given name counts, and its family name
  // must agree with the one in Patient's Name.
  const responsible = text(ds, 'x00102297')
  if (responsible) {
    const [family, given] = responsible.split('=')[0].split('^').map((x) => x?.trim() ?? '')
    if (family && !out.ownerLastName) out.ownerLastName = family
    else if (family && normalizeName(family) !== normalizeName(out.ownerLastName ?? '')) (out.conflicts ??= []).push(`the owner is "${out.ownerLastName}" in Patient's Name but "${family}" as Responsible Person`)
    if (given) out.ownerFirstName = given
  }
  const id = text(ds, 'x00100020')
  if (id) out.patientId = id
  const dob = dicomDate(text(ds, 'x00100030'))
  if (dob) out.dateOfBirth = dob
  const sex = text(ds, 'x00100040')
  const neutered = text(ds, 'x00102203')
  if (sex && sex !== 'O') out.sex = `${sex}${neutered === 'ALTERED' ? (sex === 'M' ? 'N' : 'S') : neutered === 'UNALTERED' ? 'I' : ''}`
  const species = text(ds, 'x00102201')
  if (species) out.species = species
  const breed = text(ds, 'x00102292')
  if (breed) out.breed = breed
  return out
}

/** Why dicom-parser gave up, in words: it throws strings, Errors, or { exception, dataSet }. */
export function parseProblem(e: unknown): string {
  return typeof e === 'string' ? e : e && typeof e === 'object' && 'exception' in e ? String((e as { exception: unknown }).exception) : (e as Error).message
}

/** The attributes in front of the pixel data of a Part 10 file (or a dataset with its meta group). */
export function parseHeader(bytes: Uint8Array): dicomParser.DataSet {
  try {
    return dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' })
  } catch (e) {
    throw new DicomFileError(`not a readable DICOM file: ${parseProblem(e)}`)
  }
}

/**
 * What filing reads to place a study (accession number, Study Instance UID, description, modality)
 * and the patient identifiers it matches: one reading for readHeader and the capture preview.
 */
export function filingFieldsOf(ds: dicomParser.DataSet): { accessionNumber: string | null; studyInstanceUid: string | null; studyDescription: string | null; modality: string | null; identifiers: PatientIdentifiers } {
  return { accessionNumber: text(ds, 'x00080050'), studyInstanceUid: text(ds, 'x0020000d'), studyDescription: text(ds, 'x00081030'), modality: text(ds, 'x00080060'), identifiers: identifiersOf(ds) }
}

/** Parses the header of a Part 10 file (or of a dataset with its meta group); pixel data is not touched. */
export function readHeader(bytes: Uint8Array): InstanceHeader {
  const ds = parseHeader(bytes)
  try {
    return headerFrom(ds)
  } catch (e) {
    // dicom-parser parses an attribute cut off at the end, and throws (a string) only when it is read.
    if (e instanceof DicomFileError) throw e
    throw new DicomFileError(`not a readable DICOM file: ${parseProblem(e)}`)
  }
}

function headerFrom(ds: dicomParser.DataSet): InstanceHeader {
  const required = (tag: string, name: string) => {
    const v = text(ds, tag)
    if (!v) throw new DicomFileError(`${name} ${tag.replace(/^x(\w{4})(\w{4})$/, '($1,$2)')} is missing`)
    return v
  }
  const filing = filingFieldsOf(ds)
  return {
    sopClassUid: required('x00080016', 'SOP Class UID'),
    sopInstanceUid: required('x00080018', 'SOP Instance UID'),
    studyInstanceUid: required('x0020000d', 'Study Instance UID'),
    seriesInstanceUid: required('x0020000e', 'Series Instance UID'),
    transferSyntaxUid: required('x00020010', 'Transfer Syntax UID'),
    accessionNumber: filing.accessionNumber,
    patientName: text(ds, 'x00100010'),
    patientId: text(ds, 'x00100020'),
    studyDate: dicomDate(text(ds, 'x00080020')),
    studyDescription: filing.studyDescription,
    seriesNumber: int(ds, 'x00200011'),
    seriesDescription: text(ds, 'x0008103e'),
    instanceNumber: int(ds, 'x00200013'),
    modality: filing.modality,
    rows: us(ds, 'x00280010'),
    columns: us(ds, 'x00280011'),
    frames: Math.max(1, int(ds, 'x00280008') ?? 1),
    pixelSpacing: text(ds, 'x00280030'),
    imagerPixelSpacing: text(ds, 'x00181164'),
    ultrasoundRegions: !!ds.elements.x00186011,
    identifiers: filing.identifiers
  }
}
