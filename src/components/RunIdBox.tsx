import { TextInput } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { parseRunId } from '../lib/run-id';

/**
 * "Go to run": paste a workflow run id (`wfr_…`) or an action run id (`r_…`), or a link holding
 * one, press Enter and land on the run. An id nobody knows lands on the run page's not-found.
 */
export function RunIdBox({ onDone, w }: { onDone?: () => void; w?: number | string }) {
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      role="search"
      aria-label="Go to run"
      onSubmit={(e) => {
        e.preventDefault();
        if (text.trim() === '') return;
        const target = parseRunId(text);
        if (!target) {
          setError('Paste a workflow run id (wfr_…) or an action run id (r_…)');
          return;
        }
        if (target.kind === 'node-run') {
          setError('That is a node run id: paste its workflow run id (wfr_…)');
          return;
        }
        setText('');
        setError(null);
        onDone?.();
        if (target.search) {
          const page = target.kind === 'workflow-run' ? '/runs/' : '/actions/runs/';
          void navigate({ href: `${page}${target.id}${target.search}` });
        } else if (target.kind === 'workflow-run') {
          void navigate({ to: '/runs/$runId', params: { runId: target.id } });
        } else {
          void navigate({ to: '/actions/runs/$runId', params: { runId: target.id } });
        }
      }}
    >
      <TextInput
        aria-label="Run id"
        placeholder="Go to run: wfr_/r_…"
        size="xs"
        w={w}
        value={text}
        spellCheck={false}
        autoComplete="off"
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        onChange={(e) => {
          setText(e.currentTarget.value);
          setError(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setText('');
            setError(null);
          }
        }}
        error={error}
        // The header is 56 px tall: the message floats below the box instead of growing it.
        errorProps={{ style: { position: 'absolute', whiteSpace: 'nowrap' } }}
      />
    </form>
  );
}
