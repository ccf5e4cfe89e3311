import { Button, Loader, Menu, TextInput } from '@mantine/core';
import type { KeyboardEvent } from 'react';
import { LOG_LEVELS, type LogCounts } from '../../../contract/workflows';
import type { LogViewState } from '../../lib/log-search';
import { LEVEL_COLORS } from './LogRow';
import classes from './LogViewer.module.css';
import { formatCount, matchLabel, partialMatchLabel, toggleLevel } from './model';

interface Props {
  state: LogViewState;
  onStateChange: (patch: Partial<LogViewState>) => void;
  counts: LogCounts | undefined;
  live: boolean;
  /** The search box's text, ahead of the URL's `q` while typing. */
  draft: string;
  onDraftChange: (draft: string) => void;
  onSearchKeyDown: (e: KeyboardEvent<HTMLInputElement>) => void;
  /** Null: no search; null total: still counting (`atLeast`: the matches counted so far). */
  search: { current: number | null; total: number | null; atLeast: number | null } | null;
  onStep: (direction: 1 | -1) => void;
  onCopy: () => void;
  /** Downloads the whole log, or (`filtered`) the lines at the chosen levels matching the search. */
  onDownload: (filtered: boolean) => void;
  onJumpToEnd: () => void;
}

/**
 * Level chips with counts, search with previous/next, "k of N" and "Only matching" (grep mode),
 * follow, then wrap, copy, download and end: in one row when the viewer is wide, and when it is
 * narrow (a phone) in rows that push the lines down, the last four folded into a "More" menu.
 */
export function LogToolbar({
  state,
  onStateChange,
  counts,
  live,
  draft,
  onDraftChange,
  onSearchKeyDown,
  search,
  onStep,
  onCopy,
  onDownload,
  onJumpToEnd,
}: Props) {
  const matchTotal = search?.total ?? null;
  const filtered = state.q !== '' || state.levels.length > 0;
  return (
    <div className={classes.toolbar} role="group" aria-label="Log tools">
      <div role="group" aria-label="Levels" className={classes.levels}>
        {LOG_LEVELS.map((level) => {
          const pressed = state.levels.includes(level);
          const count = counts?.[level];
          return (
            <Button
              key={level}
              size="compact-xs"
              color={LEVEL_COLORS[level]}
              variant={pressed ? 'filled' : 'light'}
              aria-pressed={pressed}
              aria-label={count === undefined ? level : `${level} ${count}`}
              onClick={() => onStateChange({ levels: toggleLevel(state.levels, level) })}
            >
              {level}
              {count !== undefined && (
                <span style={{ marginLeft: 6, opacity: 0.8 }}>{formatCount(count)}</span>
              )}
            </Button>
          );
        })}
      </div>
      <TextInput
        size="xs"
        placeholder="Search logs"
        aria-label="Search logs"
        value={draft}
        onChange={(e) => onDraftChange(e.currentTarget.value)}
        onKeyDown={onSearchKeyDown}
        style={{ flex: '1 1 160px', maxWidth: 320 }}
      />
      <Button
        size="compact-xs"
        variant="default"
        aria-label="Previous match"
        disabled={!matchTotal}
        onClick={() => onStep(-1)}
      >
        ↑
      </Button>
      <Button
        size="compact-xs"
        variant="default"
        aria-label="Next match"
        disabled={!matchTotal}
        onClick={() => onStep(1)}
      >
        ↓
      </Button>
      {search && (
        <span aria-live="polite" style={{ fontSize: 12, minWidth: '7ch' }}>
          {matchTotal !== null ? (
            matchLabel(search.current, matchTotal)
          ) : search.atLeast !== null ? (
            <>
              {partialMatchLabel(search.current, search.atLeast)} <Loader size={10} />
            </>
          ) : (
            <Loader size={12} />
          )}
        </span>
      )}
      <Button
        size="compact-xs"
        variant={state.grep ? 'filled' : 'default'}
        aria-pressed={state.grep}
        title="Show only the lines that match the search"
        onClick={() => onStateChange({ grep: !state.grep })}
      >
        Only matching
      </Button>
      <div className={classes.toolbarEnd}>
        {live && (
          <Button
            size="compact-xs"
            variant={state.follow ? 'filled' : 'default'}
            aria-pressed={state.follow}
            onClick={() => {
              if (state.follow) onStateChange({ follow: false });
              else onJumpToEnd();
            }}
          >
            Follow
          </Button>
        )}
        <div className={classes.wideTools}>
          <Button
            size="compact-xs"
            variant={state.wrap ? 'filled' : 'default'}
            aria-pressed={state.wrap}
            onClick={() => onStateChange({ wrap: !state.wrap })}
          >
            Wrap lines
          </Button>
          <Button size="compact-xs" variant="default" onClick={onCopy}>
            Copy logs
          </Button>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button size="compact-xs" variant="default">
                Download
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <DownloadItems filtered={filtered} onDownload={onDownload} />
            </Menu.Dropdown>
          </Menu>
          <Button size="compact-xs" variant="default" onClick={onJumpToEnd}>
            Jump to end
          </Button>
        </div>
        {/* A narrow viewer (a phone) folds the secondary tools into one menu (CSS shows one or the other). */}
        <div className={classes.narrowTools}>
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button size="compact-xs" variant="default" aria-label="More log tools">
                More
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => onStateChange({ wrap: !state.wrap })}>
                {state.wrap ? 'Stop wrapping lines' : 'Wrap lines'}
              </Menu.Item>
              <Menu.Item onClick={onCopy}>Copy logs</Menu.Item>
              <Menu.Item onClick={onJumpToEnd}>Jump to end</Menu.Item>
              <Menu.Label>Download</Menu.Label>
              <DownloadItems filtered={filtered} onDownload={onDownload} />
            </Menu.Dropdown>
          </Menu>
        </div>
      </div>
    </div>
  );
}

/** The two downloads, in the wide toolbar's Download menu and the narrow one's More menu. */
function DownloadItems({
  filtered,
  onDownload,
}: {
  filtered: boolean;
  onDownload: (filtered: boolean) => void;
}) {
  return (
    <>
      <Menu.Item onClick={() => onDownload(false)}>All lines</Menu.Item>
      <Menu.Item disabled={!filtered} onClick={() => onDownload(true)}>
        Lines matching the levels and search
      </Menu.Item>
    </>
  );
}
