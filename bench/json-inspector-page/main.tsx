import '@mantine/core/styles.css';
import { MantineProvider } from '@mantine/core';
import { createRoot, type Root } from 'react-dom/client';
import { JsonInspector } from '../../src/components/json-inspector';
import { generateOutput } from './generate';

declare global {
  interface Window {
    bench: {
      generate(bytes: number): number;
      mount(scheme: 'light' | 'dark'): Promise<number>;
      unmount(): void;
    };
  }
}

let value: unknown = null;
let root: Root | null = null;

const rootVisible = (start: number) =>
  new Promise<number>((resolve) => {
    const check = () => {
      if (document.querySelector('[role="treeitem"]')) resolve(performance.now() - start);
      else requestAnimationFrame(check);
    };
    check();
  });

window.bench = {
  generate(bytes) {
    value = generateOutput(bytes);
    return JSON.stringify(value).length;
  },
  mount(scheme) {
    const start = performance.now();
    root = createRoot(document.getElementById('root')!);
    root.render(
      <MantineProvider forceColorScheme={scheme}>
        <div style={{ padding: 16 }}>
          <JsonInspector value={value} rootPath=".outputs" height={640} />
        </div>
      </MantineProvider>,
    );
    return rootVisible(start);
  },
  unmount() {
    root?.unmount();
    root = null;
  },
};
