import { ActionIcon, Button, Group, Menu, SegmentedControl, Tooltip } from '@mantine/core'
import { IconAdjustments, IconArrowUpRight, IconArrowsMove, IconHeart, IconRefresh, IconRuler2, IconAngle, IconZoomIn, IconContrast, IconMaximize, IconMinimize } from '@tabler/icons-react'
import type { ToolName } from '../../imaging/tools'
import { PRESETS, type PresetId } from '../../imaging/windowLevel'

const TOOLS: { id: ToolName; label: string; icon: typeof IconRuler2 }[] = [
  { id: 'WindowLevel', label: 'Window/level', icon: IconAdjustments },
  { id: 'Pan', label: 'Pan', icon: IconArrowsMove },
  { id: 'Zoom', label: 'Zoom', icon: IconZoomIn },
  { id: 'Length', label: 'Length', icon: IconRuler2 },
  { id: 'Angle', label: 'Angle', icon: IconAngle },
  { id: 'ArrowAnnotate', label: 'Arrow with text', icon: IconArrowUpRight }
]

const VHS_STEPS: { id: ToolName; label: string; short: string }[] = [
  { id: 'VhsLongAxis', label: '1. Long axis (L)', short: 'L' },
  { id: 'VhsShortAxis', label: '2. Short axis (S)', short: 'S' },
  { id: 'VhsSpine', label: '3. Spine from T4', short: 'spine' }
]

export interface ViewerToolbarProps {
  tool: ToolName
  onTool: (t: ToolName) => void
  preset: PresetId
  onPreset: (p: PresetId) => void
  onReset: () => void
  invert: boolean
  onInvert: () => void
  compact: boolean
  disabled: boolean
  /** the image's DICOM modality: VHS and the radiographic presets only where they mean something */
  modality: string | null
  /** the image fills the window (a radiograph read on a small screen); absent on the comparison */
  expanded?: boolean
  onExpand?: () => void
}

const XRAY = new Set(['DX', 'CR', 'RG', 'DR'])

/** The left mouse button's tool, window/level presets, invert and reset. */
export function ViewerToolbar({ tool, onTool, preset, onPreset, onReset, invert, onInvert, compact, disabled, modality, expanded = false, onExpand }: ViewerToolbarProps) {
  const vhsActive = tool.startsWith('Vhs')
  // A heart score is read on a thoracic radiograph; bone and lung windows mean nothing on ultrasound.
  const xray = XRAY.has(modality ?? '')
  const radiographic = xray || modality === 'IO'
  return (
    <Group gap="xs" wrap="wrap" data-testid="viewer-toolbar">
      <Group gap={4}>
        {TOOLS.filter((t) => !compact || ['WindowLevel', 'Pan', 'Zoom', 'Length'].includes(t.id)).map((t) => (
          <Tooltip key={t.id} label={t.label} withArrow>
            <ActionIcon
              size="lg"
              variant={tool === t.id ? 'filled' : 'default'}
              aria-label={t.label}
              aria-pressed={tool === t.id}
              data-testid={`tool-${t.id}`}
              onClick={() => onTool(t.id)}
              disabled={disabled}
            >
              <t.icon size={18} />
            </ActionIcon>
          </Tooltip>
        ))}
        {!compact && xray && (
          <Menu position="bottom-start" withArrow>
            <Menu.Target>
              <Button size="sm" variant={vhsActive ? 'filled' : 'default'} color={vhsActive ? 'red' : undefined} leftSection={<IconHeart size={16} />} disabled={disabled} data-testid="tool-vhs">
                VHS{vhsActive ? ` · ${VHS_STEPS.find((s) => s.id === tool)?.short}` : ''}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Label>Vertebral heart score, lateral view</Menu.Label>
              {VHS_STEPS.map((s) => (
                <Menu.Item key={s.id} onClick={() => onTool(s.id)} data-testid={`tool-${s.id}`}>
                  {s.label}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
        )}
      </Group>
      <SegmentedControl
        size="xs"
        value={preset}
        onChange={(v) => onPreset(v as PresetId)}
        data={PRESETS.filter((p) => (!compact || p.id !== 'full') && (radiographic || p.id === 'default' || p.id === 'full')).map((p) => ({ value: p.id, label: p.label }))}
        disabled={disabled}
        data-testid="wl-presets"
        aria-label="Window/level preset"
      />
      <Tooltip label="Invert (black bone)" withArrow>
        <ActionIcon size="lg" variant={invert ? 'filled' : 'default'} aria-label="Invert" onClick={onInvert} disabled={disabled}>
          <IconContrast size={18} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label="Reset zoom, pan and window" withArrow>
        <ActionIcon size="lg" variant="default" aria-label="Reset" data-testid="viewer-reset" onClick={onReset} disabled={disabled}>
          <IconRefresh size={18} />
        </ActionIcon>
      </Tooltip>
      {onExpand && (
        <Tooltip label={expanded ? 'Back to the patient (Esc)' : 'Fill the window with the image'} withArrow>
          <ActionIcon size="lg" variant={expanded ? 'filled' : 'default'} aria-label={expanded ? 'Leave full window' : 'Full window'} data-testid="viewer-expand" onClick={onExpand}>
            {expanded ? <IconMinimize size={18} /> : <IconMaximize size={18} />}
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  )
}
