import './app/mantine-styles';
import './app/contrast.css';

/**
 * The app's code is evaluated in stages, each a task of its own, instead of one module graph
 * evaluated in one task (20–24 ms of CPU in cold loads of the run page, which at this machine's
 * load waited for a core past 50 ms): React DOM and the libraries every page renders with
 * (Mantine's provider and layout, TanStack Router and Query), then the app (routes, features),
 * whose `startApp` builds the router and renders the first page in a task after that. (React
 * DOM in a stage of its own made two 3–4 ms tasks and cost the first lines one more wait.) Each stage's chunks are
 * preloaded by `<link rel="modulepreload">` in index.html (scripts/vite-boot-preload.ts), so
 * the stages cost no extra round trip. A stage that fails to load (a deploy replaced the
 * chunks) reloads nothing by itself: the error surfaces as before, in the console.
 */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function boot() {
  await import('./app/boot-libraries');
  await nextTask();
  const { startApp } = await import('./app/start');
  await nextTask();
  startApp();
}
void boot();
