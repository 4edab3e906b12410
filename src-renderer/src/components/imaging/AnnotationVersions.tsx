import { Button, Menu, Text } from '@mantine/core'
import { IconHistory } from '@tabler/icons-react'
import type { ImagingInstance } from '../../../../src-preload/contract'
import { useCall } from '../../api/hooks'
import { describe } from '../../imaging/annotations'
import { dateTime } from '../../format'

/** Every saved version of this image's annotations (the record never overwrites one); any can be put back on screen. */
export function AnnotationVersions({ instance, latest, onShow }: { instance: ImagingInstance; latest: number; onShow: (annotations: Record<string, unknown>[], version: number, latest: number) => void }) {
  const history = useCall('imaging.annotationHistory', { instanceId: instance.id }, { enabled: latest > 0 })
  if (latest === 0) return null
  return (
    <Menu position="bottom-end" withArrow width={360}>
      <Menu.Target>
        <Button size="xs" variant="subtle" leftSection={<IconHistory size={14} />} data-testid="annotation-versions">
          Versions
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {(history.data ?? []).map((v) => (
          <Menu.Item key={v.version} onClick={() => onShow(v.annotations, v.version, history.data![0]?.version ?? latest)}>
            <Text size="sm" fw={500}>
              Version {v.version}
              {v.version === (history.data![0]?.version ?? latest) ? ' (newest)' : ''}
            </Text>
            <Text size="xs" c="dimmed">
              {dateTime(v.savedAt)} · {v.savedBy ?? 'unknown'} · {v.annotations.length ? v.annotations.map(describe).join(', ') : 'no annotations'}
            </Text>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  )
}
