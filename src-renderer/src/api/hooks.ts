import { createContext, useContext, useEffect } from 'react'
import { useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query'
import type { MethodInput, MethodName, MethodOutput, ServerEvent } from '../../../src-preload/contract'
import type { ApiClient, ApiClientError } from './client'

export const ApiContext = createContext<ApiClient | null>(null)

export function useApi(): ApiClient {
  const api = useContext(ApiContext)
  if (!api) throw new Error('ApiContext missing')
  return api
}

/** A read through the contract, cached by method and input; live events invalidate it. */
export function useCall<M extends MethodName>(method: M, input: MethodInput<M>, options?: Partial<UseQueryOptions<MethodOutput<M>, ApiClientError>>) {
  const api = useApi()
  return useQuery<MethodOutput<M>, ApiClientError>({ queryKey: [method, input], queryFn: () => api.call(method, input), ...options })
}

export function useAction<M extends MethodName>(method: M, onSuccess?: (out: MethodOutput<M>) => void) {
  const api = useApi()
  const qc = useQueryClient()
  return useMutation<MethodOutput<M>, ApiClientError, MethodInput<M>>({
    mutationFn: (input) => api.call(method, input),
    onSuccess: (out) => {
      void qc.invalidateQueries()
      onSuccess?.(out)
    }
  })
}

/** How often open screens refetch at most while changes keep coming (a burst of lab results). */
const REFRESH_MS = 300

/**
 * Subscribes to live events while signed in; a record change refreshes what is on screen: at
 * once after a quiet spell, then at most every REFRESH_MS while changes keep coming.
 */
export function useLiveEvents(onEvent: (e: ServerEvent) => void): void {
  const api = useApi()
  const qc = useQueryClient()
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null
    let again = false
    const settle = () => {
      timer = null
      if (again) refresh()
    }
    const refresh = () => {
      again = timer !== null
      if (again) return
      void qc.invalidateQueries()
      timer = setTimeout(settle, REFRESH_MS)
    }
    const unsubscribe = api.subscribe((e) => {
      if (e.type === 'changed' || e.type === 'notification') refresh()
      onEvent(e)
    })
    return () => {
      unsubscribe()
      if (timer) clearTimeout(timer)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, qc])
}
