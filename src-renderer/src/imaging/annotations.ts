/**
 * Annotations as part of the permanent record. cornerstone keeps an annotation tied to an imageId,
 * and ours carry the session token (wadouri:…/media/dicom/<id>?token=…), which changes at every
 * sign-in. So what we store names the image by what does not change: our instance id, the DICOM
 * SOPInstanceUID and the frame. When the image is shown again, the annotation is re-bound to the
 * imageId of this session. Points stay in world coordinates, which come from the file itself.
 */
import { annotation as csAnnotation } from '@cornerstonejs/tools'
import type { Types as ToolTypes } from '@cornerstonejs/tools'
import type { ImagingInstance } from '../../../src-preload/contract'
import { frameOf, sameInstance } from './imageIds'

export const MEASUREMENT_TOOLS = ['Length', 'Angle', 'ArrowAnnotate', 'VhsLongAxis', 'VhsShortAxis', 'VhsSpine']

export interface StoredBinding {
  instanceId: string
  sopInstanceUid: string
  /** 1-based frame of a multi-frame image; 1 for a single frame */
  frame: number
}

type Stored = Record<string, unknown> & { vetos?: StoredBinding }

/** Every annotation drawn on this instance (any frame), in cornerstone's state. */
export function annotationsOf(imageIdBase: string): ToolTypes.Annotation[] {
  return (csAnnotation.state.getAllAnnotations() as ToolTypes.Annotation[]).filter(
    (a) => MEASUREMENT_TOOLS.includes(a.metadata?.toolName ?? '') && sameInstance(String(a.metadata?.referencedImageId ?? ''), imageIdBase)
  )
}

/** The form we save: no session token, no cached statistics, no transient UI state. */
export function toStored(a: ToolTypes.Annotation, instance: ImagingInstance): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(a)) as Stored & { metadata: Record<string, unknown>; data: Record<string, unknown> }
  const frame = frameOf(String(a.metadata?.referencedImageId ?? ''))
  delete copy.metadata.referencedImageId
  delete copy.metadata.FrameOfReferenceUID
  delete copy.highlighted
  delete copy.isSelected
  copy.data.cachedStats = {}
  copy.vetos = { instanceId: instance.id, sopInstanceUid: instance.sopInstanceUid, frame }
  return copy
}

/**
 * Back into cornerstone for the image on screen: bound to this session's imageId of the right frame
 * and to the viewport's frame of reference; statistics are recomputed on first render.
 */
export function restore(stored: Record<string, unknown>[], instance: ImagingInstance, imageIdForFrame: (frame: number) => string, element: HTMLDivElement, frameOfReferenceUID: string | undefined): number {
  let added = 0
  for (const s of stored) {
    const copy = JSON.parse(JSON.stringify(s)) as Stored & { metadata: Record<string, unknown>; data: Record<string, unknown>; annotationUID?: string }
    const binding = copy.vetos
    // Saved for another image (should not happen: the server keys sets by instance): leave it out.
    if (binding && binding.sopInstanceUid !== instance.sopInstanceUid) continue
    if (copy.annotationUID && csAnnotation.state.getAnnotation(copy.annotationUID)) continue
    copy.metadata.referencedImageId = imageIdForFrame(binding?.frame ?? 1)
    if (frameOfReferenceUID) copy.metadata.FrameOfReferenceUID = frameOfReferenceUID
    copy.data.cachedStats = {}
    copy.invalidated = true
    copy.highlighted = false
    csAnnotation.state.addAnnotation(copy as unknown as ToolTypes.Annotation, element)
    added++
  }
  return added
}

/** Takes this instance's annotations out of cornerstone (before loading another saved version). */
export function clearInstance(imageIdBase: string): void {
  for (const a of annotationsOf(imageIdBase)) if (a.annotationUID) csAnnotation.state.removeAnnotation(a.annotationUID)
}

/** What a saved annotation says, in words, for the version list. */
export function describe(stored: Record<string, unknown>): string {
  const tool = String((stored.metadata as { toolName?: string } | undefined)?.toolName ?? 'annotation')
  const data = stored.data as { text?: string; label?: string } | undefined
  const names: Record<string, string> = { Length: 'length', Angle: 'angle', ArrowAnnotate: 'arrow', VhsLongAxis: 'VHS long axis', VhsShortAxis: 'VHS short axis', VhsSpine: 'VHS spine line' }
  const text = data?.text ?? data?.label
  return `${names[tool] ?? tool}${text ? ` “${text}”` : ''}`
}
