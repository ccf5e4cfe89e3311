import type { ReactNode } from 'react';
import type { RunState } from '../StatusBadge';
import type { GraphInput } from './model';

export interface GraphNodeView {
  identifier: string;
  title?: string | undefined;
}

export interface WorkflowGraphProps {
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
