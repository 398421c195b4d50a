import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app.js';
import { createConsoleI18n, initialLanguage } from './i18n/language.js';
import './styles.css';

const lng = initialLanguage();
document.documentElement.lang = lng;
// The first render waits for this language's core messages (their own small chunk).
const i18n = await createConsoleI18n(lng);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <App />
    </I18nextProvider>
  </StrictMode>,
);
