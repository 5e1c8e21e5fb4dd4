import './styles.css';
import { login } from './api';
import { loginError, startDashboard } from './app';
import { byId } from './dom';
import { initLang, lang, onLangChange, setLang, t } from './i18n';
import { clearSession, loadSession, saveSession, type Session } from './session';
import { formatDateTime } from './time';

type Layout = 'wall' | 'laptop';
const LAYOUT_KEY = 'lg.layout';

/**
 * The layout: `wall` (three columns, large type, for the command centre's video wall) or `laptop` (map and
 * a tabbed side panel). `?layout=wall` in the address wins (kiosk screens), then the last choice, then the
 * screen's width.
 */
function initialLayout(): Layout {
  const asked = new URLSearchParams(location.search).get('layout');
  if (asked === 'wall' || asked === 'laptop') return asked;
  try {
    const stored = localStorage.getItem(LAYOUT_KEY);
    if (stored === 'wall' || stored === 'laptop') return stored;
  } catch {
    // private mode
  }
  return window.innerWidth >= 2400 ? 'wall' : 'laptop';
}

function setLayout(layout: Layout, remember: boolean): void {
  document.body.dataset.layout = layout;
  const button = byId('layout-toggle');
  // The button offers the other layout.
  button.dataset.i18n = layout === 'wall' ? 'layout.laptop' : 'layout.wall';
  button.textContent = t(layout === 'wall' ? 'layout.laptop' : 'layout.wall');
  if (remember) {
    try {
      localStorage.setItem(LAYOUT_KEY, layout);
    } catch {
      // private mode
    }
  }
  window.dispatchEvent(new Event('resize'));
}

function paintLangButton(): void {
  const button = byId('lang-toggle');
  // The button names the other language in that language.
  button.textContent = lang() === 'en' ? '中文' : 'English';
  button.lang = lang() === 'en' ? 'zh-CN' : 'en';
}

function showUser(session: Session): void {
  const who = byId('who');
  const role =
    session.user.role === 'company' ? `${t('role.company')} ${session.user.company}` : t('role.operator');
  who.textContent = `${session.user.username} · ${role}`;
}

function logout(): void {
  clearSession();
  // A fresh page drops every connection, timer and listener of the session at once.
  location.reload();
}

async function enter(session: Session): Promise<void> {
  document.body.dataset.view = 'app';
  document.body.dataset.role = session.user.role;
  byId('login-view').hidden = true;
  byId('app-view').hidden = false;
  for (const id of ['summary', 'who', 'logout', 'layout-toggle']) byId(id).hidden = false;
  showUser(session);
  onLangChange(() => showUser(session));
  await startDashboard(session, logout);
  document.body.dataset.ready = 'true';
}

function main(): void {
  initLang();
  paintLangButton();
  setLayout(initialLayout(), false);

  byId('lang-toggle').addEventListener('click', () => {
    setLang(lang() === 'en' ? 'zh-CN' : 'en');
    paintLangButton();
  });
  byId('layout-toggle').addEventListener('click', () =>
    setLayout(document.body.dataset.layout === 'wall' ? 'laptop' : 'wall', true),
  );
  byId('logout').addEventListener('click', logout);
  const appView = byId('app-view');
  for (const b of appView.querySelectorAll<HTMLButtonElement>('.tabs button')) {
    b.addEventListener('click', () => (appView.dataset.tab = b.dataset.tab ?? 'alerts'));
  }

  const clock = byId('clock');
  const tick = () => (clock.textContent = formatDateTime(Date.now()));
  tick();
  window.setInterval(tick, 1000);

  const form = byId<HTMLFormElement>('login-form');
  const error = byId('login-error');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.value ?? '';
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    error.textContent = '';
    login(field('username'), field('password'))
      .then((result) => enter(saveSession(result)))
      .catch((err: unknown) => {
        error.textContent = loginError(err);
      })
      .finally(() => {
        if (button) button.disabled = false;
      });
  });

  const session = loadSession();
  if (session) {
    enter(session).catch((err: unknown) => {
      console.error(err);
      logout();
    });
  } else {
    form.querySelector('input')?.focus();
  }
}

main();
