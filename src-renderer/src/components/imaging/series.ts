import type { ImagingInstance, ImagingStudy } from '../../../../src-preload/contract'
import { date } from '../../format'

export interface Series {
  uid: string
  number: number | null
  description: string | null
  modality: string | null
  instances: ImagingInstance[]
  frames: number
}

/** A study's series in order, each with its images in order. */
export function seriesOf(study: Pick<ImagingStudy, 'instances'>): Series[] {
  const by = new Map<string, ImagingInstance[]>()
  for (const i of study.instances) by.set(i.seriesInstanceUid, [...(by.get(i.seriesInstanceUid) ?? []), i])
  return [...by.entries()]
    .map(([uid, list]) => {
      const instances = [...list].sort((a, b) => (a.instanceNumber ?? 0) - (b.instanceNumber ?? 0))
      return {
        uid,
        number: instances[0].seriesNumber,
        description: instances[0].seriesDescription,
        modality: instances[0].modality,
        instances,
        frames: instances.reduce((n, i) => n + Math.max(1, i.frames), 0)
      }
    })
    .sort((a, b) => (a.number ?? 0) - (b.number ?? 0))
}

/** DICOM dates are YYYYMMDD; the record keeps when the study arrived as well. */
export function studyDate(study: ImagingStudy): string {
  const d = study.studyDate
  if (d && /^\d{8}$/.test(d)) return date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`)
  return date(d ?? study.receivedAt)
}

/** For ordering: the study's own date when it has one, else its arrival. */
export function studyTime(study: ImagingStudy): number {
  const d = study.studyDate
  if (d && /^\d{8}$/.test(d)) return Date.parse(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T00:00:00Z`)
  return Date.parse(d ?? study.receivedAt) || 0
}
