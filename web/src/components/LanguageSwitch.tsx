import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, isLanguage, type Language } from '../i18n/language.js';

/** Language picker; `onChange` persists the choice (to the user's profile when signed in). */
export function LanguageSwitch({ onChange }: { onChange: (lng: Language) => void }) {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <span className="lang-switch">
      <label htmlFor={id}>{t('app.language')}</label>
      <select id={id} value={i18n.language} onChange={(e) => isLanguage(e.target.value) && onChange(e.target.value)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`languages.${l}`)}
          </option>
        ))}
      </select>
    </span>
  );
}
