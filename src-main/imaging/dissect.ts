/**
 * A captured DICOM object (a C-STORE's Part 10 file, a worklist query) attribute by attribute, for
 * the person building a modality's profile: grouped as a person reads them (Patient, Study,
 * Series, Equipment, Image, Other), each at its tag, with its keyword and, where filing reads it,
 * what VetOS takes it for. Pixel data and other bulk bytes are shown only as their size.
 */
import dicomParser from 'dicom-parser'
import dcmjs from 'dcmjs'
import type { CapturedField, CapturedPart } from '../../src-preload/contract'
import type { Dissection } from '../integrations/dissect'
import { DicomFileError, parseProblem, readHeader } from './dicom-file'

/** A captured worklist query is kept under this class (node.ts); it is not an image filing would take. */
// Modality Worklist Information Model – FIND (PS3.4 K.6), written out: this module reads, it never opens the network library.
const WORKLIST_FIND = '1.2.840.10008.5.1.4.31'

const dictionary = dcmjs.data.DicomMetaDictionary.dictionary

/**
 * What filing reads at each tag (dicom-file.ts: readHeader, identifiersOf); Patient's Name is
 * OwnerFamily^PetName for animals, Patient's Sex and Sex Neutered read together.
 */
const LABELS: Record<string, string> = {
  '(0010,0010)': 'Owner family name^Pet name',
  '(0010,0020)': 'Patient id (ours, from the worklist)',
  '(0010,0030)': 'Date of birth',
  '(0010,0040)': 'Sex code',
  '(0010,2203)': 'Neutered (ALTERED / UNALTERED), read with the sex code',
  '(0010,2201)': 'Species',
  '(0010,2292)': 'Breed',
  '(0010,2297)': 'Owner family name^Owner given name',
  '(0008,0050)': 'Accession number (ours)',
  '(0020,000D)': 'Study Instance UID (ours when the modality took it from the worklist)',
  '(0008,1030)': 'Study description',
  '(0008,0020)': 'Study date',
  '(0020,000E)': 'Series Instance UID',
  '(0020,0011)': 'Series number',
  '(0008,103E)': 'Series description',
  '(0008,0060)': 'Modality',
  '(0008,0016)': 'SOP Class UID (the kind of image)',
  '(0008,0018)': 'SOP Instance UID (the image; a resend has the same)',
  '(0020,0013)': 'Instance number',
  '(0002,0010)': 'Transfer syntax',
  '(0028,0010)': 'Rows',
  '(0028,0011)': 'Columns',
  '(0028,0008)': 'Number of frames',
  '(0028,0030)': 'Pixel spacing (calibrated lengths)',
  '(0018,1164)': 'Imager pixel spacing (lengths at the detector)',
  '(0018,6011)': 'Ultrasound regions (lengths per region)'
}

const PARTS = ['Patient', 'Study', 'Series', 'Equipment', 'Image', 'Other'] as const
type PartName = (typeof PARTS)[number]

const STUDY = new Set(['(0008,0020)', '(0008,0030)', '(0008,0050)', '(0008,0051)', '(0008,0090)', '(0008,1030)', '(0008,1032)', '(0008,1048)', '(0008,1060)', '(0008,1110)', '(0020,000D)', '(0020,0010)'])
const SERIES = new Set(['(0008,0021)', '(0008,0031)', '(0008,0060)', '(0008,103E)', '(0008,1050)', '(0008,1070)', '(0008,1111)', '(0018,0015)', '(0018,1030)', '(0018,5100)', '(0020,000E)', '(0020,0011)', '(0020,0060)'])
const EQUIPMENT = new Set(['(0002,0016)', '(0008,0070)', '(0008,0080)', '(0008,0081)', '(0008,1010)', '(0008,1040)', '(0008,1090)', '(0018,1000)', '(0018,1004)', '(0018,1020)', '(0018,1200)', '(0018,1201)'])
const IMAGE = new Set(['(0008,0008)', '(0008,0016)', '(0008,0018)', '(0008,0022)', '(0008,0023)', '(0008,0032)', '(0008,0033)', '(0020,0013)', '(0020,0020)', '(0020,0062)'])

