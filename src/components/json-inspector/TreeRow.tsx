import { UnstyledButton } from '@mantine/core';
import { Highlighted } from './Highlighted';
import {
  describeContainer,
  formatCount,
  isLongString,
  nodeDisplay,
  STRING_CHUNK,
  type JsonTree,
  type Row,
  type TreeNode,
} from './model';
import classes from './JsonInspector.module.css';
import { RowKey, rowKeyText } from './RowKey';

export const ROW_HEIGHT = 22;
export const INDENT = 16;

/** A tree row's box: its place in the virtual list, and its depth's indent plus `extra` px. */
export const rowStyle = (top: number, depth: number, extra = 0) => ({
  height: ROW_HEIGHT,
  transform: `translateY(${top}px)`,
  paddingLeft: 4 + depth * INDENT + extra,
});

interface TreeRowProps {
  index: number;
  top: number;
  row: Row;
  tree: JsonTree;
  rootPath: string;
  query: string;
  current: boolean;
  tabbable: boolean;
  onFocus: () => void;
  onHover: () => void;
  onToggle: () => void;
  onCopyPath: () => void;
  onCopyValue: () => void;
}

/** One row of the tree: a key and its value (with copy actions), or a chunk of a long string. */
export function TreeRow({
  index,
  top,
  row,
  tree,
  rootPath,
  query,
  current,
  tabbable,
  onFocus,
  onHover,
  onToggle,
  onCopyPath,
  onCopyValue,
}: TreeRowProps) {
  const { node, line } = row;
  if (line > 0) {
    const display = nodeDisplay(node);
    return (
      <div
        className={classes.row}
        style={rowStyle(top, node.depth, INDENT * 2)}
        role="none"
        data-index={index}
        onMouseEnter={onHover}
      >
        <span className={classes.string}>
          <Highlighted
            text={display.slice(line * STRING_CHUNK, (line + 1) * STRING_CHUNK)}
            query={query}
          />
        </span>
      </div>
    );
  }
  const expandable = tree.isExpandable(node);
  const expanded = expandable && tree.isExpanded(node);
  const keyText = rowKeyText(node.key, rootPath);
  const valueText = describeValue(node, expanded);
  return (
    <div
      className={classes.row}
      style={rowStyle(top, node.depth)}
      role="treeitem"
      aria-level={node.depth + 1}
      aria-expanded={expandable ? expanded : undefined}
      aria-label={`${keyText}: ${valueText.slice(0, 120)}`}
      aria-selected={current}
      data-index={index}
      data-current={current || undefined}
      tabIndex={tabbable ? 0 : -1}
      onFocus={(event) => {
        if (event.target === event.currentTarget) onFocus();
      }}
      onMouseEnter={onHover}
      onClick={(event) => {
        if ((event.target as HTMLElement).closest('button')) return;
        event.currentTarget.focus();
        if (expandable && !window.getSelection()?.toString()) onToggle();
      }}
    >
      <RowKey rowKey={node.key} expandable={expandable} expanded={expanded}>
        {node.key === null || typeof node.key === 'number' ? (
          keyText
        ) : (
          <Highlighted text={keyText} query={query} />
        )}
      </RowKey>
      <span className={classes.punct}>: </span>
      <ValueText node={node} text={valueText} query={query} expanded={expanded} />
      <span className={classes.actions}>
        <UnstyledButton
          className={classes.action}
          tabIndex={tabbable ? 0 : -1}
          onClick={onCopyPath}
        >
          Copy path
        </UnstyledButton>
        <UnstyledButton
          className={classes.action}
          tabIndex={tabbable ? 0 : -1}
          onClick={onCopyValue}
        >
          Copy value
        </UnstyledButton>
      </span>
    </div>
  );
}

function describeValue(node: TreeNode, expanded: boolean): string {
  if (node.kind === 'object' || node.kind === 'array')
    return describeContainer(node.kind, node.size);
  const display = nodeDisplay(node);
  return isLongString(node) && !expanded
    ? `${display.slice(0, STRING_CHUNK)}…`
    : display.slice(0, STRING_CHUNK);
}

function ValueText({
  node,
  text,
  query,
  expanded,
}: {
  node: TreeNode;
  text: string;
  query: string;
  expanded: boolean;
}) {
  if (node.kind === 'object' || node.kind === 'array') {
    return <span className={classes.summary}>{text}</span>;
  }
  const long = isLongString(node);
  return (
    <>
      <span className={classes[node.kind]}>
        <Highlighted text={text} query={query} />
      </span>
      {long && !expanded && (
        <span className={classes.more}>
          {formatCount(nodeDisplay(node).length)} chars, Enter or click shows all
        </span>
      )}
    </>
  );
}
