import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { MantineProvider, createTheme } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { HashRouter } from 'react-router-dom'
import '@mantine/core/styles.css'
import '@mantine/notifications/styles.css'
import './app.css'
import { createApiClient } from './api/client'
import { ApiContext } from './api/hooks'
import { App } from './App'
import { NoHost } from './screens/NoHost'
import { PromptHost } from './components/PromptHost'

// Calm clinical palette: teal accents on neutral greys, generous type for reading at a glance.
const theme = createTheme({
  primaryColor: 'teal',
  defaultRadius: 'md',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif',
  headings: { fontWeight: '600' }
})

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 5_000 } } })
const api = createApiClient()

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="top-right" />
      {/* askText() answers here: Electron has no window.prompt or window.confirm. */}
      <PromptHost />
      {api ? (
        <ApiContext.Provider value={api}>
          <QueryClientProvider client={queryClient}>
            <HashRouter>
              <App />
            </HashRouter>
          </QueryClientProvider>
        </ApiContext.Provider>
      ) : (
        <NoHost />
      )}
    </MantineProvider>
  </StrictMode>
)
