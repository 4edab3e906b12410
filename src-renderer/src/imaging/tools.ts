/**
 * One tool group per viewport. The primary mouse button does what the toolbar says; the middle
 * button always pans, the right button always zooms, and the wheel scrolls frames (or zooms a
 * single image), the way radiology viewers behave.
 */
import { Enums as ToolEnums, ToolGroupManager } from '@cornerstonejs/tools'
import type { Types as ToolTypes } from '@cornerstonejs/tools'
import { RENDERING_ENGINE_ID } from './cornerstone'
import { VHS_TOOL_NAMES } from './vhs'
import { askText } from '../prompt'
import { lengthTextLines } from './calibration'

const { MouseBindings } = ToolEnums

export type ToolName = 'WindowLevel' | 'Pan' | 'Zoom' | 'Length' | 'Angle' | 'ArrowAnnotate' | 'VhsLongAxis' | 'VhsShortAxis' | 'VhsSpine'

export const DRAWING_TOOLS: ToolName[] = ['Length', 'Angle', 'ArrowAnnotate', VHS_TOOL_NAMES.long, VHS_TOOL_NAMES.short, VHS_TOOL_NAMES.spine] as ToolName[]

const ARROW_LABEL = { title: 'Arrow label', label: 'Text shown at the arrow', required: false, maxLength: 120 }

const groupId = (viewportId: string) => `vetos-tools-${viewportId}`

export function createToolGroup(viewportId: string): ToolTypes.IToolGroup {
  ToolGroupManager.destroyToolGroup(groupId(viewportId))
  const group = ToolGroupManager.createToolGroup(groupId(viewportId))!
  for (const name of ['WindowLevel', 'Pan', 'Zoom', 'StackScroll', 'Angle', VHS_TOOL_NAMES.long, VHS_TOOL_NAMES.short, VHS_TOOL_NAMES.spine]) group.addTool(name)
  // Lengths labelled from the instance's calibration (see calibration.ts).
  group.addTool('Length', { getTextLines: lengthTextLines })
  group.addTool('ArrowAnnotate', {
    // cornerstone asks with window.prompt by default, which Electron does not implement.
    getTextCallback: (done: (text: string | null) => void) => void askText(ARROW_LABEL).then(done),
    changeTextCallback: (data: { data?: { text?: string } }, _evt: unknown, done: (text: string | null) => void) => void askText({ ...ARROW_LABEL, initial: data.data?.text ?? '' }).then(done)
  })
  group.addViewport(viewportId, RENDERING_ENGINE_ID)
  return group
}

export function destroyToolGroup(viewportId: string): void {
  ToolGroupManager.destroyToolGroup(groupId(viewportId))
}

export function applyTool(group: ToolTypes.IToolGroup, primary: ToolName, stackSize: number): void {
  const set = (name: string, bindings: number[]) => {
    group.setToolPassive(name, { removeAllBindings: true })
    if (bindings.length) group.setToolActive(name, { bindings: bindings.map((mouseButton) => ({ mouseButton })) })
  }
  // Drawing tools not in use stay passive: their annotations can still be picked and edited.
  for (const name of DRAWING_TOOLS) set(name, name === primary ? [MouseBindings.Primary] : [])
  set('WindowLevel', primary === 'WindowLevel' ? [MouseBindings.Primary] : [])
  set('Pan', primary === 'Pan' ? [MouseBindings.Primary, MouseBindings.Auxiliary] : [MouseBindings.Auxiliary])
  const zoomWheel = stackSize <= 1
  set('Zoom', [...(primary === 'Zoom' ? [MouseBindings.Primary] : []), MouseBindings.Secondary, ...(zoomWheel ? [MouseBindings.Wheel] : [])])
  set('StackScroll', zoomWheel ? [] : [MouseBindings.Wheel])
}
