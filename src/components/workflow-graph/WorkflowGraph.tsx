import { ScrollArea } from '@mantine/core';
import { useMemo, type CSSProperties, type ReactNode } from 'react';
import { StateIcon, stateAppearance, type RunState } from '../StatusBadge';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH, type GraphInput } from './model';
import classes from './WorkflowGraph.module.css';

export interface GraphNodeView {
  identifier: string;
  title?: string | undefined;
}

interface Props {
  nodes: GraphNodeView[];
  connections: GraphInput['connections'];
  /** Run state per node identifier; nodes without one are drawn as "not started". */
  states?: Record<string, RunState>;
  /** Extra text per node, e.g. its duration. */
  details?: Record<string, ReactNode>;
  selected?: string | null;
  /** With it, nodes are buttons that select themselves. */
  onSelect?: (identifier: string) => void;
}

const PAD = 6;

export function WorkflowGraph({ nodes, connections, states, details, selected, onSelect }: Props) {
  const layout = useMemo(() => layoutGraph({ nodes, connections }), [nodes, connections]);
  const byId = useMemo(() => new Map(nodes.map((n) => [n.identifier, n])), [nodes]);
  return (
    <ScrollArea type="auto" offsetScrollbars>
      <div
        className={classes.canvas}
        style={{ width: layout.width + 2 * PAD, height: layout.height + 2 * PAD }}
      >
        <svg
          width={layout.width + 2 * PAD}
          height={layout.height + 2 * PAD}
          style={{ position: 'absolute', inset: 0 }}
          aria-hidden="true"
        >
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 8 8"
              refX="7"
              refY="4"
              markerWidth="7"
              markerHeight="7"
              orient="auto"
            >
              <path d="M0,0 L8,4 L0,8 z" fill="var(--mantine-color-dimmed)" />
            </marker>
          </defs>
          <g transform={`translate(${PAD},${PAD})`}>
            {layout.edges.map((e) => (
              <path
                key={`${e.from}->${e.to}`}
                d={e.path}
                className={classes.edge}
                markerEnd="url(#arrow)"
              />
            ))}
          </g>
        </svg>
        {layout.nodes.map((placed) => {
          const node = byId.get(placed.id);
          const title = node?.title || placed.id;
          const state = states ? (states[placed.id] ?? 'not-started') : null;
          const look = stateAppearance(state ?? 'not-started');
          const style = {
            left: placed.x + PAD,
            top: placed.y + PAD,
            width: NODE_WIDTH,
            height: NODE_HEIGHT,
            // Gray "filled" is near-invisible on a dark body; dimmed text reads in both schemes.
            '--state-color':
              look.color === 'gray'
                ? 'var(--mantine-color-dimmed)'
                : `var(--mantine-color-${look.color}-filled)`,
            '--state-glow': `var(--mantine-color-${look.color}-light)`,
          } as CSSProperties;
          const content = (
            <>
              <span className={classes.title}>{title}</span>
              <span className={classes.meta}>
                {state && <StateIcon state={state} size={12} />}
                {state && look.label}
                {details?.[placed.id] && (
                  <span>
                    {state && '· '}
                    {details[placed.id]}
                  </span>
                )}
              </span>
            </>
          );
          return onSelect ? (
            <button
              key={placed.id}
              type="button"
              className={classes.node}
              style={style}
              data-state={state ?? 'none'}
              data-live={look.live}
              aria-label={state ? `${title}: ${look.label}` : title}
              aria-pressed={selected === placed.id}
              title={`${title}: ${look.label}`}
              onClick={() => onSelect(placed.id)}
            >
              {content}
            </button>
          ) : (
            <div
              key={placed.id}
              className={classes.node}
              style={style}
              data-state={state ?? 'none'}
              title={title}
            >
              {content}
            </div>
          );
        })}
      </div>
    </ScrollArea>
  );
}
