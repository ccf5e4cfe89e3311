import { TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useState } from 'react';

/** A filter text box: typing updates the URL after a pause, not on every key. */
export function DebouncedTextInput(props: {
  label: string;
  placeholder: string;
  value: string | undefined;
  onCommit: (value: string | undefined) => void;
  w?: number;
}) {
  const [text, setText] = useState(props.value ?? '');
  // The URL can change under the input (Clear filters, back button): follow it.
  const [seen, setSeen] = useState(props.value);
  if (props.value !== seen) {
    setSeen(props.value);
    if ((props.value ?? '') !== text.trim()) setText(props.value ?? '');
  }
  const commit = useDebouncedCallback((v: string) => props.onCommit(v.trim() || undefined), 400);
  return (
    <TextInput
      label={props.label}
      placeholder={props.placeholder}
      value={text}
      onChange={(e) => {
        setText(e.currentTarget.value);
        commit(e.currentTarget.value);
      }}
      w={props.w ?? 200}
    />
  );
}
