import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type RefObject } from 'react'
import { Alert, Badge, Box, Button, Group, Loader, Paper, Stack, Text } from '@mantine/core'
import { Enums as CoreEnums, cache, eventTarget, metaData } from '@cornerstonejs/core'
import type { Types as CoreTypes } from '@cornerstonejs/core'
import { Enums as ToolEnums, annotation as csAnnotation } from '@cornerstonejs/tools'
import type { Types as ToolTypes } from '@cornerstonejs/tools'
import type { ImagingInstance } from '../../../../src-preload/contract'
import { ApiClientError } from '../../api/client'
import { useApi } from '../../api/hooks'
import { renderingEngine, renderPath, startCornerstone, STACK } from '../../imaging/cornerstone'
import { imageIdBase, imageIdsOf, sameInstance } from '../../imaging/imageIds'
import { annotationsOf, clearInstance, restore, toStored } from '../../imaging/annotations'
import { applyTool, createToolGroup, destroyToolGroup, type ToolName } from '../../imaging/tools'
import { presetRange, type PresetId, type VoiRange } from '../../imaging/windowLevel'
import { recordFirstRender } from '../../imaging/firstRender'
import { registerCalibration } from '../../imaging/calibration'
import { computeVhs, setVertebrae, styleVhsTools } from '../../imaging/vhs'
import { ViewerToolbar } from './ViewerToolbar'
import { CalibrationBadge, calibrationSentence } from './CalibrationBadge'
import { CinePlayer } from './CinePlayer'
import { VhsPanel } from './VhsPanel'
import { AnnotationVersions } from './AnnotationVersions'

export interface ViewerProps {
  /** the images of one series, in order; a multi-frame file contributes each of its frames */
  instances: ImagingInstance[]
  viewportId: string
  /** a smaller viewer with fewer controls, for the comparison */
  compact?: boolean
  species?: string
  canSave: boolean
  title?: string
  /** whose image this is, said above it in full window (the patient's header is hidden then) */
  fullWindowTitle?: string
}

interface SavedState {
  version: number
  savedAt: string | null
  savedBy: string | null
}

