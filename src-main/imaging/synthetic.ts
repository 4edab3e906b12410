/**
 * Synthetic DICOM images for the demo clinic, the tests and the benchmark: a thoracic radiograph
 * (spine with vertebrae, heart, lungs, ribs), a multi-frame ultrasound loop and an intra-oral
 * dental image, written as Part 10 files (Explicit VR Little Endian) with veterinary patient
 * attributes. Deterministic for a given seed.
 */
import { fileMeta } from './dicom-file'
import { uuidUid } from './requests'

type Value = string | number | number[] | Buffer
type Element = [tag: number, vr: string, value: Value]

const LONG_VRS = new Set(['OB', 'OW', 'SQ', 'UN', 'UT', 'UC', 'UR'])

function encode([tag, vr, value]: Element): Buffer {
  let body: Buffer
  if (Buffer.isBuffer(value)) body = value
  else if (vr === 'US') body = Buffer.from(new Uint16Array(Array.isArray(value) ? value : [value as number]).buffer)
  else body = Buffer.from(String(value), 'latin1')
  if (body.length % 2) body = Buffer.concat([body, Buffer.from(vr === 'UI' || vr === 'OB' ? [0] : [0x20])])
  const long = LONG_VRS.has(vr)
  const head = Buffer.alloc(long ? 12 : 8)
  head.writeUInt16LE(tag >>> 16, 0)
  head.writeUInt16LE(tag & 0xffff, 2)
  head.write(vr, 4, 'latin1')
  if (long) head.writeUInt32LE(body.length, 8)
  else head.writeUInt16LE(body.length, 6)
  return Buffer.concat([head, body])
}

export interface SyntheticPatient {
  ownerLastName: string
  ownerFirstName?: string
  petName: string
  patientId: string
  species?: string
  breed?: string
  sex?: 'M' | 'F' | 'O'
  neutered?: boolean | null
  birthDate?: string | null
}

export interface SyntheticStudy {
  patient: SyntheticPatient
  accessionNumber?: string
  studyInstanceUid?: string
  studyDate?: Date
  description?: string
  seriesNumber?: number
  instanceNumber?: number
  seed?: number
  /** tests: another SOP class, or attributes left out */
  sopClassUid?: string
  omit?: number[]
}

const DX = '1.2.840.10008.5.1.4.1.1.1.1'
const US_MF = '1.2.840.10008.5.1.4.1.1.3.1'
const IO = '1.2.840.10008.5.1.4.1.1.1.3'
const EXPLICIT_LE = '1.2.840.10008.1.2.1'

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
}

function common(sopClass: string, sopInstance: string, modality: string, s: SyntheticStudy, seriesUid: string): Element[] {
  const p = s.patient
  const when = s.studyDate ?? new Date()
  const date = when.toISOString().slice(0, 10).replace(/-/g, '')
  const time = when.toISOString().slice(11, 19).replace(/:/g, '')
  return [
    [0x00080005, 'CS', 'ISO_IR 100'],
    [0x00080016, 'UI', sopClass],
    [0x00080018, 'UI', sopInstance],
    [0x00080020, 'DA', date],
    [0x00080030, 'TM', time],
    [0x00080050, 'SH', s.accessionNumber ?? ''],
    [0x00080060, 'CS', modality],
    [0x00080070, 'LO', 'VetOS synthetic'],
    [0x00081030, 'LO', s.description ?? ''],
    [0x00100010, 'PN', `${p.ownerLastName}^${p.petName}`],
    [0x00100020, 'LO', p.patientId],
    [0x00100030, 'DA', (p.birthDate ?? '').replace(/-/g, '')],
    [0x00100040, 'CS', p.sex ?? ''],
    [0x00102201, 'LO', p.species ?? ''],
    [0x00102203, 'CS', p.neutered === true ? 'ALTERED' : p.neutered === false ? 'UNALTERED' : ''],
    [0x00102292, 'LO', p.breed ?? ''],
    [0x00102297, 'PN', `${p.ownerLastName}^${p.ownerFirstName ?? ''}`],
    [0x00102298, 'CS', 'OWNER'],
    [0x0020000d, 'UI', s.studyInstanceUid ?? uuidUid()],
    [0x0020000e, 'UI', seriesUid],
    [0x00200010, 'SH', '1'],
    [0x00200011, 'IS', String(s.seriesNumber ?? 1)],
    [0x00200013, 'IS', String(s.instanceNumber ?? 1)]
  ]
}

/** The image pixel module of a 16-bit (12 stored) greyscale image, with its display window. */
function grey16(rows: number, cols: number, pixels: Uint16Array, center: number, width: number): Element[] {
  return [
    [0x00280002, 'US', 1],
    [0x00280004, 'CS', 'MONOCHROME2'],
    [0x00280010, 'US', rows],
    [0x00280011, 'US', cols],
    [0x00280100, 'US', 16],
    [0x00280101, 'US', 12],
    [0x00280102, 'US', 11],
    [0x00280103, 'US', 0],
    [0x00281050, 'DS', String(center)],
    [0x00281051, 'DS', String(width)],
    [0x7fe00010, 'OW', Buffer.from(pixels.buffer)]
  ]
}

function file(sopClass: string, sopInstance: string, elements: Element[], omit: number[] = []): Buffer {
  const kept = elements.filter((e) => !omit.includes(e[0])).sort((a, b) => a[0] - b[0])
  return Buffer.concat([fileMeta(sopClass, sopInstance, EXPLICIT_LE), ...kept.map(encode)])
}

