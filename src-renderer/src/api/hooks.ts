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

/** Subscribes to live events while signed in; any record change refreshes what is on screen. */
export function useLiveEvents(onEvent: (e: ServerEvent) => void): void {
  const api = useApi()
  const qc = useQueryClient()
  useEffect(
    () =>
      api.subscribe((e) => {
        if (e.type === 'changed' || e.type === 'notification') void qc.invalidateQueries()
        onEvent(e)
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, qc]
  )
}