/** A cornerstone3d stack viewport with its tools, presets, cine, VHS and the saved annotations. */
export function Viewer({ instances, viewportId, compact = false, species, canSave, title, fullWindowTitle }: ViewerProps) {
  const api = useApi()
  const element = useRef<HTMLDivElement>(null)
  const frame = useRef<HTMLDivElement>(null)
  const group = useRef<ToolTypes.IToolGroup | null>(null)
  const [status, setStatus] = useState<'starting' | 'ready' | 'error'>('starting')
  const [error, setError] = useState<string | null>(null)
  const [tool, setTool] = useState<ToolName>('WindowLevel')
  const [index, setIndex] = useState(0)
  const [preset, setPreset] = useState<PresetId>('default')
  const [invert, setInvert] = useState(false)
  const [saved, setSaved] = useState<Record<string, SavedState>>({})
  const [dirty, setDirty] = useState<Set<string>>(new Set())
  const [tick, setTick] = useState(0)
  const [saveMessage, setSaveMessage] = useState<{ color: string; text: string } | null>(null)
  const [saving, setSaving] = useState(false)
  const defaults = useRef<{ base: VoiRange; full: VoiRange; mono1: boolean } | null>(null)

  // Live events refetch the study list and hand us new (equal) arrays: the stack is keyed by its
  // image ids so the viewer is not rebuilt under the vet's hand.
  const idsKey = instances.map((i) => `${i.id}:${i.frames}`).join(',')
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const stable = useMemo(() => instances, [idsKey])
  const imageIds = useMemo(() => stable.flatMap((i) => imageIdsOf(api.mediaUrl.bind(api), i)), [api, stable])
  const owners = useMemo(() => stable.flatMap((i) => Array.from({ length: Math.max(1, i.frames) }, () => i)), [stable])
  const bases = useMemo(() => new Map(stable.map((i) => [i.id, imageIdBase(api.mediaUrl.bind(api), i)])), [api, stable])
  for (const i of instances) registerCalibration(bases.get(i.id)!, i.calibration)
  const current = owners[index] ?? stable[0]
  const currentBase = bases.get(current.id)!

  const viewport = useCallback(() => renderingEngine().getViewport(viewportId) as CoreTypes.IStackViewport | undefined, [viewportId])

  // Start: engine, viewport, tools, the stack, then the saved annotations of every image in it.
  useEffect(() => {
    let cancelled = false
    const mountedAt = performance.now()
    const el = element.current!
    let firstRendered = false
    const onRendered = () => {
      // The viewport also renders (its black background) while its image is still loading, with a
      // status that already says "pre-render": only a render with the image in it stops the clock.
      const vp = renderingEngine().getViewport(viewportId) as CoreTypes.IStackViewport | undefined
      if (!vp?.getCornerstoneImage?.()) return
      if (firstRendered) return
      firstRendered = true
      el.dataset.rendered = 'true'
      recordFirstRender(el, mountedAt, renderPath.cpu)
    }
    const onNewImage = (e: Event) => {
      const detail = (e as CustomEvent<{ imageIdIndex: number }>).detail
      setIndex(detail.imageIdIndex)
    }
    el.addEventListener(CoreEnums.Events.IMAGE_RENDERED, onRendered)
    el.addEventListener(CoreEnums.Events.STACK_NEW_IMAGE, onNewImage)
    ;(async () => {
      try {
        await startCornerstone()
        styleVhsTools()
        if (cancelled) return
        const engine = renderingEngine()
        engine.enableElement({ viewportId, element: el, type: STACK, defaultOptions: { background: [0, 0, 0] } })
        group.current = createToolGroup(viewportId)
        applyTool(group.current, 'WindowLevel', imageIds.length)
        const vp = engine.getViewport(viewportId) as CoreTypes.IStackViewport
        await vp.setStack(imageIds, 0)
        if (cancelled) return
        captureDefaults(vp)
        vp.render()
        setStatus('ready')
        const sets = await Promise.all(stable.map((i) => api.call('imaging.annotations', { instanceId: i.id }).catch(() => null)))
        if (cancelled) return
        const state: Record<string, SavedState> = {}
        stable.forEach((inst, i) => {
          const set = sets[i]
          state[inst.id] = { version: set?.version ?? 0, savedAt: set?.savedAt ?? null, savedBy: set?.savedBy ?? null }
          if (set?.annotations.length) restoreInto(inst, set.annotations)
        })
        setSaved(state)
        vp.render()
        setTick((t) => t + 1)
      } catch (e) {
        if (cancelled) return
        setStatus('error')
        setError(e instanceof Error ? e.message : String(e))
      }
    })()
    return () => {
      cancelled = true
      el.removeEventListener(CoreEnums.Events.IMAGE_RENDERED, onRendered)
      el.removeEventListener(CoreEnums.Events.STACK_NEW_IMAGE, onNewImage)
      destroyToolGroup(viewportId)
      group.current = null
      try {
        renderingEngine().disableElement(viewportId)
      } catch {
        /* never enabled (unmounted while starting) */
      }
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [viewportId, imageIds])

  const restoreInto = (inst: ImagingInstance, stored: Record<string, unknown>[]) => {
    const vp = viewport()
    if (!vp || !element.current) return
    const ids = imageIdsOf(api.mediaUrl.bind(api), inst)
    restore(stored, inst, (frame) => ids[Math.min(ids.length, Math.max(1, frame)) - 1], element.current, vp.getFrameOfReferenceUID())
  }

  const captureDefaults = (vp: CoreTypes.IStackViewport) => {
    const imageId = vp.getCurrentImageId()
    const image = cache.getImage(imageId) as CoreTypes.IImage | undefined
    const voi = vp.getProperties().voiRange
    const full = image ? { lower: image.minPixelValue, upper: image.maxPixelValue } : voi ?? { lower: 0, upper: 255 }
    const pixel = metaData.get('imagePixelModule', imageId) as { photometricInterpretation?: string } | undefined
    defaults.current = { base: voi ? { lower: voi.lower, upper: voi.upper } : full, full, mono1: pixel?.photometricInterpretation === 'MONOCHROME1' }
  }

  // Annotation changes on our images: unsaved, and the VHS panel recomputes.
  useEffect(() => {
    const onChange = (e: Event) => {
      const detail = (e as CustomEvent<{ annotation?: ToolTypes.Annotation; changeType?: string }>).detail
      const ref = String(detail.annotation?.metadata?.referencedImageId ?? '')
      const owner = stable.find((i) => sameInstance(ref, bases.get(i.id)!))
      if (!owner) return
      setTick((t) => t + 1)
      // Statistics recomputed after loading are not an edit.
      if (e.type === ToolEnums.Events.ANNOTATION_MODIFIED && detail.changeType === ToolEnums.ChangeTypes.StatsUpdated) return
      setDirty((d) => new Set(d).add(owner.id))
      setSaveMessage(null)
    }
    const events = [ToolEnums.Events.ANNOTATION_COMPLETED, ToolEnums.Events.ANNOTATION_MODIFIED, ToolEnums.Events.ANNOTATION_REMOVED]
    for (const ev of events) eventTarget.addEventListener(ev, onChange)
    return () => {
      for (const ev of events) eventTarget.removeEventListener(ev, onChange)
    }
  }, [stable, bases])

  // Delete (or Backspace) removes the selected measurement on our images.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Delete' && e.key !== 'Backspace') return
      const target = e.target as HTMLElement | null
      if (target && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))) return
      const selected = (csAnnotation.selection.getAnnotationsSelected() ?? []).map((uid) => csAnnotation.state.getAnnotation(uid)).filter(Boolean) as ToolTypes.Annotation[]
      const ours = selected.filter((a) => stable.some((i) => sameInstance(String(a.metadata?.referencedImageId ?? ''), bases.get(i.id)!)))
      if (!ours.length) return
      for (const a of ours) if (a.annotationUID) csAnnotation.state.removeAnnotation(a.annotationUID)
      viewport()?.render()
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [stable, bases, viewport])

  useEffect(() => {
    if (status === 'ready' && group.current) applyTool(group.current, tool, imageIds.length)
  }, [tool, status, imageIds.length])

  const applyPreset = (id: PresetId) => {
    const vp = viewport()
    if (!vp || !defaults.current) return
    setPreset(id)
    const d = defaults.current
    vp.setProperties({ voiRange: presetRange(id, d.base, d.full, d.mono1) })
    vp.render()
  }

  const reset = () => {
    const vp = viewport()
    if (!vp) return
    vp.resetCamera()
    vp.resetProperties()
    setPreset('default')
    setInvert(false)
    vp.render()
  }

  const toggleInvert = () => {
    const vp = viewport()
    if (!vp) return
    vp.setProperties({ invert: !invert })
    setInvert(!invert)
    vp.render()
  }

  const save = async () => {
    const toSave = instances.filter((i) => dirty.has(i.id))
    if (!toSave.length) return
    setSaving(true)
    setSaveMessage(null)
    try {
      const results: string[] = []
      const next = { ...saved }
      for (const inst of toSave) {
        const annotations = annotationsOf(bases.get(inst.id)!).map((a) => toStored(a, inst))
        const out = await api.call('imaging.saveAnnotations', { instanceId: inst.id, baseVersion: saved[inst.id]?.version ?? 0, annotations })
        next[inst.id] = { version: out.version, savedAt: out.savedAt, savedBy: out.savedBy }
        results.push(`version ${out.version}`)
        setDirty((d) => {
          const n = new Set(d)
          n.delete(inst.id)
          return n
        })
      }
      setSaved(next)
      setSaveMessage({ color: 'teal', text: `Saved, ${results.join(', ')}` })
    } catch (e) {
      const conflict = e instanceof ApiClientError && e.code === 'conflict'
      setSaveMessage({
        color: 'red',
        text: conflict ? 'Someone saved these annotations after you opened the image. Your drawing is still on screen: open “Versions” to see theirs, then save again.' : e instanceof Error ? e.message : String(e)
      })
    } finally {
      setSaving(false)
    }
  }

  /** Puts a saved version on screen (the record keeps every version; saving makes it the newest). */
  const showVersion = (inst: ImagingInstance, stored: Record<string, unknown>[], version: number, latest: number) => {
    clearInstance(bases.get(inst.id)!)
    restoreInto(inst, stored)
    viewport()?.render()
    setSaved((s) => ({ ...s, [inst.id]: { ...(s[inst.id] ?? { savedAt: null, savedBy: null }), version: latest } }))
    setDirty((d) => {
      const n = new Set(d)
      if (version === latest) n.delete(inst.id)
      else n.add(inst.id)
      return n
    })
    setSaveMessage(version === latest ? null : { color: 'blue', text: `Showing version ${version}. Save to make it the newest version; nothing is overwritten.` })
  }

  const vhs = useMemo(
    () => computeVhs(annotationsOf(currentBase), currentBase),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [tick, currentBase]
  )
  const vhsVisible = tool.startsWith('Vhs') || vhs.long != null || vhs.short != null || vhs.spine != null
  const setVertebraeCount = (n: number) => {
    setVertebrae(annotationsOf(currentBase), currentBase, n)
    setDirty((d) => new Set(d).add(current.id))
    setTick((t) => t + 1)
    viewport()?.render()
  }

  const savedHere = saved[current.id]
  // Full window: the image over the whole app, for reading a radiograph on a small screen; Esc leaves it.
  const [expanded, setExpanded] = useState(false)
  useEffect(() => {
    if (!expanded) return
    const leave = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setExpanded(false)
    }
    window.addEventListener('keydown', leave)
    return () => window.removeEventListener('keydown', leave)
  }, [expanded])
  // A loop keeps its play controls on screen under the image too.
  const height = useFittedHeight(frame, compact ? 460 : null, imageIds.length > 1 ? 44 : 0, expanded)
  // cornerstone draws at the element's size: tell it when the window (and so the image) changes size.
  useEffect(() => {
    if (status !== 'ready') return
    try {
      renderingEngine().resize(true, true)
    } catch {
      // the engine is gone (the viewer closing): nothing to fit
    }
  }, [height, status, expanded])

  return (
    <Stack gap="xs" data-testid={compact ? 'compare-viewer' : 'viewer'} data-expanded={expanded || undefined} style={expanded ? FULL_WINDOW : undefined}>
      {title && (
        <Text size="sm" fw={600}>
          {title}
        </Text>
      )}
      {expanded && fullWindowTitle && (
        <Text fw={700} data-testid="viewer-full-title">
          {fullWindowTitle}
        </Text>
      )}
      <ViewerToolbar
        tool={tool}
        onTool={setTool}
        preset={preset}
        onPreset={applyPreset}
        onReset={reset}
        invert={invert}
        onInvert={toggleInvert}
        compact={compact}
        disabled={status !== 'ready'}
        modality={current.modality}
        expanded={expanded}
        onExpand={compact ? undefined : () => setExpanded((x) => !x)}
      />
      <Box
        ref={frame}
        pos="relative"
        style={{ height, background: '#000', borderRadius: 6, overflow: 'hidden' }}
        onContextMenu={(e) => e.preventDefault()}
      >
        {/* On the image, as a viewer's overlay, so the image keeps the height; clicks go through to the tools. */}
        <Group gap="xs" wrap="wrap" pos="absolute" top={6} left={6} right={6} style={{ zIndex: 2, pointerEvents: 'none' }} data-testid="viewer-badges">
          <Box style={{ pointerEvents: 'auto' }}>
            <CalibrationBadge calibration={current.calibration} />
          </Box>
          {current.modality && (
            <Badge variant="filled" color="dark">
              {current.modality}
            </Badge>
          )}
          {renderPath.cpu && !compact && (
            <Badge variant="filled" color="dark" title={renderPath.reason ?? undefined}>
              CPU rendering
            </Badge>
          )}
          {/* Kept off the comparison so both images start at the same height. */}
          {!compact && savedHere && savedHere.version > 0 && (
            <Text size="xs" c="gray.3" data-testid="annotation-version">
              Annotations: version {savedHere.version}
              {savedHere.savedBy ? ` by ${savedHere.savedBy}` : ''}
            </Text>
          )}
          {!compact && dirty.size > 0 && (
            <Badge color="yellow" variant="light">
              unsaved changes
            </Badge>
          )}
        </Group>
        <div ref={element} data-testid="viewport" data-viewport-id={viewportId} style={{ width: '100%', height: '100%' }} />
        {status === 'starting' && (
          <Group pos="absolute" top="45%" left={0} right={0} justify="center">
            <Loader color="gray" />
          </Group>
        )}
      </Box>
      {error && (
        <Alert color="red" title="The image could not be shown">
          {error}
        </Alert>
      )}
      {imageIds.length > 1 && status === 'ready' && <CinePlayer viewport={viewport} imageIds={imageIds} index={index} defaultFps={current.modality === 'US' ? 30 : 10} />}
      <Text size="xs" c="dimmed" data-testid="calibration-note">
        {calibrationSentence(current.calibration)}
      </Text>
      {!compact && vhsVisible && <VhsPanel vhs={vhs} species={species} onVertebrae={setVertebraeCount} />}
      {!compact && (
        <Group justify="space-between" align="center">
          <Group gap="xs">
            {canSave && (
              <Button size="xs" onClick={() => void save()} loading={saving} disabled={dirty.size === 0} data-testid="save-annotations">
                Save annotations
              </Button>
            )}
            {saveMessage && (
              <Text size="sm" c={saveMessage.color} data-testid="save-message">
                {saveMessage.text}
              </Text>
            )}
          </Group>
          <AnnotationVersions instance={current} latest={savedHere?.version ?? 0} onShow={(stored, version, latest) => showVersion(current, stored, version, latest)} />
        </Group>
      )}
      {!compact && (
        <Paper p={6} bg="gray.0">
          <Text size="xs" c="dimmed">
            Left button: the tool above · middle button: pan · right button: zoom · wheel: {imageIds.length > 1 ? 'frames' : 'zoom'}. Drag a measurement’s ends to adjust it; select one and press Delete to remove it.
          </Text>
        </Paper>
      )}
    </Stack>
  )
}