/** A lateral thoracic radiograph, 16-bit: spine with vertebrae along the top, heart, lungs, ribs. */
export function syntheticRadiograph(s: SyntheticStudy & { rows?: number; columns?: number }): Buffer {
  const rows = s.rows ?? 1024
  const cols = s.columns ?? 1024
  const rand = rng(s.seed ?? 7)
  const px = new Uint16Array(rows * cols)
  const inEllipse = (x: number, y: number, cx: number, cy: number, rx: number, ry: number, a = 0) => {
    const dx = x - cx
    const dy = y - cy
    const u = dx * Math.cos(a) + dy * Math.sin(a)
    const v = -dx * Math.sin(a) + dy * Math.cos(a)
    return (u * u) / (rx * rx) + (v * v) / (ry * ry) <= 1
  }
  const vertebra = cols * 0.07
  for (let y = 0; y < rows; y++) {
    const fy = y / rows
    for (let x = 0; x < cols; x++) {
      const fx = x / cols
      let v = 300
      if (inEllipse(fx, fy, 0.5, 0.52, 0.47, 0.4)) v = 1300 // body
      if (inEllipse(fx, fy, 0.5, 0.55, 0.4, 0.3)) v = 700 // lungs
      if (inEllipse(fx, fy, 0.48, 0.62, 0.15, 0.19, -0.5)) v = 1650 // heart
      // spine along the top of the thorax: vertebral bodies with disc spaces between them
      if (fy > 0.22 && fy < 0.3 && fx > 0.08 && fx < 0.95) v = (fx * cols) % vertebra < vertebra * 0.85 ? 2600 : 1500
      // ribs: arcs running down from the spine
      const rib = (fx * cols) % vertebra
      if (fy > 0.3 && fy < 0.85 && rib > vertebra * 0.1 && rib < vertebra * 0.25 && inEllipse(fx, fy, 0.5, 0.52, 0.44, 0.37)) v = Math.max(v, 1900)
      px[y * cols + x] = Math.min(4095, Math.max(0, Math.round(v + (rand() - 0.5) * 120)))
    }
  }
  const sop = uuidUid()
  const spacing = (430 / cols).toFixed(4) // a 43 cm detector
  const sopClass = s.sopClassUid ?? DX
  return file(sopClass, sop, [
    ...common(sopClass, sop, 'DX', s, uuidUid()),
    [0x00080008, 'CS', 'ORIGINAL\\PRIMARY'],
    [0x00080068, 'CS', 'FOR PRESENTATION'],
    [0x00181164, 'DS', `${spacing}\\${spacing}`],
    [0x00185101, 'CS', 'LL'],
    [0x00281052, 'DS', '0'],
    [0x00281053, 'DS', '1'],
    [0x00282110, 'CS', '00'],
    ...grey16(rows, cols, px, 1500, 2600)
  ], s.omit)
}

/** A short ultrasound loop, 8-bit: speckle with a chamber that beats. */
export function syntheticUltrasound(s: SyntheticStudy & { frames?: number }): Buffer {
  const rows = 240
  const cols = 320
  const frames = s.frames ?? 24
  const rand = rng(s.seed ?? 11)
  const px = new Uint8Array(rows * cols * frames)
  for (let f = 0; f < frames; f++) {
    const r = 40 + 15 * Math.sin((2 * Math.PI * f) / frames)
    for (let y = 0; y < rows; y++)
      for (let x = 0; x < cols; x++) {
        const inSector = Math.abs(x - cols / 2) < y * 0.9 && y > 10
        const d = Math.hypot(x - cols / 2, y - rows * 0.55)
        let v = inSector ? 60 + rand() * 90 : 0
        if (inSector && d < r) v = 10 + rand() * 20
        if (inSector && Math.abs(d - r) < 4) v = 200
        px[f * rows * cols + y * cols + x] = v
      }
  }
  const sop = uuidUid()
  return file(US_MF, sop, [
    ...common(US_MF, sop, 'US', s, uuidUid()),
    [0x00080008, 'CS', 'ORIGINAL\\PRIMARY'],
    [0x00180040, 'IS', '20'],
    [0x00181063, 'DS', '50'],
    [0x00280002, 'US', 1],
    [0x00280004, 'CS', 'MONOCHROME2'],
    [0x00280008, 'IS', String(frames)],
    [0x00280009, 'AT', Buffer.from([0x18, 0x00, 0x63, 0x10])],
    [0x00280010, 'US', rows],
    [0x00280011, 'US', cols],
    [0x00280100, 'US', 8],
    [0x00280101, 'US', 8],
    [0x00280102, 'US', 7],
    [0x00280103, 'US', 0],
    [0x7fe00010, 'OB', Buffer.from(px.buffer)]
  ])
}

/** An intra-oral dental radiograph, 16-bit: two teeth with roots. */
export function syntheticDental(s: SyntheticStudy): Buffer {
  const rows = 480
  const cols = 640
  const rand = rng(s.seed ?? 5)
  const px = new Uint16Array(rows * cols)
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < cols; x++) {
      let v = 900
      for (const cx of [0.33, 0.67]) {
        const dx = Math.abs(x / cols - cx)
        if (y / rows < 0.45 && dx < 0.12) v = 3000 // crown
        else if (y / rows < 0.95 && dx < 0.08 - (y / rows - 0.45) * 0.1) v = 2300 // root
        if (y / rows < 0.5 && dx < 0.04 && y / rows > 0.15) v = 1200 // pulp
      }
      px[y * cols + x] = Math.round(v + (rand() - 0.5) * 100)
    }
  const sop = uuidUid()
  return file(IO, sop, [
    ...common(IO, sop, 'IO', s, uuidUid()),
    [0x00080068, 'CS', 'FOR PRESENTATION'],
    [0x00181164, 'DS', '0.0190\\0.0190'],
    ...grey16(rows, cols, px, 2000, 3000)
  ])
}
