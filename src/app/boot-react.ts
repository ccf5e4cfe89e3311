/** main.tsx's first stage: React and React DOM evaluated in a task of their own. */
export { createRoot } from 'react-dom/client';
export { StrictMode } from 'react';
