import { Group, Radio } from '@mantine/core';

/**
 * One of a fixed list of words (a run's result, an action run's end status) as a row of radios,
 * as every mark-complete dialog asks for it. `autofocusChosen`: the chosen radio takes the
 * dialog's first focus (when the dialog has no text field to take it).
 */
export function ChoiceRadios<T extends string>({
  label,
  choices,
  value,
  onChange,
  autofocusChosen = false,
}: {
  label: string;
  choices: readonly T[];
  value: T;
  onChange: (value: T) => void;
  autofocusChosen?: boolean;
}) {
  return (
    <Radio.Group
      label={label}
      value={value}
      onChange={(v) => onChange(choices.find((c) => c === v) ?? choices[0]!)}
    >
      <Group gap="lg" mt={6}>
        {choices.map((c) => (
          <Radio
            key={c}
            value={c}
            label={c}
            data-autofocus={(autofocusChosen && c === value) || undefined}
          />
        ))}
      </Group>
    </Radio.Group>
  );
}
