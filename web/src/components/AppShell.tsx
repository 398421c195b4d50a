import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { User } from '../api/types.js';
import { applyLanguage, type Language } from '../i18n/language.js';
import { Link, usePath } from '../lib/router.js';
import { useSession, useUserTimeZone } from '../session.js';
import { shortZoneName } from '../lib/format.js';
import { NotificationBell } from '../features/notifications/NotificationBell.js';
import { LanguageSwitch } from './LanguageSwitch.js';
import { HandsLayer, RaiseHandButton } from '../features/hands/HandsLayer.js';
import { SearchBox } from '../features/search/SearchBox.js';
import { Shortcuts } from './Shortcuts.js';

function NavLink({ to, children, match }: { to: string; children: ReactNode; match?: string | string[] }) {
  const path = usePath();
  const active = path === to || (match !== undefined && [match].flat().some((m) => path.startsWith(m)));
  return (
    <Link to={to} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined}>
      {children}
    </Link>
  );
}

export function AppShell({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const { user, client, setUser, signOut } = useSession();
  const zone = useUserTimeZone();

  const changeLanguage = (lng: Language) => {
    void applyLanguage(i18n, lng);
    // Remember it on the profile too, so every device opens in this language.
    client
      .patch<User>(`/api/v1/users/${user.id}`, { locale: lng })
      .then(setUser)
      .catch(() => undefined);
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <Link to="/queues/mine" className="brand">
          {t('app.name')}
        </Link>
        <nav aria-label={t('app.mainNav')} className="topnav">
          <NavLink to="/queues/mine" match="/queues/">
            {t('nav.queues')}
          </NavLink>
          {/* Administrators have a crowded bar; they reach it from the queue tabs. */}
          {user.role !== 'admin' && (
            <NavLink to="/queues/escalated-to-me" match="/escalations/">
              {t('agent.nav.escalationsToMe')}
            </NavLink>
          )}
          {user.role === 'admin' && (
            <>
              <NavLink to="/admin/users">{t('nav.users')}</NavLink>
              <NavLink to="/admin/teams">{t('nav.teams')}</NavLink>
              <NavLink to="/admin/tokens">{t('nav.tokens')}</NavLink>
              <NavLink to="/admin/paths" match={['/admin/paths', '/admin/simulator', '/admin/calendars', '/admin/sla', '/admin/rotations', '/admin/channels', '/admin/services', '/admin/incident-settings', '/admin/audit']}>
                {t('nav.admin')}
              </NavLink>
            </>
          )}
          {['supervisor', 'manager', 'admin'].includes(user.role) && <NavLink to="/supervisor">{t('nav.board')}</NavLink>}
          <NavLink to="/incidents" match="/incidents/">{t('incidents.nav')}</NavLink>
          <NavLink to="/customers" match={['/customers', '/organizations']}>{t('directory.nav')}</NavLink>
          <NavLink to="/knowledge">{t('search.articles.nav')}</NavLink>
          <NavLink to="/macros">{t('macros.nav')}</NavLink>
          <NavLink to="/reports" match="/reports/">{t('reports.nav')}</NavLink>
          <NavLink to="/settings">{t('nav.settings')}</NavLink>
        </nav>
        <div className="topbar-right">
          <SearchBox />
          <RaiseHandButton />
          <NotificationBell />
          <LanguageSwitch onChange={changeLanguage} />
          <span className="who" title={`${user.email}\n${t('app.timesIn', { zone: zone })}`}>
            <span className="sr-only">
              {t('app.signedInAs', { name: user.name })} {t('app.timesIn', { zone: zone })}
            </span>
            <span aria-hidden="true">{user.name}</span>
            <span className="muted small" aria-hidden="true">
              {' '}
              · {t(`roles.${user.role}`)} · <span className="who-zone">{shortZoneName(i18n.language, zone)}</span>
            </span>
          </span>
          <button type="button" className="btn btn-quiet" onClick={() => void signOut()}>
            {t('app.signOut')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <HandsLayer />
      <Shortcuts />
    </div>
  );
}
