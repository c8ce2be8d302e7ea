import './zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createStudioApi } from './api/create-api';
import { App } from './app';
import { connectBridge } from './store/bridge';
import { connectProjectSaver } from './store/project-slice';
import { StudioProvider } from './store/store-context';
import { createStudioStore } from './store/studio-store';
import './styles/app.css';

const { api, onConnectionChange } = createStudioApi();
const store = createStudioStore(api);
connectBridge(api, store);
connectProjectSaver(store, (project) => api.request('project:save', project));
let initialized = false;
onConnectionChange((state) => {
  store.getState().setConnection(state);
  // Load on the first connection only; later reconnects keep what the user already has.
  if (state === 'open' && !initialized) {
    initialized = true;
    void store.getState().initialize();
  }
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <StudioProvider store={store}>
      <App />
    </StudioProvider>
  </StrictMode>,
);
