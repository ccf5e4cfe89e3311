import '@mantine/core/styles.css';
import { Box, MantineProvider } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { LogCounts, LogLevel, WorkflowRun } from '../../contract/workflows';
import { api, session } from '../../src/lib/api';
import { LogViewer, type LogViewState } from '../../src/components/log-viewer';
import { liveTail } from '../../src/components/log-viewer/tail-stream';

/**
 * Bench-only page: <LogViewer> alone, driven by the URL (?run=&node=&live=1&line=&level=&q=
 * &scheme=dark&follow=1&tail=poll), signed in with the credentials in the URL. The bench times it in Chromium.
 */
const params = new URLSearchParams(location.search);
const runId = params.get('run') ?? '';
const nodeRunId = params.get('node');
const live = params.get('live') === '1';
// ?tail=poll: a followed node polls as before the streamed tail (bench/live-tail.ts compares).
liveTail.streamed = params.get('tail') !== 'poll';

/** A bearer token for the credentials, exchanged for the dashboard's session cookie. */
async function openSession(credentials: { clientId: string; clientSecret: string }) {
  const res = await fetch('/v1/auth/access_token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  const { accessToken } = (await res.json()) as { accessToken: string };
  await fetch('/v1/auth/session', {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}` },
  });
}

function App() {
  const [ready, setReady] = useState(false);
  const [counts, setCounts] = useState<LogCounts | undefined>();
  const [state, setState] = useState<LogViewState>({
    levels: params.getAll('level') as LogLevel[],
    q: params.get('q') ?? '',
    grep: params.get('grep') === '1',
    line: params.get('line') ? Number(params.get('line')) : null,
    wrap: params.get('wrap') === '1',
    follow: params.get('follow') === '1',
  });
  const onStateChange = useCallback(
    (patch: Partial<LogViewState>) => setState((s) => ({ ...s, ...patch })),
    [],
  );
  useEffect(() => {
    const credentials = {
      clientId: params.get('clientId') ?? 'runboard-admin',
      clientSecret: params.get('clientSecret') ?? 'runboard-admin-secret',
    };
    void openSession(credentials).then(async () => {
      session.confirm();
      setReady(true);
      const { workflowRun } = await api<{ workflowRun: WorkflowRun }>(`/workflows/runs/${runId}`);
      const nodeRun = workflowRun.nodeRuns.find((n) => n.identifier === nodeRunId);
      if (nodeRun) setCounts(nodeRun.logCounts);
    });
  }, []);
  if (!ready) return null;
  performance.mark('logviewer-mount');
  return (
    <Box p="md">
      <LogViewer
        source={nodeRunId ? { nodeRunId } : { runId }}
        live={live}
        counts={counts}
        state={state}
        onStateChange={onStateChange}
        height="calc(100vh - 32px)"
      />
    </Box>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider forceColorScheme={params.get('scheme') === 'dark' ? 'dark' : 'light'}>
      {/* The viewer schedules its live polls through React Query (src/lib/polling.ts). */}
      <QueryClientProvider client={new QueryClient()}>
        <App />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