/** Where a top-level attribute goes: by the module it belongs to, then by its group. */
function partOf(position: string): PartName {
  const group = position.slice(1, 5)
  if (group === '0010') return 'Patient'
  if (STUDY.has(position) || group === '0032' || group === '0040') return 'Study'
  if (SERIES.has(position)) return 'Series'
  if (EQUIPMENT.has(position)) return 'Equipment'
  if (IMAGE.has(position) || group === '0018' || group === '0028' || group === '7FE0') return 'Image'
  return 'Other'
}

const TEXT_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT'])
const NUMBER_VRS: Record<string, [size: number, read: (ds: dicomParser.DataSet, tag: string, i: number) => number | undefined]> = {
  US: [2, (ds, t, i) => ds.uint16(t, i)],
  SS: [2, (ds, t, i) => ds.int16(t, i)],
  UL: [4, (ds, t, i) => ds.uint32(t, i)],
  SL: [4, (ds, t, i) => ds.int32(t, i)],
  FL: [4, (ds, t, i) => ds.float(t, i)],
  FD: [8, (ds, t, i) => ds.double(t, i)]
}
/** Values shown of a multi-valued number, and characters of a long text. */
const MAX_VALUES = 16
const MAX_TEXT = 1000

const positionOf = (tag: string) => `(${tag.slice(1, 5)},${tag.slice(5, 9)})`.toUpperCase()

/** The keyword and VR of a tag: the dictionary's; group lengths and private tags by their rules. */
function describe(position: string, explicitVr: string | undefined): { keyword: string | null; vr: string | null } {
  const entry = dictionary[position]
  const group = Number.parseInt(position.slice(1, 5), 16)
  const element = Number.parseInt(position.slice(6, 10), 16)
  const keyword = entry?.name ?? (element === 0 ? 'GroupLength' : group % 2 === 1 ? (element >= 0x10 && element <= 0xff ? 'PrivateCreator' : null) : null)
  // The dictionary writes "ox" / "xs" where the VR depends on the image (OB or OW, US or SS).
  const known = entry?.vr === 'xs' ? 'US' : entry?.vr && !/^[A-Z]{2}$/.test(entry.vr) ? 'OB' : entry?.vr
  return { keyword, vr: explicitVr ?? known ?? (element === 0 ? 'UL' : keyword === 'PrivateCreator' ? 'LO' : null) }
}

