import { ActionIcon, CopyButton as MantineCopyButton, Tooltip } from '@mantine/core';
import { CheckIcon, CopyIcon } from './icons';

/** An icon button that copies `value`; `label` is its accessible name, e.g. "Copy run id". */
export function CopyButton({ value, label }: { value: string; label: string }) {
  return (
    <MantineCopyButton value={value} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : label} withArrow>
          <ActionIcon
            variant="subtle"
            color={copied ? 'teal' : 'gray'}
            size="sm"
            onClick={(e) => {
              e.stopPropagation();
              copy();
            }}
            aria-label={label}
          >
            {copied ? <CheckIcon size={14} /> : <CopyIcon size={14} />}
          </ActionIcon>
        </Tooltip>
      )}
    </MantineCopyButton>
  );
}
