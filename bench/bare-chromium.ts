/**
 * Chromium driven over its DevTools pipe without Playwright, for benches whose figures Playwright
 * changes: Playwright enables the Runtime domain in every page it drives, and with it the V8
 * inspector has V8 capture a detailed stack trace (lines and columns) for every Error object
 * created. React DOM creates five at its module's top level (`SuspenseException`,
 * `SelectiveHydrationException`… sentinels, never thrown), so V8 collects the source positions
 * of the function creating them — React DOM's 210 KB CommonJS factory, re-parsed whole: 10–17 ms
 * of CPU inside the boot's libraries task (`V8.CollectSourcePositions`), which a browser without
 * DevTools attached never spends (s15boot: the same build's React DOM stage 1.9–2.3 ms without,
 * 11.8–12.7 with; `Runtime.enable` alone brings it, `Page`, `Network`, `Log` and `Debugger` do
 * not; a page whose 235 KB function only creates an `Error("sentinel")` pays 20 ms with Runtime
 * enabled, 0.1 without). Here a tab gets only what the bench needs: the Page domain (the init
 * script, the navigation) and `Runtime.evaluate` (reading what the init script recorded), never
 * `Runtime.enable`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/chromium';
import type { TraceEvent } from './trace-events';

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

export class BareChromium {
  private nextId = 0;
  private readonly pending = new Map<number, (m: Message) => void>();
  private readonly listeners = new Set<(m: Message) => void>();
  private buffer = '';

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const input = child.stdio[4] as Readable;
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => {
      this.buffer += chunk;
      let end;
      while ((end = this.buffer.indexOf('\0')) >= 0) {
        const message = JSON.parse(this.buffer.slice(0, end)) as Message;
        this.buffer = this.buffer.slice(end + 1);
        const reply = message.id === undefined ? undefined : this.pending.get(message.id);
        if (reply) {
          this.pending.delete(message.id!);
          reply(message);
        } else for (const listener of this.listeners) listener(message);
      }
    });
  }

  /** Headless Chromium as the benches launch it, its window the benches' 1400 × 900. */
  static launch() {
    const profile = mkdtempSync(path.join(tmpdir(), 'rb-bare-chromium-'));
    const child = spawn(
      CHROMIUM_EXECUTABLE,
      [
        ...CHROMIUM_ARGS,
        '--headless',
        '--hide-scrollbars',
        '--no-first-run',
        '--no-default-browser-check',
        '--window-size=1400,900',
        '--remote-debugging-pipe',
        `--user-data-dir=${profile}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    return new BareChromium(child, profile);
  }

  /** The browser process's id (for bench/sched-sampler.ts). */
  get pid() {
    return this.child.pid!;
  }

  async send<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<T> {
    const id = ++this.nextId;
    const reply = new Promise<Message>((resolve) => this.pending.set(id, resolve));
    (this.child.stdio[3] as Writable).write(
      `${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`,
    );
    const message = await reply;
    if (message.error) throw new Error(`${method}: ${message.error.message}`);
    return message.result as T;
  }

  /** A browser context holding the given cookies (e.g. the dashboard's session). */
  async newContext(cookies: { name: string; value: string; url: string }[]) {
    const { browserContextId } = await this.send<{ browserContextId: string }>(
      'Target.createBrowserContext',
    );
    await this.send('Storage.setCookies', { cookies, browserContextId });
    return browserContextId;
  }

  /**
   * A new tab of the context, `initScript` run in every document it loads (as Playwright's
   * addInitScript). Only the Page domain is enabled; `evaluate` uses `Runtime.evaluate`, which
   * does not enable the Runtime domain.
   */
  async newTab(browserContextId: string, initScript: string): Promise<BareTab> {
    const { targetId } = await this.send<{ targetId: string }>('Target.createTarget', {
      url: 'about:blank',
      browserContextId,
    });
    const { sessionId } = await this.send<{ sessionId: string }>('Target.attachToTarget', {
      targetId,
      flatten: true,
    });
    await this.send('Page.enable', {}, sessionId);
    await this.send('Page.addScriptToEvaluateOnNewDocument', { source: initScript }, sessionId);
    return new BareTab(this, targetId, sessionId);
  }

  /** Records the browser's trace (`categories`) while `during` runs; resolves its events. */
  async trace(categories: string[], during: () => Promise<void>) {
    const events: TraceEvent[] = [];
    let complete!: () => void;
    const completed = new Promise<void>((resolve) => (complete = resolve));
    const listener = (m: Message) => {
      if (m.method === 'Tracing.dataCollected') events.push(...(m.params!.value as TraceEvent[]));
      else if (m.method === 'Tracing.tracingComplete') complete();
    };
    this.listeners.add(listener);
    await this.send('Tracing.start', {
      traceConfig: {
        includedCategories: categories.filter((c) => !c.startsWith('-')),
        excludedCategories: ['*'],
      },
      transferMode: 'ReportEvents',
    });
    try {
      await during();
    } finally {
      await this.send('Tracing.end');
      await completed;
      this.listeners.delete(listener);
    }
    return events;
  }

  /**
   * Traces a cold load of `url` in a new tab of the context: `initScript` runs in every document
   * of the tab (as Playwright's addInitScript), `until` is an expression polled every 100 ms
   * until it is truthy (60 s at most), then `settle` ms pass; returns the trace's events and
   * the value of `read`.
   */
  async tracedLoad(options: {
    browserContextId: string;
    url: string;
    categories: string[];
    initScript: string;
    until: string | null;
    settle: number;
    read: string;
  }) {
    const tab = await this.newTab(options.browserContextId, options.initScript);
    let read: unknown;
    const events = await this.trace(options.categories, async () => {
      await tab.navigate(options.url);
      if (options.until) await tab.waitFor(options.until);
      await new Promise((resolve) => setTimeout(resolve, options.settle));
      read = await tab.evaluate(options.read);
    });
    await tab.close();
    return { events, read };
  }

  async close() {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.send('Browser.close').catch(() => undefined);
    await exited;
    rmSync(this.profile, { recursive: true, force: true });
  }
}

/** A tab of a BareChromium: navigation and script evaluation, nothing that enables Runtime. */
export class BareTab {
  constructor(
    private readonly chromium: BareChromium,
    private readonly targetId: string,
    private readonly sessionId: string,
  ) {}

  /** Navigates and waits for the new document's load event (as Playwright's `goto`). */
  goto(url: string) {
    return this.navigate(url);
  }

  /** Navigates and waits for the new document's load event (as Playwright's `goto`). */
  async navigate(url: string) {
    const { loaderId, errorText } = await this.chromium.send<{
      loaderId?: string;
      errorText?: string;
    }>('Page.navigate', { url }, this.sessionId);
    if (errorText) throw new Error(`${url}: ${errorText}`);
    // Page.navigate answers once the new document is committed (loaderId set for a new one).
    if (loaderId) await this.waitFor(`document.readyState === 'complete'`);
  }

  /** The value of `expression` in the page (awaited if it is a promise), by value. */
  async evaluate<T = unknown>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.chromium.send<{
      result: { value?: unknown };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    }>('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, this.sessionId);
    if (exceptionDetails)
      throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    return result.value as T;
  }

  /** Polls `expression` every 100 ms until it is truthy. */
  async waitFor(expression: string, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await this.evaluate(expression).catch(() => undefined))) {
      if (Date.now() > deadline) throw new Error(`${expression} never held`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async close() {
    await this.chromium.send('Target.closeTarget', { targetId: this.targetId });
  }
}

/** The dashboard's session cookie for `base`: a bearer token exchanged as the browser does. */
export async function sessionCookies(
  base: string,
  credentials: { clientId: string; clientSecret: string },
) {
  const res = await fetch(`${base}/v1/auth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  const { accessToken } = (await res.json()) as { accessToken: string };
  const session = await fetch(`${base}/v1/auth/session`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return session.headers.getSetCookie().map((header) => {
    const [pair] = header.split(';');
    const at = pair!.indexOf('=');
    return { name: pair!.slice(0, at), value: pair!.slice(at + 1), url: base };
  });
}
