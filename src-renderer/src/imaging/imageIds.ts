/**
 * Image ids for cornerstone's wadouri loader. Every file is fetched from the page's own origin
 * (/media/dicom/<id> on the hub, app://vetos/media/... in Electron) with the session token the
 * API client adds, so the CSP's connect-src 'self' is all it needs.
 */
import type { ImagingInstance } from '../../../src-preload/contract'

type MediaUrl = (path: string) => string

/** wadouri:<absolute url>; frames of a multi-frame file add &frame=N (1-based), as the loader expects. */
export function imageIdBase(mediaUrl: MediaUrl, instance: Pick<ImagingInstance, 'path'>): string {
  return `wadouri:${new URL(mediaUrl(instance.path), location.href).href}`
}

export function imageIdsOf(mediaUrl: MediaUrl, instance: Pick<ImagingInstance, 'path' | 'frames'>): string[] {
  const base = imageIdBase(mediaUrl, instance)
  if (instance.frames <= 1) return [base]
  return Array.from({ length: instance.frames }, (_, i) => `${base}${base.includes('?') ? '&' : '?'}frame=${i + 1}`)
}

/** The 1-based frame an image id names (1 when it names none). */
export function frameOf(imageId: string): number {
  const m = /[?&]frame=(\d+)/.exec(imageId)
  return m ? Number(m[1]) : 1
}

function withoutFrame(imageId: string): string {
  return imageId.replace(/[?&]frame=\d+/, '')
}

/** Whether two image ids name the same file, whatever the frame (the token may differ too). */
export function sameInstance(imageId: string, base: string): boolean {
  const strip = (id: string) => withoutFrame(id).replace(/[?&]token=[^&]*/, '')
  return strip(imageId) === strip(base)
}
