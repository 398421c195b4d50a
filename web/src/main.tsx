import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app.js';
import { createI18n, initialLanguage } from './i18n/index.js';
import './styles.css';

const lng = initialLanguage();
document.documentElement.lang = lng;
const i18n = createI18n(lng);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <App />
    </I18nextProvider>
  </StrictMode>,
);
