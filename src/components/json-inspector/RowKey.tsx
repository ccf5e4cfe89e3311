import type { ReactNode } from 'react';
import classes from './JsonInspector.module.css';

/** A row's key as shown: its name or index, or for the root the path it stands for. */
export const rowKeyText = (key: string | number | null, rootPath: string) =>
  key === null ? (rootPath === '' ? '.' : rootPath) : String(key);

/**
 * The start of a value's row in both inspectors (TreeRow, ShallowInspector): the expand
 * chevron, then the key styled as the root, an index or a name.
 */
export function RowKey({
  rowKey,
  expandable,
  expanded,
  children,
}: {
  rowKey: string | number | null;
  expandable: boolean;
  expanded: boolean;
  /** The key's text (highlighted where a search asks for it). */
  children: ReactNode;
}) {
  return (
    <>
      <span className={classes.chevron} data-expanded={expanded || undefined} aria-hidden>
        {expandable ? '▸' : ''}
      </span>
      <span
        className={
          rowKey === null
            ? classes.rootLabel
            : typeof rowKey === 'number'
              ? classes.index
              : classes.key
        }
      >
        {children}
      </span>
    </>
  );
}