const printable = (b: Uint8Array) => b.every((c) => (c >= 0x20 && c < 0x7f) || c === 0 || c === 0x0a || c === 0x0d)
const cap = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}… (${s.length} characters)` : s)

/** An element's value in words; bulk bytes as their size. */
function valueOf(ds: dicomParser.DataSet, el: dicomParser.Element, vr: string | null, position: string): string {
  if (el.encapsulatedPixelData || el.fragments) {
    const bytes = (el.fragments ?? []).reduce((n, f) => n + f.length, 0)
    return `${bytes} bytes (compressed, ${el.fragments?.length ?? 0} fragment${el.fragments?.length === 1 ? '' : 's'})`
  }
  if (position === '(7FE0,0010)') return `${el.length} bytes`
  if (vr && TEXT_VRS.has(vr)) return cap(ds.string(el.tag) ?? '')
  if (vr === 'AT') {
    const t = ds.attributeTag(el.tag)
    return t ? positionOf(t) : ''
  }
  const number = vr ? NUMBER_VRS[vr] : undefined
  if (number) {
    const count = Math.floor(el.length / number[0])
    const values = Array.from({ length: Math.min(count, MAX_VALUES) }, (_, i) => number[1](ds, el.tag, i))
    return `${values.join('\\')}${count > MAX_VALUES ? `\\… (${count} values)` : ''}`
  }
  // An unknown (private) tag sent implicit: text when it reads as text, else its size.
  const bytes = ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length)
  if (!vr && printable(bytes)) return cap(Buffer.from(bytes).toString('latin1').replace(/\0+$/, '').trim())
  return `${el.length} bytes`
}

interface Collected {
  part: PartName
  field: CapturedField
  line: string
}

/** Every attribute of a dataset, items of sequences under their sequence, in the order sent; problems says what was cut off. */
function collect(ds: dicomParser.DataSet, into: Collected[], problems: string[], parent: { path: string; part: PartName; depth: number } | null): void {
  for (const tag of Object.keys(ds.elements).sort()) {
    const el = ds.elements[tag]
    const own = positionOf(tag)
    const position = parent ? `${parent.path}.${own}` : own
    const part = parent?.part ?? partOf(own)
    const { keyword, vr } = describe(own, el.vr)
    const line = (v: string, shownVr = vr) => `${'>'.repeat(parent?.depth ?? 0)}${own} ${shownVr ?? '??'} ${keyword ?? '(private)'}: ${v === '' ? '(empty)' : v}`
    const add = (value: string, shownVr = vr) => into.push({ part, field: { position, name: keyword ?? undefined, value, label: LABELS[own] ?? null }, line: line(value, shownVr) })
    if (el.items) {
      add(`${el.items.length} item${el.items.length === 1 ? '' : 's'}`, 'SQ')
      el.items.forEach((item, i) => {
        if (item.dataSet) collect(item.dataSet, into, problems, { path: `${position}[${i}]`, part, depth: (parent?.depth ?? 0) + 1 })
      })
      continue
    }
    const arrived = Math.max(0, ds.byteArray.length - el.dataOffset)
    if (!el.fragments && el.length > arrived) {
      // dicom-parser takes an attribute cut off at the end as if it were whole.
      add(`(cut off: ${el.length} bytes declared, ${arrived} arrived)`)
      problems.push(`the object is cut off in ${position}${keyword ? ` ${keyword}` : ''}: ${el.length} bytes declared, ${arrived} arrived`)
      continue
    }
    try {
      add(valueOf(ds, el, vr, own))
    } catch (e) {
      add(`(unreadable: ${parseProblem(e)})`)
      problems.push(`${position} could not be read: ${parseProblem(e)}`)
    }
  }
}

/** The first bytes of something that is not DICOM at all, as a hex dump a person can read. */
function hexDump(raw: Buffer, bytes = 256): string {
  const lines: string[] = []
  for (let at = 0; at < Math.min(raw.length, bytes); at += 16) {
    const row = raw.subarray(at, Math.min(at + 16, raw.length))
    lines.push(`${at.toString(16).padStart(4, '0')}  ${[...row].map((b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(48)}  ${[...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')}`)
  }
  return lines.join('\n')
}

/** Reads a Part 10 file attribute by attribute; what cannot be read is said in problem, never thrown. */
export function dissectDicom(raw: Buffer): Dissection {
  try {
    return dissect(raw)
  } catch (e) {
    return { text: hexDump(raw), parts: [], problem: `not a readable DICOM object: ${parseProblem(e)}` }
  }
}

function dissect(raw: Buffer): Dissection {
  let ds: dicomParser.DataSet
  let problem: string | null = null
  try {
    ds = dicomParser.parseDicom(raw, { vrCallback: (tag: string) => describe(positionOf(tag), undefined).vr ?? undefined })
  } catch (e) {
    problem = `not a readable DICOM object: ${parseProblem(e)}`
    // What came before the unreadable bytes, when dicom-parser got that far.
    const partial = e && typeof e === 'object' && 'dataSet' in e ? (e as { dataSet?: dicomParser.DataSet }).dataSet : undefined
    if (!partial) return { text: hexDump(raw), parts: [], problem }
    ds = partial
  }
  const collected: Collected[] = []
  const problems: string[] = []
  collect(ds, collected, problems, null)
  problem ??= problems.length ? `not a readable DICOM object: ${problems.join('; ')}` : null
  // An image that parses may still lack what filing needs (bytes that happen to parse): said as filing says it.
  if (!problem && ds.string('x00020002') !== WORKLIST_FIND) {
    try {
      readHeader(raw)
    } catch (e) {
      problem = `VetOS could not file it: ${e instanceof DicomFileError ? e.message : parseProblem(e)}`
    }
  }
  const parts: CapturedPart[] = PARTS.map((name) => ({ name, fields: collected.filter((c) => c.part === name).map((c) => c.field) })).filter((p) => p.fields.length > 0)
  const text = PARTS.flatMap((name) => collected.filter((c) => c.part === name).map((c) => c.line)).join('\n')
  return { text: text || hexDump(raw), parts, problem }
}
