import { Textarea, Text } from '@mantine/core';
import { useState } from 'react';
import {
  RUN_RESULTS,
  type NodeRunSummary,
  type RunResult,
  type WorkflowRunSummary,
} from '../../../../contract/workflows';
import { parseOutput, previewMark, type MarkPreview, type PreviewGraph } from '../controls';
import { ChoiceRadios, ControlDialog } from '../../../components/run-controls';

interface Props {
  opened: boolean;
  onClose: () => void;
  run: WorkflowRunSummary;
  nodeRun: NodeRunSummary;
  graph: PreviewGraph | undefined;
  titles: Record<string, string>;
  onConfirm: (input: {
    result: RunResult;
    output: Record<string, unknown> | undefined;
    reason: string;
  }) => void;
}

export function MarkNodeCompleteDialog({
  opened,
  onClose,
  run,
  nodeRun,
  graph,
  titles,
  onConfirm,
}: Props) {
  const [result, setResult] = useState<RunResult>('SUCCESS');
  const [outputText, setOutputText] = useState('');
  const output = parseOutput(outputText);
  const title = titles[nodeRun.nodeIdentifier] ?? nodeRun.nodeIdentifier;
  return (
    <ControlDialog
      opened={opened}
      onClose={onClose}
      title={`Mark ${title} complete`}
      confirmLabel={`Mark ${result}`}
      confirmColor={result === 'SUCCESS' ? 'teal' : 'red'}
      reasonRequired
      invalid={!output.ok}
      preview={
        <PreviewText
          preview={previewMark(graph, run, nodeRun.nodeIdentifier, result)}
          titles={titles}
        />
      }
      onConfirm={(reason) => {
        if (output.ok) onConfirm({ result, output: output.value, reason });
      }}
    >
      <ChoiceRadios label="Result" choices={RUN_RESULTS} value={result} onChange={setResult} />
      <Textarea
        label="Output"
        description="Optional: a JSON object, available to later nodes as .outputs"
        placeholder='{"url": "https://…"}'
        autosize
        minRows={3}
        styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        value={outputText}
        onChange={(e) => setOutputText(e.currentTarget.value)}
        error={output.ok ? undefined : output.error}
        data-autofocus
      />
    </ControlDialog>
  );
}

function PreviewText({
  preview,
  titles,
}: {
  preview: MarkPreview;
  titles: Record<string, string>;
}) {
  switch (preview.kind) {
    case 'start':
      return (
        <>
          Next to start:{' '}
          <Text span fw={600}>
            {preview.nodes.map((n) => titles[n] ?? n).join(', ')}
          </Text>
        </>
      );
    case 'end':
      return (
        <>
          The run ends with result{' '}
          <Text span fw={600}>
            {preview.result}
          </Text>
          {preview.result !== 'SUCCESS' && '; any other node still in progress ends CANCELLED'}.
        </>
      );
    case 'wait':
      return <>Nothing starts yet: other nodes are still in progress.</>;
    case 'unknown':
      return <>The workflow&apos;s graph is not available, so what follows cannot be shown.</>;
  }
}
