import { useEffect, useRef, useState } from 'react'
import { Box, Loader, Text } from '@mantine/core'
import { utilities } from '@cornerstonejs/core'
import type { ImagingInstance } from '../../../../src-preload/contract'
import { useApi } from '../../api/hooks'
import { renderPath, startCornerstone } from '../../imaging/cornerstone'
import { imageIdsOf } from '../../imaging/imageIds'

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
