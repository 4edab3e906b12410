/**
 * cornerstone3d, started once per page and only when an image is first shown (the Imaging tab
 * imports this module lazily, so the rest of the app never pays for it).
 *
 * Rendering: GPU (WebGL) on a clinic PC with a graphics card; the CPU path when there is no
 * WebGL, when WebGL is only a software rasterizer (SwiftShader in headless Chromium, where some
 * files rendered inverted), under automation (navigator.webdriver), or when the address asks for
 * it with ?render=cpu (and ?render=gpu forces WebGL back). Stack viewports are all we use, and
 * cornerstone's CPU fallback covers exactly those.
 */
import {
  Enums as CoreEnums,
  RenderingEngine,
  getRenderingEngine,
  getRenderingCapabilities,
  init as coreInit,
  setUseCPURendering,
  getShouldUseCPURendering,
  isCornerstoneInitialized
} from '@cornerstonejs/core'
import { init as dicomImageLoaderInit } from '@cornerstonejs/dicom-image-loader'
import {
  init as toolsInit,
  addTool,
  AngleTool,
  ArrowAnnotateTool,
  LengthTool,
  PanTool,
  StackScrollTool,
  WindowLevelTool,
  ZoomTool
} from '@cornerstonejs/tools'
import { VHS_TOOLS } from './vhs'

export const RENDERING_ENGINE_ID = 'vetos-imaging'

let started: Promise<void> | null = null

/** Why the page renders on the CPU, or null when it uses WebGL. */
function cpuReason(): string | null {
  const wanted = new URLSearchParams(location.search).get('render') ?? new URLSearchParams(location.hash.split('?')[1] ?? '').get('render')
  if (wanted === 'gpu') return null
  if (wanted === 'cpu') return 'asked for in the address'
  if (navigator.webdriver) return 'browser under automation'
  const caps = getRenderingCapabilities()
  if (!caps.webgl) return 'no WebGL'
  if (caps.softwareRasterizer) return `software WebGL only (${caps.renderer})`
  return null
}

export let renderPath: { cpu: boolean; reason: string | null } = { cpu: false, reason: null }

export function startCornerstone(): Promise<void> {
  started ??= (async () => {
    if (!isCornerstoneInitialized()) coreInit()
    const reason = cpuReason()
    if (reason) setUseCPURendering(true, false)
    renderPath = { cpu: getShouldUseCPURendering(), reason: reason ?? (getShouldUseCPURendering() ? 'no GPU' : null) }
    // One decoder worker is plenty for a viewer showing a few images; it keeps memory low on exam-room PCs.
    dicomImageLoaderInit({ maxWebWorkers: Math.min(2, Math.max(1, Math.floor((navigator.hardwareConcurrency || 2) / 2))) })
    toolsInit()
    for (const tool of [PanTool, ZoomTool, WindowLevelTool, StackScrollTool, LengthTool, AngleTool, ArrowAnnotateTool, ...VHS_TOOLS]) addTool(tool)
  })()
  return started
}

/** The page's one rendering engine (viewports come and go; the engine stays). */
export function renderingEngine(): RenderingEngine {
  return (getRenderingEngine(RENDERING_ENGINE_ID) as RenderingEngine | undefined) ?? new RenderingEngine(RENDERING_ENGINE_ID)
}

export const STACK = CoreEnums.ViewportType.STACK
