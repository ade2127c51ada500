/** The dashboard's entry point (bundled to `assets/app.js`). */
import { DashboardApp } from './app.ts';
import { loadEndpoints } from './runtime-config.ts';

function element(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error(`index.html has no #${id}`);
  return found;
}

const endpoints = await loadEndpoints();
new DashboardApp(
  {
    list: element('match-list'),
    main: element('match-view'),
    connection: element('connection'),
  },
  endpoints,
).start();