/** Over the whole app, above its header and navigation; what is under the image scrolls. */
const FULL_WINDOW: CSSProperties = { position: 'fixed', inset: 0, zIndex: 250, background: 'var(--mantine-color-body)', padding: 12, overflowY: 'auto' }

/**
 * The image's height: a fixed one (the comparison), or what is left of the window below the
 * image's top, so image and toolbar are on screen together without scrolling on a 1366×768 PC
 * as on a large monitor. Recomputed when the window or the page above changes.
 */
function useFittedHeight(frame: RefObject<HTMLDivElement | null>, fixed: number | null, below: number, expanded: boolean): number {
  const [height, setHeight] = useState(fixed ?? 560)
  useLayoutEffect(() => {
    if (fixed !== null) return
    const fit = () => {
      const el = frame.current
      if (!el) return
      // Full window is fixed to the screen: the page's scroll does not move it.
      const top = el.getBoundingClientRect().top + (expanded ? 0 : window.scrollY)
      setHeight(Math.max(300, Math.min(1100, Math.floor(window.innerHeight - top - 16 - below))))
    }
    fit()
    window.addEventListener('resize', fit)
    // Content above (a request appearing, an alert) moves the image down.
    const watch = new ResizeObserver(fit)
    watch.observe(document.body)
    return () => {
      window.removeEventListener('resize', fit)
      watch.disconnect()
    }
  }, [frame, fixed, below, expanded])
  return fixed ?? height
}
