import { useEffect, useRef, useState } from 'react'
import { Badge, Box, Group, Loader, Text, UnstyledButton } from '@mantine/core'
import type { CSSProperties } from 'react'
import { utilities } from '@cornerstonejs/core'
import type { ImagingInstance } from '../../../../src-preload/contract'
import { useApi } from '../../api/hooks'
import { renderPath, startCornerstone } from '../../imaging/cornerstone'
import { imageIdsOf } from '../../imaging/imageIds'
import type { Series } from './series'

/** The first image of a series, drawn small by cornerstone itself (the file is then cached for the viewer). */
export function Thumbnail({ instance, size = 112 }: { instance: ImagingInstance; size?: number }) {
  const api = useApi()
  const canvas = useRef<HTMLCanvasElement>(null)
  const [state, setState] = useState<'loading' | 'done' | 'error'>('loading')
  useEffect(() => {
    let cancelled = false
    const c = canvas.current!
    c.width = size * devicePixelRatio
    c.height = size * devicePixelRatio
    void (async () => {
      try {
        await startCornerstone()
        await utilities.loadImageToCanvas({ canvas: c, imageId: imageIdsOf(api.mediaUrl.bind(api), instance)[0], useCPURendering: renderPath.cpu })
        if (!cancelled) setState('done')
      } catch {
        if (!cancelled) setState('error')
      }
    })()
    return () => {
      cancelled = true
    }
    // The same file whatever object names it: a refetched list must not redraw every thumbnail.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, instance.id, instance.path, instance.frames, size])
  return (
    <Box pos="relative" w={size} h={size} bg="black" style={{ borderRadius: 4, overflow: 'hidden' }} data-testid="thumbnail" data-state={state}>
      <canvas ref={canvas} style={{ width: size, height: size, display: 'block', objectFit: 'contain' }} />
      {state === 'loading' && <Loader size="xs" color="gray" pos="absolute" top={size / 2 - 8} left={size / 2 - 8} />}
      {state === 'error' && (
        <Text size="xs" c="gray.5" pos="absolute" top={size / 2 - 10} left={0} right={0} ta="center">
          no preview
        </Text>
      )}
    </Box>
  )
}

/** A series as a button: its first image, its name, and its frame count when it is a loop. */
export function SeriesTile({ series: s, onClick, label, testId, style }: { series: Series; onClick: () => void; label: string; testId: string; style?: CSSProperties }) {
  return (
    <UnstyledButton onClick={onClick} aria-label={`${label} ${s.description ?? 'series'} ${s.number ?? ''}`.trim()} data-testid={testId} style={style}>
      <Thumbnail instance={s.instances[0]} />
      <Group gap={4} mt={2} maw={112} wrap="nowrap">
        <Text size="xs" truncate>
          {s.description ?? `Series ${s.number ?? ''}`}
        </Text>
        {s.frames > 1 && (
          <Badge size="xs" variant="light">
            {s.frames}
          </Badge>
        )}
      </Group>
    </UnstyledButton>
  )
}
